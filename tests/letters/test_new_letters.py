"""The letters the protocol lacked: to pupils (plain words, with the help sites), an update to
parents (what happened since, what the school does now), and the staff briefing with every part
of the communication statement. They pass the same guard and review as every letter."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from services.case.domain.incident import Incident
from services.case.domain.safeguards import LETTER_AUDIENCES
from shared.letters import CATALOGUE, RenderedLetter
from tests.examples import ACTIONS, ENGLISH_STATEMENT, HANDLER, OPENING, SECOND_HANDLER

Write = Callable[..., RenderedLetter]
STATEMENT = ACTIONS["CommunicationStatementWritten"]
FIVE_PARTS = {
    "nl": ("Wat speelt er?", "Wat vinden wij ervan?", "Wat doen wij?", "Wat doet u", "Waarom?",
           "Contactpersoon"),
    "en": ("What is going on?", "What do we think of it?", "What are we doing?", "What do you do",
           "Why?", "Contact person"),
}  # fmt: skip


def plain(letter: RenderedLetter) -> str:
    return re.sub(r"\s+", " ", letter.text)


@pytest.mark.parametrize("without_pupil", ["nee", "ja"])
@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_staff_briefing_carries_all_five_parts_of_the_statement(
    language: str, without_pupil: str, write: Write
) -> None:
    letter = write("medewerkers", language=language, no_pupil_visible=without_pupil)
    for heading in FIVE_PARTS[language]:
        assert heading in letter.text and heading in letter.html
    statement = STATEMENT if language == "nl" else ENGLISH_STATEMENT
    for field in ("what_is_happening", "what_we_think", "what_we_do", "why", "contact_person"):
        assert statement[field] in plain(letter), field


@pytest.mark.parametrize("without_pupil", ["nee", "ja"])
@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_letter_to_pupils_is_short_plain_and_names_where_to_get_help(
    language: str, without_pupil: str, write: Write
) -> None:
    letter = write("leerlingen", language=language, no_pupil_visible=without_pupil)
    text = plain(letter)
    assert "0800-0432" in text and "www.kindertelefoon.nl" in text and "www.helpwanted.nl" in text
    # Plain words for children: no sentence over twenty-five words, and the adults' statement
    # (written for parents) does not appear in it.
    sentences = [s for s in re.split(r"(?<=[.?!])\s+", text) if s.strip()]
    assert max(len(s.split()) for s in sentences) <= 25, max(sentences, key=lambda s: len(s.split()))
    assert STATEMENT["what_we_think"] not in text


def test_the_update_to_parents_says_what_happened_since_and_only_what_is_recorded(write: Write) -> None:
    update = write("ouders_update")
    assert "Wat er sindsdien is gebeurd" in update.text and "Wat de school nu doet" in update.text
    assert "werkt samen met de politie" not in plain(update)
    with_police = write("ouders_update", police_contacted="ja", reported_to_police="ja")
    assert "De school werkt samen met de politie." in plain(with_police)
    assert "Het materiaal is gemeld bij de politie." in plain(with_police)
    english = write("ouders_update", language="en", police_contacted="ja")
    assert "The school is working with the police." in plain(english)


def test_every_letter_to_people_reaches_a_known_audience() -> None:
    """The agreements with the pupil and the risk at home can hold back only a letter whose
    audience is known: every letter to parents, pupils or staff has one."""
    for key, letter in CATALOGUE.items():
        if letter.audience in ("ouders", "leerlingen", "medewerkers", "ouders en leerlingen"):
            assert LETTER_AUDIENCES.get(key), key


def test_a_pupils_letter_to_many_waits_for_a_second_person_and_completes_informing_pupils() -> None:
    from services.case.application import CaseManagement

    cases = CaseManagement()
    incident_id, _ = cases.open_incident(HANDLER, **OPENING)
    many = [f"leerling{n}@voorbeeld.nl" for n in range(31)]
    cases.request_letter(HANDLER, incident_id, letter="leerlingen", group="Leerlingen", recipients=many,
                         statement={"contact_person": "de juf"}, four_eyes_from=30)  # fmt: skip
    waiting = cases.letters_awaiting_review(HANDLER, incident_id)
    assert [letter.letter for letter in waiting] == ["leerlingen"]
    cases.decide_letter(SECOND_HANDLER, incident_id, letter_id=waiting[0].id, approve=True)
    incident = cases.incident(HANDLER, incident_id)
    informed = [a for a in incident.effective_actions() if a.action == "GroupInformed"]
    assert [a.data["group"] for a in informed] == ["leerlingen"]


def test_an_update_is_held_back_when_the_agreements_say_parents_may_not_know_yet() -> None:
    incident = Incident.open(school_id="de-wilg", board_id="kindante", actor=HANDLER.id, **OPENING)
    incident.record("AgreementsRecorded", actor=HANDLER.id,
                    **{**ACTIONS["AgreementsRecorded"], "not_yet_told": ["ouders_alle"]})  # fmt: skip
    assert incident.agreement_conflicts("LetterRequested", {"letter": "ouders_update"}) == ["ouders_alle"]
