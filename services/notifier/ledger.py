"""What the notifier did with each message: so a redelivery or restart never sends twice.

Per message: its state (sending → sent → reported), attempts, and each recipient whose mail
the SMTP server accepted, written the moment the server accepted it. A claim with a short
lease makes several notifiers safe: only the holder sends a message; a copy that reaches
another notifier waits, and a holder that died frees it when its lease runs out.
A SQLite file in the data folder, or tables in PostgreSQL.
"""

from __future__ import annotations

import time

from shared.config import Settings
from shared.database import Database

SENDING, SENT, REPORTED = "bezig", "verzonden", "gemeld"

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS notifier_messages (message_id TEXT PRIMARY KEY, state TEXT NOT NULL,"
    " attempts INTEGER NOT NULL DEFAULT 0, failed INTEGER NOT NULL DEFAULT 0, note TEXT NOT NULL DEFAULT '')",
    "CREATE TABLE IF NOT EXISTS notifier_deliveries (message_id TEXT NOT NULL, recipient_hash TEXT NOT NULL,"
    " PRIMARY KEY (message_id, recipient_hash))",
    "CREATE TABLE IF NOT EXISTS notifier_claims (message_id TEXT PRIMARY KEY, holder TEXT NOT NULL,"
    " until DOUBLE PRECISION NOT NULL)",
)
LEASE_SECONDS = 10.0


class ClaimedElsewhere(Exception):
    """Raised when another notifier holds a live claim on the message."""


class Ledger:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.db = Database(settings, "notifier.sqlite")
        with self.db.connect() as db:
            for statement in _SCHEMA:
                db.execute(statement)

    def claim(self, message_id: str, holder: str, *, seconds: float = LEASE_SECONDS) -> bool:
        """Takes or renews the claim on a message; False while another holder's lease lives."""
        now = time.time()
        with self.db.connect() as db:
            db.execute(
                self.db.sql(
                    "INSERT INTO notifier_claims (message_id, holder, until) VALUES (?, ?, ?) "
                    "ON CONFLICT (message_id) DO UPDATE SET holder = excluded.holder, until = excluded.until "
                    "WHERE notifier_claims.holder = excluded.holder OR notifier_claims.until < ?"
                ),
                (message_id, holder, now + seconds, now),
            )
            row = db.execute(
                self.db.sql("SELECT holder FROM notifier_claims WHERE message_id = ?"), (message_id,)
            ).fetchone()
        return bool(row) and row[0] == holder

    def release(self, message_id: str, holder: str) -> None:
        with self.db.connect() as db:
            db.execute(
                self.db.sql("DELETE FROM notifier_claims WHERE message_id = ? AND holder = ?"),
                (message_id, holder),
            )

    def state(self, message_id: str) -> str:
        with self.db.connect() as db:
            row = db.execute(
                self.db.sql("SELECT state FROM notifier_messages WHERE message_id = ?"), (message_id,)
            ).fetchone()
        return str(row[0]) if row else ""

    def attempt(self, message_id: str) -> int:
        """Counts one more attempt; returns the count."""
        with self.db.connect() as db:
            db.execute(
                self.db.sql(
                    "INSERT INTO notifier_messages (message_id, state, attempts) VALUES (?, ?, 1) "
                    "ON CONFLICT (message_id) DO UPDATE SET attempts = notifier_messages.attempts + 1"
                ),
                (message_id, SENDING),
            )
            row = db.execute(
                self.db.sql("SELECT attempts FROM notifier_messages WHERE message_id = ?"), (message_id,)
            ).fetchone()
        return int(row[0])

    def delivered(self, message_id: str, recipient_hash: str) -> bool:
        with self.db.connect() as db:
            row = db.execute(
                self.db.sql("SELECT 1 FROM notifier_deliveries WHERE message_id = ? AND recipient_hash = ?"),
                (message_id, recipient_hash),
            ).fetchone()
        return row is not None

    def record_delivery(self, message_id: str, recipient_hash: str) -> None:
        with self.db.connect() as db:
            db.execute(
                self.db.sql(
                    "INSERT INTO notifier_deliveries (message_id, recipient_hash) VALUES (?, ?) "
                    "ON CONFLICT DO NOTHING"
                ),
                (message_id, recipient_hash),
            )

    def deliveries(self, message_id: str) -> int:
        with self.db.connect() as db:
            row = db.execute(
                self.db.sql("SELECT COUNT(*) FROM notifier_deliveries WHERE message_id = ?"), (message_id,)
            ).fetchone()
        return int(row[0])

    def mark(
        self, message_id: str, state: str, *, failed: int | None = None, note: str | None = None
    ) -> None:
        with self.db.connect() as db:
            db.execute(
                self.db.sql(
                    "INSERT INTO notifier_messages (message_id, state) VALUES (?, ?) "
                    "ON CONFLICT (message_id) DO UPDATE SET state = excluded.state"
                ),
                (message_id, state),
            )
            if failed is not None:
                db.execute(
                    self.db.sql("UPDATE notifier_messages SET failed = ? WHERE message_id = ?"),
                    (failed, message_id),
                )
            if note is not None:
                db.execute(
                    self.db.sql("UPDATE notifier_messages SET note = ? WHERE message_id = ?"),
                    (note, message_id),
                )

    def summary(self, message_id: str) -> tuple[int, str]:
        """(failed recipients, note) recorded for the message."""
        with self.db.connect() as db:
            row = db.execute(
                self.db.sql("SELECT failed, note FROM notifier_messages WHERE message_id = ?"), (message_id,)
            ).fetchone()
        return (int(row[0]), str(row[1])) if row else (0, "")
