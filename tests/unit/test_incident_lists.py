"""The incident lists as a read model: who sees which incident, crash-safety, new event types."""

from __future__ import annotations

from typing import Any

import pytest
from eventsourcing.persistence import StoredEvent

from services.case.application import CaseManagement
from services.case.lists import PAGE_SIZE, IncidentLists, PositionMoved, _write_rows
from shared.config import Settings
from tests.examples import (
    ACTIONS,
    ADMINISTRATOR,
    BOARD_MEMBER,
    HANDLER,
    OPENING,
    OTHER_BOARD_HANDLER,
    OTHER_SCHOOL_HANDLER,
    OTV_MEMBER,
    STAFF_MEMBER,
)


@pytest.fixture
def settings(settings_on_each_store: Settings) -> Settings:
    return settings_on_each_store


@pytest.fixture
def cases(settings: Settings) -> CaseManagement:
    return CaseManagement(env=settings.event_store_env())


def listed(lists: IncidentLists, actor: Any) -> set[Any]:
    return {row.id for row in lists.page(actor).incidents}


def table(lists: IncidentLists) -> dict[str, list[tuple[Any, ...]]]:
    with lists.db.connect() as db:
        return {
            name: sorted(tuple(r) for r in db.execute(f"SELECT * FROM {name}").fetchall())
            for name in ("incident_list", "incident_list_staff")
        }


def test_each_role_lists_only_what_it_may_see(settings, cases) -> None:
    own, _ = cases.open_incident(HANDLER, **OPENING)
    shared, _ = cases.open_incident(HANDLER, **OPENING)
    cases.record_action(HANDLER, shared, "StaffAccessGranted", {"staff_id": STAFF_MEMBER.id})
    other_school, _ = cases.open_incident(OTHER_SCHOOL_HANDLER, **OPENING)
    other_board, _ = cases.open_incident(OTHER_BOARD_HANDLER, **OPENING)
    lists = IncidentLists(settings, cases)

    assert listed(lists, HANDLER) == {own, shared}
    assert listed(lists, OTHER_SCHOOL_HANDLER) == {other_school}
    assert listed(lists, OTHER_BOARD_HANDLER) == {other_board}
    assert listed(lists, OTV_MEMBER) == listed(lists, BOARD_MEMBER) == {own, shared, other_school}
    assert listed(lists, STAFF_MEMBER) == {shared}
    assert listed(lists, ADMINISTRATOR) == set()


def test_withdrawn_or_revoked_access_leaves_the_staff_list(settings, cases) -> None:
    first, _ = cases.open_incident(HANDLER, **OPENING)
    second, _ = cases.open_incident(HANDLER, **OPENING)
    cases.record_action(HANDLER, first, "StaffAccessGranted", {"staff_id": STAFF_MEMBER.id})
    cases.record_action(HANDLER, second, "StaffAccessGranted", {"staff_id": STAFF_MEMBER.id})
    lists = IncidentLists(settings, cases)
    assert listed(lists, STAFF_MEMBER) == {first, second}

    cases.correct(HANDLER, first, corrects=2, reason="verkeerde medewerker", withdraws=True)
    cases.record_action(HANDLER, second, "StaffAccessRevoked", {"staff_id": STAFF_MEMBER.id})
    assert listed(lists, STAFF_MEMBER) == set()
    assert cases.incidents(STAFF_MEMBER) == []  # the incidents themselves agree


def test_the_list_shows_status_actions_and_the_own_last_action_at_once(settings, cases) -> None:
    incident_id, _ = cases.open_incident(HANDLER, **OPENING)
    lists = IncidentLists(settings, cases)
    assert lists.page(HANDLER).incidents[0].action_count == 0
    cases.record_action(HANDLER, incident_id, "NoteAdded", ACTIONS["NoteAdded"])
    cases.close_incident(HANDLER, incident_id, reason="afgerond")
    (row,) = lists.page(HANDLER).incidents
    assert (row.status, row.action_count, row.situation) == ("gesloten", 2, OPENING["situation"])
    page = lists.page(HANDLER)
    assert page.behind == 0 and page.position == cases.recorder.max_notification_id()


