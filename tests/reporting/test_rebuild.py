"""The fast rebuild: events read straight from their JSON give what the mapper gives, and
large batches with read-ahead give what one event at a time gives, also after a crash."""

from __future__ import annotations

import gc
import time
from pathlib import Path
from typing import ClassVar

import orjson
import pytest

from services.case.application import CaseManagement
from services.case.event_log import LoggedEvent, events_after
from services.case.event_reading import EventReader
from services.reporting.projector import Projector
from services.reporting.store import Batch, PositionMoved, ReportStore
from shared.config import load_settings
from shared.event_log import Change
from tests.examples import ACTIONS, HANDLER, LETTER_REQUESTS, OTHER_SCHOOL_HANDLER, PLANTED_NAMES
from tests.reporting.test_reports import CrashingStore, scripted_incident


@pytest.fixture
def cases(tmp_path: Path) -> CaseManagement:
    return CaseManagement(env=load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path)}).event_store_env())


def every_kind_of_event(cases: CaseManagement) -> None:
    """Every action, a correction, closing and reopening, a letter, and an erased incident."""
    whole = scripted_incident(cases, actions=list(ACTIONS))
    cases.correct(HANDLER, whole, corrects=2, reason="ander kanaal", changes={"channels": ["instagram"]})
    cases.correct(HANDLER, whole, corrects=3, reason="vergissing", withdraws=True)
    cases.close_incident(HANDLER, whole, reason="klaar")
    cases.reopen_incident(HANDLER, whole, reason="toch niet klaar")
    erased = scripted_incident(cases, OTHER_SCHOOL_HANDLER, ["ScopeAssessed", "VictimConversationHeld"])
    cases.erase_personal_data(erased, actor_id="u-beheer", reason="bewaartermijn voorbij")
    scripted_incident(cases, actions=["NoteAdded"])


def test_an_event_read_for_the_reports_equals_the_one_the_mapper_reads(cases) -> None:
    every_kind_of_event(cases)
    reader = EventReader(cases)
    logged = events_after(cases.recorder, 0, 10_000)
    incident_events = [e for e in logged if e.topic.startswith("services.case.domain.incident:")]
    names = set()
    for event in incident_events:
        change = reader.read(event)
        assert change == Change.of(cases.sealed_event(event.stored())), event.topic
        names.add(change.name)
        assert not any(name in repr(change) for name in PLANTED_NAMES)
    # A letter requested through record_action is a LetterRequest of its own: its incident records
    # that it was composed (and the step it carries out).
    assert (
        set(ACTIONS) - set(LETTER_REQUESTS) | {"Opened", "Corrected", "Closed", "Reopened", "LetterComposed"}
        <= names
    )


def test_the_reports_read_every_action_without_the_mapper(cases, monkeypatch) -> None:
    """The fast way is the way taken: only corrections, closing, reopening and erasure go
    through the mapper (their data may hold sealed values or they are rare)."""
    every_kind_of_event(cases)
    reader = EventReader(cases)
    the_long_way = reader._the_long_way
    taken: list[str] = []

    def counted(event: LoggedEvent) -> Change:
        taken.append(event.topic.rsplit(".", 1)[1])
        return the_long_way(event)

    monkeypatch.setattr(reader, "_the_long_way", counted)
    for event in events_after(cases.recorder, 0, 10_000):
        if event.topic.startswith("services.case.domain.incident:"):
            reader.read(event)
    assert set(taken) == {"Corrected", "Closed", "Reopened", "PersonalDataErased"}


def test_an_event_with_a_key_its_class_does_not_know_is_read_as_the_mapper_reads_it(cases) -> None:
    scripted_incident(cases, actions=["NoteAdded"])
    note = next(e for e in events_after(cases.recorder, 0, 100) if e.topic.endswith(".NoteAdded"))
    state = orjson.loads(note.state)
    changed = note._replace(state=orjson.dumps({"nieuw_veld": [1, 2], **state}))  # a newer version's field
    change = EventReader(cases).read(changed)
    assert change == Change.of(cases.sealed_event(changed.stored()))
    assert change.data["nieuw_veld"] == [1, 2]


def report(tmp_path: Path, name: str, cases: CaseManagement, store_class=ReportStore, batch=10_000):  # type: ignore[no-untyped-def]
    settings = load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path / name)})
    return Projector(cases, store_class(settings), batch=batch)


def same_reports(first: Projector, second: Projector, cases: CaseManagement) -> None:
    ids = [str(i) for i in cases.all_incident_ids()]
    assert second.store.facts(ids) == first.store.facts(ids)
    board = HANDLER.board_id
    assert sorted(second.store.board_totals(board)) == sorted(first.store.board_totals(board))
    assert second.store.board_improvements(board) == first.store.board_improvements(board)
    assert second.store.position()[0] == first.store.position()[0]


