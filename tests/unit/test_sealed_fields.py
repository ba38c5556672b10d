"""Every field a person types is sealed, unless this file says why it need not be.

The test walks every field of every event class of the incident. A field that holds free
text (anything typed, by form kind or, for events without a form, by type) or an answer of
the conversation with the victim must be in the event's `personal` tuple: then it is sealed
with the incident's key, screened for the board and unreadable after erasure. A field that
is not sealed must be listed below with the reason.
"""

from __future__ import annotations

import dataclasses
import typing

import pytest

from services.case.domain.incident import Incident
from services.case.domain.letter_request import LETTER_EVENTS
from services.case.screening import SCREENED, Pseudonyms, screen_data
from services.case.web.forms import FIELDS
from tests.examples import ACTIONS

COMMON = {"originator_id", "originator_version", "timestamp", "actor", "originator_topic"}

# Form kinds that take a fixed answer (a code, a yes/no, a date): no person can be typed in.
FIXED_KINDS = {"choice", "choices", "yesno", "date", "fixed"}

NOT_SEALED: dict[tuple[str, str], str] = {
    ("Opened", "school_id"): "the school's id: who may see the incident follows from it (hard rule 4)",
    ("Opened", "board_id"): "the board's id: who may see the incident follows from it (hard rule 4)",
    ("Opened", "situation"): "a fixed choice of three situations, shown to the board as a count",
    ("Opened", "protocol_id"): "the protocol file's id, no person in it",
    ("InternetFilterRequested", "service_desk"): "the name of an IT service desk, an organisation",
    ("CommunicationStatementWritten", "what_is_happening"): "process-level text meant for every parent; "
    "each letter carrying it passes the letters privacy guard",
    ("CommunicationStatementWritten", "what_we_think"): "as what_is_happening",
    ("CommunicationStatementWritten", "what_we_do"): "as what_is_happening",
    ("CommunicationStatementWritten", "why"): "as what_is_happening",
    ("CommunicationStatementWritten", "contact_person"): "a staff role or name parents are told to contact; "
    "it is printed in every letter",
    ("StaffAccessGranted", "staff_id"): "an account id the access rule reads, no pupil data",
    ("StaffAccessRevoked", "staff_id"): "an account id the access rule reads, no pupil data",
    ("StepNotNeeded", "step"): "the key of a protocol step",
    ("TakedownOutcomeRecorded", "request_version"): "the event version of the takedown request it answers",
    ("ImprovementProposed", "step"): "the key of a protocol step",
    ("ImprovementShared", "step"): "the key of a protocol step",
    ("ImprovementShared", "text"): "an improvement for the protocol that passed the letters' guard and a "
    "second person's review, shared with the board on purpose",
    ("ImprovementShared", "proposal_version"): "the event version of the proposal it shares",
    ("ImprovementRefused", "proposal_version"): "the event version of the proposal it refuses",
    ("AgreementSetAside", "for_action"): "the event class name of the action that went ahead",
    ("AgreementSetAside", "audiences"): "keys of fixed audiences (ouders_klas, ouders_alle, ...)",
    (
        "PersonalDataErased",
        "reason",
    ): "must stay readable after the key is destroyed: it explains the erasure",
    ("LetterRequested", "letter"): "the key of a standard letter",
    ("LetterRequested", "group"): "the recipient group's label, checked by the letters privacy guard",
    ("LetterRequested", "statement"): "a copy of the communication statement (see above) as sent",
    ("LetterProposed", "letter"): "the key of a standard letter",
    ("LetterProposed", "group"): "as LetterRequested.group",
    ("LetterProposed", "statement"): "as LetterRequested.statement",
    ("LetterRequested", "language"): "the code of a language the letters exist in (nl, en)",
    ("LetterProposed", "language"): "as LetterRequested.language",
    # coordination (services/case/domain/tasks.py): account ids, step keys, dates, fixed choices
    ("CareTeamAlerted", "members"): "account ids of the school's care team, no pupil data",
    ("ColleagueAdded", "colleague_id"): "an account id the access rule reads, no pupil data",
    ("ColleagueAdded", "access"): "a fixed choice: lezen or behandelen",
    ("TaskCreated", "step"): "the key of a step of the protocol",
    ("TaskCreated", "suggestion"): "the event class name of a step's action, or empty",
    ("TaskCreated", "owner_id"): "an account id of the school, no pupil data",
    ("TaskCreated", "due_on"): "a date",
    ("TaskReassigned", "owner_id"): "as TaskCreated.owner_id",
    ("TaskReassigned", "due_on"): "a date",
    ("OtherSchoolRecorded", "role"): "a fixed choice: slachtoffer, dader or bereikt",
    ("OtherSchoolNotified", "how"): "a fixed choice: bericht or gebeld",
    ("OtherSchoolNotified", "on"): "a date",
    ("OtherSchoolNotified", "letter_id"): "the id of the notice's letter, made by the system",
    ("LetterComposed", "letter_id"): "the id of the letter's own stream",
    ("LetterComposed", "letter"): "the key of a standard letter",
}


