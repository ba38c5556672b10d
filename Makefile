# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test install lint bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@echo "Naamlijsten van de privacycontrole (deduce) opbouwen; de eerste keer duurt dit enkele minuten."
	$(BIN)/python -c "from deduce import Deduce; Deduce()"
	touch $@

## Start het hele systeem (web, relay, notifier, rapportage, mailcatcher) op ingebouwde standaarden.
run: install
	$(BIN)/python -m services

## Installeer alles en draai alle tests.
test: install
	$(BIN)/ruff check services shared tests bench
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) data .pytest_cache