def test_large_batches_give_what_one_event_at_a_time_gives(tmp_path, cases) -> None:
    every_kind_of_event(cases)
    for handler in (HANDLER, OTHER_SCHOOL_HANDLER, HANDLER):
        scripted_incident(cases, handler)
    one_by_one = report(tmp_path, "een", cases)
    while one_by_one.run_once(limit=1):
        pass
    batched = report(tmp_path, "groot", cases, batch=50)  # many batches, each read ahead
    batched.rebuild()
    same_reports(one_by_one, batched, cases)
    batched.rebuild()  # twice: the same
    same_reports(one_by_one, batched, cases)


def test_killed_in_the_middle_of_read_ahead_batches_then_resumed_gives_the_same(
    tmp_path, cases, monkeypatch
) -> None:
    every_kind_of_event(cases)
    for handler in (HANDLER, OTHER_SCHOOL_HANDLER, HANDLER):
        scripted_incident(cases, handler, list(ACTIONS))
    one_by_one = report(tmp_path, "een", cases)
    while one_by_one.run_once(limit=1):
        pass
    monkeypatch.setattr(CrashingStore, "commits", 0)
    crashing = report(tmp_path, "b", cases, CrashingStore, batch=9)
    with pytest.raises(SystemExit):
        crashing.catch_up()  # dies while committing its second batch, the third already read
    assert crashing.store.position()[0] > 0
    resumed = report(tmp_path, "b", cases, batch=9)
    resumed.catch_up()
    same_reports(one_by_one, resumed, cases)


class SlowStore(ReportStore):
    """A store whose every write takes a while: the next batch is folded before it lands."""

    def commit(self, batch: Batch) -> None:
        time.sleep(0.05)
        super().commit(batch)


class RaceLostStore(ReportStore):
    """A store where another reporting process commits first, at the second batch."""

    commits = 0

    def commit(self, batch: Batch) -> None:
        RaceLostStore.commits += 1
        if RaceLostStore.commits == 2:
            raise PositionMoved()
        super().commit(batch)


def test_a_batch_folded_while_the_one_before_is_still_written_builds_on_that_one(tmp_path, cases) -> None:
    for handler in (HANDLER, OTHER_SCHOOL_HANDLER, HANDLER):
        scripted_incident(cases, handler, list(ACTIONS))  # each incident spans several batches
    one_by_one = report(tmp_path, "een", cases)
    while one_by_one.run_once(limit=1):
        pass
    slow = report(tmp_path, "traag", cases, SlowStore, batch=7)
    slow.rebuild()
    same_reports(one_by_one, slow, cases)


def test_when_a_batch_loses_the_race_no_later_batch_is_written(tmp_path, cases, monkeypatch) -> None:
    scripted_incident(cases, actions=list(ACTIONS))
    monkeypatch.setattr(RaceLostStore, "commits", 0)
    lost = report(tmp_path, "verloren", cases, RaceLostStore, batch=5)
    assert lost.catch_up() == 5  # only the first batch counts
    assert lost.store.position()[0] == events_after(cases.recorder, 0, 5)[-1].id
    resumed = report(tmp_path, "verloren", cases, batch=5)
    resumed.catch_up()
    one_by_one = report(tmp_path, "een", cases)
    while one_by_one.run_once(limit=1):
        pass
    same_reports(one_by_one, resumed, cases)


class CollectorWatchingStore(ReportStore):
    """Notes whether Python's cycle collector runs while a batch is written."""

    seen: ClassVar[list[bool]] = []

    def commit(self, batch: Batch) -> None:
        CollectorWatchingStore.seen.append(gc.isenabled())
        super().commit(batch)


def test_a_rebuild_runs_without_the_cycle_collector_and_gives_it_back(tmp_path, cases, monkeypatch) -> None:
    """The collector would scan every live object again and again (a quarter of a rebuild)."""
    scripted_incident(cases, actions=list(ACTIONS))
    monkeypatch.setattr(CollectorWatchingStore, "seen", [])
    report(tmp_path, "gc", cases, CollectorWatchingStore, batch=5).rebuild()
    assert CollectorWatchingStore.seen and not any(CollectorWatchingStore.seen)
    assert gc.isenabled()
    gc.disable()  # and a process that had turned it off keeps it off
    try:
        report(tmp_path, "gc", cases, CollectorWatchingStore, batch=5).rebuild()
        assert not gc.isenabled()
    finally:
        gc.enable()
