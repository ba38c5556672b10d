"""The outbox relay: follows the stored events and publishes contract messages.

The web request never publishes. The relay polls the event store's notifications for
letter requests after its saved position, publishes each as a `LetterRequest` (waiting for
the broker's confirm) and only then moves its position on. A broker or database that is
down makes it wait and try again; nothing is skipped.

    python -m services.case.relay
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from typing import Any

from eventsourcing.utils import get_topic
from kombu import Connection

from services.case.application import CaseManagement
from services.case.domain.incident import Incident
from shared import messaging
from shared.contracts import LetterRequest, encode
from shared.positions import Positions
from shared.process import start

log = logging.getLogger("relay")

NAME = "relay.brieven"
# A letter goes out when it is requested, or, when it needed four eyes, once it is approved.
TOPICS = [get_topic(Incident.LetterRequested), get_topic(Incident.LetterApproved)]
BATCH = 100


class Relay:
    def __init__(
        self, cases: CaseManagement, positions: Positions, connect: Callable[[], Connection]
    ) -> None:
        self.cases = cases
        self.positions = positions
        self.connect = connect
        self._connection: Connection | None = None

    def message_for(self, notification: Any) -> LetterRequest:
        event = self.cases.mapper.to_domain_event(notification)
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
        )

    def run_once(self) -> int:
        """Publishes what is new; returns how many messages went out."""
        position = self.positions.get(NAME)
        notifications = self.cases.recorder.select_notifications(
            start=position + 1, limit=BATCH, topics=TOPICS
        )
        for notification in notifications:
            message = self.message_for(notification)
            messaging.publish(self.connection(), encode(message), message_id=message.message_id)
            self.positions.save(NAME, notification.id)
        return len(notifications)

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

    def run(self, stop: threading.Event, *, interval: float = 0.2) -> None:
        backoff = 1.0
        while not stop.is_set():
            try:
                published = self.run_once()
                backoff = 1.0
            except Exception as error:
                log.warning("Publiceren lukt niet (%s); opnieuw over %.0f s.", type(error).__name__, backoff)
                self.reset_connection()
                stop.wait(backoff)
                backoff = min(backoff * 2, 30.0)
                continue
            if not published:
                stop.wait(interval)
        self.reset_connection()


def main() -> int:
    settings, stop = start("relay")
    relay = Relay(
        CaseManagement(env=settings.event_store_env()),
        Positions(settings),
        lambda: messaging.connect(settings),
    )
    log.info("Relay volgt de gebeurtenissen.")
    relay.run(stop)
    log.info("Relay gestopt.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
