"""The home page's read model: open tasks per person overdue first, the care team's alerts
until looked at, and each alert and overdue task remembered once mailed."""

from __future__ import annotations

from datetime import date

import pytest

from services.case.application import CaseManagement
from services.case.worklists import Worklists
from shared.config import Settings
from tests.examples import HANDLER, OPENING, OTHER_SCHOOL_HANDLER, SECOND_HANDLER, STAFF_MEMBER

TODAY = date(2026, 12, 10)


@pytest.fixture
def settings(settings_on_each_store: Settings) -> Settings:
    return settings_on_each_store


@pytest.fixture
def cases(settings: Settings) -> CaseManagement:
    cases = CaseManagement(env=settings.event_store_env())
    cases.care_team = lambda board, school: [HANDLER.id, SECOND_HANDLER.id] if school == "de-wilg" else []
    return cases


def task(cases: CaseManagement, incident_id, owner, due: date, step: str = "medewerkers") -> int:  # type: ignore[no-untyped-def]
    cases.create_task(
        HANDLER, incident_id, step=step, suggestion="", what="iets doen", owner=owner, due_on=due
    )
    return max(cases.incident(HANDLER, incident_id).tasks)


def test_a_person_sees_their_open_tasks_across_incidents_overdue_first(settings, cases) -> None:
    first, _ = cases.open_incident(HANDLER, **OPENING)
    second, _ = cases.open_incident(HANDLER, **OPENING)
    later = task(cases, first, STAFF_MEMBER, date(2026, 12, 20))
    overdue = task(cases, second, STAFF_MEMBER, date(2026, 12, 1))
    done = task(cases, second, STAFF_MEMBER, date(2026, 11, 1))
    cases.finish_task(STAFF_MEMBER, second, number=done)
    task(cases, first, SECOND_HANDLER, date(2026, 12, 2))

    mine = Worklists(settings, cases).open_tasks_of(STAFF_MEMBER.id, "kindante", "de-wilg")
    assert [(t.incident_id, t.number) for t in mine] == [(second, overdue), (first, later)]
    assert [t.overdue(TODAY) for t in mine] == [True, False]


def test_a_reassigned_task_moves_to_its_new_owner(settings, cases) -> None:
    incident_id, _ = cases.open_incident(HANDLER, **OPENING)
    number = task(cases, incident_id, STAFF_MEMBER, date(2026, 12, 20))
    lists = Worklists(settings, cases)
    assert len(lists.open_tasks_of(STAFF_MEMBER.id, "kindante", "de-wilg")) == 1
    cases.reassign_task(HANDLER, incident_id, number=number, owner=SECOND_HANDLER, due_on=date(2026, 12, 21))
    assert lists.open_tasks_of(STAFF_MEMBER.id, "kindante", "de-wilg") == []
    assert [t.due_on for t in lists.open_tasks_of(SECOND_HANDLER.id, "kindante", "de-wilg")] == [
        date(2026, 12, 21)
    ]


def test_the_care_team_is_alerted_until_it_looks_at_the_melding(settings, cases) -> None:
    incident_id, _ = cases.open_incident(HANDLER, **OPENING)
    cases.open_incident(OTHER_SCHOOL_HANDLER, **OPENING)
    lists = Worklists(settings, cases)
    lists.catch_up()
    assert [a.incident_id for a in lists.alerts_of(SECOND_HANDLER.id, "kindante", "de-wilg")] == [incident_id]
    assert lists.alerts_of(HANDLER.id, "kindante", "de-wilg") == []  # who opened it knows
    assert lists.alerts_of(SECOND_HANDLER.id, "kindante", "het-anker") == []
    cases.record_view(SECOND_HANDLER, incident_id, what="melding")
    lists.catch_up()
    assert lists.alerts_of(SECOND_HANDLER.id, "kindante", "de-wilg") == []


def test_a_colleague_added_is_alerted_too(settings, cases) -> None:
    cases.care_team = lambda board, school: []
    incident_id, _ = cases.open_incident(HANDLER, **OPENING)
    cases.add_colleague(HANDLER, incident_id, added=STAFF_MEMBER, access="lezen")
    lists = Worklists(settings, cases)
    lists.catch_up()
    assert [a.incident_id for a in lists.alerts_of(STAFF_MEMBER.id, "kindante", "de-wilg")] == [incident_id]


def test_each_alert_and_each_overdue_task_is_owed_once(settings, cases) -> None:
    incident_id, _ = cases.open_incident(HANDLER, **OPENING)
    number = task(cases, incident_id, STAFF_MEMBER, date(2026, 12, 1))
    lists = Worklists(settings, cases)
    lists.catch_up()
    assert lists.unmailed_alerts() == [(SECOND_HANDLER.id, incident_id, "kindante", "de-wilg", "zorgteam")]
    lists.alert_mailed(SECOND_HANDLER.id, incident_id)
    assert lists.unmailed_alerts() == []
    [overdue] = lists.overdue_unreminded(TODAY)
    lists.task_reminded(overdue)
    assert lists.overdue_unreminded(TODAY) == []
    cases.reassign_task(HANDLER, incident_id, number=number, owner=SECOND_HANDLER, due_on=date(2026, 12, 5))
    lists.catch_up()
    assert [t.owner_id for t in lists.overdue_unreminded(TODAY)] == [
        SECOND_HANDLER.id
    ]  # a new owner, a new date


def test_the_list_rebuilt_from_zero_is_the_same(settings, cases) -> None:
    incident_id, _ = cases.open_incident(HANDLER, **OPENING)
    task(cases, incident_id, STAFF_MEMBER, date(2026, 12, 1))
    first = Worklists(settings, cases)
    first.catch_up()
    again = Worklists(settings, cases, file_name="opnieuw.sqlite")
    again.catch_up()
    assert again.open_tasks_of(STAFF_MEMBER.id, "kindante", "de-wilg") == first.open_tasks_of(
        STAFF_MEMBER.id, "kindante", "de-wilg"
    )


def test_a_rebuild_forgets_what_was_mailed_so_the_notices_go_out_again_with_their_own_ids(
    settings, cases
) -> None:
    incident_id, _ = cases.open_incident(HANDLER, **OPENING)
    lists = Worklists(settings, cases)
    lists.catch_up()
    lists.alert_mailed(SECOND_HANDLER.id, incident_id)
    assert lists.rebuild() > 0
    assert lists.unmailed_alerts() == [(SECOND_HANDLER.id, incident_id, "kindante", "de-wilg", "zorgteam")]


def test_a_list_from_before_the_alerts_said_why_is_upgraded(settings, cases) -> None:
    from shared.database import Database

    with Database(settings, "meldingen.sqlite").schema() as db:
        db.execute(
            "CREATE TABLE care_alerts (member_id TEXT NOT NULL, incident_id TEXT NOT NULL,"
            " board_id TEXT NOT NULL, school_id TEXT NOT NULL, alerted_at TEXT NOT NULL,"
            " log_id TEXT NOT NULL, seen INTEGER NOT NULL, mailed INTEGER NOT NULL,"
            " PRIMARY KEY (member_id, incident_id))"
        )
    incident_id, _ = cases.open_incident(HANDLER, **OPENING)
    lists = Worklists(settings, cases)
    lists.catch_up()
    assert lists.unmailed_alerts() == [(SECOND_HANDLER.id, incident_id, "kindante", "de-wilg", "zorgteam")]
