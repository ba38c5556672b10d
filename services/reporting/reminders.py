"""Reminders to case handlers: aftercare moments that are overdue (report (c)), and protocol
steps still open after the days their protocol file allows (`herinner_na_dagen`).

Once a minute the reporting process looks for overdue moments and publishes one reminder per
moment through the notifier. It publishes first and notes afterwards: a crash in between
publishes the same reminder again, with the same message_id, which the notifier sends once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta

from kombu import Connection

from services.reporting.projections import aftercare, aftercare_summary, progress, recorded_actions
from services.reporting.store import ReportStore
from shared import messaging
from shared.contracts import Reminder, encode
from shared.pacing import AtMostEvery
from shared.protocol.model import Protocol, StepState
from shared.protocol.takedown import REMIND_AFTER_DAYS, route_label, takedowns

log = logging.getLogger("rapportage")

EVERY_SECONDS = 60.0


def overdue(
    every_fact: list[dict],
    today: date,
    protocol_for: Callable[[str], Protocol] | None = None,  # type: ignore[type-arg]
) -> Iterator[tuple[str, Reminder]]:
    """Overdue aftercare moments, and open steps past the days their protocol allows."""
    for facts in every_fact:
        if protocol_for is not None and facts["status"] == "open":
            yield from overdue_steps(facts, protocol_for(facts["protocol_id"]), today)
        if facts["status"] == "open":
            yield from overdue_takedowns(facts, today)
        moments = aftercare(facts, today)
        for moment in moments:
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
                        # Roles and counts only: which moment, and what else is overdue.
                        step=f"Nazorg voor {moment.role}. Te laat bij deze melding: "
                        f"{aftercare_summary(moments)}.",
                    ),
                )


def overdue_steps(facts: dict, protocol: Protocol, today: date) -> Iterator[tuple[str, Reminder]]:  # type: ignore[type-arg]
    opened = datetime.fromisoformat(facts["opened_at"]).date()
    for status in progress(facts, protocol, today).steps:
        days = status.step.remind_after_days
        if status.state is StepState.OPEN and days and (today - opened).days > days:
            key = f"{facts['incident_id']}:stap{status.step.number}"
            yield (
                key,
                Reminder.for_moment(
                    key,
                    incident_id=facts["incident_id"],
                    school_id=facts["school_id"],
                    handler_id=facts.get("opened_by", ""),
                    due_on=(opened + timedelta(days=days)).isoformat(),
                    kind="stap",
                    step=f"Stap {status.step.number}. {status.step.title}",
                ),
            )


def overdue_takedowns(facts: dict, today: date) -> Iterator[tuple[str, Reminder]]:  # type: ignore[type-arg]
    """A request to take the material offline with no known outcome after three days reminds the
    handler who made it, once per request; the reminder names the route and the date, never the
    channel (sealed)."""
    for request in takedowns(recorded_actions(facts), today):
        if request.overdue and request.reported_on is not None:
            key = f"{facts['incident_id']}:offline{request.version}"
            yield (
                key,
                Reminder.for_moment(
                    key,
                    incident_id=facts["incident_id"],
                    school_id=facts["school_id"],
                    handler_id=request.requested_by,
                    due_on=request.reported_on.isoformat(),
                    kind="offline",
                    step=f"Gemeld via: {route_label(request.route)}. "
                    f"Na {REMIND_AFTER_DAYS} dagen nog geen uitkomst.",
                ),
            )


class Reminders:
    def __init__(
        self,
        store: ReportStore,
        connect: Callable[[], Connection],
        protocol_for: Callable[[str], Protocol] | None = None,
    ) -> None:
        self.store = store
        self.connect = connect
        self.protocol_for = protocol_for
        self._sending = AtMostEvery(EVERY_SECONDS, log, "Herinneringen versturen lukt nu niet (%s).")

    def send_due(self, today: date) -> int:
        sent = 0
        found = overdue(self.store.every_fact(), today, self.protocol_for)
        due = [(k, r) for k, r in found if not self.store.reminder_known(k)]
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
        self._sending.run(lambda: self.send_due(date.today()))
