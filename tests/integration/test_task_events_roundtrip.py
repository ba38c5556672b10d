"""The coordination events (tasks, colleagues, the care team's alert) round-trip through each
real store, field by field, sealed text included; a new application replays the tasks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from services.case.application import CaseManagement
from services.case.domain.tasks import TaskStatus
from tests.examples import HANDLER, OPENING, SECOND_HANDLER, STAFF_MEMBER
from tests.integration.stores import STORES, store_env

COVERED = {
    "CareTeamAlerted", "ColleagueAdded", "TaskCreated", "TaskReassigned", "TaskDone", "TaskReopened",
    "OtherSchoolRecorded", "OtherSchoolNotified", "OtherSchoolConfirmed", "OtherSchoolNoticeFailed",
    "OtherSchoolWithdrawn",
}  # fmt: skip
COMMON = ("originator_id", "originator_version", "timestamp")


@pytest.fixture(params=STORES)
def env(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    return store_env(request.param, request, tmp_path)


@pytest.fixture
def apps(env: dict[str, str]) -> Iterator[list[CaseManagement]]:
    made: list[CaseManagement] = []
    yield made
    for app in made:
        app.close()


def expected() -> list[tuple[str, dict[str, Any]]]:
    return [
        ("CareTeamAlerted", {"actor": HANDLER.id, "members": [SECOND_HANDLER.id]}),
        ("TaskCreated", {
            "actor": HANDLER.id, "number": 3, "step": "medewerkers", "suggestion": "StaffSupported",
            "what": "met de mentor van Noor", "owner_id": STAFF_MEMBER.id, "due_on": "2026-12-10",
        }),
        ("TaskReassigned", {
            "actor": HANDLER.id, "number": 3, "owner_id": SECOND_HANDLER.id, "due_on": "2026-12-11",
        }),
        ("TaskDone", {"actor": SECOND_HANDLER.id, "number": 3}),
        ("TaskReopened", {"actor": HANDLER.id, "number": 3}),
        ("ColleagueAdded", {"actor": HANDLER.id, "colleague_id": SECOND_HANDLER.id, "access": "behandelen"}),
        ("OtherSchoolRecorded", {
            "actor": HANDLER.id, "number": 8, "name": "De Linde", "contact": "info@delinde.invalid",
            "role": "dader",
        }),
        ("OtherSchoolNotified", {"actor": HANDLER.id, "number": 8, "how": "gebeld", "on": "2026-12-07",
                                 "reason": "geen e-mailadres", "letter_id": ""}),
        ("OtherSchoolNoticeFailed", {"actor": "notifier", "number": 8, "reason": "550 onbekend adres"}),
        ("OtherSchoolConfirmed", {"actor": "andere school", "number": 8, "feedback": "gesprek gevoerd"}),
        ("OtherSchoolWithdrawn", {"actor": HANDLER.id, "number": 8, "reason": "verkeerd adres"}),
    ]  # fmt: skip


def test_every_coordination_event_round_trips(env: dict[str, str], apps: list[CaseManagement]) -> None:
    writer = CaseManagement(env=dict(env))
    apps.append(writer)
    writer.care_team = lambda board, school: [HANDLER.id, SECOND_HANDLER.id]
    incident_id, _ = writer.open_incident(HANDLER, **OPENING)
    writer.create_task(
        HANDLER, incident_id, step="medewerkers", suggestion="StaffSupported", what="met de mentor van Noor",
        owner=STAFF_MEMBER, due_on=date(2026, 12, 10),
    )  # fmt: skip
    writer.reassign_task(HANDLER, incident_id, number=3, owner=SECOND_HANDLER, due_on=date(2026, 12, 11))
    writer.finish_task(SECOND_HANDLER, incident_id, number=3)
    writer.reopen_task(HANDLER, incident_id, number=3)
    writer.add_colleague(HANDLER, incident_id, added=SECOND_HANDLER, access="behandelen")
    writer.record_other_school(
        HANDLER, incident_id, name="De Linde", contact="info@delinde.invalid", role="dader"
    )
    writer.other_school_notified(
        HANDLER, incident_id, number=8, how="gebeld", on=date(2026, 12, 7), reason="geen e-mailadres"
    )
    writer.record_school_notice_failed(incident_id, number=8, reason="550 onbekend adres")
    link = writer.confirmation_link(incident_id, 8).rsplit("/", 1)[1]
    writer.confirm_receipt(link, today=date.today(), feedback="gesprek gevoerd")
    writer.withdraw_other_school(HANDLER, incident_id, number=8, reason="verkeerd adres")

    reader = CaseManagement(env=dict(env))
    apps.append(reader)
    events = list(reader.events.get(incident_id))[1:]
    assert [type(e).__name__ for e in events] == [name for name, _ in expected()]
    for event, (name, fields) in zip(events, expected(), strict=True):
        assert {k: v for k, v in vars(event).items() if k not in COMMON} == fields, name
    incident = reader.incident(HANDLER, incident_id)
    task = incident.task(3)
    assert (task.owner_id, task.due_on, task.status) == (
        SECOND_HANDLER.id,
        date(2026, 12, 11),
        TaskStatus.OPEN,
    )
    assert incident.colleagues == {SECOND_HANDLER.id: "behandelen"}


def test_the_typed_text_of_a_task_is_sealed_in_the_store(
    env: dict[str, str], apps: list[CaseManagement]
) -> None:
    cases = CaseManagement(env=dict(env))
    apps.append(cases)
    incident_id, _ = cases.open_incident(HANDLER, **OPENING)
    cases.create_task(
        HANDLER, incident_id, step="medewerkers", suggestion="", what="Bel de ouders van Noor Wijnaldum",
        owner=STAFF_MEMBER, due_on=date(2026, 12, 10),
    )  # fmt: skip
    stored = cases.recorder.select_events(incident_id)
    assert all(b"Wijnaldum" not in event.state for event in stored)


def work_through_coordination(cases: CaseManagement, incident_id: UUID) -> None:
    """Every coordination event on an incident that is already open (the trail's test uses it)."""
    cases._change(  # the alert comes with the opening; here it is added to an incident opened before
        HANDLER, incident_id, None, lambda i: i.alert_care_team(actor=HANDLER.id, members=[SECOND_HANDLER.id])
    )
    cases.create_task(
        HANDLER, incident_id, step="medewerkers", suggestion="StaffSupported", what="met de mentor",
        owner=STAFF_MEMBER, due_on=date(2026, 12, 10),
    )  # fmt: skip
    task = max(cases.incident(HANDLER, incident_id).tasks)
    cases.reassign_task(HANDLER, incident_id, number=task, owner=SECOND_HANDLER, due_on=date(2026, 12, 11))
    cases.finish_task(SECOND_HANDLER, incident_id, number=task)
    cases.reopen_task(HANDLER, incident_id, number=task)
    cases.add_colleague(HANDLER, incident_id, added=SECOND_HANDLER, access="behandelen")
    cases.record_other_school(
        HANDLER, incident_id, name="De Linde", contact="info@delinde.invalid", role="dader"
    )
    school = max(cases.incident(HANDLER, incident_id).other_schools)
    cases.other_school_notified(HANDLER, incident_id, number=school, how="bericht", on=date(2026, 12, 7))
    cases.record_school_notice_failed(incident_id, number=school, reason="550 onbekend adres")
    link = cases.confirmation_link(incident_id, school).rsplit("/", 1)[1]
    cases.confirm_receipt(link, today=date.today(), feedback="gesprek gevoerd")
    cases.record_other_school(
        HANDLER, incident_id, name="De Wilgen", contact="info@wilgen.invalid", role="bereikt"
    )
    mistaken = max(cases.incident(HANDLER, incident_id).other_schools)
    cases.withdraw_other_school(HANDLER, incident_id, number=mistaken, reason="verkeerde school")
