"""What the notifier did with each message: so a redelivery or restart never sends twice.

Per message: its state (sending → sent → reported), attempts, and per recipient whether their
mail was started (written before the mail goes out) and accepted (written the moment the SMTP
server accepted it). A recipient started but not accepted when a notifier died may have got
the mail: the next attempt sends it again, with the same Message-ID (a letter is delayed,
never dropped), notes that recipient as sent again, and the outcome counts those the server
then accepted: they may have the mail twice. A claim with a short lease makes several notifiers
safe: only the holder sends a message; a copy that reaches another notifier waits, and a
holder that died frees it when its lease runs out.
A SQLite file in the data folder, or tables in PostgreSQL.

A letter costs few transactions: `take` counts the attempt, claims and reads what was
already delivered in one; then one per batch of accepted recipients, which also starts each
connection's next mail (each connection's acceptance is written before it sends again);
`finish` and `settle` close it. On SQLite each thread keeps its own connection (WAL); on
PostgreSQL the acceptances go over a connection of the thread's own too (`_Notes`).
Each acceptance is also noted at once in the sending thread's journal (services/notifier/
journal.py), microseconds after the server's 250, until the batch's write commits; a worker
reads the journals of dead ones (`recover`) before it takes a letter.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import psycopg

from services.notifier import journal
from shared.config import Settings
from shared.database import Database

log = logging.getLogger("notifier")
SENDING, SENT, REPORTED = "bezig", "verzonden", "gemeld"

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS notifier_messages (message_id TEXT PRIMARY KEY, state TEXT NOT NULL,"
    " attempts INTEGER NOT NULL DEFAULT 0, failed INTEGER NOT NULL DEFAULT 0, note TEXT NOT NULL DEFAULT '')",
    "CREATE TABLE IF NOT EXISTS notifier_deliveries (message_id TEXT NOT NULL, recipient_hash TEXT NOT NULL,"
    " PRIMARY KEY (message_id, recipient_hash))",
    # The recipients whose mail was started: those without a delivery may have got it.
    "CREATE TABLE IF NOT EXISTS notifier_started (message_id TEXT NOT NULL, recipient_hash TEXT NOT NULL,"
    " PRIMARY KEY (message_id, recipient_hash))",
    # The recipients an attempt found in doubt and sent again; kept after the message is settled,
    # so an outcome reported again still counts them.
    "CREATE TABLE IF NOT EXISTS notifier_resent (message_id TEXT NOT NULL, recipient_hash TEXT NOT NULL,"
    " PRIMARY KEY (message_id, recipient_hash))",
    "CREATE TABLE IF NOT EXISTS notifier_claims (message_id TEXT PRIMARY KEY, holder TEXT NOT NULL,"
    " until DOUBLE PRECISION NOT NULL)",
    # The mails of the bounce mailbox already read (services/notifier/bounces.py), by file name.
    "CREATE TABLE IF NOT EXISTS notifier_bounces_read (name TEXT PRIMARY KEY)",
)
LEASE_SECONDS = 10.0


class ClaimedElsewhere(Exception):
    """Raised when another notifier holds a live claim on the message."""


@dataclass(frozen=True)
class Progress:
    """What the ledger knew of a message when a notifier took it."""

    state: str
    attempts: int
    claimed: bool
    delivered: frozenset[str] = frozenset()
    # Started by an attempt that stopped before the server's answer was written: perhaps sent.
    in_doubt: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Summary:
    """What became of a message's recipients: accepted by the mail server, or not reached."""

    delivered: int
    failed: int
    note: str
    # Accepted after an attempt had found them in doubt: they may have the mail twice.
    maybe_twice: int = 0


