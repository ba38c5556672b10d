"""The Incident aggregate: actions become events, corrections never edit."""

from __future__ import annotations

import pytest

from services.case.domain.errors import (
    FieldTooLong,
    IncidentAlreadyOpen,
    IncidentClosed,
    MaterialRefused,
    NothingToCorrect,
    UnknownAction,
)
from services.case.domain.incident import Incident, sentence
from tests.examples import ACTIONS, HANDLER, LETTER_REQUESTS, OPENING


def opened() -> Incident:
    return Incident.open(school_id="de-wilg", board_id="kindante", actor=HANDLER.id, **OPENING)


def test_every_action_has_an_example() -> None:
    assert set(Incident.action_classes()) == set(ACTIONS) - set(LETTER_REQUESTS)


@pytest.mark.parametrize("action", sorted(set(ACTIONS) - set(LETTER_REQUESTS)))
def test_every_action_is_recorded_with_who_did_it(action: str) -> None:
    incident = opened()
    incident.record(action, actor=HANDLER.id, **ACTIONS[action])
    recorded = incident.actions[-1]
    assert recorded.action == action
    assert recorded.actor == HANDLER.id
    assert recorded.data == ACTIONS[action]


@pytest.mark.parametrize(
    "event_class", [*Incident.action_classes().values(), Incident.Opened, Incident.Corrected]
)
def test_every_event_has_a_dutch_sentence_for_the_audit_trail(event_class: type) -> None:
    text = sentence(event_class)
    assert text.endswith(".") and not text.startswith(event_class.__name__)


def test_unknown_action_is_refused() -> None:
    with pytest.raises(UnknownAction) as refused:
        opened().record("PhotoUploaded", actor=HANDLER.id)
    assert str(refused.value) == UnknownAction.message


def test_correction_is_a_new_event_and_the_original_stays() -> None:
    incident = opened()
    incident.record("ScopeAssessed", actor=HANDLER.id, **ACTIONS["ScopeAssessed"])
    incident.correct(
        actor=HANDLER.id, corrects=2, reason="verkeerd gehoord", changes={"pupil_visible": "nee"}
    )
    pending = incident.collect_events()
    assert [type(e).__name__ for e in pending] == ["Opened", "ScopeAssessed", "Corrected"]
    assert pending[1].pupil_visible == "ja"
    assert incident.action_at(2).data["pupil_visible"] == "nee"
    assert incident.action_at(2).corrected_by == [3]


def test_withdrawn_action_no_longer_counts() -> None:
    incident = opened()
    incident.record("PoliceContacted", actor=HANDLER.id, **ACTIONS["PoliceContacted"])
    incident.correct(actor=HANDLER.id, corrects=2, reason="verkeerde melding", withdraws=True)
    assert [a.action for a in incident.effective_actions()] == []


@pytest.mark.parametrize("corrects", [1, 7])
def test_correction_must_name_an_action(corrects: int) -> None:
    with pytest.raises(NothingToCorrect) as refused:
        opened().correct(actor=HANDLER.id, corrects=corrects, reason="x", changes={"a": 1})
    assert str(refused.value) == NothingToCorrect.message


def test_correction_cannot_invent_fields() -> None:
    incident = opened()
    incident.record("NoteAdded", actor=HANDLER.id, text="eerste notitie")
    with pytest.raises(NothingToCorrect):
        incident.correct(actor=HANDLER.id, corrects=2, reason="x", changes={"photo": "x"})


def test_closed_incident_takes_only_follow_up() -> None:
    incident = opened()
    incident.close(actor=HANDLER.id, reason="afgerond")
    with pytest.raises(IncidentClosed) as refused:
        incident.record("PoliceContacted", actor=HANDLER.id, **ACTIONS["PoliceContacted"])
    assert str(refused.value) == IncidentClosed.message  # a sentence, not the action's name
    incident.record("EvaluationHeld", actor=HANDLER.id, **ACTIONS["EvaluationHeld"])
    with pytest.raises(IncidentClosed, match=r"^De melding is al afgesloten\.$"):
        incident.close(actor=HANDLER.id, reason="nogmaals")
    incident.reopen(actor=HANDLER.id, reason="nieuwe informatie")
    with pytest.raises(IncidentAlreadyOpen):
        incident.reopen(actor=HANDLER.id, reason="nogmaals")
    incident.record("PoliceContacted", actor=HANDLER.id, **ACTIONS["PoliceContacted"])


@pytest.mark.parametrize(
    "text",
    [
        "data:image/png;base64,iVBORw0KGgo=",
        "DATA:image/jpeg,abc",
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg" * 2,
        "<svg xmlns='http://www.w3.org/2000/svg'></svg>",
        "\x89PNG\r\n",
    ],
)
def test_material_never_enters_the_system(text: str) -> None:
    incident = opened()
    with pytest.raises(MaterialRefused):
        incident.record("NoteAdded", actor=HANDLER.id, text=text)
    with pytest.raises(MaterialRefused):
        incident.record(
            "ScopeAssessed", actor=HANDLER.id, **{**ACTIONS["ScopeAssessed"], "shared_by": [text]}
        )
    assert incident.actions == []


def test_over_long_text_is_refused() -> None:
    with pytest.raises(FieldTooLong):
        opened().record("NoteAdded", actor=HANDLER.id, text="woord " * 500)


def test_ordinary_dutch_text_and_urls_pass() -> None:
    incident = opened()
    incident.record(
        "NoteAdded", actor=HANDLER.id, text="Gesprek gevoerd; zie https://www.politie.nl/informatie.html"
    )
    assert incident.actions[-1].data["text"].startswith("Gesprek")


def test_the_wording_of_a_conversation_is_never_corrected() -> None:
    incident = opened()
    incident.record("VictimConversationHeld", actor=HANDLER.id, **ACTIONS["VictimConversationHeld"])
    with pytest.raises(NothingToCorrect):
        incident.correct(actor=HANDLER.id, corrects=2, reason="x", changes={"wording": "herschreven"})
    incident.correct(actor=HANDLER.id, corrects=2, reason="verkeerd gehoord", changes={"made_self": "nee"})
