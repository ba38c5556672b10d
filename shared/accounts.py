"""Accounts: who may sign in, with which role, at which board and school.

Passwords are hashed with scrypt (hashlib), never stored. Ten wrong passwords in a row lock
an account for a quarter of an hour. Sessions and API tokens live beside the accounts
(shared/sessions.py): a logout, a new password, a lock, a reset or a role change ends every
session and revokes every token of the account, and the sign-in log says so.
The store is a SQLite file in the data folder, or a table in PostgreSQL when that is
configured.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pyotp

from shared import sign_in_log
from shared.config import Settings
from shared.database import Database
from shared.identity import Actor, Role
from shared.sessions import SCHEMA as SESSIONS_SCHEMA
from shared.sessions import TOKEN_COLUMNS, TOKEN_LIFETIME, ApiTokens, Sessions
from shared.sign_in_log import SCHEMA as SIGN_IN_LOG_SCHEMA
from shared.sign_in_log import SignInLog

MAX_FAILED_LOGINS = 10
MAX_FAILED_CODES = 5
TOTP_STEP = 30  # seconds
LOCK_DURATION = timedelta(minutes=15)
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}

DEMO_BOARD = "kindante"
SECOND_DEMO_BOARD = "meander"  # its own protocol file names it: protocols/meander-2025-03-01.toml
DEMO_BOARDS = {DEMO_BOARD: "Kindante", SECOND_DEMO_BOARD: "Stichting De Meander"}
DEMO_SCHOOLS = {
    "de-wilg": "Basisschool De Wilg",
    "het-anker": "Basisschool Het Anker",
    "de-vlinder": "Basisschool De Vlinder",
}
DEMO_PASSWORD = "demo-zorgvuldig"  # noqa: S105 - only for the embedded development default


class LoginRefused(Exception):
    """Raised when a sign-in fails; the message is safe to show."""

    def __init__(self, message: str = "Gebruikersnaam of wachtwoord klopt niet.") -> None:
        super().__init__(message)
        self.message = message


class CodeRefused(LoginRefused):
    """Raised when a TOTP code is wrong, used before, or locks the account."""


class AccountExists(Exception):
    """Raised when a username is already taken."""


@dataclass(frozen=True)
class Account:
    username: str
    name: str
    role: Role
    board_id: str
    school_id: str = ""

    @property
    def actor(self) -> Actor:
        return Actor(self.username, self.name, self.role, board_id=self.board_id, school_id=self.school_id)


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, **_SCRYPT)
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${salt.hex()}${digest.hex()}"


def password_matches(stored: str, password: str) -> bool:
    try:
        _, n, r, p, salt, digest = stored.split("$")
        computed = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p))
    except ValueError:
        return False
    return hmac.compare_digest(computed.hex(), digest)


_SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
    username TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    board_id TEXT NOT NULL,
    school_id TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT NOT NULL DEFAULT '',
    must_change INTEGER NOT NULL DEFAULT 0,
    totp_secret TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS api_tokens (
    token_hash TEXT PRIMARY KEY,
    username TEXT NOT NULL REFERENCES accounts(username),
    created_at TEXT NOT NULL
)
"""

# Columns added after the first release, with their definitions, so older stores are upgraded.
_ADDED_COLUMNS = {
    "must_change": "INTEGER NOT NULL DEFAULT 0",
    "totp_secret": "TEXT NOT NULL DEFAULT ''",
    "email": "TEXT NOT NULL DEFAULT ''",
    "totp_last_step": "BIGINT NOT NULL DEFAULT 0",
    "failed_codes": "INTEGER NOT NULL DEFAULT 0",
    "care_team": "INTEGER NOT NULL DEFAULT 0",
}


