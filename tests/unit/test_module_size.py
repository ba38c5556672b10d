"""No module of the services or the shared code grows past 500 lines: past that, it is split
along the domain (domain/letters.py, domain/people.py, web/letters/), not by technical layer."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAX_LINES = 500


def test_no_module_in_services_or_shared_is_past_500_lines() -> None:
    modules = sorted(p for folder in ("services", "shared") for p in (ROOT / folder).rglob("*.py"))
    assert len(modules) > 50
    too_long = {
        str(path.relative_to(ROOT)): lines
        for path in modules
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert too_long == {}
