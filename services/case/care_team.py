"""Who a school's care team is: the accounts its board's file names (`zorgteam`), and those
the administrator marked on the accounts page. Only accounts of that school count, so a
typing error in a file never tells another school's people of a melding."""

from __future__ import annotations

from shared.accounts import Accounts
from shared.boards import board


class CareTeam:
    """The care team of a school, read when a melding is opened."""

    def __init__(self, accounts: Accounts, boards_dir: str = "") -> None:
        self.accounts = accounts
        self.boards_dir = boards_dir

    def __call__(self, board_id: str, school_id: str) -> list[str]:
        named = board(board_id, self.boards_dir).school(school_id).care_team
        members = list(dict.fromkeys([*named, *self.accounts.care_team(board_id, school_id)]))
        return [m for m in members if self._works_at(m, board_id, school_id)]

    def _works_at(self, username: str, board_id: str, school_id: str) -> bool:
        account = self.accounts.get(username)
        return account is not None and (account.board_id, account.school_id) == (board_id, school_id)
