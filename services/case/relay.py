"""The outbox relay: follows the stored events and publishes contract messages.

The web request never publishes. The relay polls the event store's notifications for
letter requests after its saved position, publishes each as a `LetterRequest` (waiting for
the broker's confirm) and only then moves its position on. A broker or database that is
down makes it wait and try again; nothing is skipped. What it published and saw no outcome
for in time it publishes again (services/case/outbox.py): a letter arrives whatever process
dies when. Of several relays one leads (shared/leadership.py); the others wait.

    python -m services.case.relay
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from eventsourcing.utils import get_topic
from kombu import Connection

from services.case.application import CaseManagement
from services.case.domain.incident import Incident
from services.case.outbox import Outbox
from shared import messaging
from shared.contracts import LetterRequest, encode
from shared.leadership import Leadership
from shared.logging import EveryMinute
from shared.positions import Positions
from shared.process import start

log = logging.getLogger("relay")

NAME = "relay.brieven"
OUTCOMES_NAME = "relay.uitkomsten"
OUTCOME_TOPICS = [get_topic(Incident.LetterSent), get_topic(Incident.LetterFailed)]
RESEND_AFTER_SECONDS = 120.0
# A letter goes out when it is requested, or, when it needed four eyes, once it is approved.
TOPICS = [get_topic(Incident.LetterRequested), get_topic(Incident.LetterApproved)]
BATCH = 100


class Relay:
    def __init__(
        self,
        cases: CaseManagement,
        positions: Positions,
        connect: Callable[[], Connection],
        outbox: Outbox | None = None,
        *,
        resend_after: float = RESEND_AFTER_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.cases = cases
        self.positions = positions
        self.connect = connect
        self.outbox = outbox
        self.resend_after = resend_after
        self.clock = clock
        self._connection: Connection | None = None

    def message_for(self, notification: Any) -> LetterRequest:
        event: Any = self.cases.mapper.to_domain_event(notification)
        if isinstance(event, Incident.LetterApproved):
            event = self.cases.event_at(event.originator_id, event.proposal_version)
        opened = self.cases.opened_event(event.originator_id)
        return LetterRequest.for_notification(
            notification.id,
            incident_id=str(event.originator_id),
            request_version=event.originator_version,
            school_id=opened.school_id,
            board_id=opened.board_id,
            letter=event.letter,
            group=event.group,
            recipients=list(event.recipients),
            statement=dict(event.statement),
            language=event.language,
        )

    def run_once(self) -> int:
        """Publishes what is new; returns how many messages went out."""
        position = self.positions.get(NAME)
        notifications = self.cases.recorder.select_notifications(
            start=position + 1, limit=BATCH, topics=TOPICS
        )
        for notification in notifications:
            message = self.message_for(notification)
            body = encode(message)
            if self.outbox is not None:
                self.outbox.published(
                    message.message_id, message.incident_id, message.request_version, body, self.clock()
                )
            messaging.publish(self.connection(), body, message_id=message.message_id)
            self.positions.save(NAME, notification.id)
        if self.outbox is None:
            return len(notifications)
        return len(notifications) + self.settle() + self.resend()

    def settle(self) -> int:
        """Follows the recorded outcomes: a letter with one is never sent again."""
        assert self.outbox is not None
        position = self.positions.get(OUTCOMES_NAME)
        outcomes = self.cases.recorder.select_notifications(
            start=position + 1, limit=BATCH, topics=OUTCOME_TOPICS
        )
        for notification in outcomes:
            event: Any = self.cases.mapper.to_domain_event(notification)
            self.outbox.settle(str(event.originator_id), event.request_version)
            self.positions.save(OUTCOMES_NAME, notification.id)
        return len(outcomes)

    def resend(self) -> int:
        """Publishes again, with the same message_id, what waited too long for an outcome."""
        assert self.outbox is not None
        now = self.clock()
        due = self.outbox.due(now, self.resend_after)
        for message_id, body in due:
            log.info("Brief %s heeft nog geen uitkomst; opnieuw aangeboden.", message_id[:8])
            messaging.publish(self.connection(), body, message_id=message_id)
            self.outbox.resent(message_id, now)
        return len(due)

    def connection(self) -> Connection:
        if self._connection is None:
            self._connection = self.connect()
        return self._connection

    def reset_connection(self) -> None:
        if self._connection is not None:
            try:
                self._connection.release()
            except Exception:  # noqa: S110 - a broken connection may fail to close
                pass
        self._connection = None

    def run(
        self, stop: threading.Event, *, interval: float = 0.2, leadership: Leadership | None = None
    ) -> None:
        backoff = 1.0
        quiet = EveryMinute(log)
        while not stop.is_set():
            if leadership is not None and not (leadership.still_leading() or self._lead(leadership, quiet)):
                stop.wait(2.0)
                continue
            try:
                published = self.run_once()
                backoff = 1.0
            except Exception as error:
                quiet.warning("Publiceren lukt niet (%s); de relay wacht.", type(error).__name__)
                self.reset_connection()
                stop.wait(backoff)
                backoff = min(backoff * 2, 30.0)
                continue
            if not published:
                stop.wait(interval)
        self.reset_connection()
        if leadership is not None:
            leadership.release()

    def _lead(self, leadership: Leadership, quiet: EveryMinute) -> bool:
        try:
            if leadership.acquire():
                log.info("Deze relay leidt nu.")
                return True
        except Exception as error:
            quiet.warning("Leiderschap niet te bepalen (%s); de relay wacht.", type(error).__name__)
            return False
        quiet.info("Een andere relay is actief; deze wacht tot die stopt.")
        return False


def main() -> int:
    settings, stop = start("relay")
    relay = Relay(
        CaseManagement(env=settings.event_store_env()),
        Positions(settings),
        lambda: messaging.connect(settings),
        Outbox(settings),
        resend_after=settings.resend_after_seconds,
    )
    log.info("Relay volgt de gebeurtenissen.")
    relay.run(stop, leadership=Leadership(settings, "relay"))
    log.info("Relay gestopt.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
