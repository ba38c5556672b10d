"""The consumer of the notifier's outcomes: `LetterOutcome` messages, recorded on each letter's
own stream (services/case/letter_messages.py), and `SchoolNoticeOutcome` messages, recorded on
the incident (services/case/notice_messages.py). Glue only: decode, record, acknowledge.

It runs beside the relay, in the relay's process. An outcome that cannot be read, names an
unknown letter, or arrives again is acknowledged with a log line, never put back: no error loop.
Only an unreachable event store puts a message back, after a pause that grows.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from kombu import Connection, Consumer, Message

from services.case.application import CaseManagement
from services.case.letter_messages import record_outcome
from services.case.notice_messages import record_school_notice_outcome
from shared import messaging
from shared.contracts import LetterOutcome, MalformedMessage, SchoolNoticeOutcome, decode
from shared.logging import EveryMinute

log = logging.getLogger("uitkomsten")


class OutcomeConsumer:
    def __init__(self, cases: CaseManagement, key: bytes, connect: Callable[[], Connection]) -> None:
        self.cases = cases
        self.key = key
        self.connect = connect
        self._stop = threading.Event()
        self._trouble = 0
        self._quiet = EveryMinute(log)

    def handle(self, body: Any) -> None:
        """Records one message's outcome, or logs why not. Raises only when the store fails."""
        try:
            outcome = decode(body)
        except MalformedMessage as error:
            log.warning("Onleesbare uitkomst overgeslagen: %s", error)
            return
        if isinstance(outcome, SchoolNoticeOutcome):
            record_school_notice_outcome(self.cases, outcome, self.key)
        elif isinstance(outcome, LetterOutcome):
            record_outcome(self.cases, outcome, self.key)
        else:
            log.warning("Bericht van het type %s in de uitkomstenwachtrij overgeslagen.", outcome.type)

    def on_message(self, message: Message) -> None:
        try:
            self.handle(message.body)
        except Exception as error:  # the store is unreachable: put it back, after a pause
            self._trouble += 1
            self._quiet.warning("Uitkomst niet vastgelegd (%s); later opnieuw.", type(error).__name__)
            self._stop.wait(min(0.5 * 2**self._trouble, 30.0))
            message.requeue()
            return
        self._trouble = 0
        message.ack()

    def drain(self) -> int:
        """Records every outcome waiting now, one message at a time; returns how many it took."""
        taken = 0
        with self.connect() as connection:
            queue = messaging.OUTCOMES(connection.default_channel)
            queue.declare()
            while (message := queue.get()) is not None:
                self.on_message(message)
                taken += 1
        return taken

    def run(self, stop: threading.Event) -> None:
        self._stop = stop
        backoff = 1.0
        while not stop.is_set():
            try:
                with self.connect() as connection:
                    consumer = Consumer(
                        connection.default_channel,
                        queues=[messaging.OUTCOMES],
                        accept=["json", "application/json", "text/plain"],
                        on_message=self.on_message,
                        prefetch_count=20,
                    )
                    with consumer:
                        backoff = 1.0
                        while not stop.is_set():
                            connection.heartbeat_check()
                            try:
                                connection.drain_events(timeout=0.2)
                            except TimeoutError:
                                continue
            except Exception as error:
                if stop.is_set():
                    break
                self._quiet.warning("Verbinding voor uitkomsten verloren (%s); wacht.", type(error).__name__)
                stop.wait(backoff)
                backoff = min(backoff * 2, 30.0)


def consume_in_background(consumer: OutcomeConsumer, stop: threading.Event) -> threading.Thread:
    thread = threading.Thread(target=consumer.run, args=(stop,), name="uitkomsten", daemon=True)
    thread.start()
    return thread
