"""Saved groups of recipients per school (e.g. "Ouders groep 7"), so a handler enters, pastes or
imports a class's addresses once. Addresses are personal data: they live only here, per school,
sealed with a key of that school (AES-GCM), and a group that is deleted is gone (this is an
address book, not the audit trail). The school keys are themselves sealed with the
installation's key (ZORGVULDIG_RECIPIENTS_KEY, or derived from the secret key), so a copy of
the database alone reads no address; destroying a school's key erases all its groups at once.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from shared.boards import DEFAULT_MAX_RECIPIENTS
from shared.config import Settings
from shared.database import Database
from shared.languages import DUTCH

MAX_ADDRESSES = DEFAULT_MAX_RECIPIENTS  # per group read from an export; a letter checks its board's
_ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_SEALED = "aesgcm1:"  # stored values with this prefix are sealed; older rows are plain text


def valid_address(address: str) -> bool:
    """A plain e-mail address (no display name), at most 254 characters."""
    return bool(_ADDRESS.match(address.strip())) and len(address) <= 254


_SCHEMA = """
CREATE TABLE IF NOT EXISTS recipient_groups (school_id TEXT NOT NULL, name TEXT NOT NULL,
    addresses TEXT NOT NULL, language TEXT NOT NULL DEFAULT 'nl', PRIMARY KEY (school_id, name));
CREATE TABLE IF NOT EXISTS recipient_keys (school_id TEXT PRIMARY KEY, sealed_key TEXT NOT NULL)
"""
# Groups saved before they had a language get Dutch, the language every letter exists in.
_ADD_LANGUAGE = "ALTER TABLE recipient_groups ADD COLUMN language TEXT NOT NULL DEFAULT 'nl'"


@dataclass(frozen=True)
class RecipientGroup:
    school_id: str
    name: str
    addresses: tuple[str, ...]
    language: str = DUTCH  # the language of the letters this group's parents get


def _seal(key: bytes, plain: bytes, context: str) -> str:
    nonce = os.urandom(12)
    return _SEALED + (nonce + AESGCM(key).encrypt(nonce, plain, context.encode())).hex()


def _open(key: bytes, sealed: str, context: str) -> bytes:
    raw = bytes.fromhex(sealed.removeprefix(_SEALED))
    return AESGCM(key).decrypt(raw[:12], raw[12:], context.encode())


class RecipientGroups:
    def __init__(self, settings: Settings) -> None:
        self.db = Database(settings, "ontvangers.sqlite")
        self._wrapping_key = settings.recipients_key
        with self.db.schema() as db:
            for statement in _SCHEMA.split(";"):
                db.execute(statement)
        self._add_language_column()
        self._seal_plain_rows()

    def of_school(self, school_id: str) -> list[RecipientGroup]:
        with self.db.connect() as db:
            rows = db.execute(
                self.db.sql(
                    "SELECT name, addresses, language FROM recipient_groups WHERE school_id = ? ORDER BY name"
                ),
                (school_id,),
            ).fetchall()
        if not rows:
            return []
        key = self._school_key(school_id)
        return [
            RecipientGroup(school_id, name, self._addresses(key, school_id, name, value), language)
            for name, value, language in rows
        ]

    def get(self, school_id: str, name: str) -> RecipientGroup | None:
        return next((g for g in self.of_school(school_id) if g.name == name), None)

    def save(self, school_id: str, name: str, addresses: list[str], language: str = DUTCH) -> None:
        sealed = _seal(self._school_key(school_id), "\n".join(addresses).encode(), f"{school_id}\n{name}")
        with self.db.connect() as db:
            db.execute(
                self.db.sql(
                    "INSERT INTO recipient_groups (school_id, name, addresses, language) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (school_id, name) DO UPDATE SET addresses = excluded.addresses, "
                    "language = excluded.language"
                ),
                (school_id, name, sealed, language),
            )

    def delete(self, school_id: str, name: str) -> None:
        with self.db.connect() as db:
            db.execute(
                self.db.sql("DELETE FROM recipient_groups WHERE school_id = ? AND name = ?"),
                (school_id, name),
            )

    def _addresses(self, key: bytes, school_id: str, name: str, value: str) -> tuple[str, ...]:
        if not value.startswith(_SEALED):
            return tuple(value.split("\n"))
        try:
            return tuple(_open(key, value, f"{school_id}\n{name}").decode().split("\n"))
        except InvalidTag:
            return ()  # sealed with a key that is gone: the addresses are erased

    def _school_key(self, school_id: str) -> bytes:
        with self.db.connect() as db:
            row = db.execute(
                self.db.sql("SELECT sealed_key FROM recipient_keys WHERE school_id = ?"), (school_id,)
            ).fetchone()
            if row is not None:
                return _open(self._wrapping_key, row[0], school_id)
            key = AESGCM.generate_key(bit_length=256)
            db.execute(
                self.db.sql(
                    "INSERT INTO recipient_keys (school_id, sealed_key) VALUES (?, ?) ON CONFLICT DO NOTHING"
                ),
                (school_id, _seal(self._wrapping_key, key, school_id)),
            )
        return self._school_key(school_id)  # the stored one, also when another process won the race

    def _seal_plain_rows(self) -> None:
        """Groups saved before addresses were sealed are sealed now, once."""
        with self.db.connect() as db:
            plain = db.execute(
                self.db.sql(
                    "SELECT school_id, name, addresses, language FROM recipient_groups "
                    "WHERE addresses NOT LIKE ?"
                ),
                (_SEALED + "%",),
            ).fetchall()
        for school_id, name, addresses, language in plain:
            self.save(school_id, name, addresses.split("\n"), language)

    def _add_language_column(self) -> None:
        with self.db.schema() as db:
            if self.db.postgres:
                db.execute(_ADD_LANGUAGE.replace("ADD COLUMN", "ADD COLUMN IF NOT EXISTS"))
                return
            columns = {row[1] for row in db.execute("PRAGMA table_info(recipient_groups)")}
            if "language" not in columns:
                db.execute(_ADD_LANGUAGE)
