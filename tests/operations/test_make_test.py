"""`make test` is the one command that says whether a change may land: it checks the types too."""

from __future__ import annotations

from pathlib import Path

MAKEFILE = Path(__file__).resolve().parents[2] / "Makefile"


def recipe(target: str) -> list[str]:
    lines = MAKEFILE.read_text(encoding="utf-8").splitlines()
    start = lines.index(next(line for line in lines if line.startswith(f"{target}:"))) + 1
    steps = []
    for line in lines[start:]:
        if not line.startswith("\t"):
            break
        steps.append(line.strip())
    return steps


def test_make_test_checks_types_after_the_import_rules_and_before_pytest() -> None:
    tools = [step.split()[0].removeprefix("$(BIN)/") for step in recipe("test")]
    assert tools.index("lint-imports") < tools.index("mypy") < tools.index("python")
    assert "-m pytest" in recipe("test")[tools.index("python")]


def test_make_test_checks_the_formatting_before_anything_runs() -> None:
    steps = recipe("test")
    assert steps.index("$(BIN)/ruff format --check services shared tests bench") < steps.index("$(BIN)/mypy")
