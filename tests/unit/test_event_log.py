"""The event log read lean for the followers gives, row for row, what the library's
`select_notifications` gives: on SQLite, on PostgreSQL, and on a store it does not know."""

from __future__ import annotations

import pytest
from eventsourcing.application import Application

from services.case.application import CaseManagement
from services.case.event_log import events_after
from shared.config import Settings
from tests.examples import HANDLER, OPENING


@pytest.fixture
def settings(settings_on_each_store: Settings) -> Settings:
    return settings_on_each_store


def as_the_library_reads(recorder, start: int, limit: int) -> list[tuple]:  # type: ignore[no-untyped-def]
    return [
        (n.id, str(n.originator_id), n.originator_version, n.topic, bytes(n.state))
        for n in recorder.select_notifications(start=start, limit=limit)
    ]


def test_the_lean_read_gives_what_the_library_reads(settings: Settings) -> None:
    cases = CaseManagement(env=settings.event_store_env())
    for _ in range(3):
        incident_id, _ = cases.open_incident(HANDLER, **OPENING)
        cases.record_action(HANDLER, incident_id, "NoteAdded", {"text": "notitie"})
        cases.record_view(HANDLER, incident_id, what="tijdlijn")  # another stream in between
    newest = cases.recorder.max_notification_id()
    assert newest >= 9
    recorder = cases.recorder
    assert [tuple(e) for e in events_after(recorder, 0, 1000)] == as_the_library_reads(recorder, 1, 1000)
    assert [tuple(e) for e in events_after(recorder, 2, 3)] == as_the_library_reads(recorder, 3, 3)
    assert events_after(cases.recorder, newest, 10) == []
    assert {e.topic.split(":")[0] for e in events_after(cases.recorder, 0, 1000)} == {
        "services.case.domain.incident",
        "services.case.domain.access",
    }
    first = events_after(cases.recorder, 0, 1)[0]
    assert str(cases.sealed_event(first.stored()).originator_id) == first.originator_id


def test_a_store_it_does_not_know_is_read_through_the_library() -> None:
    memory = Application(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    from eventsourcing.domain import Aggregate

    memory.save(Aggregate())
    (event,) = events_after(memory.recorder, 0, 10)
    assert tuple(event) == as_the_library_reads(memory.recorder, 1, 10)[0]