class Ledger:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.db = Database(settings, "notifier.sqlite", kept_open=True)
        with self.db.schema() as db:
            for statement in _SCHEMA:
                db.execute(statement)
        self._notes = _Notes(settings.database_url) if self.db.postgres else None
        self.journal_folder = settings.data_dir / "notifier-journaal"
        self._journals = threading.local()

    def accepted_now(self, message_id: str, recipient_hash: str) -> None:
        """Notes at once, in this thread's journal, that the server accepted this recipient's
        mail: a killed process leaves no second copy of it even before `record_deliveries`
        has committed. Call that next; it clears the journal."""
        if (own := self._journal(make=True)) is not None:
            own.accepted(message_id, recipient_hash)

    def _journal(self, *, make: bool) -> journal.Journal | None:
        """This thread's journal in this process (never one from before a fork); made on first
        use when `make`. None when there is none, or it could not be made."""
        kept = getattr(self._journals, "kept", None)
        if kept is None or kept[0] != os.getpid():
            if not make:
                return None
            kept = (os.getpid(), self._open_journal())
            self._journals.kept = kept
        return kept[1]

    def _open_journal(self) -> journal.Journal | None:
        name = f"{os.getpid()}-{threading.get_ident()}-{uuid.uuid4().hex[:8]}{journal.SUFFIX}"
        try:
            return journal.Journal(self.journal_folder / name)
        except OSError as error:  # the ledger's own write still notes every acceptance
            log.warning("Geen journaal voor aannames in %s (%s).", self.journal_folder, error)
            return None

    def recover(self) -> int:
        """Writes the acceptances that dead processes noted in their journals but not yet in
        the ledger; returns how many there were (those recipients are not sent again)."""
        count = 0
        for notes in journal.left_behind(self.journal_folder):
            by_message: dict[str, list[str]] = {}
            for message_id, key in notes:
                by_message.setdefault(message_id, []).append(key)
            for message_id, keys in by_message.items():
                self.record_deliveries(message_id, keys)
            count += len(notes)
        return count

    def take(self, message_id: str, holder: str, *, seconds: float = LEASE_SECONDS) -> Progress:
        """In one transaction: counts an attempt, claims the message unless it was reported
        already (or another holder's lease lives), reads whom it was delivered to, and notes
        those in doubt as sent again."""
        now = time.time()
        if self._notes is not None:
            self._notes.connection()  # open now: the first acceptance must not wait for it
        with self.db.connect() as db:
            db.execute(
                self.db.sql(
                    "INSERT INTO notifier_messages (message_id, state, attempts) VALUES (?, ?, 1) "
                    "ON CONFLICT (message_id) DO UPDATE SET attempts = notifier_messages.attempts + 1"
                ),
                (message_id, SENDING),
            )
            state, attempts = db.execute(
                self.db.sql("SELECT state, attempts FROM notifier_messages WHERE message_id = ?"),
                (message_id,),
            ).fetchone()
            if state == REPORTED:
                return Progress(str(state), int(attempts), claimed=False)
            claimed = self._claim(db, message_id, holder, now, seconds)
            if not claimed:
                return Progress(str(state), int(attempts), claimed=False)
            delivered, started = (
                frozenset(
                    str(row[0])
                    for row in db.execute(
                        self.db.sql(f"SELECT recipient_hash FROM {table} WHERE message_id = ?"),  # noqa: S608 - fixed names
                        (message_id,),
                    )
                )
                for table in ("notifier_deliveries", "notifier_started")
            )
            in_doubt = started - delivered
            self.db.insert_many(
                db,
                "notifier_resent (message_id, recipient_hash)",
                ("text", "text"),
                [(message_id, key) for key in sorted(in_doubt)],
                then="ON CONFLICT DO NOTHING",
            )
        return Progress(str(state), int(attempts), True, delivered, in_doubt)

    def finish(self, message_id: str, *, failed: int, note: str) -> Summary:
        """Marks the message sent, with the recipients not reached; returns its summary."""
        with self.db.connect() as db:
            db.execute(
                self.db.sql(
                    "UPDATE notifier_messages SET state = ?, failed = ?, note = ? WHERE message_id = ?"
                ),
                (SENT, failed, note, message_id),
            )
            return self._summary(db, message_id)

    def settle(self, message_id: str, holder: str) -> None:
        """The outcome is in the audit trail: marks the message reported and frees it."""
        with self.db.connect() as db:
            db.execute(
                self.db.sql("UPDATE notifier_messages SET state = ? WHERE message_id = ?"),
                (REPORTED, message_id),
            )
            db.execute(
                self.db.sql("DELETE FROM notifier_claims WHERE message_id = ? AND holder = ?"),
                (message_id, holder),
            )
            db.execute(self.db.sql("DELETE FROM notifier_started WHERE message_id = ?"), (message_id,))

    def claim(self, message_id: str, holder: str, *, seconds: float = LEASE_SECONDS) -> bool:
        """Takes or renews the claim on a message; False while another holder's lease lives."""
        with self.db.connect() as db:
            return self._claim(db, message_id, holder, time.time(), seconds)

    def _claim(self, db: Any, message_id: str, holder: str, now: float, seconds: float) -> bool:
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

    def attempts(self, message_id: str) -> int:
        """How often the message was taken."""
        with self.db.connect() as db:
            row = db.execute(
                self.db.sql("SELECT attempts FROM notifier_messages WHERE message_id = ?"), (message_id,)
            ).fetchone()
        return int(row[0]) if row else 0

    def record_delivery(self, message_id: str, recipient_hash: str) -> None:
        with self.db.connect() as db:
            db.execute(
                self.db.sql(
                    "INSERT INTO notifier_deliveries (message_id, recipient_hash) VALUES (?, ?) "
                    "ON CONFLICT DO NOTHING"
                ),
                (message_id, recipient_hash),
            )

    def record_deliveries(
        self,
        message_id: str,
        recipient_hashes: Sequence[str],
        *,
        started: Sequence[str] = (),
        withdrawn: Sequence[str] = (),
    ) -> None:
        """Several accepted mails of one message, the mails about to go out, and those started
        that the server certainly did not take (refused, answered 4xx, never sent), in one
        transaction (services/notifier/sending.py writes each connection's acceptance, with
        its next mail started, before that connection sends again). The time from the server's
        250 to this write is the window in which a killed notifier leaves a second copy: on
        PostgreSQL it is one statement on the thread's own connection."""
        if self._notes is not None:
            self._notes.record(message_id, list(recipient_hashes), list(started), list(withdrawn))
        else:
            self._record_in_sqlite(message_id, recipient_hashes, started, withdrawn)
        if (own := self._journal(make=False)) is not None:
            own.clear()  # every acceptance this thread noted is now in the ledger

    def _record_in_sqlite(
        self,
        message_id: str,
        recipient_hashes: Sequence[str],
        started: Sequence[str],
        withdrawn: Sequence[str],
    ) -> None:
        with self.db.connect() as db:  # one statement per kind there is (each is a call into SQLite)
            for table, keys in (("notifier_deliveries", recipient_hashes), ("notifier_started", started)):
                if keys:
                    db.executemany(
                        f"INSERT INTO {table} (message_id, recipient_hash) VALUES (?, ?) "  # noqa: S608 - fixed names
                        "ON CONFLICT DO NOTHING",
                        [(message_id, key) for key in keys],
                    )
            if withdrawn:
                db.executemany(
                    "DELETE FROM notifier_started WHERE message_id = ? AND recipient_hash = ?",
                    [(message_id, key) for key in withdrawn],
                )

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

    def summary(self, message_id: str) -> Summary:
        with self.db.connect() as db:
            return self._summary(db, message_id)

    def _summary(self, db: Any, message_id: str) -> Summary:
        # A recipient sent again but then refused has the mail once at most: only those the
        # server accepted count as perhaps twice, each once however often it was in doubt.
        row = db.execute(
            self.db.sql(
                "SELECT m.failed, m.note, (SELECT COUNT(*) FROM notifier_deliveries d"
                " WHERE d.message_id = m.message_id), (SELECT COUNT(*) FROM notifier_resent r"
                " JOIN notifier_deliveries d ON d.message_id = r.message_id"
                " AND d.recipient_hash = r.recipient_hash WHERE r.message_id = m.message_id)"
                " FROM notifier_messages m WHERE m.message_id = ?"
            ),
            (message_id,),
        ).fetchone()
        return Summary(int(row[2]), int(row[0]), str(row[1]), int(row[3])) if row else Summary(0, 0, "")

    def bounces_read(self) -> set[str]:
        """The mails of the bounce mailbox read before."""
        with self.db.connect() as db:
            return {str(row[0]) for row in db.execute("SELECT name FROM notifier_bounces_read")}

    def note_bounce_read(self, name: str) -> None:
        with self.db.connect() as db:
            db.execute(
                self.db.sql("INSERT INTO notifier_bounces_read (name) VALUES (?) ON CONFLICT DO NOTHING"),
                (name,),
            )


