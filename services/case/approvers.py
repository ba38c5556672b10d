"""Who may approve a letter: the second person of four eyes.

A second case handler of the school (its director is one) reads the letter; where the school
has no second handler who can, the board's OTV does. The author never approves their own
letter, and an account that is locked or removed cannot approve: the letter then waits for
another approver and says so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from shared.accounts import Account
from shared.identity import Role


@dataclass(frozen=True)
class Approvers:
    """The people who can approve one letter now, and the notes a page shows beside it."""

    people: tuple[Account, ...]
    from_board: bool = False  # no second handler at the school: the board's OTV approves
    notes: tuple[str, ...] = field(default=())

    def includes(self, username: str) -> bool:
        return any(a.username == username for a in self.people)

    @property
    def waiting_note(self) -> str:
        """Who the letter waits for, in Dutch, without naming anyone."""
        if not self.people:
            return (
                "Er is nu niemand die deze brief kan goedkeuren: geen tweede behandelaar van de school "
                "en geen OTV van het bestuur met een bruikbaar account. Vraag de beheerder een account "
                "te herstellen of toe te voegen; de brief wacht."
            )
        if self.from_board:
            return (
                "De brief wacht op goedkeuring door het OTV van het bestuur "
                "(de school heeft geen tweede behandelaar)."
            )
        return "De brief wacht op goedkeuring door een tweede behandelaar of de directeur van de school."


def _same_person(username: str, author: str, email_of: Callable[[str], str] | None) -> bool:
    """An account with the author's e-mail address (asked only of those otherwise eligible)."""
    if email_of is None:
        return False
    own = email_of(author).strip().casefold()
    return bool(own) and email_of(username).strip().casefold() == own


def approvers_of(
    *,
    author: str,
    school_id: str,
    board_id: str,
    accounts: Iterable[Account],
    unavailable: Callable[[str], bool],
    notified: Iterable[str] = (),
    email_of: Callable[[str], str] | None = None,
) -> Approvers:
    """Who can approve a letter of `author` at the school now. `unavailable` says whether an
    account is locked; `notified` are those told earlier, of whom any that are gone or locked
    now get a note ("waits for another approver"). `email_of` (an account's address) tells a
    second account of the author's own: one with the author's address is the same person,
    whose second pair of eyes is their own."""
    everyone = list(accounts)
    present = {a.username: a for a in everyone}
    notes = []
    for username in notified:
        account = present.get(username)
        if account is None:
            notes.append(
                "Een eerder gevraagde goedkeurder heeft geen account meer; de brief wacht op een ander."
            )
        elif unavailable(username):
            notes.append("Een eerder gevraagde goedkeurder is geblokkeerd; de brief wacht op een ander.")
    school = [
        a
        for a in everyone
        if a.role is Role.CASE_HANDLER
        and a.school_id == school_id
        and a.board_id == board_id
        and a.username != author
        and not _same_person(a.username, author, email_of)
        and not unavailable(a.username)
    ]
    if school:
        return Approvers(tuple(school), notes=tuple(dict.fromkeys(notes)))
    board = [
        a
        for a in everyone
        if a.role is Role.OTV
        and a.board_id == board_id
        and a.username != author
        and not _same_person(a.username, author, email_of)
        and not unavailable(a.username)
    ]
    return Approvers(tuple(board), from_board=True, notes=tuple(dict.fromkeys(notes)))