def test_pages_hold_the_newest_first(settings, cases) -> None:
    opened = [cases.open_incident(HANDLER, **OPENING)[0] for _ in range(PAGE_SIZE + 3)]
    lists = IncidentLists(settings, cases)
    first, second = lists.page(HANDLER, 1), lists.page(HANDLER, 2)
    assert [r.id for r in first.incidents] == opened[::-1][:PAGE_SIZE] and first.has_next
    assert [r.id for r in second.incidents] == opened[::-1][PAGE_SIZE:] and not second.has_next


class CrashingLists(IncidentLists):
    """Dies in the middle of its second batch, after writing the rows, before the commit."""

    def _commit(self, start: int, position: int, rows: dict[str, dict[str, Any]]) -> None:
        self.batches = getattr(self, "batches", 0) + 1
        if self.batches != 2:
            return super()._commit(start, position, rows)
        with self.db.connect() as db:
            _write_rows(db, self.db, rows)
            raise KeyboardInterrupt("gestopt midden in een batch")

    def rebuild_in_batches_of(self, size: int) -> None:
        with self.db.connect() as db:
            for name in ("incident_list", "incident_list_staff", "incident_list_position"):
                db.execute(f"DELETE FROM {name}")
        while self.run_once(limit=size):
            pass


def test_killed_mid_batch_and_restarted_equals_an_uninterrupted_build(settings, cases) -> None:
    for number in range(12):
        handler = HANDLER if number % 2 else OTHER_SCHOOL_HANDLER
        incident_id, _ = cases.open_incident(handler, **OPENING)
        cases.record_action(handler, incident_id, "NoteAdded", ACTIONS["NoteAdded"])
        if number % 3 == 0 and handler is HANDLER:
            cases.record_action(HANDLER, incident_id, "StaffAccessGranted", {"staff_id": STAFF_MEMBER.id})
    uninterrupted = IncidentLists(settings, cases)
    uninterrupted.rebuild()
    expected, expected_position = table(uninterrupted), uninterrupted.position()[0]

    crashing = CrashingLists(settings, cases)
    with pytest.raises(KeyboardInterrupt):
        crashing.rebuild_in_batches_of(7)
    stopped_at = crashing.position()[0]
    assert 0 < stopped_at < expected_position
    assert table(crashing) != expected

    restarted = IncidentLists(settings, cases)
    restarted.catch_up()
    assert table(restarted) == expected
    assert restarted.position()[0] == expected_position


def test_a_second_follower_that_lost_the_race_writes_nothing(settings, cases) -> None:
    cases.open_incident(HANDLER, **OPENING)
    first, second = IncidentLists(settings, cases), IncidentLists(settings, cases)
    assert first.run_once() == 1
    with pytest.raises(PositionMoved):
        second._commit(0, 99, {})  # it started from 0 too, but the position moved meanwhile
    assert first.position()[0] == 1


def test_an_unknown_event_type_only_counts_as_an_action(settings, cases) -> None:
    incident_id, _ = cases.open_incident(HANDLER, **OPENING)
    cases.recorder.insert_events([StoredEvent(
        originator_id=incident_id, originator_version=2,
        topic="services.case.domain.incident:Incident.PupilsRegistered", state=b"{}",
    )])  # fmt: skip
    (row,) = IncidentLists(settings, cases).page(HANDLER).incidents
    assert row.action_count == 1 and row.status == "open"


def test_a_list_that_cannot_catch_up_is_shown_with_how_far_behind_it_is(settings, cases, monkeypatch) -> None:
    first, _ = cases.open_incident(HANDLER, **OPENING)
    lists = IncidentLists(settings, cases)
    assert listed(lists, HANDLER) == {first}
    cases.open_incident(HANDLER, **OPENING)

    def locked(*args: Any, **kwargs: Any) -> int:
        raise RuntimeError("database is locked")

    monkeypatch.setattr(lists, "run_once", locked)
    page = lists.page(HANDLER)
    assert {row.id for row in page.incidents} == {first} and page.behind == 1
