"""The sign-in log: every sign-in, every wrong password or code, every reused code, and every
event that ended all sessions and tokens (logout, lock, new password, reset, role change),
with the account and the time. The person reads their own on the account page; an
administrator reads that of their board's accounts. It never holds what was typed, and keeps
a year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from shared.database import Database

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS sign_in_log (at TEXT NOT NULL, username TEXT NOT NULL, what TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS sign_in_log_username ON sign_in_log (username, at)",
    "CREATE INDEX IF NOT EXISTS sign_in_log_at ON sign_in_log (at)",
)
KEPT = timedelta(days=365)

SIGNED_IN = "ingelogd"
WRONG_PASSWORD = "wachtwoord onjuist"  # noqa: S105 - a sentence in the log, not a password
WRONG_CODE = "inlogcode onjuist"
REUSED_CODE = "inlogcode al gebruikt"
# The five events that end every session and revoke every API token of the account.
SIGNED_OUT = "uitgelogd; alle sessies en API-tokens beëindigd"
LOCKED = "account vergrendeld na te veel mislukte pogingen; alle sessies en API-tokens beëindigd"
PASSWORD_CHANGED = "wachtwoord gewijzigd; alle sessies en API-tokens beëindigd"  # noqa: S105
RESET = "wachtwoord hersteld door de beheerder; alle sessies en API-tokens beëindigd"
ROLE_CHANGED = "rol gewijzigd; alle sessies en API-tokens beëindigd"
# Why a token was revoked, as its owner's token list says it, for each of those events.
TOKEN_REVOKED = {
    SIGNED_OUT: "bij uitloggen",
    LOCKED: "bij vergrendeling van het account",
    PASSWORD_CHANGED: "bij een wachtwoordwijziging",
    RESET: "bij herstel door de beheerder",
    ROLE_CHANGED: "bij een rolwijziging",
}


@dataclass(frozen=True)
class Entry:
    at: datetime
    username: str
    what: str


class SignInLog:
    def __init__(self, db: Database) -> None:
        self.db = db

    def record(self, username: str, what: str, *, now: datetime | None = None) -> None:
        now = now or datetime.now(UTC)
        with self.db.connect() as db:
            db.execute(self.db.sql("DELETE FROM sign_in_log WHERE at < ?"), ((now - KEPT).isoformat(),))
            db.execute(
                self.db.sql("INSERT INTO sign_in_log (at, username, what) VALUES (?, ?, ?)"),
                (now.isoformat(), username, what),
            )

    def everything_ended_since(self, username: str, since: datetime) -> bool:
        """True when one of the five events that end every session and token (TOKEN_REVOKED's
        keys) was recorded for the account at or after `since`."""
        ending = tuple(TOKEN_REVOKED)
        marks = ", ".join("?" * len(ending))
        with self.db.connect() as db:
            row = db.execute(
                self.db.sql(
                    f"SELECT 1 FROM sign_in_log WHERE username = ? AND at >= ? AND what IN ({marks}) LIMIT 1"  # noqa: S608 - placeholders only
                ),
                (username, since.astimezone(UTC).isoformat(), *ending),
            ).fetchone()
        return row is not None

    def of(self, usernames: list[str], limit: int = 20) -> list[Entry]:
        """The newest entries of these accounts, newest first."""
        if not usernames:
            return []
        marks = ", ".join("?" * len(usernames))
        with self.db.connect() as db:
            rows = db.execute(
                self.db.sql(
                    f"SELECT at, username, what FROM sign_in_log WHERE username IN ({marks})"  # noqa: S608
                    " ORDER BY at DESC LIMIT ?"
                ),
                (*usernames, limit),
            ).fetchall()
        return [Entry(datetime.fromisoformat(r[0]), r[1], r[2]) for r in rows]
