"""A letter looks like the school's: its name as the sender (over the board's sending address),
and its contact person, address and telephone number from the board's file at the end."""

from __future__ import annotations

from collections.abc import Callable
from email.utils import parseaddr

import pytest

from services.notifier.sending import LetterMail, build
from shared.boards import board
from shared.config import load_settings
from shared.letters import CATALOGUE, RenderedLetter, compose
from tests.examples import ACTIONS, PLANTED_NAMES
from tests.letters.test_letters import RECORDED

Write = Callable[..., RenderedLetter]
CLOSING_NL = [
    "Contactpersoon: Mees Jansen, intern begeleider",
    "Wilgenlaan 12, 6411 AB Heerlen",
    "Telefoon: 045 123 4567",
]
CLOSING_EN = [
    "Contact person: Mees Jansen, intern begeleider",
    "Wilgenlaan 12, 6411 AB Heerlen",
    "Phone: 045 123 4567",
]


@pytest.mark.parametrize("key", list(CATALOGUE))
def test_every_letter_ends_with_how_to_reach_the_school(key: str, write: Write) -> None:
    letter = write(key, RECORDED)
    assert letter.text.rstrip().splitlines()[-3:] == CLOSING_NL
    for line in CLOSING_NL:
        assert line in letter.html
    for name in PLANTED_NAMES:
        assert name.lower() not in f"{letter.text}\n{letter.html}".lower()


def test_an_english_letter_ends_with_the_school_in_english(write: Write) -> None:
    letter = write("ouders_alle", RECORDED, language="en")
    assert letter.text.rstrip().splitlines()[-3:] == CLOSING_EN


def test_the_sender_is_the_schools_name_over_the_boards_address(write: Write) -> None:
    kindante = board("kindante")
    mail = build(
        load_settings({}),
        write("ouders_alle"),
        "ouder@voorbeeld.nl",
        school=kindante.school("de-wilg"),
        key="k" * 64,
        sending_address=kindante.sending_address,
    )
    assert parseaddr(str(mail["From"])) == ("Basisschool De Wilg", "brieven@kindante.voorbeeld.nl")
    without_board = build(
        load_settings({}), write("ouders_alle"), "o@v.nl", school=kindante.school("de-wilg"), key="k"
    )
    assert parseaddr(str(without_board["From"])) == ("Basisschool De Wilg", "noreply@zorgvuldig.local")


def test_the_contact_person_of_the_boards_file_is_no_name_to_hold_back(guard) -> None:  # type: ignore[no-untyped-def]
    """The notifier knows no staff accounts: the board's file alone lets the letter name its contact."""
    kindante = board("kindante")
    letter = compose(
        "ouders_alle",
        {**ACTIONS["CommunicationStatementWritten"]},
        guard=guard,
        board=kindante,
        school=kindante.school("de-wilg"),
        recorded=RECORDED,
    )
    assert CLOSING_NL[0] in letter.text


def test_a_letter_composed_once_carries_the_headers_each_mail_built_alone_has(write: Write) -> None:
    kindante = board("kindante")
    settings, letter, school = load_settings({}), write("ouders_alle"), kindante.school("de-wilg")
    alone = build(settings, letter, "ouder@voorbeeld.nl", school=school, key="k" * 64, request="verzoek")
    once = LetterMail(settings, letter, school=school).to(
        "ouder@voorbeeld.nl", key="k" * 64, request="verzoek", return_path="terug+x@zorgvuldig.local"
    )
    mail = once.message()
    for header in ("From", "To", "Reply-To", "Subject", "Message-ID", "X-Zorgvuldig-School",
                   "X-Zorgvuldig-Bericht", "X-Zorgvuldig-Verzoek", "Content-Language"):  # fmt: skip
        assert str(mail[header]) == str(alone[header]), header
    for kind in ("plain", "html"):  # on the wire every line ends in CRLF
        sent = mail.get_body((kind,)).get_content().replace("\r\n", "\n")
        assert sent == alone.get_body((kind,)).get_content(), kind
    with pytest.raises(ValueError):
        LetterMail(settings, letter, school=school).to("a@b.nl\r\nBcc: c@d.nl", key="k")