class Accounts:
    """The account store (SQLite or PostgreSQL); creates its tables when opened."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.db = Database(settings, "accounts.sqlite")
        with self.db.schema() as db:
            for statement in _SCHEMA.split(";"):
                db.execute(statement)
            present = {column[0] for column in db.execute("SELECT * FROM accounts LIMIT 0").description}
            for column, definition in _ADDED_COLUMNS.items():
                if column not in present:  # a data folder from before the column existed
                    db.execute(f"ALTER TABLE accounts ADD COLUMN {column} {definition}")
            present = {column[0] for column in db.execute("SELECT * FROM api_tokens LIMIT 0").description}
            for column, definition in TOKEN_COLUMNS.items():
                if column not in present:
                    db.execute(f"ALTER TABLE api_tokens ADD COLUMN {column} {definition}")
            for statement in (*SESSIONS_SCHEMA, *SIGN_IN_LOG_SCHEMA):
                db.execute(statement)
        self.sessions = Sessions(self.db)
        self.tokens = ApiTokens(self.db)
        self.log = SignInLog(self.db)

    def create(
        self,
        username: str,
        *,
        name: str,
        role: Role,
        board_id: str,
        school_id: str = "",
        password: str | None,
        must_change: bool = False,
        email: str = "",
    ) -> Account:
        """Raises AccountExists when the username is taken. Without a password the account
        signs in only through its school's own provider (shared/identities.py)."""
        if self.get(username) is not None:
            raise AccountExists(username)
        with self.db.connect() as db:
            db.execute(
                self.db.sql(
                    "INSERT INTO accounts (username, name, role, board_id, school_id, password_hash,"
                    " must_change, email) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                ),
                (
                    username,
                    name,
                    role.value,
                    board_id,
                    school_id,
                    hash_password(password) if password else "",
                    int(must_change),
                    email,
                ),
            )
        return Account(username, name, role, board_id, school_id)

    def must_change_password(self, username: str) -> bool:
        return bool(self._value(username, "must_change"))

    def email(self, username: str) -> str:
        """Where reminders for this person go ('' when none is known)."""
        return str(self._value(username, "email") or "")

    def totp_secret(self, username: str) -> str:
        return str(self._value(username, "totp_secret") or "")

    def set_totp_secret(self, username: str, secret: str) -> None:
        with self.db.connect() as db:
            db.execute(
                self.db.sql("UPDATE accounts SET totp_secret = ? WHERE username = ?"), (secret, username)
            )

    def set_care_team(self, username: str, member: bool) -> None:
        """Marks an account as one of its school's care team (told of every new melding), or not."""
        with self.db.connect() as db:
            db.execute(
                self.db.sql("UPDATE accounts SET care_team = ? WHERE username = ?"), (int(member), username)
            )

    def care_team(self, board_id: str, school_id: str) -> list[str]:
        """The accounts of a school marked as its care team on the administrator's page."""
        with self.db.connect() as db:
            rows = db.execute(
                self.db.sql(
                    "SELECT username FROM accounts WHERE care_team = 1 AND board_id = ? AND school_id = ?"
                ),
                (board_id, school_id),
            ).fetchall()
        return sorted(row[0] for row in rows)

    def marked_care_team(self) -> set[str]:
        """Every account marked as care team on the administrator's page."""
        with self.db.connect() as db:
            return {
                row[0] for row in db.execute("SELECT username FROM accounts WHERE care_team = 1").fetchall()
            }

    def remove(self, username: str) -> None:
        """Removes an account (someone left the school) with its sessions and tokens; what they
        did stays in the trails."""
        with self.db.connect() as db:
            db.execute(self.db.sql("DELETE FROM sessions WHERE username = ?"), (username,))
            db.execute(self.db.sql("DELETE FROM api_tokens WHERE username = ?"), (username,))
            db.execute(self.db.sql("DELETE FROM accounts WHERE username = ?"), (username,))

    def _value(self, username: str, column: str) -> Any:
        assert column in ("must_change", "totp_secret", "email")
        with self.db.connect() as db:
            row = db.execute(
                self.db.sql(f"SELECT {column} FROM accounts WHERE username = ?"),  # noqa: S608 - fixed column
                (username,),
            ).fetchone()
        return row[0] if row else None

    def get(self, username: str) -> Account | None:
        with self.db.connect() as db:
            row = db.execute(
                self.db.sql(
                    "SELECT username, name, role, board_id, school_id FROM accounts WHERE username = ?"
                ),
                (username,),
            ).fetchone()
        return Account(row[0], row[1], Role(row[2]), row[3], row[4]) if row else None

    def all(self) -> list[Account]:
        with self.db.connect() as db:
            rows = db.execute("SELECT username, name, role, board_id, school_id FROM accounts").fetchall()
        return [Account(r[0], r[1], Role(r[2]), r[3], r[4]) for r in sorted(rows)]

    def names_at_school(self, school_id: str) -> list[str]:
        """The names of a school's own people: what its letters may name (its contact person,
        its director)."""
        return [a.name for a in self.all() if a.school_id == school_id]

    def authenticate(self, username: str, password: str, *, now: datetime | None = None) -> Account:
        """The account, or LoginRefused with a message that does not tell which part was wrong."""
        now = now or datetime.now(UTC)
        refusal = self._check_password(username, password, now)
        if refusal is not None:
            raise refusal
        account = self.get(username)
        assert account is not None
        return account

    def _check_password(self, username: str, password: str, now: datetime) -> LoginRefused | None:
        """Counts the attempt (committed, also when it fails); returns the refusal, if any."""
        with self.db.connect() as db:
            row = db.execute(
                self.db.sql(
                    "SELECT password_hash, failed_logins, locked_until FROM accounts WHERE username = ?"
                ),
                (username,),
            ).fetchone()
            # No account, or one signing in only through its provider: nothing to guess, nothing counted.
            if row is None or not row[0]:
                password_matches(hash_password("x"), password)  # the same work as a real attempt
                return LoginRefused()
            stored, failed, locked_until = row
            if locked_until and datetime.fromisoformat(locked_until) > now:
                return LoginRefused(
                    "Dit account is tijdelijk vergrendeld na te veel mislukte pogingen. "
                    "Probeer het over een kwartier opnieuw of neem contact op met de beheerder."
                )
            if password_matches(stored, password):
                db.execute(
                    self.db.sql(
                        "UPDATE accounts SET failed_logins = 0, locked_until = '' WHERE username = ?"
                    ),
                    (username,),
                )
                return None
            failed += 1
            lock = (now + LOCK_DURATION).isoformat() if failed >= MAX_FAILED_LOGINS else ""
            db.execute(
                self.db.sql("UPDATE accounts SET failed_logins = ?, locked_until = ? WHERE username = ?"),
                (0 if lock else failed, lock, username),
            )
        self.log.record(username, sign_in_log.WRONG_PASSWORD, now=now)
        if lock:
            self._locked(username, now)
            return LoginRefused("Te veel mislukte pogingen: dit account is een kwartier vergrendeld.")
        return LoginRefused()

    def _locked(self, username: str, now: datetime) -> None:
        self.end_everything(username, sign_in_log.LOCKED, now=now)

    def check_code(self, username: str, secret: str, code: str, *, now: datetime | None = None) -> None:
        """Accepts a TOTP code of this step or a neighbouring one, once: a code whose step was
        used before is refused, so an overheard code cannot sign in a second time. Five wrong
        or reused codes in a row lock the account like ten wrong passwords. Raises CodeRefused."""
        now = now or datetime.now(UTC)
        if self.locked(username, now=now):
            raise CodeRefused(
                "Dit account is tijdelijk vergrendeld na te veel mislukte pogingen. "
                "Probeer het over een kwartier opnieuw of neem contact op met de beheerder."
            )
        totp = pyotp.TOTP(secret, interval=TOTP_STEP)
        current = int(now.timestamp()) // TOTP_STEP
        code = code.strip()
        matched = next(
            (
                step
                for step in (current - 1, current, current + 1)
                if code.isdigit() and hmac.compare_digest(totp.generate_otp(step), code)
            ),
            None,
        )
        with self.db.connect() as db:
            last_step, failed = db.execute(
                self.db.sql("SELECT totp_last_step, failed_codes FROM accounts WHERE username = ?"),
                (username,),
            ).fetchone()
            if matched is not None and matched > last_step:
                db.execute(
                    self.db.sql(
                        "UPDATE accounts SET totp_last_step = ?, failed_codes = 0 WHERE username = ?"
                    ),
                    (matched, username),
                )
                return
            failed += 1
            lock = (now + LOCK_DURATION).isoformat() if failed >= MAX_FAILED_CODES else ""
            db.execute(
                self.db.sql("UPDATE accounts SET failed_codes = ?, locked_until = ? WHERE username = ?"),
                (0 if lock else failed, lock, username),
            )
        reused = matched is not None
        self.log.record(username, sign_in_log.REUSED_CODE if reused else sign_in_log.WRONG_CODE, now=now)
        if lock:
            self._locked(username, now)
            raise CodeRefused("Te vaak een verkeerde code: dit account is een kwartier vergrendeld.")
        if reused:
            raise CodeRefused("Deze code is al gebruikt. Wacht tot uw authenticator-app een nieuwe toont.")
        raise CodeRefused("Deze code klopt niet. Gebruik de code die uw authenticator-app nu toont.")

    def set_password(self, username: str, password: str) -> None:
        """A new password ends every session and revokes every API token: whoever knew the old
        one is out (the person who chose it may start a fresh session)."""
        self._store_password(username, password)
        self.end_everything(username, sign_in_log.PASSWORD_CHANGED)

    def change_password(self, username: str, current: str, new: str) -> None:
        """Raises LoginRefused when the current password is wrong (counted like a sign-in)."""
        self.authenticate(username, current)
        self.set_password(username, new)

    def reset_password(self, username: str) -> str:
        """An administrator's reset: a one-time password, the lock lifted, and every session
        and token of the account ended. Raises KeyError for an unknown account."""
        if self.get(username) is None:
            raise KeyError(username)
        password = one_time_password()
        self._store_password(username, password, must_change=True)
        self.end_everything(username, sign_in_log.RESET)
        return password

    def _store_password(self, username: str, password: str, *, must_change: bool = False) -> None:
        with self.db.connect() as db:
            db.execute(
                self.db.sql(
                    "UPDATE accounts SET password_hash = ?, failed_logins = 0, locked_until = '',"
                    " must_change = ? WHERE username = ?"
                ),
                (hash_password(password), int(must_change), username),
            )

    def change_role(self, username: str, role: Role, school_id: str = "") -> None:
        """A new role (and school) ends every session and token: they were given for the old one."""
        if self.get(username) is None:
            raise KeyError(username)
        with self.db.connect() as db:
            db.execute(
                self.db.sql("UPDATE accounts SET role = ?, school_id = ? WHERE username = ?"),
                (role.value, school_id, username),
            )
        self.end_everything(username, sign_in_log.ROLE_CHANGED)

    def end_everything(self, username: str, why: str, *, now: datetime | None = None) -> None:
        """Ends every session and revokes every API token of the account, for one of the sign-in
        log's five reasons (logout, lock, new password, reset, role change), recorded there."""
        now = now or datetime.now(UTC)
        self.sessions.end_all(username)
        self.tokens.revoke_all(username, sign_in_log.TOKEN_REVOKED[why], now=now)
        self.log.record(username, why, now=now)

    def locked(self, username: str, *, now: datetime | None = None) -> bool:
        with self.db.connect() as db:
            row = db.execute(
                self.db.sql("SELECT locked_until FROM accounts WHERE username = ?"), (username,)
            ).fetchone()
        return bool(row and row[0] and datetime.fromisoformat(row[0]) > (now or datetime.now(UTC)))

    def issue_token(self, username: str, name: str = "", lifetime: timedelta = TOKEN_LIFETIME) -> str:
        """A new API token for the account; only its hash is kept, so show it once."""
        return self.tokens.issue(username, name, lifetime)

    def by_token(self, token: str, *, now: datetime | None = None) -> Account | None:
        """The account of a usable token; None when it expired, was revoked, or its account is
        locked or gone (a lock revokes the tokens too; this also covers a lock still running)."""
        username = self.tokens.username(token, now=now)
        if username is None or self.locked(username, now=now):
            return None
        return self.get(username)


def one_time_password() -> str:
    """A password to hand over once; the account must choose its own at first sign-in."""
    return secrets.token_urlsafe(12)


def needs_second_factor(account: Account, settings: Settings) -> bool:
    """OTV, board and administrators confirm with a TOTP code, except in development."""
    confirming = (Role.OTV, Role.BOARD, Role.ADMINISTRATOR, Role.INSTALLATION_ADMINISTRATOR)
    return settings.environment != "development" and account.role in confirming


MIN_PASSWORD_LENGTH = 12


def school_name(school_id: str) -> str:
    """The name a letter signs with: the demo schools by name, others from their id."""
    return DEMO_SCHOOLS.get(school_id) or school_id.replace("-", " ").title()
