"""The kombu consumer: decode, hand to a handler, acknowledge after the work is done.

Up to `parallel` letters are in flight at once (ZORGVULDIG_NOTIFIER_PARALLEL), each on a
thread of its own with its own handler and so its own SMTP connection: a small pool of
connections that the prefetch keeps busy. The threads only decide; the one thread that owns
the kombu connection acknowledges, requeues and dead-letters (kombu channels are not
thread-safe), and only once the ledger holds what was done.

JSON only. A malformed or unknown message, or one meant for another service, goes to the
dead-letter queue with its reason.
A transient SMTP failure (4xx, server down) puts the message back after a pause that grows
with each attempt, up to MAX_PAUSE: an outage delays letters, it does not drop them. Only
after MAX_ATTEMPTS (about an hour of trying) is a letter dead-lettered, with the failure in
the audit trail; from the dead-letter queue it can be sent again.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from kombu import Connection, Consumer, Message

from services.notifier.ledger import LEASE_SECONDS, ClaimedElsewhere
from services.notifier.letters import LetterHandler
from services.notifier.sending import TransientFailure
from shared import messaging
from shared.contracts import (
    LetterOutcome,
    LetterRequest,
    MalformedMessage,
    Notice,
    Reminder,
    SchoolNoticeOutcome,
    decode,
)
from shared.logging import EveryMinute

log = logging.getLogger("notifier")

MAX_ATTEMPTS = 200
FIRST_PAUSE = 0.5
MAX_PAUSE = 20.0
TICK = 0.02  # how long the consumer waits for the broker before it acknowledges finished work
STOP_GRACE = 10.0  # seconds the letters in flight get to finish when the notifier stops

ACK, REQUEUE, DEAD = "ack", "requeue", "dead"


@dataclass(frozen=True)
class Taken:
    """A letter handed to a sending thread, from the connection of `generation`."""

    generation: int
    request: LetterRequest | Reminder | Notice
    message: Message


@dataclass(frozen=True)
class Done:
    """A letter whose work is over, and what the consumer does with its message."""

    taken: Taken
    verdict: str
    reason: str = ""


class Worker:
    def __init__(
        self,
        handlers: LetterHandler | Sequence[LetterHandler],
        connect: Callable[[], Connection],
        *,
        prefetch: int | None = None,
    ) -> None:
        self.handlers = [handlers] if isinstance(handlers, LetterHandler) else list(handlers)
        self.handler = self.handlers[0]
        self.connect = connect
        self.prefetch = prefetch or len(self.handlers)
        self.pause = threading.Event()
        self._stop = threading.Event()
        self._work: queue.Queue[Taken | None] = queue.Queue()
        self._done: queue.Queue[Done] = queue.Queue()
        self._generation = 0
        self._in_flight = 0
        self._retries = EveryMinute(log)

    @property
    def parallel(self) -> int:
        return len(self.handlers)

    # The thread that owns the connection.

    def run(self, stop: threading.Event) -> None:
        self._stop = stop
        senders = [
            threading.Thread(target=self._send_loop, args=(h,), name=f"brieven-{n}", daemon=True)
            for n, h in enumerate(self.handlers, 1)
        ]
        for thread in senders:
            thread.start()
        try:
            self._consume(stop)
        finally:
            for _ in senders:
                self._work.put(None)
            for thread in senders:
                thread.join(STOP_GRACE)

    def _consume(self, stop: threading.Event) -> None:
        backoff = 1.0
        quiet = EveryMinute(log)
        while not stop.is_set():
            try:
                with self.connect() as connection:
                    self._generation += 1
                    self._in_flight = 0
                    letters, _ = messaging.queues(connection)
                    consumer = Consumer(
                        connection.default_channel,
                        queues=[letters],
                        accept=["json", "application/json", "text/plain"],
                        on_message=lambda m: self.on_message(connection, None, m),
                        prefetch_count=self.prefetch,
                    )
                    with consumer:
                        backoff = 1.0
                        while not stop.is_set():
                            self._settle(connection)
                            connection.heartbeat_check()  # an idle consumer is not a dead one
                            try:
                                connection.drain_events(timeout=TICK)
                            except TimeoutError:
                                continue
                        self._settle_in_flight(connection)
            except Exception as error:
                if stop.is_set():
                    break
                quiet.warning("Verbinding verloren (%s); de notifier wacht.", type(error).__name__)
                stop.wait(backoff)
                backoff = min(backoff * 2, 30.0)

    def on_message(self, connection: Connection, body: Any, message: Message) -> None:
        try:
            request = decode(message.body if isinstance(message.body, str | bytes) else body)
            if isinstance(
                request, LetterOutcome | SchoolNoticeOutcome
            ):  # the case service's to record, not ours to send
                raise MalformedMessage(f"bericht {request.type!r} is niet voor de notifier")
        except MalformedMessage as error:
            log.warning("Onleesbaar bericht naar de dode-brievenbus: %s", error)
            self.dead_letter(connection, message, str(error))
            message.ack()
            return
        self._in_flight += 1
        self._work.put(Taken(self._generation, request, message))

    def _settle(self, connection: Connection, wait: float = 0.0) -> None:
        """Acknowledges, requeues or dead-letters every letter whose work is over."""
        while True:
            try:
                done = self._done.get(timeout=wait) if wait else self._done.get_nowait()
            except queue.Empty:
                return
            wait = 0.0
            if done.taken.generation != self._generation:
                continue  # its connection is gone: the broker offers it again, the ledger knows
            self._in_flight -= 1
            message = done.taken.message
            if done.verdict == REQUEUE:
                message.requeue()
                continue
            if done.verdict == DEAD:
                self.dead_letter(connection, message, done.reason)
            message.ack()

    def _settle_in_flight(self, connection: Connection) -> None:
        deadline = time.monotonic() + STOP_GRACE
        while self._in_flight > 0 and time.monotonic() < deadline:
            self._settle(connection, wait=0.1)

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

    # The sending threads: one handler (and SMTP connection) each.

    def _send_loop(self, handler: LetterHandler) -> None:
        trouble = 0
        while True:
            taken = self._work.get()
            if taken is None:
                return
            if taken.generation != self._generation:
                continue  # fetched on a connection that is gone
            if self._stop.is_set():
                self._done.put(Done(taken, REQUEUE))
                continue
            try:
                verdict, reason = self.decide(handler, taken.request)
                trouble = 0
            except Exception as error:  # the store is unreachable, for instance: wait, then again
                trouble += 1
                self._retries.warning("Brief niet af (%s); de notifier wacht.", type(error).__name__)
                self._rest(min(FIRST_PAUSE * 2**trouble, 30.0))
                verdict, reason = REQUEUE, ""
            self._done.put(Done(taken, verdict, reason))

    def decide(self, handler: LetterHandler, request: LetterRequest | Reminder | Notice) -> tuple[str, str]:
        """Does the work of one letter and says what becomes of its message."""
        try:
            outcome = handler.handle(request)
        except ClaimedElsewhere:
            # Another notifier is sending this very letter (a copy the relay offered again):
            # give it back after a while; if that notifier died, its claim has run out by then.
            self._rest(LEASE_SECONDS / 2)
            return REQUEUE, ""
        except TransientFailure as failure:
            attempts = handler.ledger.attempts(request.message_id)
            if attempts >= MAX_ATTEMPTS:
                reason = f"Na {attempts} pogingen niet verzonden: {failure}"
                handler.give_up(request, reason)
                return DEAD, reason
            wait = min(FIRST_PAUSE * 2 ** (attempts - 1), MAX_PAUSE)
            self._retries.info(
                "Tijdelijke fout (%s); poging %d, opnieuw over %.1f s.", failure, attempts, wait
            )
            self._rest(wait)
            return REQUEUE, ""
        if outcome is None:
            return ACK, ""
        log.info("%s: %d verzonden, %d niet.", request.type, outcome.sent, outcome.failed)
        if outcome.failed and not outcome.sent:
            return DEAD, outcome.reason
        return ACK, ""

    def _rest(self, seconds: float) -> None:
        """Waits, but not past a stop."""
        deadline = time.monotonic() + seconds
        while not (self._stop.is_set() or self.pause.is_set()):
            left = deadline - time.monotonic()
            if left <= 0:
                return
            self.pause.wait(min(left, 0.25))


__all__ = ["LetterRequest", "Worker"]
