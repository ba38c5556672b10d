"""Saved groups of recipients per school (e.g. "Ouders groep 7"), so a handler enters or pastes
a class's addresses once. Addresses are personal data: they live only here, per school, and a
group that is deleted is gone (this is an address book, not the audit trail)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from shared.config import Settings
from shared.database import Database

MAX_ADDRESSES = 500
_ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


def valid_address(address: str) -> bool:
    """A plain e-mail address (no display name), at most 254 characters."""
    return bool(_ADDRESS.match(address.strip())) and len(address) <= 254


_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS recipient_groups (school_id TEXT NOT NULL, name TEXT NOT NULL,"
    " addresses TEXT NOT NULL, PRIMARY KEY (school_id, name))"
)


@dataclass(frozen=True)
class RecipientGroup:
    school_id: str
    name: str
    addresses: tuple[str, ...]


class RecipientGroups:
    def __init__(self, settings: Settings) -> None:
        self.db = Database(settings, "ontvangers.sqlite")
        with self.db.connect() as db:
            db.execute(_SCHEMA)

    def of_school(self, school_id: str) -> list[RecipientGroup]:
        with self.db.connect() as db:
            rows = db.execute(
                self.db.sql("SELECT name, addresses FROM recipient_groups WHERE school_id = ? ORDER BY name"),
                (school_id,),
            ).fetchall()
        return [RecipientGroup(school_id, name, tuple(addresses.split("\n"))) for name, addresses in rows]

    def get(self, school_id: str, name: str) -> RecipientGroup | None:
        return next((g for g in self.of_school(school_id) if g.name == name), None)

    def save(self, school_id: str, name: str, addresses: list[str]) -> None:
        with self.db.connect() as db:
            db.execute(
                self.db.sql(
                    "INSERT INTO recipient_groups (school_id, name, addresses) VALUES (?, ?, ?) "
                    "ON CONFLICT (school_id, name) DO UPDATE SET addresses = excluded.addresses"
                ),
                (school_id, name, "\n".join(addresses)),
            )

    def delete(self, school_id: str, name: str) -> None:
        with self.db.connect() as db:
            db.execute(
                self.db.sql("DELETE FROM recipient_groups WHERE school_id = ? AND name = ?"),
                (school_id, name),
            )