class _Notes:
    """The acceptances on PostgreSQL: each sending thread keeps a connection of its own that
    commits every statement at once (no pool to borrow from, no second round trip for the
    commit), and does not wait for the disk (`synchronous_commit` off). A note lost that way
    only in a crash of the database server itself means a second copy, never a lost letter."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._local = threading.local()

    def record(self, message_id: str, accepted: list[str], started: list[str], withdrawn: list[str]) -> None:
        try:
            self.connection().execute(
                # A key is never started and withdrawn in the same write (those parts of one
                # statement do not see each other's rows).
                "WITH started AS (INSERT INTO notifier_started (message_id, recipient_hash)"
                " SELECT %(id)s, unnest(%(started)s::text[]) ON CONFLICT DO NOTHING),"
                " withdrawn AS (DELETE FROM notifier_started"
                " WHERE message_id = %(id)s AND recipient_hash = ANY(%(withdrawn)s::text[]))"
                " INSERT INTO notifier_deliveries (message_id, recipient_hash)"
                " SELECT %(id)s, unnest(%(accepted)s::text[]) ON CONFLICT DO NOTHING",
                {"id": message_id, "started": started, "accepted": accepted, "withdrawn": withdrawn},
            )
        except psycopg.OperationalError:
            self._local.kept = None  # the next letter connects again
            raise

    def connection(self) -> psycopg.Connection[Any]:
        kept = getattr(self._local, "kept", None)
        if kept is None or kept[0] != os.getpid() or kept[1].closed:  # never one from before a fork
            connection = psycopg.connect(
                self.url, autocommit=True, connect_timeout=5, options="-c synchronous_commit=off"
            )
            kept = (os.getpid(), connection)
            self._local.kept = kept
        return kept[1]
