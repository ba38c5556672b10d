"""The guard reads what a person typed once: the rendered letter repeats every typed field in
its text and its HTML part, and reading those again only doubled the time a letter waits."""

from __future__ import annotations

from shared.boards import board
from shared.letters import allowed_for, render
from shared.privacy import PrivacyGuard
from shared.privacy.pieces import EDGE, pieces

SENTENCE = (
    "Wij vragen alle ouders om thuis rustig met hun kinderen te praten over wat zij online "
    "delen en waarom doorsturen zoveel pijn doet."
)
MIDDLE = "Zwaluwstaart"


class ReadingFinder:
    """A name finder that finds nobody and keeps every text it was given."""

    def __init__(self) -> None:
        self.read: list[str] = []

    def persons_in_each(self, texts: list[str]) -> list[list[str]]:
        self.read += texts
        return [[] for _ in texts]


def long_text() -> str:
    half = " ".join([SENTENCE] * 8)
    return f"{half} {MIDDLE} {half}"


def test_the_name_finder_reads_the_middle_of_a_long_typed_field_once() -> None:
    finder = ReadingFinder()
    guard = PrivacyGuard(finder)
    kindante = board("kindante")
    school = kindante.school("de-wilg")
    fields = {
        "what_is_happening": long_text(),
        "what_we_think": "Wij vinden dit ernstig.",
        "what_we_do": "Wij werken samen met de wijkagent.",
        "why": "Zodat de rust terugkeert.",
        "contact_person": "de intern begeleider",
    }
    letter = render("ouders_klas", {**fields, "school_name": school.name})

    found = guard.check(
        fields, [letter.subject, letter.text, letter.html], guard.forbidden([]), allowed_for(kindante, school)
    )

    assert found == []
    assert sum(text.count(MIDDLE) for text in finder.read) == 1
    # the letter's own words around the field are still read
    assert any("Wat wij ervan vinden" in text for text in finder.read)


def test_a_long_typed_value_is_read_at_its_edges_with_the_template_around_it() -> None:
    value = long_text()
    text = f"Wat er aan de hand is:\n{value}\n\nWat wij ervan vinden:"

    read = pieces(text, [value])

    assert len(read) == 2 and MIDDLE not in "".join(read)
    assert (
        read[0].startswith("Wat er aan de hand is:\n")
        and len(read[0]) >= len("Wat er aan de hand is:\n") + EDGE
    )
    assert read[1].endswith("\n\nWat wij ervan vinden:") and len(read[1]) >= EDGE


def test_a_value_is_never_cut_inside_numbers_short_words_or_a_written_out_address() -> None:
    value = " ".join(["06 12 34 56 78 of anna at school punt nl of d a a n"] * 40)

    assert pieces(value, [value]) == [value]


def test_a_short_typed_value_is_read_again_in_the_letter_whole() -> None:
    text = f"Wat er aan de hand is:\n{SENTENCE}\n"

    assert pieces(text, [SENTENCE]) == [text]
