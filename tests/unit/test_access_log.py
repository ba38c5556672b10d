"""Every look at a case is accountable; a refused look is logged and looks like 404."""

from __future__ import annotations

import pytest

from services.case.application import CaseManagement, IncidentNotFound
from services.case.domain.access import ReasonRequired
from tests.examples import (
    BOARD_MEMBER,
    HANDLER,
    OPENING,
    OTHER_BOARD_HANDLER,
    OTHER_SCHOOL_HANDLER,
    OTV_MEMBER,
)


@pytest.fixture
def cases() -> CaseManagement:
    return CaseManagement(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})


def test_views_are_logged_with_who_and_what(cases: CaseManagement) -> None:
    incident_id, _ = cases.open_incident(HANDLER, **OPENING)
    cases.record_view(HANDLER, incident_id, what="melding")
    cases.record_view(OTV_MEMBER, incident_id, what="tijdlijn", reason="adviesvraag van de school")
    log = cases.access_log(BOARD_MEMBER, incident_id)
    assert [(e["actor"], e["what"], e["allowed"]) for e in log] == [
        (HANDLER.id, "melding", True),
        (OTV_MEMBER.id, "tijdlijn", True),
    ]
    assert log[1]["reason"] == "adviesvraag van de school"


@pytest.mark.parametrize("reader", [OTV_MEMBER, BOARD_MEMBER])
def test_otv_and_board_state_a_reason(cases: CaseManagement, reader) -> None:
    incident_id, _ = cases.open_incident(HANDLER, **OPENING)
    with pytest.raises(ReasonRequired):
        cases.record_view(reader, incident_id, what="melding")


@pytest.mark.parametrize("stranger", [OTHER_SCHOOL_HANDLER, OTHER_BOARD_HANDLER])
def test_refused_look_is_logged_and_answers_not_found(cases: CaseManagement, stranger) -> None:
    incident_id, _ = cases.open_incident(HANDLER, **OPENING)
    with pytest.raises(IncidentNotFound):
        cases.record_view(stranger, incident_id, what="melding")
    log = cases.access_log(HANDLER, incident_id)
    assert [(e["actor"], e["allowed"]) for e in log] == [(stranger.id, False)]
    with pytest.raises(IncidentNotFound):
        cases.access_log(stranger, incident_id)


def test_a_refused_change_or_read_by_another_school_is_logged(cases: CaseManagement) -> None:
    incident_id, _ = cases.open_incident(HANDLER, **OPENING)
    with pytest.raises(IncidentNotFound):
        cases.record_action(OTHER_SCHOOL_HANDLER, incident_id, "NoteAdded", {"text": "niet van ons"})
    with pytest.raises(IncidentNotFound):
        cases.audit_trail(OTHER_BOARD_HANDLER, incident_id)
    refused = [e for e in cases.access_log(HANDLER, incident_id) if not e["allowed"]]
    assert [e["actor"] for e in refused] == [OTHER_SCHOOL_HANDLER.id, OTHER_BOARD_HANDLER.id]


def test_a_look_reads_only_the_looks_stored_since_this_process_last_saved(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "events.sqlite")}
    here, elsewhere = CaseManagement(env=env), CaseManagement(env=env)
    incident_id, _ = here.open_incident(HANDLER, **OPENING)
    for _ in range(30):
        here.record_view(HANDLER, incident_id, what="melding")
    elsewhere.record_view(OTV_MEMBER, incident_id, what="tijdlijn", reason="advies")

    read: list[int] = []
    select_events = here.recorder.select_events

    def counted(originator_id, **kwargs):  # type: ignore[no-untyped-def]
        found = select_events(originator_id, **kwargs)
        read.append(len(found))
        return found

    here.recorder.select_events = counted  # type: ignore[method-assign]
    here.record_view(HANDLER, incident_id, what="logboek")
    assert max(read) <= 2  # the opening event, and the one look another process added
    log = here.access_log(BOARD_MEMBER, incident_id)
    assert [e["what"] for e in log[-3:]] == ["melding", "tijdlijn", "logboek"] and len(log) == 32
