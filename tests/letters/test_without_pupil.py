"""Abuse material on which no pupil of the school is visible (Kindante step 1's other
branch): every letter has a version that speaks of the material and the law, never of a
pupil's wish; the situation chosen at opening picks it, the scope assessment can correct it."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from services.case.domain.incident import Incident
from services.case.domain.letters import recorded_facts
from shared.letters import CATALOGUE, PARTS, TEMPLATES, WITHOUT_PUPIL, RenderedLetter, languages_of
from shared.privacy import Recorded
from tests.examples import ACTIONS, HANDLER, OPENING, PLANTED_NAMES

Write = Callable[..., RenderedLetter]
RECORDED = [
    Recorded("omvang en impact", "Kevin Brouwersma", "namen"),
    Recorded("omvang en impact", "Groep 8b"),
    Recorded("notitie", "Noor Wijnaldum is erg geschrokken"),
]
REQUIRED_LANGUAGES = ("nl", "en")
EVERY_VERSION = [(key, lang) for key in CATALOGUE for lang in REQUIRED_LANGUAGES]
# What a letter without a pupil may not say: a pupil of the school in the picture, or a wish.
ABOUT_A_PUPIL = {
    "nl": r"leerling (op de beelden|die erop staat)|die leerling|zonder dat [^.]{0,40}wil|(dat|niet) wil",
    "en": r"pupil (shown|in the images|in them)|that pupil|consent|\bwish",
}
# The law's word, or in the letter to children the plain words for it.
ABOUT_THE_MATERIAL = {
    "nl": r"kinderpornografisch|kind seksueel wordt misbruikt",
    "en": r"child sexual abuse material|child is sexually abused",
}
# The handler's own words for this situation: the test reads the letter's fixed wording.
NEUTRAL = {
    "nl": {"what_is_happening": "Onder leerlingen wordt verboden materiaal gedeeld."},
    "en": {"what_is_happening": "Forbidden material is being shared among pupils."},
}


def text(letter: RenderedLetter) -> str:
    return re.sub(r"\s+", " ", f"{letter.subject}\n{letter.text}\n{letter.html}")


@pytest.mark.parametrize(("key", "language"), EVERY_VERSION, ids=[f"{k}-{c}" for k, c in EVERY_VERSION])
def test_every_letter_has_a_version_without_a_pupil_and_an_english_version(key: str, language: str) -> None:
    for folder in (key, f"{key}/{WITHOUT_PUPIL}"):
        for part in PARTS:
            assert (TEMPLATES / language / folder / part).is_file(), f"{language}/{folder}/{part} ontbreekt"
    assert language in [lang.code for lang in languages_of(key)]


@pytest.mark.parametrize(("key", "language"), EVERY_VERSION, ids=[f"{k}-{c}" for k, c in EVERY_VERSION])
def test_the_version_without_a_pupil_speaks_of_the_material_not_of_a_pupils_wish(
    key: str, language: str, write: Write
) -> None:
    letter = write(key, RECORDED, language=language, no_pupil_visible="ja", **NEUTRAL[language])
    found = re.search(ABOUT_A_PUPIL[language], text(letter), flags=re.I)
    assert found is None, f"{key} ({language}): '{found.group(0)}'"
    assert re.search(ABOUT_THE_MATERIAL[language], text(letter))
    for name in PLANTED_NAMES:
        assert name.lower() not in text(letter).lower()


def test_the_deletion_call_with_a_pupil_keeps_speaking_of_that_pupil(write: Write) -> None:
    assert "zonder dat die leerling dat wil" in text(write("oproep_verwijderen"))
    assert "zonder dat die leerling dat wil" not in text(write("oproep_verwijderen", no_pupil_visible="ja"))


@pytest.mark.parametrize(
    ("situation", "pupil_visible", "without_pupil"),
    [
        ("kinderporno_gedeeld", None, True),
        ("beeld_leerling", None, False),
        ("anders", None, False),
        ("kinderporno_gedeeld", "ja", False),
        ("beeld_leerling", "nee", True),
        ("kinderporno_gedeeld", "weet_niet", True),
        ("beeld_leerling", "weet_niet", False),
    ],
)
def test_the_situation_at_opening_decides_until_the_scope_answers_it(
    situation: str, pupil_visible: str | None, without_pupil: bool
) -> None:
    incident = Incident.open(
        school_id="de-wilg", board_id="kindante", actor=HANDLER.id, **{**OPENING, "situation": situation}
    )
    if pupil_visible:
        incident.record(
            "ScopeAssessed", actor=HANDLER.id, **{**ACTIONS["ScopeAssessed"], "pupil_visible": pupil_visible}
        )
    facts = recorded_facts(incident.effective_actions(), incident.situation)
    assert facts["no_pupil_visible"] is without_pupil
