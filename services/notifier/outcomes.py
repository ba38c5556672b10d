"""Sending an outcome back to the case service: a letter's `LetterOutcome`, or the
`SchoolNoticeOutcome` of a notice to another school that did not arrive.

Each sending thread has its own publisher and so its own broker connection (kombu channels
are not thread-safe). A failed publish drops the connection and raises: the letter's message
is then offered again, and the ledger (state "verzonden") makes that copy report only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from kombu import Connection

from shared import messaging
from shared.contracts import Outcome, encode


class ReportsOutcomes(Protocol):
    def publish(self, outcome: Outcome) -> None: ...


class OutcomePublisher:
    def __init__(self, connect: Callable[[], Connection]) -> None:
        self.connect = connect
        self._connection: Connection | None = None

    def publish(self, outcome: Outcome) -> None:
        try:
            if self._connection is None:
                self._connection = self.connect()
            messaging.publish(
                self._connection, encode(outcome), message_id=outcome.message_id, queue=messaging.OUTCOMES
            )
        except Exception:
            self.close()
            raise

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.release()
            except Exception:  # noqa: S110 - a broken connection may fail to close
                pass
