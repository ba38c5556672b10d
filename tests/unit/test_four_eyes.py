"""Which letters wait for a second person."""

from __future__ import annotations

import dataclasses

from services.case.four_eyes import needs_review
from shared.boards import board
from shared.vetted_sentences import STAPPENPLAN

KINDANTE = board("kindante")
TYPED = {"what_is_happening": "Er speelt iets in de klas.", "contact_person": "de intern begeleider"}
VETTED = {"what_we_think": STAPPENPLAN["nl"]["what_we_think"][0], "contact_person": "de intern begeleider"}


def review(letter: str, statement=TYPED, recipients: int = 1, **board_settings) -> bool:  # type: ignore[no-untyped-def]
    settings = dataclasses.replace(KINDANTE, **board_settings)
    return needs_review(letter, statement, recipients=recipients, board=settings, language="nl")


def test_a_letter_to_parents_or_pupils_waits_whatever_the_number_of_recipients() -> None:
    for letter in ("ouders_klas", "ouders_alle", "oproep_verwijderen", "leerlingen", "ouders_update"):
        assert review(letter, recipients=1) and review(letter, recipients=5)


def test_a_boards_file_may_exempt_letters_to_staff_never_those_to_parents() -> None:
    assert review("medewerkers")
    assert not review("medewerkers", staff_letters_skip_review=True)
    assert review("ouders_klas", staff_letters_skip_review=True)


def test_only_vetted_sentences_skip_the_review_where_the_board_allows_it() -> None:
    assert review("ouders_klas", VETTED)
    assert not review("ouders_klas", VETTED, vetted_skip_review=True)
    assert review(
        "ouders_klas", {**VETTED, "why": "Omdat de enige tweeling rust nodig heeft."}, vetted_skip_review=True
    )


def test_letters_to_professionals_wait_from_the_boards_number_on() -> None:
    assert not review("internetfilter", {"url": "https://voorbeeld.nl/x"}, recipients=1)
    assert review("internetfilter", {"url": "https://voorbeeld.nl/x"}, recipients=KINDANTE.four_eyes_from + 1)
