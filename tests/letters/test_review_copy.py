"""The review copy: what parents will read, with what a person typed marked apart."""

from __future__ import annotations

import html
import re

from services.case.review_copy import review_copy
from services.case.second_look import worth_a_second_look
from shared.letters import CATALOGUE, letter_context, render

STATEMENT = {
    "what_is_happening": "Er gaat een foto rond in de klas.",
    "what_we_think": "Wij vinden dit ernstig; de enige tweeling van groep 8 verdient rust.",
    "what_we_do": "Wij praten met de klas op 12 maart.",
    "why": "Zodat iedereen weet wat te doen.",
    "contact_person": "de intern begeleider",
}


def looks(text: str):
    return worth_a_second_look(text, recorded_names=["noor"], allowed=["Basisschool De Wilg"])


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


def test_numbers_and_a_near_recorded_name_deserve_a_second_look():
    found = {
        (text[look.start : look.end], look.reason)
        for text in ["Wij praten met de klas op 12 maart, ook met N.o.o.r-tje en Nour."]
        for look in looks(text)
    }
    words = {word for word, _ in found}
    assert "12" in words and "maart" in words
    assert "N.o.o.r-tje" in words and "Nour" in words


def test_a_capital_mid_sentence_deserves_a_look_but_not_the_school_or_a_sentence_start():
    text = "Wij vinden het erg. Gisteren zag Kacper het bij Basisschool De Wilg."
    words = {text[look.start : look.end] for look in looks(text)}
    assert words == {"Kacper"}


def test_an_address_and_a_handle_deserve_a_look():
    text = "Hij woont aan de Dorpsstraat 12 en heet @kacper_2012 online."
    words = {text[look.start : look.end] for look in looks(text)}
    assert "Dorpsstraat 12" in words and "@kacper_2012" in words


def test_typed_markup_stays_text_in_the_copy():
    copy = copy_of({**STATEMENT, "why": "Omdat 5 < 6 & meer."})
    assert "<script" not in str(copy.html)
    assert "&lt;" in str(copy.html) and "&amp;" in str(copy.html)


def test_the_copy_comes_in_the_language_the_letter_goes_out_in():
    copy = copy_of(language="en")
    assert copy.language_name == "Engels"
    assert 'data-veld="why"' in str(copy.html)
    assert "Dear" in str(copy.html)


def test_a_first_name_and_a_word_no_dictionary_knows_deserve_a_look():
    text = "wij spraken met oksana over het gebeuren met de blorptastische foto."
    found = {text[look.start : look.end]: look.reason for look in looks(text)}
    assert found == {
        "oksana": "een voornaam",
        "blorptastische": "staat in geen Nederlands of Engels woordenboek",
    }
