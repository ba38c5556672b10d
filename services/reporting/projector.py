"""Follows the case events and keeps the read model up to date, resuming where it stopped.

Each batch of notifications is folded into the facts of the incidents it touches, and the
facts and the new position are committed in one transaction: a crash loses the whole batch
or nothing, so no event is counted twice or missed. An event the reports do not know (a
newer version of the case service) is recorded as skipped, and the projection goes on.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import orjson
from eventsourcing.persistence import Notification

from services.case.application import CaseManagement
from services.reporting import overview
from services.reporting.projections import fold, recorded_actions
from services.reporting.reading import Change, EventReader, is_incident_event
from services.reporting.store import Batch, PositionMoved, ReportStore

log = logging.getLogger("rapportage")

BATCH = 10_000


class Projector:
    def __init__(self, cases: CaseManagement, store: ReportStore, *, batch: int = BATCH) -> None:
        self.cases = cases
        self.store = store
        self.batch = batch
        self.reader = EventReader(cases)

    def run_once(self, limit: int | None = None) -> int:
        """Processes the next batch; returns how many notifications it read."""
        position, _ = self.store.position()
        return self._process(self._select(position, limit), position)

    def _select(self, position: int, limit: int | None = None) -> list[Notification]:
        return list(self.cases.recorder.select_notifications(start=position + 1, limit=limit or self.batch))

    def _process(self, notifications: list[Notification], position: int) -> int:
        """Folds one batch read after `position` and commits it; 0 when there was nothing to
        do or another process was first."""
        if not notifications:
            return 0
        skipped: list[tuple[int, str, str]] = []
        changes = [c for n in notifications if (c := self._read(n, skipped)) is not None]
        facts = self.store.facts(sorted({c.incident_id for c in changes}))
        changed: dict[str, dict[str, Any]] = {}
        for change in changes:
            key = change.incident_id
            current = changed.get(key) or facts.get(key)
            if current is None and change.name != "Opened":
                continue  # the access log and other streams are not part of these reports
            changed[key] = fold(current, change)
        at = datetime.now(UTC).isoformat(timespec="seconds")
        try:
            self.store.commit(self._with_totals(Batch(changed, skipped, notifications[-1].id, at, position)))
        except PositionMoved:
            return 0  # another reporting process was first; the next batch starts from its position
        return len(notifications)

    def _with_totals(self, batch: Batch) -> Batch:
        """Adds what the changed incidents now contribute to their board's totals, minus what
        they contributed before, and their protocol improvements."""
        before = self.store.contributions(sorted(batch.changed))
        for incident_id, facts in batch.changed.items():
            actions = recorded_actions(facts)
            now = overview.contribution_of(facts, actions, self.cases.protocol(facts["protocol_id"]))
            old = overview.decode(orjson.loads(before[incident_id])) if incident_id in before else Counter()
            for (kind, item), change in overview.delta(old, now).items():
                key = (facts["board_id"], kind, item)
                batch.totals[key] = batch.totals.get(key, 0) + change
            batch.contributions[incident_id] = orjson.dumps(overview.encode(now)).decode()
            # Every evaluation, without its text: what it says is sealed with the incident and is
            # the school's to share; the board sees when and where one took place.
            evaluations = [a for a in actions if a.action == "EvaluationHeld"]
            batch.improvements[incident_id] = [(a.version, a.at.isoformat(), "") for a in evaluations]
        return batch

    def _read(self, notification: Notification, skipped: list[tuple[int, str, str]]) -> Change | None:
        if not is_incident_event(notification.topic):
            return None
        try:
            return self.reader.read(notification)  # reports hold nothing personal
        except Exception as error:
            log.warning("Gebeurtenis %d overgeslagen (%s).", notification.id, type(error).__name__)
            skipped.append((notification.id, notification.topic, type(error).__name__))
            return None

    def catch_up(self) -> int:
        """Processes every batch there is. The next batch is read while this one is folded
        and committed: reading is mostly waiting for the database, so the two overlap. Each
        batch still commits on its own, with the position it began at, in order."""
        total = 0
        position, _ = self.store.position()
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="rapportage-lezen") as reading:
            upcoming = reading.submit(self._select, position)
            while notifications := upcoming.result():
                upcoming = reading.submit(self._select, notifications[-1].id)
                read = self._process(notifications, position)
                if not read:
                    break  # another reporting process was first: the next call starts from its position
                total += read
                position = notifications[-1].id
        return total

    def rebuild(self) -> int:
        self.store.reset()
        return self.catch_up()

    def lag(self) -> int:
        """How many notifications the reports are behind the case store."""
        return max(0, self.cases.recorder.max_notification_id() or 0) - self.store.position()[0]

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
