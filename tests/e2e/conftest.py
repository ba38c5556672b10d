"""Every system test reads the logs its processes wrote: a message the broker handed out half
written (`JSONDecodeError`) or a letter the relay had to offer again because no outcome came in
time is a failure, even when the letter arrived in the end."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

FORBIDDEN = {
    "JSONDecodeError": "de broker gaf een half geschreven bericht af",
    "opnieuw aangeboden": "de relay bood een brief opnieuw aan omdat er op tijd geen uitkomst was",
}


def troubles_in_logs(folder: Path, *, resends_allowed: bool = False) -> list[str]:
    """Each forbidden line in the *.log files under the folder, with its file and reason."""
    found = []
    for log in sorted(folder.rglob("*.log")):
        for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
            for marker, reason in FORBIDDEN.items():
                if marker in line and not (resends_allowed and marker == "opnieuw aangeboden"):
                    found.append(f"{log.name}: {reason}: {line.strip()[:300]}")
    return found


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "resends_allowed(reason): the test kills processes, so the relay may offer a letter again"
    )


@pytest.fixture(autouse=True)
def _logs_are_clean(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[None]:
    yield
    allowed = request.node.get_closest_marker("resends_allowed") is not None
    troubles = troubles_in_logs(tmp_path, resends_allowed=allowed)
    assert not troubles, "In de logboeken van de processen:\n" + "\n".join(troubles)
