"""The small stores beside the event store (accounts, positions, the notifier's ledger, the
reports): a SQLite file in the data folder by default, the configured PostgreSQL otherwise."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from shared.config import Settings

_POOLS: dict[str, Any] = {}
# One writer at a time per SQLite file and process (see Database._writer).
_WRITERS: dict[tuple[int, str], threading.RLock] = {}
SCHEMA_LOCK = 0x5A6F7267  # the advisory lock that serialises creating tables ("Zorg")
_POOLS_LOCK = threading.Lock()


def _pool(url: str) -> Any:
    """One small pool of connections per database and process: a page reads several of these
    stores, and a new PostgreSQL connection each time costs more than the query."""
    with _POOLS_LOCK:
        if url not in _POOLS:
            from psycopg_pool import ConnectionPool

            _POOLS[url] = ConnectionPool(
                url, min_size=0, max_size=8, max_idle=60, kwargs={"connect_timeout": 5}, open=True
            )
        return _POOLS[url]


class Database:
    def __init__(self, settings: Settings, sqlite_file: str, *, kept_open: bool = False) -> None:
        """kept_open: on SQLite, each thread keeps its connection and the file is in WAL mode,
        for a store written many times a second (the notifier's ledger): a commit then costs
        one write to the log, not a new connection, a journal and a checkpoint."""
        self.settings = settings
        self.sqlite_file = sqlite_file
        self.postgres = settings.uses_postgres
        self.kept_open = kept_open and not self.postgres
        self._local = threading.local()
        self._turns: tuple[int, threading.RLock] | None = None  # (process, its lock on the file)

    @contextmanager
    def connect(self) -> Iterator[Any]:
        """A connection in a transaction: committed when the block ends, rolled back on error."""
        if self.postgres:
            with _pool(self.settings.database_url).connection(timeout=10) as connection:
                yield connection
            return
        if self.kept_open:
            with self._writer(), self._kept() as connection:
                yield connection
            return
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.settings.data_dir / self.sqlite_file, timeout=10)
        try:
            with connection:
                yield connection
        finally:
            connection.close()

    def _writer(self) -> threading.RLock:
        """The threads of a process take turns on a kept-open file: SQLite lets one write at a
        time, and a thread that finds the file busy sleeps 1, 2, 5, 10 ms and more before it
        tries again, however short the other's transaction (the notifier's ledger writes each
        acceptance in a fraction of a millisecond, and every millisecond of waiting widens
        the window in which a killed notifier leaves a second copy). A lock hands over at once.
        Keyed by process too: a lock held at a fork stays held in the child."""
        turns = self._turns
        if turns is None or turns[0] != os.getpid():
            key = (os.getpid(), str(self.settings.data_dir / self.sqlite_file))
            with _POOLS_LOCK:
                turns = (os.getpid(), _WRITERS.setdefault(key, threading.RLock()))
            self._turns = turns
        return turns[1]

    def _kept(self) -> sqlite3.Connection:
        kept = getattr(self._local, "connection", None)
        if kept is None or kept[0] != os.getpid():  # never a connection from before a fork
            self.settings.data_dir.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.settings.data_dir / self.sqlite_file, timeout=10)
            connection.execute("PRAGMA journal_mode=WAL")
            # In WAL mode a commit survives a killed process without waiting for the disk; only
            # a power cut can lose the last ones (then the mail server's Message-ID is the guard).
            connection.execute("PRAGMA synchronous=NORMAL")
            kept = (os.getpid(), connection)
            self._local.connection = kept
        return kept[1]

    @contextmanager
    def schema(self) -> Iterator[Any]:
        """A connection for creating tables, one process at a time: on PostgreSQL two processes
        that start together and both run CREATE TABLE IF NOT EXISTS can collide (a duplicate
        key in pg_type), so each first takes the same advisory lock, held until its commit."""
        with self.connect() as db:
            if self.postgres:
                db.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
            yield db

    def sql(self, statement: str) -> str:
        """The statement with the placeholders of this database (? for SQLite, %s for psycopg)."""
        return statement.replace("?", "%s") if self.postgres else statement

    def insert_many(
        self, db: Any, into: str, types: tuple[str, ...], rows: list[tuple[Any, ...]], then: str = ""
    ) -> None:
        """INSERT INTO `into` ("table (columns)") of many rows at once, `then` being what follows
        (ON CONFLICT ...). PostgreSQL gets one statement with an array per column: executemany
        costs it a round trip per row. SQLite, inside the process, takes executemany."""
        if not rows:
            return
        if self.postgres:
            arrays = ", ".join(f"%b::{kind}[]" for kind in types)  # binary: JSON is sent unquoted
            columns = [list(column) for column in zip(*rows, strict=True)]
            db.execute(f"INSERT INTO {into} SELECT * FROM unnest({arrays}) {then}", columns)  # noqa: S608 - fixed names
        else:
            marks = ", ".join("?" * len(types))
            db.executemany(f"INSERT INTO {into} VALUES ({marks}) {then}", rows)  # noqa: S608 - fixed names

    def delete_many(self, db: Any, table: str, column: str, values: list[Any]) -> None:
        """DELETE FROM `table` every row whose `column` is one of `values`, in one statement on
        PostgreSQL."""
        if not values:
            return
        if self.postgres:
            db.execute(f"DELETE FROM {table} WHERE {column} = ANY(%s)", (values,))  # noqa: S608 - fixed names
        else:
            db.executemany(f"DELETE FROM {table} WHERE {column} = ?", [(v,) for v in values])  # noqa: S608
