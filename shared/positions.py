"""Where a follower of the event log stands: one number per follower, kept durably.

The relay saves its position after the broker confirmed; a crash in between publishes the
same message again with the same message_id, which the notifier deduplicates.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from shared.config import Settings


class Positions:
    """Positions in a SQLite file in the data folder, or a table in PostgreSQL."""

    def __init__(self, settings: Settings, *, file_name: str = "posities.sqlite") -> None:
        self.settings = settings
        self.file_name = file_name
        with self._db() as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS follower_positions (name TEXT PRIMARY KEY, position BIGINT)"
            )

    @contextmanager
    def _db(self) -> Iterator[Any]:
        if self.settings.uses_postgres:
            import psycopg

            with psycopg.connect(self.settings.database_url, connect_timeout=5) as connection:
                yield connection
        else:
            connection = sqlite3.connect(self.settings.data_dir / self.file_name, timeout=10)
            try:
                with connection:
                    yield connection
            finally:
                connection.close()

    def _q(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.settings.uses_postgres else sql

    def get(self, name: str) -> int:
        with self._db() as db:
            row = db.execute(
                self._q("SELECT position FROM follower_positions WHERE name = ?"), (name,)
            ).fetchone()
        return int(row[0]) if row else 0

    def save(self, name: str, position: int) -> None:
        with self._db() as db:
            db.execute(
                self._q(
                    "INSERT INTO follower_positions (name, position) VALUES (?, ?) "
                    "ON CONFLICT (name) DO UPDATE SET position = excluded.position"
                ),
                (name, position),
            )
