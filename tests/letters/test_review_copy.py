"""The review copy: what parents will read, with what a person typed marked apart."""

from __future__ import annotations

import html
import re

from services.case.review_copy import review_copy, without_allowed
from shared.letters import CATALOGUE, letter_context, render
from shared.privacy.recorded import Recorded, forbidden
from shared.privacy.review import spans_to_review

STATEMENT = {
    "what_is_happening": "Er gaat een foto rond in de klas.",
    "what_we_think": "Wij vinden dit ernstig; de enige tweeling van groep 8 verdient rust.",
    "what_we_do": "Wij praten met de klas op 12 maart.",
    "why": "Zodat iedereen weet wat te doen.",
    "contact_person": "de intern begeleider",
}


FORBIDDEN = forbidden(
    [Recorded("betrokken leerling", "Noor Bakker", "leerling")], lambda texts: [[] for _ in texts]
)
looks = without_allowed(lambda text: spans_to_review(text, FORBIDDEN), ["Basisschool De Wilg"])


def copy_of(statement=STATEMENT, language="nl"):
    return review_copy(
        "ouders_klas", statement, school_name="Basisschool De Wilg", language=language, looks=looks
    )


def text_of(markup) -> str:
    return re.sub(
        r'<span class="visually-hidden">.*?</span>', "", re.sub(r"<mark[^>]*>|</mark>", "", str(markup))
    )


def test_every_typed_field_is_marked_apart_from_the_template():
    copy = copy_of()
    for field in STATEMENT:
        assert f'data-veld="{field}"' in str(copy.html)
        assert f'data-veld="{field}"' in str(copy.text)
    assert "Beste ouder(s)/verzorger(s)" in str(copy.html)
    assert "Beste ouder(s)/verzorger(s)" not in " ".join(
        re.findall(r'class="getypt".*?</span>', str(copy.html))
    )
    assert set(copy.typed_fields) == set(STATEMENT)


def test_the_copy_reads_exactly_as_the_letter_that_is_sent():
    sent = render(
        "ouders_klas", letter_context(CATALOGUE["ouders_klas"], STATEMENT, school_name="Basisschool De Wilg")
    )
    shown = re.sub(r"<[^>]+>", "", text_of(copy_of().text))
    assert html.unescape(shown) == sent.text


def test_what_deserves_a_second_look_is_marked_within_the_typed_spans(guard) -> None:  # type: ignore[no-untyped-def]
    copy = copy_of({**STATEMENT, "why": "Zodat Nour en de Dorpsstraat 12 rust krijgen."})
    marked = re.findall(r'<mark class="tweede-blik" title="([^"]*)">([^<]*)<', str(copy.html))
    words = {word for _, word in marked}
    assert {"Nour", "Dorpsstraat 12", "12", "8"} & words >= {"Nour", "8"}
    assert any("lijkt op een naam uit de melding" in why for why, word in marked if word == "Nour")
    assert "Wilg" not in words  # the school's own name: no news to the reviewer
    assert copy.looks == len(marked)


def test_typed_markup_stays_text_in_the_copy():
    copy = copy_of({**STATEMENT, "why": "Omdat 5 < 6 & meer."})
    assert "<script" not in str(copy.html)
    assert "&lt;" in str(copy.html) and "&amp;" in str(copy.html)


def test_the_copy_comes_in_the_language_the_letter_goes_out_in():
    copy = copy_of(language="en")
    assert copy.language_name == "Engels"
    assert 'data-veld="why"' in str(copy.html)
    assert "Dear" in str(copy.html)
