"""Follows the case events and keeps the read model up to date, resuming where it stopped.

It reads the case's event log through the one documented reader (shared/event_log.py) that
its composition root hands it, and the protocol from its published model (shared/protocol/).

Each batch of notifications is folded into the facts of the incidents it touches, and the
facts and the new position are committed in one transaction: a crash loses the whole batch
or nothing, so no event is counted twice or missed. An event the reports do not know (a
newer version of the case service) is recorded as skipped, and the projection goes on.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import orjson

from services.reporting import overview
from services.reporting.projections import fold, protocol_of, recorded_actions
from services.reporting.store import Batch, PositionMoved, ReportStore
from shared.event_log import Change, Followed, LoggedEvent
from shared.process import without_cycle_collection
from shared.protocol.events import EventType

log = logging.getLogger("rapportage")

BATCH = 10_000


class Projector:
    def __init__(self, cases: Followed, store: ReportStore, *, batch: int = BATCH) -> None:
        self.log = cases.event_log()
        self.store = store
        self.batch = batch

    def run_once(self, limit: int | None = None) -> int:
        """Processes the next batch; returns how many notifications it read."""
        position, _ = self.store.position()
        events = self._select(position, limit)
        if not events or not self._commit(self._fold(events, position)):
            return 0  # nothing new, or another reporting process was first (its position holds)
        return len(events)

    def _select(self, position: int, limit: int | None = None) -> list[LoggedEvent]:
        return self.log.events_after(position, limit or self.batch)

    def _fold(self, events: list[LoggedEvent], position: int, previous: Batch | None = None) -> Batch:
        """The batch of `events`, read after `position`, folded into the facts of the incidents
        they touch. `previous` is the batch before it when that one may not be committed yet:
        its facts and contributions are then the current ones."""
        skipped: list[tuple[int, str, str]] = []
        changes = [c for e in events if (c := self._read(e, skipped)) is not None]
        touched = {c.incident_id for c in changes}
        facts: dict[str, dict[str, Any]] = {}
        contributions: dict[str, str] = {}
        if previous is not None:
            for key in touched & previous.changed.keys():  # copies: the previous batch is being written
                facts[key] = orjson.loads(orjson.dumps(previous.changed[key]))
                contributions[key] = previous.contributions[key]
        # An incident opened in this batch has nothing stored yet: only the others are looked up.
        opened = {c.incident_id for c in changes if c.name == EventType.OPENED}
        facts.update(self.store.facts(sorted(touched - opened - facts.keys())))
        contributions.update(self.store.contributions(sorted(facts.keys() - contributions.keys())))
        changed: dict[str, dict[str, Any]] = {}
        for change in changes:
            key = change.incident_id
            current = changed.get(key) or facts.get(key)
            if current is None and change.name != EventType.OPENED:
                continue  # the access log and other streams are not part of these reports
            changed[key] = fold(current, change, self.log.personal_fields)
        at = datetime.now(UTC).isoformat(timespec="seconds")
        return self._with_totals(Batch(changed, skipped, events[-1].id, at, position), contributions)

    def _with_totals(self, batch: Batch, before: dict[str, str]) -> Batch:
        """Adds what the changed incidents now contribute to their board's totals, minus what
        they contributed `before`, and their protocol improvements."""
        for incident_id, facts in batch.changed.items():
            actions = recorded_actions(facts)
            protocol = protocol_of(facts["protocol_id"])
            now = overview.contribution_of(facts, actions, protocol)
            old = overview.decode(orjson.loads(before[incident_id])) if incident_id in before else Counter()
            for (kind, item), change in overview.delta(old, now).items():
                key = (facts["board_id"], kind, item)
                batch.totals[key] = batch.totals.get(key, 0) + change
            batch.contributions[incident_id] = orjson.dumps(overview.encode(now)).decode()
            # Every evaluation, without its text: what it says is sealed with the incident and is
            # the school's to share; the board sees when and where one took place.
            evaluations = [a for a in actions if a.action == EventType.EVALUATION_HELD]
            batch.improvements[incident_id] = [(a.version, a.at.isoformat(), "") for a in evaluations]
            # What a school shared with its board after a second person's review: the text too.
            steps = {step.key: f"Stap {step.number}. {step.title}" for step in protocol.steps}
            batch.shared[incident_id] = [
                (a.version, a.at.isoformat(), steps.get(a.data["step"], "Het protocol"), a.data["text"])
                for a in actions
                if a.action == EventType.IMPROVEMENT_SHARED
            ]
        return batch

    def _read(self, notification: LoggedEvent, skipped: list[tuple[int, str, str]]) -> Change | None:
        try:
            return self.log.read(notification)  # reports hold nothing personal; None: not an incident's
        except Exception as error:
            log.warning("Gebeurtenis %d overgeslagen (%s).", notification.id, type(error).__name__)
            skipped.append((notification.id, notification.topic, type(error).__name__))
            return None

    def catch_up(self) -> int:
        """Processes every batch there is, in three overlapping parts: the next batch is read
        while this one is folded, and the previous one is written meanwhile (reading and
        writing are mostly waiting for the database). Each batch still commits on its own,
        in order, from the position it began at: when one fails, every later one fails too."""
        total = 0
        position, _ = self.store.position()
        with (
            without_cycle_collection(),
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="rapportage-lezen") as reading,
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="rapportage-schrijven") as writing,
        ):
            upcoming = reading.submit(self._select, position)
            writes: list[tuple[Future[bool], int]] = []
            previous: Batch | None = None
            while events := upcoming.result():
                upcoming = reading.submit(self._select, events[-1].id)
                batch = self._fold(events, position, previous)
                if writes and not writes[-1][0].result():
                    break  # another reporting process was first: the next call starts from its position
                writes.append((writing.submit(self._commit, batch), len(events)))
                previous, position = batch, events[-1].id
            for written, read in writes:
                if not written.result():
                    break
                total += read
        return total

    def _commit(self, batch: Batch) -> bool:
        """False when another reporting process committed first (this batch is rolled back)."""
        try:
            self.store.commit(batch)
        except PositionMoved:
            return False
        return True

    def rebuild(self) -> int:
        self.store.reset()
        return self.catch_up()

    def lag(self) -> int:
        """How many notifications the reports are behind the case store."""
        return max(0, self.log.last_position()) - self.store.position()[0]

    def run(self, stop: threading.Event, *, interval: float = 0.2, on_batch: Any = None) -> None:
        backoff = 1.0
        while not stop.is_set():
            try:
                read = self.run_once()
                backoff = 1.0
                if on_batch is not None:
                    on_batch()
            except Exception as error:
                log.warning("Bijwerken lukt niet (%s); opnieuw over %.0f s.", type(error).__name__, backoff)
                stop.wait(backoff)
                backoff = min(backoff * 2, 30.0)
                continue
            if not read:
                stop.wait(interval)
