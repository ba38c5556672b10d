"""The embedded default's demo boards and their accounts, one per role, so that the system can
be tried by hand (and isolation between boards with it) right after `make run`."""

from __future__ import annotations

from dataclasses import dataclass

from shared.accounts import DEMO_BOARD, DEMO_BOARDS, DEMO_PASSWORD, DEMO_SCHOOLS, SECOND_DEMO_BOARD, Accounts
from shared.config import Settings
from shared.identity import Role


@dataclass(frozen=True)
class DemoLogin:
    role: Role
    username: str
    password: str
    school: str
    board: str = DEMO_BOARD

    def __str__(self) -> str:
        board = DEMO_BOARDS.get(self.board, self.board)
        if self.school:
            where = f" ({DEMO_SCHOOLS.get(self.school, self.school)}, {board})"
        else:
            where = f" ({board})" if self.role in (Role.OTV, Role.BOARD, Role.ADMINISTRATOR) else ""
        return f"{self.role.label:<30} {self.username} / {self.password}{where}"


def seed_demo(settings: Settings, accounts: Accounts | None = None) -> list[DemoLogin]:
    """The embedded default's demo boards (created once): Kindante with two schools and a user
    per role, and a second board with one school, a handler, an OTV and a board member of its
    own, so that isolation between boards can be tried by hand."""
    accounts = accounts or Accounts(settings)
    people = [
        ("behandelaar.dewilg", "Anna de Vries", Role.CASE_HANDLER, DEMO_BOARD, "de-wilg"),
        ("directeur.dewilg", "Jet Bos", Role.CASE_HANDLER, DEMO_BOARD, "de-wilg"),
        ("behandelaar.hetanker", "Bram Peters", Role.CASE_HANDLER, DEMO_BOARD, "het-anker"),
        ("medewerker.dewilg", "Mees Jansen", Role.STAFF, DEMO_BOARD, "de-wilg"),
        ("otv", "Omar Tahiri", Role.OTV, DEMO_BOARD, ""),
        ("bestuur", "Bea Kramer", Role.BOARD, DEMO_BOARD, ""),
        ("beheerder", "Bert Hof", Role.ADMINISTRATOR, DEMO_BOARD, ""),
        ("beheerder.meander", "Mira Smit", Role.ADMINISTRATOR, SECOND_DEMO_BOARD, ""),
        ("installatiebeheerder", "Ivo Stam", Role.INSTALLATION_ADMINISTRATOR, DEMO_BOARD, ""),
        ("behandelaar.devlinder", "Dewi Verhoeven", Role.CASE_HANDLER, SECOND_DEMO_BOARD, "de-vlinder"),
        ("otv.meander", "Sanne Kuipers", Role.OTV, SECOND_DEMO_BOARD, ""),
        ("bestuur.meander", "Ruud Bakker", Role.BOARD, SECOND_DEMO_BOARD, ""),
    ]
    logins = []
    for username, name, role, board, school in people:
        if accounts.get(username) is None:
            accounts.create(
                username,
                name=name,
                role=role,
                board_id=board,
                school_id=school,
                password=DEMO_PASSWORD,
                email=f"{username}@school.voorbeeld.invalid",
            )
        logins.append(DemoLogin(role, username, DEMO_PASSWORD, school, board))
    return logins
