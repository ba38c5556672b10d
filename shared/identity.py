"""Who acts, and what they may see (hard rule 4).

A school sees only its own incidents; the OTV and the board only their own board's.
Every service asks `may_see` before it shows a case, so the rule lives in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Role(Enum):
    CASE_HANDLER = "behandelaar"
    STAFF = "medewerker"
    OTV = "otv"
    BOARD = "bestuur"
    ADMINISTRATOR = "beheerder"  # of one board: its accounts and sign-ins, never a case
    INSTALLATION_ADMINISTRATOR = "installatiebeheerder"  # the machinery of every board

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.CASE_HANDLER: "Behandelaar",
    Role.STAFF: "Medewerker",
    Role.OTV: "Ondersteuningsteam Veiligheid",
    Role.BOARD: "Bestuur",
    Role.ADMINISTRATOR: "Beheerder",
    Role.INSTALLATION_ADMINISTRATOR: "Installatiebeheerder",
}


@dataclass(frozen=True)
class Actor:
    """A signed-in person: the id is what events record as 'who'."""

    id: str
    name: str
    role: Role
    board_id: str
    school_id: str = ""

    @property
    def works_on_cases(self) -> bool:
        return self.role is Role.CASE_HANDLER

    @property
    def is_administrator(self) -> bool:
        """A board's administrator or the installation's: they see machinery, never a case."""
        return self.role in (Role.ADMINISTRATOR, Role.INSTALLATION_ADMINISTRATOR)

    def administers(self, board_id: str) -> bool:
        """True when this administrator may manage the accounts of that board."""
        return self.role is Role.INSTALLATION_ADMINISTRATOR or (
            self.role is Role.ADMINISTRATOR and self.board_id == board_id
        )


def may_see(actor: Actor, *, board_id: str, school_id: str) -> bool:
    """True when the actor may see a case of this school and board."""
    if actor.board_id != board_id:
        return False
    if actor.role in (Role.OTV, Role.BOARD):
        return True
    if actor.role is Role.CASE_HANDLER:
        return actor.school_id == school_id
    return False
