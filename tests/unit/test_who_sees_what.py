"""Roles in the application layer: staff by grant, OTV and board screened (issue 5)."""

from __future__ import annotations

from uuid import UUID

import pytest

from services.case.application import CaseManagement, IncidentNotFound, NotAllowed
from services.case.screening import SCREENED
from tests.examples import (
    ACTIONS,
    ADMINISTRATOR,
    BOARD_MEMBER,
    HANDLER,
    OPENING,
    OTV_MEMBER,
    PLANTED_NAMES,
    STAFF_MEMBER,
)

NAMED_ACTIONS = ("ScopeAssessed", *(a for a in ACTIONS if a not in ("ScopeAssessed", "OtvAdviceRequested")))


@pytest.fixture
def cases() -> CaseManagement:
    return CaseManagement(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})


@pytest.fixture
def incident_id(cases: CaseManagement) -> UUID:
    incident_id, _ = cases.open_incident(HANDLER, **OPENING)
    for action in NAMED_ACTIONS:
        cases.record_action(HANDLER, incident_id, action, ACTIONS[action])
    cases.correct(
        HANDLER,
        incident_id,
        corrects=2,
        reason="Naam verkeerd gespeld",
        changes={"shared_by": ["Kevin Brouwersma", "Noor Wijnaldum"]},
    )
    return incident_id


def visible_text(cases: CaseManagement, actor, incident_id: UUID) -> str:
    incident = cases.incident(actor, incident_id)
    trail = cases.audit_trail(actor, incident_id)
    return " ".join(
        [incident.learned_how]
        + [repr(action.data) for action in incident.actions]
        + [repr(entry.data) for entry in trail]
    )


def test_staff_see_an_incident_only_while_a_handler_grants_it(cases, incident_id) -> None:
    with pytest.raises(IncidentNotFound):
        cases.incident(STAFF_MEMBER, incident_id)
    assert cases.incidents(STAFF_MEMBER) == []

    cases.record_action(HANDLER, incident_id, "StaffAccessGranted", {"staff_id": STAFF_MEMBER.id})
    assert cases.incident(STAFF_MEMBER, incident_id).id == incident_id
    assert [i.id for i in cases.incidents(STAFF_MEMBER)] == [incident_id]
    with pytest.raises(NotAllowed):
        cases.record_action(STAFF_MEMBER, incident_id, "NoteAdded", {"text": "mag niet"})

    cases.record_action(HANDLER, incident_id, "StaffAccessRevoked", {"staff_id": STAFF_MEMBER.id})
    with pytest.raises(IncidentNotFound):
        cases.audit_trail(STAFF_MEMBER, incident_id)


def test_the_board_sees_the_course_but_never_the_people(cases, incident_id) -> None:
    text = visible_text(cases, BOARD_MEMBER, incident_id)
    assert SCREENED in text and "Persoon 1" in text
    for name in PLANTED_NAMES:
        assert name not in text


def test_the_same_person_keeps_the_same_pseudonym(cases, incident_id) -> None:
    trail = cases.audit_trail(BOARD_MEMBER, incident_id)
    scope = next(e for e in trail if e.event_type == "ScopeAssessed")
    correction = next(e for e in trail if e.event_type == "Corrected")
    assert scope.data["shared_by"] == ["Persoon 1"]
    kevin, noor = correction.data["changes"]["shared_by"]
    assert kevin == "Persoon 1" and noor.startswith("Persoon ") and noor != kevin


def test_the_otv_sees_the_people_only_after_the_school_asks_its_advice(cases, incident_id) -> None:
    for name in PLANTED_NAMES:
        assert name not in visible_text(cases, OTV_MEMBER, incident_id)
    cases.record_action(HANDLER, incident_id, "OtvAdviceRequested", ACTIONS["OtvAdviceRequested"])
    assert "Kevin Brouwersma" in visible_text(cases, OTV_MEMBER, incident_id)
    assert "Kevin Brouwersma" not in visible_text(cases, BOARD_MEMBER, incident_id)


def test_the_handler_sees_everything_and_the_store_is_unchanged(cases, incident_id) -> None:
    visible_text(cases, BOARD_MEMBER, incident_id)
    assert "Kevin Brouwersma" in visible_text(cases, HANDLER, incident_id)


def test_an_administrator_sees_no_incident_content(cases, incident_id) -> None:
    with pytest.raises(IncidentNotFound):
        cases.incident(ADMINISTRATOR, incident_id)
    assert cases.incidents(ADMINISTRATOR) == []
