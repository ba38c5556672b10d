"""One leader among processes of the same kind (the relay): a PostgreSQL advisory lock held on
a connection of its own, or, on the embedded default, an exclusive lock on a file in the data
folder. The lock goes with the process: a leader that dies, even by SIGKILL, frees it."""

from __future__ import annotations

import fcntl
import zlib
from typing import Any

from shared.config import Settings


class Leadership:
    def __init__(self, settings: Settings, name: str) -> None:
        self.settings = settings
        self.name = name
        self._held: Any = None

    def acquire(self) -> bool:
        """True when this process leads (now or already); never blocks."""
        if self._held is not None:
            return True
        if self.settings.uses_postgres:
            import psycopg

            connection = psycopg.connect(self.settings.database_url, autocommit=True, connect_timeout=5)
            key = zlib.crc32(f"zorgvuldig:{self.name}".encode())
            row = connection.execute("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone()
            if row and row[0]:
                self._held = connection
                return True
            connection.close()
            return False
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        handle = (self.settings.data_dir / f"{self.name}.lock").open("a")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._held = handle
        return True

    def still_leading(self) -> bool:
        """False once the lock is lost (the database connection that held it broke)."""
        if self._held is None:
            return False
        if self.settings.uses_postgres:
            try:
                self._held.execute("SELECT 1")
            except Exception:
                self.release()
                return False
        return True

    def release(self) -> None:
        if self._held is not None:
            try:
                self._held.close()
            finally:
                self._held = None
