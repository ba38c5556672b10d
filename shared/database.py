"""The small stores beside the event store (accounts, positions, the notifier's ledger, the
reports): a SQLite file in the data folder by default, the configured PostgreSQL otherwise."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from shared.config import Settings


class Database:
    def __init__(self, settings: Settings, sqlite_file: str) -> None:
        self.settings = settings
        self.sqlite_file = sqlite_file
        self.postgres = settings.uses_postgres

    @contextmanager
    def connect(self) -> Iterator[Any]:
        """A connection in a transaction: committed when the block ends, rolled back on error."""
        if self.postgres:
            import psycopg

            with psycopg.connect(self.settings.database_url, connect_timeout=5) as connection:
                yield connection
            return
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.settings.data_dir / self.sqlite_file, timeout=10)
        try:
            with connection:
                yield connection
        finally:
            connection.close()

    def sql(self, statement: str) -> str:
        """The statement with the placeholders of this database (? for SQLite, %s for psycopg)."""
        return statement.replace("?", "%s") if self.postgres else statement
