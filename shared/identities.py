"""Identities from a school's own sign-in (OpenID Connect) and the accounts they stand for.

A first sign-in of an unknown identity gives no access: it is noted as waiting, and an
administrator links it to a role and school, or a rule of the board (e-mail domain + group)
does. The identity is the provider's issuer plus its `sub`, never the e-mail address, which
a person can change. Accounts made this way have no password: they sign in only through
their provider.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from shared.accounts import AccountExists, Accounts
from shared.config import ClaimRule, OidcProvider, Settings
from shared.database import Database
from shared.identity import Role

_SCHEMA = """
CREATE TABLE IF NOT EXISTS identity_links (
    issuer TEXT NOT NULL,
    subject TEXT NOT NULL,
    username TEXT NOT NULL,
    linked_by TEXT NOT NULL,
    linked_at TEXT NOT NULL,
    PRIMARY KEY (issuer, subject)
);
CREATE TABLE IF NOT EXISTS waiting_identities (
    issuer TEXT NOT NULL,
    subject TEXT NOT NULL,
    provider TEXT NOT NULL,
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    PRIMARY KEY (issuer, subject)
)
"""


class LinkRefused(Exception):
    """Raised when an identity cannot be linked as asked; the message is safe to show."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class WaitingIdentity:
    provider: str
    issuer: str
    subject: str
    email: str
    name: str
    last_seen: str


@dataclass(frozen=True)
class SignedInIdentity:
    """What a verified ID token says about the person."""

    issuer: str
    subject: str
    email: str = ""
    email_verified: bool | None = None
    name: str = ""
    groups: tuple[str, ...] = ()

    @classmethod
    def from_claims(cls, claims: Mapping[str, Any]) -> SignedInIdentity:
        groups = claims.get("groups") or ()
        verified = claims.get("email_verified")
        return cls(
            issuer=str(claims["iss"]),
            subject=str(claims["sub"]),
            email=str(claims.get("email") or claims.get("preferred_username") or ""),
            email_verified=None if verified is None else verified in (True, "true"),
            name=str(claims.get("name") or ""),
            groups=tuple(str(g) for g in (groups if isinstance(groups, list | tuple) else [groups])),
        )


class Identities:
    """The store of linked and waiting identities, beside the accounts."""

    def __init__(self, settings: Settings, accounts: Accounts | None = None) -> None:
        self.accounts = accounts or Accounts(settings)
        self.db = Database(settings, "accounts.sqlite")
        with self.db.schema() as db:
            for statement in _SCHEMA.split(";"):
                db.execute(statement)

    def account_for(self, provider: OidcProvider, identity: SignedInIdentity) -> str | None:
        """The username this identity signs in as: linked, or made now by a board rule.
        None (and the identity noted as waiting) when neither applies."""
        username = self._linked(identity.issuer, identity.subject)
        if username is None:
            rule = matching_rule(provider.rules, identity)
            if rule is not None:
                username = self._link_by_rule(provider, identity, rule)
        if username is None:
            self._note_waiting(provider, identity)
            return None
        account = self.accounts.get(username)
        if account is None or account.board_id != provider.board_id:
            return None  # a link never crosses to another board (hard rule 4)
        return username

    def link(
        self,
        provider: OidcProvider,
        subject: str,
        *,
        role: Role,
        school_id: str = "",
        name: str = "",
        username: str = "",
        linked_by: str,
    ) -> str:
        """Links an identity of this provider to an existing account of the provider's board,
        or to a new account without a password. Returns the username."""
        waiting = next(
            (w for w in self.waiting() if w.issuer == provider.issuer and w.subject == subject), None
        )
        if role in (Role.CASE_HANDLER, Role.STAFF) and not school_id:
            raise LinkRefused("Een behandelaar of medewerker hoort bij een school: kies de school.")
        username = username or f"{provider.name}:{waiting.email if waiting and waiting.email else subject}"
        existing = self.accounts.get(username)
        if existing is not None and existing.board_id != provider.board_id:
            raise LinkRefused(f"Het account '{username}' hoort bij een ander bestuur.")
        if existing is None:
            try:
                self.accounts.create(
                    username,
                    name=name or (waiting.name if waiting else "") or username,
                    role=role,
                    board_id=provider.board_id,
                    school_id=school_id if role in (Role.CASE_HANDLER, Role.STAFF) else "",
                    password=None,
                    email=waiting.email if waiting else "",
                )
            except AccountExists:
                raise LinkRefused(f"De gebruikersnaam '{username}' bestaat al.") from None
        self._store_link(provider.issuer, subject, username, linked_by)
        return username

    def waiting(self) -> list[WaitingIdentity]:
        with self.db.connect() as db:
            rows = db.execute(
                "SELECT provider, issuer, subject, email, name, last_seen FROM waiting_identities"
                " ORDER BY last_seen DESC"
            ).fetchall()
        return [WaitingIdentity(*row) for row in rows]

    def _linked(self, issuer: str, subject: str) -> str | None:
        with self.db.connect() as db:
            row = db.execute(
                self.db.sql("SELECT username FROM identity_links WHERE issuer = ? AND subject = ?"),
                (issuer, subject),
            ).fetchone()
        return str(row[0]) if row else None

    def _link_by_rule(self, provider: OidcProvider, identity: SignedInIdentity, rule: ClaimRule) -> str:
        role = Role(rule.role)
        username = f"{provider.name}:{identity.email}"
        if self.accounts.get(username) is None:
            self.accounts.create(
                username,
                name=identity.name or identity.email,
                role=role,
                board_id=provider.board_id,
                school_id=rule.school_id,
                password=None,
                email=identity.email,
            )
        self._store_link(
            identity.issuer, identity.subject, username, f"regel {rule.email_domain} {rule.group}"
        )
        return username

    def _store_link(self, issuer: str, subject: str, username: str, linked_by: str) -> None:
        with self.db.connect() as db:
            db.execute(
                self.db.sql(
                    "INSERT INTO identity_links (issuer, subject, username, linked_by, linked_at)"
                    " VALUES (?, ?, ?, ?, ?) ON CONFLICT (issuer, subject) DO UPDATE SET"
                    " username = excluded.username, linked_by = excluded.linked_by,"
                    " linked_at = excluded.linked_at"
                ),
                (issuer, subject, username, linked_by, datetime.now(UTC).isoformat()),
            )
            db.execute(
                self.db.sql("DELETE FROM waiting_identities WHERE issuer = ? AND subject = ?"),
                (issuer, subject),
            )

    def _note_waiting(self, provider: OidcProvider, identity: SignedInIdentity) -> None:
        with self.db.connect() as db:
            db.execute(
                self.db.sql(
                    "INSERT INTO waiting_identities (issuer, subject, provider, email, name, last_seen)"
                    " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (issuer, subject) DO UPDATE SET"
                    " email = excluded.email, name = excluded.name, last_seen = excluded.last_seen"
                ),
                (
                    identity.issuer,
                    identity.subject,
                    provider.name,
                    identity.email[:254],
                    identity.name[:200],
                    datetime.now(UTC).isoformat(timespec="seconds"),
                ),
            )


def matching_rule(rules: tuple[ClaimRule, ...], identity: SignedInIdentity) -> ClaimRule | None:
    """The first rule whose e-mail domain and group the identity has (group `*`: any or none).
    An address the provider says is not verified never matches a rule."""
    if not identity.email or identity.email_verified is False:
        return None
    domain = identity.email.rpartition("@")[2].lower()
    for rule in rules:
        if domain == rule.email_domain and (rule.group == "*" or rule.group in identity.groups):
            return rule
    return None
