"""Reminders to case handlers for aftercare moments that are overdue (report (c)).

Once a minute the reporting process looks for overdue moments and publishes one reminder per
moment through the notifier. It publishes first and notes afterwards: a crash in between
publishes the same reminder again, with the same message_id, which the notifier sends once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime

from kombu import Connection

from services.reporting.projections import aftercare
from services.reporting.store import ReportStore
from shared import messaging
from shared.contracts import Reminder, encode

log = logging.getLogger("rapportage")

EVERY_SECONDS = 60.0


def overdue(every_fact: list[dict], today: date) -> Iterator[tuple[str, Reminder]]:  # type: ignore[type-arg]
    for facts in every_fact:
        for moment in aftercare(facts, today):
            if moment.overdue:
                key = f"{moment.incident_id}:{moment.for_whom}:{moment.due_on.isoformat()}"
                yield (
                    key,
                    Reminder.for_moment(
                        key,
                        incident_id=moment.incident_id,
                        school_id=moment.school_id,
                        handler_id=moment.planned_by,
                        due_on=moment.due_on.isoformat(),
                    ),
                )


class Reminders:
    def __init__(self, store: ReportStore, connect: Callable[[], Connection]) -> None:
        self.store = store
        self.connect = connect
        self._last = 0.0

    def send_due(self, today: date) -> int:
        sent = 0
        due = [(k, r) for k, r in overdue(self.store.every_fact(), today) if not self.store.reminder_known(k)]
        if not due:
            return 0
        with self.connect() as connection:
            for key, reminder in due:
                messaging.publish(connection, encode(reminder), message_id=reminder.message_id)
                self.store.reminder_sent(key, datetime.now(UTC).isoformat(timespec="seconds"))
                sent += 1
        log.info("%d herinnering(en) voor nazorg verstuurd.", sent)
        return sent

    def maybe_send(self) -> None:
        """At most once a minute; a broker that is down just means: next minute."""
        if time.monotonic() - self._last < EVERY_SECONDS:
            return
        self._last = time.monotonic()
        try:
            self.send_due(date.today())
        except Exception as error:
            log.warning("Herinneringen versturen lukt nu niet (%s).", type(error).__name__)
