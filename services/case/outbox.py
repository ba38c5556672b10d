"""The letter requests the relay published whose outcome is not recorded yet.

A broker's delivery can be lost when a process dies at the wrong moment (kombu's embedded
transports drop a message a consumer fetched and never acknowledged). So the rule is end to
end: what the relay published and no outcome settled within `resend_after` seconds is
published again, with the same message_id, at growing intervals; the notifier's ledger makes
the copy harmless. A SQLite file in the data folder, or a table in PostgreSQL.
"""

from __future__ import annotations

from shared.config import Settings
from shared.database import Database

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS relay_outbox (message_id TEXT PRIMARY KEY, incident_id TEXT NOT NULL,"
    " request_version INTEGER NOT NULL, body TEXT NOT NULL, published_at DOUBLE PRECISION NOT NULL,"
    " resends INTEGER NOT NULL DEFAULT 0, settled INTEGER NOT NULL DEFAULT 0)"
)
_INDEX = "CREATE INDEX IF NOT EXISTS relay_outbox_open ON relay_outbox (settled, published_at)"
MAX_DOUBLINGS = 4  # at most 16 × resend_after between two copies


class Outbox:
    def __init__(self, settings: Settings) -> None:
        self.db = Database(settings, "relay.sqlite")
        with self.db.schema() as db:
            db.execute(_SCHEMA)
            db.execute(_INDEX)

    def published(
        self, message_id: str, incident_id: str, request_version: int, body: str, now: float
    ) -> None:
        with self.db.connect() as db:
            db.execute(
                self.db.sql(
                    "INSERT INTO relay_outbox (message_id, incident_id, request_version, body, published_at)"
                    " VALUES (?, ?, ?, ?, ?) ON CONFLICT (message_id) DO NOTHING"
                ),
                (message_id, incident_id, request_version, body, now),
            )

    def settle(self, incident_id: str, request_version: int) -> None:
        """An outcome (sent or failed) is recorded: no more copies."""
        with self.db.connect() as db:
            db.execute(
                self.db.sql(
                    "UPDATE relay_outbox SET settled = 1 WHERE incident_id = ? AND request_version = ?"
                ),
                (incident_id, request_version),
            )

    def due(self, now: float, resend_after: float, limit: int = 100) -> list[tuple[str, str]]:
        """(message_id, body) of what waited too long for an outcome."""
        with self.db.connect() as db:
            rows = db.execute(
                self.db.sql(
                    "SELECT message_id, body, published_at, resends FROM relay_outbox"
                    " WHERE settled = 0 AND published_at < ? ORDER BY published_at LIMIT ?"
                ),
                (now - resend_after, limit * 4),
            ).fetchall()
        due = [
            (str(m), str(b))
            for m, b, at, resends in rows
            if at + resend_after * 2 ** min(int(resends), MAX_DOUBLINGS) <= now
        ]
        return due[:limit]

    def resent(self, message_id: str, now: float) -> None:
        with self.db.connect() as db:
            db.execute(
                self.db.sql(
                    "UPDATE relay_outbox SET published_at = ?, resends = resends + 1 WHERE message_id = ?"
                ),
                (now, message_id),
            )

    def waiting(self) -> int:
        with self.db.connect() as db:
            row = db.execute("SELECT COUNT(*) FROM relay_outbox WHERE settled = 0").fetchone()
        return int(row[0])
