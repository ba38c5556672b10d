"""The spans a second reader is pointed to (issue 28): names, capitals mid-sentence, unknown
words, numbers and dates, near-misses of a recorded name, streets — and nothing in a plain
sentence."""

from __future__ import annotations

from shared.privacy.recorded import Forbidden
from shared.privacy.review import CAPITAL, CLOSE, FOUND, NAME, NUMBER, STREET, UNKNOWN, spans_to_review


def reasons(text: str, **kwargs) -> dict[str, tuple[str, ...]]:  # type: ignore[no-untyped-def]
    return {span.text: span.why for span in spans_to_review(text, **kwargs)}


def test_a_plain_sentence_has_nothing_to_review() -> None:
    assert spans_to_review("Wij praten in de klassen over wat wel en niet mag.") == []


def test_first_names_are_marked_also_when_they_are_words() -> None:
    found = reasons("Wij spraken met oksana en er is hoop.")
    assert NAME in found["oksana"] and NAME in found["hoop"]


def test_a_capital_mid_sentence_is_marked_but_not_at_the_start() -> None:
    found = reasons("Gisteren sprak de mentor met Kowalski. Daarna belde hij.")
    assert CAPITAL in found["Kowalski"]
    assert "Gisteren" not in found and "Daarna" not in found


def test_a_word_no_dictionary_knows_is_marked() -> None:
    assert UNKNOWN in reasons("Het ging om xqzvrt in de groepsapp.")["xqzvrt"]


def test_numbers_and_dates_are_marked() -> None:
    found = reasons("Op 12 maart om 19.30 uur, kamer 204518.")
    assert NUMBER in found["12 maart"] and NUMBER in found["19.30"] and NUMBER in found["204518"]


def test_a_near_miss_of_a_recorded_name_is_marked() -> None:
    forms = Forbidden()
    forms.add_name("Wojciech Kowalczyk", "betrokken leerling", strict=True)
    found = reasons("Het gaat om Kowalcyk en om superwojciechfan.", forbidden=forms)
    assert CLOSE in found["Kowalcyk"] and CLOSE in found["superwojciechfan"]


def test_what_the_name_finder_saw_and_street_like_words_are_marked() -> None:
    found = reasons("Sanne woont aan de Lindenlaan 14.", persons=["Sanne"])
    assert FOUND in found["Sanne"] and STREET in found["Lindenlaan 14"]


def test_the_spans_point_into_the_text() -> None:
    text = "Wij spraken met Oksana op 3 mei."
    for span in spans_to_review(text):
        assert text[span.start : span.end] == span.text
