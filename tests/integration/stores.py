"""The real event stores the integration tests run on: a SQLite file and PostgreSQL.

Both are configured exactly as a process configures them, through `shared.config`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.config import load_settings

STORES = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.integration),
]


def store_env(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    """The eventsourcing environment of a fresh, empty store of this kind."""
    if kind == "sqlite":
        return load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path)}).event_store_env()
    url = request.getfixturevalue("postgres_url")
    return load_settings({"ZORGVULDIG_DATABASE_URL": url}).event_store_env()
