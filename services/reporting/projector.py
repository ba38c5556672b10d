"""Follows the case events and keeps the read model up to date, resuming where it stopped.

Each batch of notifications is folded into the facts of the incidents it touches, and the
facts and the new position are committed in one transaction: a crash loses the whole batch
or nothing, so no event is counted twice or missed. An event the reports do not know (a
newer version of the case service) is recorded as skipped, and the projection goes on.
"""

from __future__ import annotations

import json
import logging
import threading
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from eventsourcing.persistence import Notification

from services.case.application import CaseManagement
from services.reporting import overview
from services.reporting.projections import fold, recorded_actions
from services.reporting.store import Batch, PositionMoved, ReportStore

log = logging.getLogger("rapportage")

BATCH = 2000


class Projector:
    def __init__(self, cases: CaseManagement, store: ReportStore) -> None:
        self.cases = cases
        self.store = store

    def run_once(self, limit: int = BATCH) -> int:
        """Processes the next batch; returns how many notifications it read."""
        position, _ = self.store.position()
        notifications = self.cases.recorder.select_notifications(start=position + 1, limit=limit)
        if not notifications:
            return 0
        incidents = sorted({str(n.originator_id) for n in notifications})
        facts = self.store.facts(incidents)
        changed: dict[str, dict[str, Any]] = {}
        skipped: list[tuple[int, str, str]] = []
        for notification in notifications:
            event = self._decode(notification, skipped)
            if event is None:
                continue
            key = str(event.originator_id)
            current = changed.get(key, facts.get(key))
            if current is None and type(event).__name__ != "Opened":
                continue  # the access log and other streams are not part of these reports
            changed[key] = fold(current, event)
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
            now = overview.contribution(facts, self.cases.protocol(facts["protocol_id"]))
            old = overview.decode(json.loads(before[incident_id])) if incident_id in before else Counter()
            for (kind, item), change in overview.delta(old, now).items():
                key = (facts["board_id"], kind, item)
                batch.totals[key] = batch.totals.get(key, 0) + change
            batch.contributions[incident_id] = json.dumps(overview.encode(now))
            # Every evaluation, without its text: what it says is sealed with the incident and is
            # the school's to share; the board sees when and where one took place.
            evaluations = [a for a in recorded_actions(facts) if a.action == "EvaluationHeld"]
            batch.improvements[incident_id] = [(a.version, a.at.isoformat(), "") for a in evaluations]
        return batch

    def _decode(self, notification: Notification, skipped: list[tuple[int, str, str]]) -> Any | None:
        if not notification.topic.startswith("services.case.domain.incident:Incident."):
            return None
        try:
            return self.cases.sealed_event(notification)  # reports hold nothing personal
        except Exception as error:
            log.warning("Gebeurtenis %d overgeslagen (%s).", notification.id, type(error).__name__)
            skipped.append((notification.id, notification.topic, type(error).__name__))
            return None

    def catch_up(self) -> int:
        total = 0
        while read := self.run_once():
            total += read
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
