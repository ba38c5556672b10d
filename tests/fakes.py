"""Fakes of what the notifier sends to, shared by the tests that drive it (fakes, not mocks):
they keep what they were given, and the test asserts on that."""

from __future__ import annotations

from email.message import EmailMessage

from shared.contracts import Outcome


class Outbox:
    """A mail server that accepts everything."""

    def __init__(self) -> None:
        self.mails: list[EmailMessage] = []

    def send(self, message: EmailMessage) -> None:
        self.mails.append(message)


class Outcomes:
    """The outcomes the notifier publishes (sent, failed, bounced), kept in order."""

    def __init__(self) -> None:
        self.published: list[Outcome] = []

    def publish(self, outcome: Outcome) -> None:
        self.published.append(outcome)