def event_classes() -> dict[str, type]:
    named = {
        name: value
        for name, value in vars(Incident).items()
        if isinstance(value, type) and issubclass(value, Incident.Event) and name not in ("Event", "Created")
    }
    named.pop("ActionRecorded")
    return named


def typed_fields(name: str, event_class: type) -> list[tuple[str, str]]:
    """(field, why it counts as typed text) for every field a person could type into."""
    kinds = {spec.name: spec.kind for spec in FIELDS.get(name, ())}
    hints = typing.get_type_hints(event_class)
    found = []
    for field in dataclasses.fields(event_class):
        if field.name in COMMON:
            continue
        if name == "VictimConversationHeld" and field.name != "wording":
            found.append((field.name, "an answer of the conversation with the victim"))
        elif field.name in kinds:
            if kinds[field.name] not in FIXED_KINDS:
                found.append((field.name, f"free text (form kind {kinds[field.name]})"))
        elif hints.get(field.name) not in (bool, int):
            found.append((field.name, f"free text in an event without a form ({hints.get(field.name)})"))
    return found


@pytest.mark.parametrize("name", sorted(event_classes()))
def test_every_typed_field_is_sealed_or_says_why_not(name: str) -> None:
    event_class = event_classes()[name]
    personal = set(getattr(event_class, "personal", ()))
    unsealed = [
        f"{name}.{field}: {why}"
        for field, why in typed_fields(name, event_class)
        if field not in personal and (name, field) not in NOT_SEALED
    ]
    assert not unsealed, "seal these fields or give the reason in NOT_SEALED: " + "; ".join(unsealed)


def test_the_allow_list_names_only_fields_that_exist_and_are_not_sealed() -> None:
    classes = event_classes()
    for (name, field), reason in NOT_SEALED.items():
        assert reason
        assert field in {f.name for f in dataclasses.fields(classes[name])}, (name, field)
        assert field not in getattr(classes[name], "personal", ()), (name, field)


@pytest.mark.parametrize(
    "field", [spec.name for spec in FIELDS["VictimConversationHeld"] if spec.name != "wording"]
)
def test_every_conversation_answer_is_screened_for_the_board(field: str) -> None:
    screened = screen_data("VictimConversationHeld", ACTIONS["VictimConversationHeld"], Pseudonyms())
    value = ACTIONS["VictimConversationHeld"][field]
    if value:
        assert screened[field] in (SCREENED, [SCREENED]), field
    assert screened["wording"] == "checklist"


@pytest.mark.parametrize("field", ["went_well", "could_be_better", "protocol_improvements", "prevention"])
def test_every_evaluation_text_is_screened_for_the_board(field: str) -> None:
    screened = screen_data("EvaluationHeld", ACTIONS["EvaluationHeld"], Pseudonyms())
    assert screened[field] == SCREENED
    assert screened["with_whom"] == ACTIONS["EvaluationHeld"]["with_whom"]


LETTER_NOT_SEALED = {
    "incident_id": "the id of the letter's incident: whose key seals the rest",
    "school_id": "the id of a school",
    "board_id": "the id of a board",
    "letter": "the key of a standard letter",
    "group": "as LetterRequested.group",
    "statement": "as LetterRequested.statement",
    "language": "as LetterRequested.language",
    "revises": "the id of the letter this one replaces",
    "field": "the key of the letter field a rejection is about",
    "outcome_id": "the message id of the notifier's outcome",
}


@pytest.mark.parametrize("event_class", LETTER_EVENTS, ids=lambda c: c.__qualname__)
def test_every_typed_field_of_a_letter_is_sealed_or_says_why_not(event_class: type) -> None:
    personal = set(getattr(event_class, "personal", ()))
    unsealed = [
        f"{event_class.__qualname__}.{field}: {why}"
        for field, why in typed_fields("", event_class)
        if field not in personal and field not in LETTER_NOT_SEALED
    ]
    assert not unsealed, "seal these fields or give the reason in LETTER_NOT_SEALED: " + "; ".join(unsealed)
