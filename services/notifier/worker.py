"""The kombu consumer: decode, hand to the handler, acknowledge after the send.

JSON only. A malformed or unknown message goes to the dead-letter queue with its reason.
A transient SMTP failure (4xx, server down) puts the message back after a pause that grows
with each attempt, up to MAX_PAUSE: an outage delays letters, it does not drop them. Only
after MAX_ATTEMPTS (about an hour of trying) is a letter dead-lettered, with the failure in
the audit trail; from the dead-letter queue it can be sent again.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from kombu import Connection, Consumer, Message

from services.notifier.ledger import LEASE_SECONDS, ClaimedElsewhere
from services.notifier.letters import LetterHandler
from services.notifier.sending import TransientFailure
from shared import messaging
from shared.contracts import LetterRequest, MalformedMessage, decode
from shared.logging import EveryMinute

log = logging.getLogger("notifier")

MAX_ATTEMPTS = 200
FIRST_PAUSE = 0.5
MAX_PAUSE = 20.0


class Worker:
    def __init__(self, handler: LetterHandler, connect: Callable[[], Connection]) -> None:
        self.handler = handler
        self.connect = connect
        self.pause = threading.Event()

    def on_message(self, connection: Connection, body: Any, message: Message) -> None:
        try:
            request = decode(message.body if isinstance(message.body, str | bytes) else body)
        except MalformedMessage as error:
            log.warning("Onleesbaar bericht naar de dode-brievenbus: %s", error)
            self.dead_letter(connection, message, str(error))
            message.ack()
            return
        attempts = self.handler.ledger.attempt(request.message_id)
        try:
            outcome = self.handler.handle(request)
        except ClaimedElsewhere:
            # Another notifier is sending this very letter (a copy the relay offered again):
            # give it back after a while; if that notifier died, its claim has run out by then.
            self.pause.wait(LEASE_SECONDS / 2)
            message.requeue()
            return
        except TransientFailure as failure:
            if attempts >= MAX_ATTEMPTS:
                reason = f"Na {attempts} pogingen niet verzonden: {failure}"
                self.handler.give_up(request, reason)
                self.dead_letter(connection, message, reason)
                message.ack()
                return
            wait = min(FIRST_PAUSE * 2 ** (attempts - 1), MAX_PAUSE)
            log.info("Tijdelijke fout (%s); poging %d, opnieuw over %.1f s.", failure, attempts, wait)
            self.pause.wait(wait)
            message.requeue()
            return
        if outcome is not None and outcome.failed and not outcome.sent:
            self.dead_letter(connection, message, outcome.reason)
        message.ack()
        if outcome is not None:
            log.info("%s: %d verzonden, %d niet.", request.type, outcome.sent, outcome.failed)

    def dead_letter(self, connection: Connection, message: Message, reason: str) -> None:
        body = (
            message.body if isinstance(message.body, str) else bytes(message.body).decode("utf-8", "replace")
        )
        messaging.publish(
            connection,
            body,
            message_id=str(message.properties.get("message_id", "")),
            dead=True,
            reden=reason[:500],
        )

    def run(self, stop: threading.Event) -> None:
        backoff = 1.0
        quiet = EveryMinute(log)
        while not stop.is_set():
            try:
                with self.connect() as connection:
                    letters, _ = messaging.queues(connection)
                    consumer = Consumer(
                        connection.default_channel,
                        queues=[letters],
                        accept=["json", "application/json", "text/plain"],
                        on_message=lambda m: self.on_message(connection, None, m),
                        prefetch_count=1,
                    )
                    with consumer:
                        backoff = 1.0
                        while not stop.is_set():
                            try:
                                connection.drain_events(timeout=0.5)
                            except TimeoutError:
                                continue
            except Exception as error:
                if stop.is_set():
                    break
                quiet.warning("Verbinding verloren (%s); de notifier wacht.", type(error).__name__)
                stop.wait(backoff)
                backoff = min(backoff * 2, 30.0)


__all__ = ["LetterRequest", "Worker"]
