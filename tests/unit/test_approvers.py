"""Who may approve a letter, and the short mail that tells them one waits."""

from __future__ import annotations

from services.case.approvers import approvers_of
from services.notifier.notices import render_notice
from shared.accounts import Account
from shared.boards import board
from shared.identity import Role

AUTHOR = Account("anna", "Anna de Vries", Role.CASE_HANDLER, "kindante", "de-wilg")
DIRECTOR = Account("jet", "Jet Bos", Role.CASE_HANDLER, "kindante", "de-wilg")
OTHER_SCHOOL = Account("bram", "Bram Peters", Role.CASE_HANDLER, "kindante", "het-anker")
STAFF = Account("mees", "Mees Jansen", Role.STAFF, "kindante", "de-wilg")
OTV = Account("omar", "Omar Tahiri", Role.OTV, "kindante", "")
OTHER_OTV = Account("sanne", "Sanne Kuipers", Role.OTV, "meander", "")
EVERYONE = [AUTHOR, DIRECTOR, OTHER_SCHOOL, STAFF, OTV, OTHER_OTV]


def approvers(accounts=EVERYONE, locked=(), notified=()):  # type: ignore[no-untyped-def]
    return approvers_of(
        author="anna",
        school_id="de-wilg",
        board_id="kindante",
        accounts=accounts,
        unavailable=lambda username: username in locked,
        notified=notified,
    )


def test_a_second_handler_of_the_school_approves_never_the_author() -> None:
    found = approvers()
    assert [a.username for a in found.people] == ["jet"]
    assert not found.includes("anna") and not found.from_board


def test_without_a_second_handler_the_boards_otv_approves() -> None:
    found = approvers([AUTHOR, STAFF, OTV, OTHER_OTV, OTHER_SCHOOL])
    assert [a.username for a in found.people] == ["omar"] and found.from_board
    assert "OTV" in found.waiting_note


def test_a_locked_approver_leaves_the_letter_waiting_for_another_and_says_so() -> None:
    found = approvers(locked={"jet"}, notified=["jet"])
    assert [a.username for a in found.people] == ["omar"]
    assert any("geblokkeerd" in note and "wacht op een ander" in note for note in found.notes)


def test_a_removed_approver_leaves_the_letter_waiting_for_another_and_says_so() -> None:
    found = approvers([AUTHOR, OTV], notified=["jet"])
    assert [a.username for a in found.people] == ["omar"]
    assert any("geen account meer" in note for note in found.notes)


def test_with_no_one_to_approve_the_letter_says_so() -> None:
    found = approvers([AUTHOR], locked=set())
    assert not found.people and "niemand" in found.waiting_note


def test_the_approval_mail_names_no_one(guard) -> None:  # type: ignore[no-untyped-def]
    kindante = board("kindante")
    link = "https://zorgvuldig.voorbeeld.nl/meldingen/1/brieven/2/beoordelen"
    mail = render_notice("goedkeuring_brief", {"link": link}, kindante.school("de-wilg"), kindante, guard)
    assert mail.subject == "Er wacht een brief op uw goedkeuring"
    assert "/brieven/2/beoordelen" in mail.text and "/brieven/2/beoordelen" in mail.html
    for name in ("Anna", "Jet", "Omar", "Vries", "Bos"):
        assert name not in mail.subject + mail.text + mail.html


def test_a_second_account_with_the_authors_address_is_the_author_again() -> None:
    """Someone who is both a school's handler and a member of the board's OTV, with two accounts
    on one address, does not approve their own letter with the other account."""
    emails = {"anna": "Anna@DeWilg.invalid", "anna.otv": " anna@dewilg.invalid", "jet": "jet@dewilg.invalid"}
    own_otv = Account("anna.otv", "Anna de Vries", Role.OTV, "kindante", "")
    second = Account("anna.2", "Anna de Vries", Role.CASE_HANDLER, "kindante", "de-wilg")
    emails["anna.2"] = "anna@dewilg.invalid"
    found = approvers_of(
        author="anna",
        school_id="de-wilg",
        board_id="kindante",
        accounts=[AUTHOR, second, own_otv, OTV],
        unavailable=lambda _: False,
        email_of=lambda username: emails.get(username, ""),
    )
    assert [a.username for a in found.people] == ["omar"] and found.from_board
    found = approvers_of(
        author="anna",
        school_id="de-wilg",
        board_id="kindante",
        accounts=[AUTHOR, DIRECTOR, OTV],
        unavailable=lambda _: False,
        email_of=lambda _: "",  # no address known: nobody is taken for the author
    )
    assert [a.username for a in found.people] == ["jet"]
