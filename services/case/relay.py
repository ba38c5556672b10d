"""The outbox relay: follows the stored events and publishes contract messages.

The web request never publishes. The relay polls the event store's notifications for letters
cleared for sending (requested without review, or approved) after its saved position,
publishes each as a `LetterRequest` (waiting for the broker's confirm) and only then moves its
position on. A broker or database that is down makes it wait and try again; nothing is
skipped. What it published and saw no outcome recorded for in time it publishes again
(services/case/outbox.py): a letter arrives whatever process dies when. Of several relays one
leads (shared/leadership.py); the others wait. Beside it, in the same process, the outcomes
the notifier reports are recorded on each letter's stream (services/case/outcomes.py).

    python -m services.case.relay
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic
from kombu import Connection

from services.case.application import CaseManagement
from services.case.domain.letter_request import LetterRequest as Letter
from services.case.letter_messages import letter_request_message
from services.case.outbox import Outbox
from services.case.outcomes import OutcomeConsumer, consume_in_background
from shared import messaging
from shared.config import Settings
from shared.contracts import LetterRequest, encode
from shared.leadership import Leadership
from shared.logging import EveryMinute
from shared.positions import Positions
from shared.process import start

log = logging.getLogger("relay")

NAME = "relay.brieven"
OUTCOMES_NAME = "relay.uitkomsten"
OUTCOME_TOPICS = [get_topic(Letter.Sent), get_topic(Letter.Failed)]
RESEND_AFTER_SECONDS = 120.0
# A letter goes out when it is requested without review, or once a second person approved it.
TOPICS = [get_topic(Letter.Requested), get_topic(Letter.Approved)]
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
        letters_key: bytes | None = None,
    ) -> None:
        self.cases = cases
        self.letters_key = letters_key or Settings().letters_key
        self.positions = positions
        self.connect = connect
        self.outbox = outbox
        self.resend_after = resend_after
        self.clock = clock
        self._connection: Connection | None = None

    def message_for(self, notification: Any) -> LetterRequest | None:
        """The message of a letter cleared for sending by this event; None for a letter that
        awaits review, was erased, or is unknown."""
        event: Any = self.cases.mapper.to_domain_event(notification)
        if isinstance(event, Letter.Requested) and event.awaiting_review:
            return None  # it goes out when it is approved, on that event
        return letter_request_message(self.cases, notification.originator_id, self.letters_key)

    def run_once(self) -> int:
        """Publishes what is new; returns how many notifications it handled."""
        position = self.positions.get(NAME)
        notifications = self.cases.recorder.select_notifications(
            start=position + 1, limit=BATCH, topics=TOPICS
        )
        for notification in notifications:
            message = self.message_for(notification)
            if message is not None:
                if self.outbox is not None:
                    self.outbox.published(message.message_id, message.letter_id, self.clock())
                messaging.publish(self.connection(), encode(message), message_id=message.message_id)
            self.positions.save(NAME, notification.id)
        if self.outbox is None:
            return len(notifications)
        return len(notifications) + self.settle() + self.resend()

    def settle(self) -> int:
        """Follows the outcomes recorded on the letters' streams: a letter with one is never
        sent again, and the outbox forgets it."""
        assert self.outbox is not None
        position = self.positions.get(OUTCOMES_NAME)
        outcomes = self.cases.recorder.select_notifications(
            start=position + 1, limit=BATCH, topics=OUTCOME_TOPICS
        )
        for notification in outcomes:
            self.outbox.settle(str(notification.originator_id))
            self.positions.save(OUTCOMES_NAME, notification.id)
        return len(outcomes)

    def resend(self) -> int:
        """Publishes again, with the same message_id, what waited too long for an outcome. The
        message is made again from the letter's stream: the outbox keeps no copy of it."""
        assert self.outbox is not None
        now = self.clock()
        due = self.outbox.due(now, self.resend_after)
        for message_id, letter_id in due:
            message = letter_request_message(self.cases, UUID(letter_id), self.letters_key)
            if message is None:  # erased meanwhile: nothing left to send
                self.outbox.settle(letter_id)
                continue
            log.info("Brief %s heeft nog geen uitkomst; opnieuw aangeboden.", message_id[:8])
            messaging.publish(self.connection(), encode(message), message_id=message_id)
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
    cases = CaseManagement(env=settings.event_store_env())
    relay = Relay(
        cases,
        Positions(settings),
        lambda: messaging.connect(settings),
        Outbox(settings),
        resend_after=settings.resend_after_seconds,
        letters_key=settings.letters_key,
    )
    # Outcomes are recorded by every relay process, leading or not: recording one is idempotent.
    outcomes = OutcomeConsumer(
        CaseManagement(env=settings.event_store_env()),
        settings.letters_key,
        lambda: messaging.connect(settings),
    )
    consuming = consume_in_background(outcomes, stop)
    log.info("Relay volgt de gebeurtenissen.")
    relay.run(stop, leadership=Leadership(settings, "relay"))
    consuming.join(10)
    log.info("Relay gestopt.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
