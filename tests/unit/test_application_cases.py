"""CaseManagement in memory: who may see and act (hard rule 4), conflicts, a store that is down."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import OperationalError

from services.case.application import (
    CaseManagement,
    ConcurrentEdit,
    IncidentNotFound,
    NotAllowed,
    StoreUnavailable,
)
from services.case.domain.errors import CaseError, UnknownAction
from shared.identity import Actor, Role
from tests.examples import (
    ACTIONS,
    BOARD_MEMBER,
    HANDLER,
    OPENING,
    OTHER_BOARD_HANDLER,
    OTHER_SCHOOL_HANDLER,
    OTV_MEMBER,
)

OTHER_BOARD_OTV = Actor("u-otv2", "Olga Ter Velde", Role.OTV, board_id="ander-bestuur")
STAFF_MEMBER = Actor("u-mw", "Mees Wouters", Role.STAFF, board_id="kindante", school_id="de-wilg")


@pytest.fixture
def cases() -> CaseManagement:
    return CaseManagement(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})


@pytest.fixture
def incident_id(cases: CaseManagement) -> UUID:
    incident_id, _ = cases.open_incident(HANDLER, **OPENING)
    cases.record_action(HANDLER, incident_id, "ScopeAssessed", ACTIONS["ScopeAssessed"])
    return incident_id


def test_handler_opens_and_records_at_own_school(cases: CaseManagement, incident_id: UUID) -> None:
    incident = cases.incident(HANDLER, incident_id)
    assert (incident.school_id, incident.board_id) == ("de-wilg", "kindante")
    assert [e.event_type for e in cases.audit_trail(HANDLER, incident_id)] == ["Opened", "ScopeAssessed"]
    assert [i.id for i in cases.incidents(HANDLER)] == [incident_id]


def test_commands_return_increasing_notification_ids(cases: CaseManagement) -> None:
    incident_id, first = cases.open_incident(HANDLER, **OPENING)
    second = cases.record_action(HANDLER, incident_id, "NoteAdded", {"text": "eerste notitie"})
    assert second > first


@pytest.mark.parametrize("outsider", [OTHER_SCHOOL_HANDLER, OTHER_BOARD_HANDLER, OTHER_BOARD_OTV])
def test_outsider_gets_not_found_for_anothers_incident(
    cases: CaseManagement, incident_id: UUID, outsider: Actor
) -> None:
    with pytest.raises(IncidentNotFound):
        cases.incident(outsider, incident_id)
    with pytest.raises(IncidentNotFound):
        cases.audit_trail(outsider, incident_id)
    with pytest.raises((IncidentNotFound, NotAllowed)):
        cases.record_action(outsider, incident_id, "NoteAdded", {"text": "mag niet"})
    assert cases.incidents(outsider) == []
    assert len(cases.audit_trail(HANDLER, incident_id)) == 2


def test_handler_of_another_school_cannot_record_and_learns_nothing(
    cases: CaseManagement, incident_id: UUID
) -> None:
    with pytest.raises(IncidentNotFound) as raised:
        cases.record_action(OTHER_SCHOOL_HANDLER, incident_id, "NoteAdded", {"text": "mag niet"})
    assert str(raised.value) == str(IncidentNotFound())


def test_unknown_incident_is_not_found(cases: CaseManagement) -> None:
    with pytest.raises(IncidentNotFound):
        cases.incident(HANDLER, uuid4())
    with pytest.raises(IncidentNotFound):
        cases.record_action(HANDLER, uuid4(), "NoteAdded", {"text": "waar is hij"})


@pytest.mark.parametrize("reader", [OTV_MEMBER, BOARD_MEMBER])
def test_otv_and_board_see_their_boards_incidents_but_cannot_act(
    cases: CaseManagement, incident_id: UUID, reader: Actor
) -> None:
    other_school_incident, _ = cases.open_incident(OTHER_SCHOOL_HANDLER, **OPENING)
    other_board_incident, _ = cases.open_incident(OTHER_BOARD_HANDLER, **OPENING)

    assert cases.incident(reader, incident_id).id == incident_id
    assert len(cases.audit_trail(reader, incident_id)) == 2
    assert {i.id for i in cases.incidents(reader)} == {incident_id, other_school_incident}
    assert other_board_incident not in {i.id for i in cases.incidents(reader)}

    attempts = [
        lambda: cases.open_incident(reader, **OPENING),
        lambda: cases.record_action(reader, incident_id, "NoteAdded", {"text": "advies"}),
        lambda: cases.correct(reader, incident_id, corrects=2, reason="x", withdraws=True),
        lambda: cases.close_incident(reader, incident_id, reason="klaar"),
    ]
    for attempt in attempts:
        with pytest.raises(NotAllowed):
            attempt()
    assert len(cases.audit_trail(HANDLER, incident_id)) == 2


def test_staff_member_sees_no_case_and_cannot_act(cases: CaseManagement, incident_id: UUID) -> None:
    assert cases.incidents(STAFF_MEMBER) == []
    with pytest.raises(NotAllowed):
        cases.record_action(STAFF_MEMBER, incident_id, "NoteAdded", {"text": "mag niet"})


def test_stale_expected_version_is_a_concurrent_edit_and_stores_nothing(
    cases: CaseManagement, incident_id: UUID
) -> None:
    seen_version = cases.incident(HANDLER, incident_id).version
    cases.record_action(
        HANDLER, incident_id, "PoliceContacted", ACTIONS["PoliceContacted"], expected_version=seen_version
    )
    with pytest.raises(ConcurrentEdit) as raised:
        cases.record_action(
            HANDLER, incident_id, "NoteAdded", {"text": "te laat"}, expected_version=seen_version
        )
    assert "niets verloren" in str(raised.value)
    trail = cases.audit_trail(HANDLER, incident_id)
    assert [e.event_type for e in trail] == ["Opened", "ScopeAssessed", "PoliceContacted"]


def test_conflicting_correction_and_closing_are_refused_too(cases: CaseManagement, incident_id: UUID) -> None:
    with pytest.raises(ConcurrentEdit):
        cases.correct(HANDLER, incident_id, corrects=2, reason="x", withdraws=True, expected_version=1)
    with pytest.raises(ConcurrentEdit):
        cases.close_incident(HANDLER, incident_id, reason="klaar", expected_version=1)
    assert cases.incident(HANDLER, incident_id).version == 2


def test_every_case_error_has_a_dutch_message() -> None:
    for error in (IncidentNotFound(), NotAllowed(), ConcurrentEdit(), StoreUnavailable(), UnknownAction()):
        assert isinstance(error, CaseError)
        assert str(error).endswith(".")


_RECORDER_METHODS = ("insert_events", "select_events", "select_notifications", "max_notification_id")


@contextmanager
def store_down(cases: CaseManagement) -> Iterator[None]:
    """A fake outage: every call to the recorder fails as a lost connection would."""

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise OperationalError("verbinding met de database verbroken")

    for name in _RECORDER_METHODS:
        setattr(cases.recorder, name, refuse)
    try:
        yield
    finally:
        for name in _RECORDER_METHODS:
            delattr(cases.recorder, name)


def test_store_down_is_store_unavailable_with_nothing_half_written(
    cases: CaseManagement, incident_id: UUID
) -> None:
    with store_down(cases):
        attempts = [
            lambda: cases.open_incident(HANDLER, **OPENING),
            lambda: cases.record_action(HANDLER, incident_id, "NoteAdded", {"text": "tijdens storing"}),
            lambda: cases.incident(HANDLER, incident_id),
            lambda: cases.incidents(HANDLER),
            lambda: cases.audit_trail(HANDLER, incident_id),
        ]
        for attempt in attempts:
            with pytest.raises(StoreUnavailable) as raised:
                attempt()
            assert "niets opgeslagen" in str(raised.value)
    assert [i.id for i in cases.incidents(HANDLER)] == [incident_id]
    assert cases.incident(HANDLER, incident_id).version == 2
