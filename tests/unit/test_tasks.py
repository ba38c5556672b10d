"""Tasks, colleagues and the care team's alert on an incident (issue 24, items 1 and 2)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest

from services.case.application import CaseManagement, IncidentNotFound, NotAllowed
from services.case.coordination import HandlingNeedsHandler
from services.case.domain.errors import IncidentClosed
from services.case.domain.tasks import (
    TaskIncomplete,
    TaskNotAllowed,
    TaskOwnerOfAnotherSchool,
    TaskStatus,
    TaskUnchanged,
)
from tests.examples import (
    HANDLER,
    OPENING,
    OTHER_BOARD_HANDLER,
    OTHER_SCHOOL_HANDLER,
    OTV_MEMBER,
    SECOND_HANDLER,
    STAFF_MEMBER,
)

DUE = date(2026, 12, 10)


@pytest.fixture
def cases() -> CaseManagement:
    return CaseManagement(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})


@pytest.fixture
def incident_id(cases: CaseManagement) -> UUID:
    incident_id, _ = cases.open_incident(HANDLER, **OPENING)
    return incident_id


def new_task(
    cases: CaseManagement, incident_id: UUID, owner=STAFF_MEMBER, what="Lesbrief klaarzetten"
) -> int:  # type: ignore[no-untyped-def]
    cases.create_task(
        HANDLER, incident_id, step="medewerkers", suggestion="", what=what, owner=owner, due_on=DUE
    )
    return max(cases.incident(HANDLER, incident_id).tasks)


def test_opening_alerts_the_care_team_without_the_one_who_opened(cases: CaseManagement) -> None:
    cases.care_team = lambda board, school: [HANDLER.id, SECOND_HANDLER.id]
    incident_id, _ = cases.open_incident(HANDLER, **OPENING)
    trail = cases.audit_trail(HANDLER, incident_id)
    assert [e.event_type for e in trail] == ["Opened", "CareTeamAlerted"]
    assert trail[1].data["members"] == [SECOND_HANDLER.id]
    assert trail[1].sentence.startswith("Het zorgteam van de school is gewaarschuwd")


def test_without_a_care_team_opening_records_only_the_opening(
    cases: CaseManagement, incident_id: UUID
) -> None:
    assert [e.event_type for e in cases.audit_trail(HANDLER, incident_id)] == ["Opened"]


def test_a_task_has_what_owner_date_and_status_and_is_an_event(
    cases: CaseManagement, incident_id: UUID
) -> None:
    number = new_task(cases, incident_id)
    task = cases.incident(HANDLER, incident_id).task(number)
    assert (task.what, task.owner_id, task.due_on, task.status) == (
        "Lesbrief klaarzetten", STAFF_MEMBER.id, DUE, TaskStatus.OPEN,
    )  # fmt: skip
    assert task.number == 2
    assert cases.audit_trail(HANDLER, incident_id)[-1].event_type == "TaskCreated"


def test_a_task_for_someone_of_another_school_is_refused_in_dutch(
    cases: CaseManagement, incident_id: UUID
) -> None:
    for stranger in (OTHER_SCHOOL_HANDLER, OTHER_BOARD_HANDLER, OTV_MEMBER):
        with pytest.raises(TaskOwnerOfAnotherSchool, match="werkt niet op de school van deze melding"):
            new_task(cases, incident_id, owner=stranger)
    assert cases.incident(HANDLER, incident_id).tasks == {}


def test_a_task_cannot_be_handed_to_another_school_either(cases: CaseManagement, incident_id: UUID) -> None:
    number = new_task(cases, incident_id)
    with pytest.raises(TaskOwnerOfAnotherSchool):
        cases.reassign_task(HANDLER, incident_id, number=number, owner=OTHER_SCHOOL_HANDLER, due_on=DUE)


def test_a_task_without_what_is_refused(cases: CaseManagement, incident_id: UUID) -> None:
    with pytest.raises(TaskIncomplete):
        new_task(cases, incident_id, what="  ")


def test_a_suggested_action_needs_no_free_text(cases: CaseManagement, incident_id: UUID) -> None:
    cases.create_task(
        HANDLER, incident_id, step="medewerkers", suggestion="StaffSupported", what="", owner=SECOND_HANDLER,
        due_on=DUE,
    )  # fmt: skip
    assert cases.incident(HANDLER, incident_id).tasks_of_step("medewerkers")[0].suggestion == "StaffSupported"


def test_reassigned_done_and_reopened_are_events(cases: CaseManagement, incident_id: UUID) -> None:
    number = new_task(cases, incident_id)
    cases.reassign_task(HANDLER, incident_id, number=number, owner=SECOND_HANDLER, due_on=date(2026, 12, 12))
    cases.finish_task(SECOND_HANDLER, incident_id, number=number)
    cases.reopen_task(HANDLER, incident_id, number=number)
    trail = [e.event_type for e in cases.audit_trail(HANDLER, incident_id)]
    assert trail[-4:] == ["TaskCreated", "TaskReassigned", "TaskDone", "TaskReopened"]
    task = cases.incident(HANDLER, incident_id).task(number)
    assert (task.owner_id, task.due_on, task.open) == (SECOND_HANDLER.id, date(2026, 12, 12), True)


def test_the_owner_finishes_their_own_task_even_as_staff(cases: CaseManagement, incident_id: UUID) -> None:
    number = new_task(cases, incident_id)
    cases.finish_task(STAFF_MEMBER, incident_id, number=number)
    assert cases.incident(HANDLER, incident_id).task(number).status is TaskStatus.DONE
    with pytest.raises(TaskUnchanged):
        cases.finish_task(STAFF_MEMBER, incident_id, number=number)


def test_someone_else_cannot_finish_a_task_that_is_not_theirs(
    cases: CaseManagement, incident_id: UUID
) -> None:
    number = new_task(cases, incident_id, owner=SECOND_HANDLER)
    with pytest.raises(TaskNotAllowed):
        cases.finish_task(STAFF_MEMBER, incident_id, number=number)
    with pytest.raises(IncidentNotFound):
        cases.finish_task(OTHER_SCHOOL_HANDLER, incident_id, number=number)
    with pytest.raises(IncidentNotFound):
        cases.finish_task(OTV_MEMBER, incident_id, number=number)


def test_only_a_handler_plans_tasks(cases: CaseManagement, incident_id: UUID) -> None:
    with pytest.raises(NotAllowed):
        cases.create_task(
            STAFF_MEMBER,
            incident_id,
            step="medewerkers",
            suggestion="",
            what="x",
            owner=STAFF_MEMBER,
            due_on=DUE,
        )


def test_no_new_task_on_a_closed_incident(cases: CaseManagement, incident_id: UUID) -> None:
    cases.close_incident(HANDLER, incident_id, reason="klaar")
    with pytest.raises(IncidentClosed):
        new_task(cases, incident_id)


def test_a_colleague_added_to_read_gets_read_access(cases: CaseManagement, incident_id: UUID) -> None:
    cases.add_colleague(HANDLER, incident_id, added=STAFF_MEMBER, access="lezen")
    incident = cases.incident(HANDLER, incident_id)
    assert incident.colleagues == {STAFF_MEMBER.id: "lezen"}
    assert STAFF_MEMBER.id in incident.staff_with_access()
    assert cases.incident(STAFF_MEMBER, incident_id).id == incident_id
    assert [e.event_type for e in cases.audit_trail(HANDLER, incident_id)][-2:] == [
        "ColleagueAdded", "StaffAccessGranted",
    ]  # fmt: skip


def test_a_colleague_of_another_school_or_a_staff_handler_is_refused(
    cases: CaseManagement, incident_id: UUID
) -> None:
    with pytest.raises(TaskOwnerOfAnotherSchool):
        cases.add_colleague(HANDLER, incident_id, added=OTHER_SCHOOL_HANDLER, access="behandelen")
    with pytest.raises(HandlingNeedsHandler, match="Alleen een behandelaar"):
        cases.add_colleague(HANDLER, incident_id, added=STAFF_MEMBER, access="behandelen")
    cases.add_colleague(HANDLER, incident_id, added=SECOND_HANDLER, access="behandelen")
    assert cases.incident(HANDLER, incident_id).colleagues == {SECOND_HANDLER.id: "behandelen"}


def test_tasks_replay_from_the_store(cases: CaseManagement, incident_id: UUID) -> None:
    number = new_task(cases, incident_id)
    cases.finish_task(HANDLER, incident_id, number=number)
    cases.working_copies.forget(incident_id)
    assert cases.incident(HANDLER, incident_id).task(number).status is TaskStatus.DONE
