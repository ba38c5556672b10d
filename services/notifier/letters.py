"""The notifier's handler for a letter request: render, guard, send once, report back.

Pure of the broker: the worker decodes and acknowledges, this decides. Each recipient gets
their own mail (no one sees another's address). What the SMTP server accepted is noted in
the ledger at once, so a retry or a redelivery sends only to those still waiting.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

from services.case.application import CaseManagement
from services.case.screening import personal_values
from services.notifier.ledger import REPORTED, SENT, Ledger
from services.notifier.sending import PermanentFailure, build, valid_address
from shared.accounts import school_name
from shared.config import Settings
from shared.contracts import LetterRequest
from shared.letters import LetterBlocked, compose

NOTIFIER = "notifier"


class SendsMail(Protocol):
    def send(self, message: object) -> None: ...


@dataclass(frozen=True)
class Outcome:
    sent: int
    failed: int
    reason: str = ""


def recipient_key(message_id: str, recipient: str) -> str:
    return hashlib.sha256(f"{message_id}|{recipient.strip().lower()}".encode()).hexdigest()


class LetterHandler:
    def __init__(self, settings: Settings, cases: CaseManagement, ledger: Ledger, sender: SendsMail) -> None:
        self.settings = settings
        self.cases = cases
        self.ledger = ledger
        self.sender = sender

    def handle(self, message: LetterRequest) -> Outcome | None:
        """Sends and reports; None when this message was already fully handled.

        Raises TransientFailure when the mail server should be tried again later."""
        state = self.ledger.state(message.message_id)
        if state == REPORTED:
            return None
        if state != SENT:
            self._send(message)
        failed, note = self.ledger.summary(message.message_id)
        outcome = Outcome(self.ledger.deliveries(message.message_id), failed, note)
        self.report(message, outcome)
        self.ledger.mark(message.message_id, REPORTED)
        return outcome

    def _send(self, message: LetterRequest) -> None:
        incident = self.cases.repository.get(UUID(message.incident_id))
        try:
            letter = compose(
                message.letter,
                message.statement,
                school_name=school_name(message.school_id),
                personal_values=personal_values(incident),
            )
        except LetterBlocked as blocked:
            self.ledger.mark(
                message.message_id,
                SENT,
                failed=len(message.recipients),
                note="Tegengehouden: " + " ".join(blocked.reasons),
            )
            return
        failed, reasons = 0, []
        for recipient in message.recipients:
            key = recipient_key(message.message_id, recipient)
            if self.ledger.delivered(message.message_id, key):
                continue
            if not valid_address(recipient):
                failed += 1
                reasons.append("ongeldig adres")
                continue
            mail = build(self.settings, letter, recipient.strip(), school_id=message.school_id, key=key)
            try:
                self.sender.send(mail)
            except PermanentFailure as refused:
                failed += 1
                reasons.append(str(refused))
                continue
            self.ledger.record_delivery(message.message_id, key)
        note = ""
        if failed:
            note = f"{failed} van de {len(message.recipients)} ontvangers niet bereikt: " + ", ".join(
                sorted(set(reasons))
            )
        self.ledger.mark(message.message_id, SENT, failed=failed, note=note)

    def report(self, message: LetterRequest, outcome: Outcome) -> None:
        """Lands the outcome in the incident's audit trail (no addresses: counts only)."""
        incident_id = UUID(message.incident_id)
        if outcome.sent:
            self.cases.record_system_outcome(
                incident_id,
                "LetterSent",
                {"request_version": message.request_version, "recipient_count": outcome.sent},
                actor_id=NOTIFIER,
            )
        if outcome.failed or not outcome.sent:
            self.cases.record_system_outcome(
                incident_id,
                "LetterFailed",
                {"request_version": message.request_version, "reason": outcome.reason or "Niet verzonden."},
                actor_id=NOTIFIER,
            )

    def give_up(self, message: LetterRequest, reason: str) -> None:
        """After a permanent failure or too many attempts: the trail says so."""
        if self.ledger.state(message.message_id) == REPORTED:
            return
        self.cases.record_system_outcome(
            UUID(message.incident_id),
            "LetterFailed",
            {"request_version": message.request_version, "reason": reason},
            actor_id=NOTIFIER,
        )
        self.ledger.mark(message.message_id, REPORTED, note=reason)
