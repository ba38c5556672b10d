"""Where a follower of the event log stands: one number per follower, kept durably.

The relay saves its position after the broker confirmed; a crash in between publishes the
same message again with the same message_id, which the notifier deduplicates.
"""

from __future__ import annotations

from shared.config import Settings
from shared.database import Database


class Positions:
    """Positions in a SQLite file in the data folder, or a table in PostgreSQL."""

    def __init__(self, settings: Settings, *, file_name: str = "posities.sqlite") -> None:
        self.settings = settings
        self.db = Database(settings, file_name)
        with self.db.schema() as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS follower_positions (name TEXT PRIMARY KEY, position BIGINT)"
            )

    def get(self, name: str) -> int:
        with self.db.connect() as db:
            row = db.execute(
                self.db.sql("SELECT position FROM follower_positions WHERE name = ?"), (name,)
            ).fetchone()
        return int(row[0]) if row else 0

    def save(self, name: str, position: int) -> None:
        with self.db.connect() as db:
            db.execute(
                self.db.sql(
                    "INSERT INTO follower_positions (name, position) VALUES (?, ?) "
                    "ON CONFLICT (name) DO UPDATE SET position = excluded.position"
                ),
                (name, position),
            )
