# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test install lint bench clean

NODE_TOOLS := tests/e2e/node

install: $(VENV)/.installed $(NODE_TOOLS)/node_modules/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@echo "Naamlijsten van de privacycontrole (deduce) opbouwen; de eerste keer duurt dit enkele minuten."
	$(BIN)/python -c "from deduce import Deduce; Deduce()"
	touch $@

# Node tools for the browser tests (a certified OpenID provider, axe-core), pinned in the
# lock file and kept in a git-ignored folder. Without npm the tests that need them fail in CI.
$(NODE_TOOLS)/node_modules/.installed: $(NODE_TOOLS)/package.json $(NODE_TOOLS)/package-lock.json
	@if command -v npm >/dev/null; then \
		npm ci --prefix $(NODE_TOOLS) --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm ontbreekt: de browsertests met OpenID en axe-core worden overgeslagen."; fi

## Start het hele systeem (web, relay, notifier, rapportage, mailcatcher) op ingebouwde standaarden.
run: install
	$(BIN)/python -m services

## Installeer alles en draai alle tests.
test: install
	$(BIN)/ruff check services shared tests bench
	$(BIN)/ruff format --check services shared tests bench
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) data .pytest_cache
