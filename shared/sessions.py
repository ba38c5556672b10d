"""Where an account is signed in: its browser sessions and its API tokens, kept on the server.

A browser carries only a random session secret in its (signed) cookie; the store keeps the
secret's SHA-256 with the account, when the session started and when it was last used. Every
request looks the secret up, so a session ends for real: a cookie copied before logout, a
password change, a lock, a reset or a role change finds no row and is refused. API tokens
expire (90 days unless chosen otherwise) and can be revoked one by one; those same five events
revoke every token of the account. A revoked token stays in its owner's list with when and why,
so a script that stopped working can be explained. What a person sees of a session or token is
a short id (the first characters of the hash), never the secret.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from shared.database import Database

IDLE_TIMEOUT = timedelta(minutes=30)
ABSOLUTE_TIMEOUT = timedelta(hours=12)
TOKEN_LIFETIME = timedelta(days=90)
MAX_TOKEN_LIFETIME = timedelta(days=365)
_TOUCH_EVERY = timedelta(seconds=30)  # last use is written at most this often per session
SHORT_ID = 12

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS sessions (secret_hash TEXT PRIMARY KEY, username TEXT NOT NULL,"
    " started_at TEXT NOT NULL, last_seen TEXT NOT NULL, device TEXT NOT NULL DEFAULT '')",
    "CREATE INDEX IF NOT EXISTS sessions_username ON sessions (username)",
)
# Columns of api_tokens added after its first release (which had hash, username, created_at).
TOKEN_COLUMNS = {
    "name": "TEXT NOT NULL DEFAULT ''",
    "expires_at": "TEXT NOT NULL DEFAULT ''",
    "last_used_at": "TEXT NOT NULL DEFAULT ''",
    "revoked_at": "TEXT NOT NULL DEFAULT ''",
    "revoked_why": "TEXT NOT NULL DEFAULT ''",
}
REVOKED_BY_OWNER = "door uzelf"


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class Session:
    id: str
    started_at: datetime
    last_seen: datetime
    device: str


@dataclass(frozen=True)
class Token:
    id: str
    name: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    revoked_why: str = ""  # "bij uitloggen", "door uzelf", …; '' for tokens revoked before it was kept

    def usable(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at


class SessionEnded(Exception):
    """Raised when a session secret no longer opens a session; the message says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Sessions:
    """The browser sessions of every account."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def start(self, username: str, device: str = "", *, now: datetime | None = None) -> str:
        """A new session; returns the secret for the cookie (shown nowhere else)."""
        now = now or datetime.now(UTC)
        secret = secrets.token_urlsafe(32)
        with self.db.connect() as db:
            # Sessions nobody ended (a closed browser) go once they can no longer be used: the
            # browser description is kept no longer than the session it describes.
            db.execute(
                self.db.sql("DELETE FROM sessions WHERE last_seen < ? OR started_at < ?"),
                ((now - IDLE_TIMEOUT).isoformat(), (now - ABSOLUTE_TIMEOUT).isoformat()),
            )
            db.execute(
                self.db.sql(
                    "INSERT INTO sessions (secret_hash, username, started_at, last_seen, device)"
                    " VALUES (?, ?, ?, ?, ?)"
                ),
                (_hash(secret), username, now.isoformat(), now.isoformat(), device[:120]),
            )
        return secret

    def username(self, secret: str, *, now: datetime | None = None) -> str:
        """The account of a live session, its last use moved to now; raises SessionEnded."""
        now = now or datetime.now(UTC)
        key = _hash(secret)
        with self.db.connect() as db:
            row = db.execute(
                self.db.sql("SELECT username, started_at, last_seen FROM sessions WHERE secret_hash = ?"),
                (key,),
            ).fetchone()
            if row is None:
                raise SessionEnded("Uw sessie is beëindigd. Log opnieuw in.")
            username, started, seen = row[0], datetime.fromisoformat(row[1]), datetime.fromisoformat(row[2])
            if now - seen > IDLE_TIMEOUT or now - started > ABSOLUTE_TIMEOUT:
                db.execute(self.db.sql("DELETE FROM sessions WHERE secret_hash = ?"), (key,))
                if now - seen > IDLE_TIMEOUT:
                    raise SessionEnded("U was een half uur niet actief en bent uitgelogd. Log opnieuw in.")
                raise SessionEnded("U was twaalf uur ingelogd en bent uitgelogd. Log opnieuw in.")
            if now - seen >= _TOUCH_EVERY:
                db.execute(
                    self.db.sql("UPDATE sessions SET last_seen = ? WHERE secret_hash = ?"),
                    (now.isoformat(), key),
                )
        return str(username)

    def of(self, username: str, *, now: datetime | None = None) -> list[Session]:
        """The account's live sessions, newest first: one past a timeout is over, though its row
        stays until the next sign-in clears it."""
        now = now or datetime.now(UTC)
        with self.db.connect() as db:
            rows = db.execute(
                self.db.sql(
                    "SELECT secret_hash, started_at, last_seen, device FROM sessions WHERE username = ?"
                    " ORDER BY started_at DESC"
                ),
                (username,),
            ).fetchall()
        sessions = [
            Session(r[0][:SHORT_ID], datetime.fromisoformat(r[1]), datetime.fromisoformat(r[2]), r[3])
            for r in rows
        ]
        return [
            s
            for s in sessions
            if now - s.last_seen <= IDLE_TIMEOUT and now - s.started_at <= ABSOLUTE_TIMEOUT
        ]

    def id_of(self, secret: str) -> str:
        return _hash(secret)[:SHORT_ID]

    def end(self, username: str, session_id: str) -> bool:
        """Ends one session of this account by its short id; False when there was none."""
        return self._delete(
            "DELETE FROM sessions WHERE username = ? AND substr(secret_hash, 1, ?) = ?",
            (username, SHORT_ID, session_id),
        )

    def end_all(self, username: str, *, except_secret: str = "") -> bool:
        return self._delete(
            "DELETE FROM sessions WHERE username = ? AND secret_hash <> ?", (username, _hash(except_secret))
        )

    def _delete(self, statement: str, values: tuple[Any, ...]) -> bool:
        with self.db.connect() as db:
            return bool(db.execute(self.db.sql(statement), values).rowcount)


class ApiTokens:
    """The API tokens of every account: only their hash is kept, so a token is shown once."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def issue(
        self,
        username: str,
        name: str = "",
        lifetime: timedelta = TOKEN_LIFETIME,
        *,
        now: datetime | None = None,
    ) -> str:
        now = now or datetime.now(UTC)
        token = secrets.token_urlsafe(32)
        with self.db.connect() as db:
            db.execute(
                self.db.sql(
                    "INSERT INTO api_tokens (token_hash, username, created_at, name, expires_at)"
                    " VALUES (?, ?, ?, ?, ?)"
                ),
                (_hash(token), username, now.isoformat(), name[:80], (now + lifetime).isoformat()),
            )
        return token

    def username(self, token: str, *, now: datetime | None = None) -> str | None:
        """The account of a usable token (its last use moved to now), or None."""
        now = now or datetime.now(UTC)
        key = _hash(token)
        with self.db.connect() as db:
            row = db.execute(
                self.db.sql(
                    "SELECT username, created_at, expires_at, revoked_at, last_used_at FROM api_tokens"
                    " WHERE token_hash = ?"
                ),
                (key,),
            ).fetchone()
            if row is None or not _token(key, row[1:]).usable(now):
                return None
            if not row[4] or now - datetime.fromisoformat(row[4]) >= _TOUCH_EVERY:
                db.execute(
                    self.db.sql("UPDATE api_tokens SET last_used_at = ? WHERE token_hash = ?"),
                    (now.isoformat(), key),
                )
        return str(row[0])

    def of(self, username: str) -> list[Token]:
        with self.db.connect() as db:
            rows = db.execute(
                self.db.sql(
                    "SELECT token_hash, created_at, expires_at, revoked_at, last_used_at, name,"
                    " revoked_why FROM api_tokens WHERE username = ? ORDER BY created_at DESC"
                ),
                (username,),
            ).fetchall()
        return [_token(r[0], r[1:]) for r in rows]

    def revoke(
        self, username: str, token_id: str, why: str = REVOKED_BY_OWNER, *, now: datetime | None = None
    ) -> bool:
        """Revokes one token of this account by its short id; False when there was none."""
        return bool(self._revoke(_REVOKE_ONE, (username, SHORT_ID, token_id), why, now))

    def revoke_all(self, username: str, why: str, *, now: datetime | None = None) -> int:
        """Revokes every token of the account not revoked yet; returns how many."""
        return self._revoke(_REVOKE_ALL, (username,), why, now)

    def _revoke(self, statement: str, values: tuple[Any, ...], why: str, now: datetime | None) -> int:
        now = now or datetime.now(UTC)
        with self.db.connect() as db:
            return int(db.execute(self.db.sql(statement), (now.isoformat(), why, *values)).rowcount)


# A revoked token keeps when and why: an earlier revocation is never overwritten.
_REVOKE_ALL = "UPDATE api_tokens SET revoked_at = ?, revoked_why = ? WHERE username = ? AND revoked_at = ''"
_REVOKE_ONE = (
    "UPDATE api_tokens SET revoked_at = ?, revoked_why = ? WHERE username = ? AND revoked_at = ''"
    " AND substr(token_hash, 1, ?) = ?"
)


def _token(key: str, row: tuple[Any, ...]) -> Token:
    """A token from (created_at, expires_at, revoked_at, last_used_at[, name, revoked_why]); a
    token from before expiry existed expires 90 days after it was made."""
    created = datetime.fromisoformat(row[0])
    expires = datetime.fromisoformat(row[1]) if row[1] else created + TOKEN_LIFETIME
    return Token(
        key[:SHORT_ID],
        row[4] if len(row) > 4 else "",
        created,
        expires,
        datetime.fromisoformat(row[3]) if row[3] else None,
        datetime.fromisoformat(row[2]) if row[2] else None,
        row[5] if len(row) > 5 else "",
    )
