"""The letters the relay published whose outcome is not recorded yet.

A broker's delivery can be lost when a process dies at the wrong moment (kombu's embedded
transports drop a message a consumer fetched and never acknowledged). So the rule is end to
end: what the relay published and no outcome settled within `resend_after` seconds is
published again, with the same message_id, at growing intervals; the notifier's ledger makes
the copy harmless. The outbox keeps only which letter and when: the message itself is made
again from the letter's stream, so no address or name waits here, and a letter is forgotten
as soon as its outcome is recorded. A SQLite file in the data folder, or a table in PostgreSQL.
"""

from __future__ import annotations

from shared.config import Settings
from shared.database import Database

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS relay_letters (message_id TEXT PRIMARY KEY, letter_id TEXT NOT NULL,"
    " published_at DOUBLE PRECISION NOT NULL, resends INTEGER NOT NULL DEFAULT 0)"
)
_INDEXES = (
    "CREATE INDEX IF NOT EXISTS relay_letters_published ON relay_letters (published_at)",
    "CREATE INDEX IF NOT EXISTS relay_letters_letter ON relay_letters (letter_id)",
)
MAX_DOUBLINGS = 4  # at most 16 × resend_after between two copies


class Outbox:
    def __init__(self, settings: Settings) -> None:
        self.db = Database(settings, "relay.sqlite")
        with self.db.schema() as db:
            db.execute(_SCHEMA)
            for index in _INDEXES:
                db.execute(index)

    def published(self, message_id: str, letter_id: str, now: float) -> None:
        with self.db.connect() as db:
            db.execute(
                self.db.sql(
                    "INSERT INTO relay_letters (message_id, letter_id, published_at) VALUES (?, ?, ?)"
                    " ON CONFLICT (message_id) DO NOTHING"
                ),
                (message_id, letter_id, now),
            )

    def settle(self, letter_id: str) -> None:
        """An outcome (sent or failed) is recorded: no more copies, nothing kept."""
        with self.db.connect() as db:
            db.execute(self.db.sql("DELETE FROM relay_letters WHERE letter_id = ?"), (letter_id,))

    def due(self, now: float, resend_after: float, limit: int = 100) -> list[tuple[str, str]]:
        """(message_id, letter_id) of what waited too long for an outcome."""
        with self.db.connect() as db:
            rows = db.execute(
                self.db.sql(
                    "SELECT message_id, letter_id, published_at, resends FROM relay_letters"
                    " WHERE published_at < ? ORDER BY published_at LIMIT ?"
                ),
                (now - resend_after, limit * 4),
            ).fetchall()
        due = [
            (str(m), str(letter))
            for m, letter, at, resends in rows
            if at + resend_after * 2 ** min(int(resends), MAX_DOUBLINGS) <= now
        ]
        return due[:limit]

    def resent(self, message_id: str, now: float) -> None:
        with self.db.connect() as db:
            db.execute(
                self.db.sql(
                    "UPDATE relay_letters SET published_at = ?, resends = resends + 1 WHERE message_id = ?"
                ),
                (now, message_id),
            )

    def waiting(self) -> int:
        with self.db.connect() as db:
            row = db.execute("SELECT COUNT(*) FROM relay_letters").fetchone()
        return int(row[0])
