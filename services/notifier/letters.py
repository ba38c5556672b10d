"""The notifier's handler for a letter request: render, guard, send once, report back.

The worker decodes and acknowledges, this decides. Each recipient gets their own mail (no one
sees another's address). What the SMTP server accepted is noted in the ledger at once, so a
retry or a redelivery sends only to those still waiting. Everything comes from the message
(the recipients and what the privacy guard compares against arrive sealed with the letters
key): the notifier reads no case store. The outcome goes back as a `LetterOutcome` message.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Protocol
from uuid import uuid4

from services.notifier.bounces import return_path
from services.notifier.ledger import (
    LEASE_SECONDS,
    REPORTED,
    SENT,
    ClaimedElsewhere,
    Ledger,
    Progress,
    Summary,
)
from services.notifier.notices import send_notice
from services.notifier.outcomes import OutcomePublisher, ReportsOutcomes
from services.notifier.school_notices import send_school_notice
from services.notifier.sending import (
    AnsweredLater,
    LetterMail,
    Notes,
    Outgoing,
    PermanentFailure,
    TransientFailure,
    build,
)
from shared import messaging
from shared.accounts import Accounts
from shared.boards import board
from shared.config import Settings
from shared.contracts import (
    CareTeamNotice,
    LetterOutcome,
    LetterRequest,
    Message,
    Notice,
    OtherSchoolNotice,
    Reminder,
    ReviewRequested,
    TaskOverdue,
    Unsealable,
    recipient_key,
    seal,
    unseal,
)
from shared.letters import LetterBlocked, compose, render_reminder
from shared.privacy import GuardNotReady, NameFinder, PrivacyGuard, Recorded
from shared.recipients import valid_address

log = logging.getLogger("notifier")


class SendsMail(Protocol):
    def send(self, message: EmailMessage) -> None: ...


@dataclass(frozen=True)
class Outcome:
    sent: int
    failed: int
    reason: str = ""
    maybe_twice: int = 0  # sent again after an interruption: perhaps got it twice

    @classmethod
    def of(cls, summary: Summary) -> Outcome:
        return cls(summary.delivered, summary.failed, summary.note, summary.maybe_twice)


class LetterHandler:
    def __init__(
        self,
        settings: Settings,
        ledger: Ledger,
        sender: SendsMail,
        accounts: Accounts | None = None,
        guard: PrivacyGuard | None = None,
        outcomes: ReportsOutcomes | None = None,
    ) -> None:
        self.settings = settings
        self.accounts = accounts or Accounts(settings)
        self.guard = guard or PrivacyGuard(NameFinder.shared())
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid4().hex[:8]}"
        self._renewed = 0.0
        self.outcomes = outcomes or OutcomePublisher(lambda: messaging.connect(settings))
        self.ledger = ledger
        self.sender = sender

    def handle(self, message: LetterRequest | Reminder | Notice) -> Outcome | None:
        """Sends and reports; None when this message was already fully handled.

        Raises TransientFailure when the mail server should be tried again later, and
        ClaimedElsewhere while another notifier holds the message."""
        progress = self._take(message.message_id)
        if progress is not None and progress.in_doubt:
            # Started before an attempt stopped, without the server's answer written: perhaps
            # sent. Sent again (the same Message-ID): a copy is better than a letter lost. The
            # ledger noted them; the outcome counts them, so the letter's page can say so.
            log.warning(
                "%s: %d ontvanger(s) kregen de mail mogelijk al voor een onderbreking; "
                "opnieuw verzonden met dezelfde Message-ID.",
                message.type,
                len(progress.in_doubt),
            )
        if progress is None:
            if isinstance(message, LetterRequest):
                # A copy of a letter already reported: the relay offers it again because no
                # outcome was recorded (the outcome message was lost), so report it again.
                self.report(message, Outcome.of(self.ledger.summary(message.message_id)))
            return None
        try:
            if isinstance(message, Reminder):
                summary = self.remind(message, progress.delivered)
            elif isinstance(message, OtherSchoolNotice):
                summary = send_school_notice(self, message, progress.delivered)
            elif isinstance(message, (CareTeamNotice, TaskOverdue, ReviewRequested)):
                summary = send_notice(self, message, progress.delivered)
            elif progress.state == SENT:  # sent before a crash; only the report is missing
                summary = self.ledger.summary(message.message_id)
            else:
                summary = self._send(message, progress.delivered)
            outcome = Outcome.of(summary)
            if isinstance(message, LetterRequest):
                self.report(message, outcome)
            self.ledger.settle(message.message_id, self.holder)
            return outcome
        except BaseException:
            self.ledger.release(message.message_id, self.holder)
            raise

    def _take(self, message_id: str) -> Progress | None:
        """Counts the attempt and claims the message, in one step; None when it was reported."""
        progress = self.ledger.take(message_id, self.holder)
        if progress.state == REPORTED:
            return None
        if not progress.claimed:
            raise ClaimedElsewhere(message_id)
        self._renewed = time.monotonic()
        return progress

    def _renew(self, message_id: str) -> None:
        """Renews the claim while sending, so a holder that dies frees the message within
        LEASE_SECONDS. Raises ClaimedElsewhere when the lease ran out and another took it."""
        now = time.monotonic()
        if now - self._renewed < LEASE_SECONDS / 3:
            return
        if not self.ledger.claim(message_id, self.holder):
            raise ClaimedElsewhere(message_id)
        self._renewed = now

    def remind(self, message: Reminder, delivered: frozenset[str] = frozenset()) -> Summary:
        """A reminder to the case handler who planned the aftercare moment."""
        address = self.accounts.email(message.handler_id)
        if not valid_address(address):
            return self.ledger.finish(message.message_id, failed=1, note="geen e-mailadres bekend")
        settings = board(self._board_of(message), self.settings.boards_dir)
        school = settings.school(message.school_id)
        try:
            letter = render_reminder(
                kind=message.kind,
                step=message.step,
                school=school,
                board=settings,
                due_on=message.due_on,
                link=f"{self.settings.site_url}/meldingen/{message.incident_id}",
                guard=self.guard,
            )
        except GuardNotReady as not_ready:
            raise TransientFailure(str(not_ready)) from None
        except LetterBlocked as blocked:
            return self.ledger.finish(
                message.message_id, failed=1, note="Tegengehouden: " + " ".join(blocked.reasons)
            )
        key = recipient_key(message.message_id, address)
        if key not in delivered:
            self.sender.send(
                build(self.settings, letter, address, school=school, key=key, request=message.message_id)
            )
            self.ledger.record_delivery(message.message_id, key)
        return self.ledger.finish(message.message_id, failed=0, note="")

    def _send(self, message: LetterRequest, delivered: frozenset[str]) -> Summary:
        try:
            sealed = unseal(self.settings.letters_key, message.sealed)
        except Unsealable as error:
            return self.ledger.finish(message.message_id, failed=0, note=f"Niet verzonden: {error}.")
        recipients = [str(r) for r in sealed.get("recipients", [])]
        recorded = [Recorded(**r) for r in sealed.get("recorded", [])]
        settings = board(message.board_id, self.settings.boards_dir)
        school = settings.school(message.school_id)
        try:
            letter = compose(
                message.letter,
                message.statement,
                guard=self.guard,
                board=settings,
                school=school,
                recorded=recorded,
                staff_names=self.accounts.names_at_school(message.school_id),
                language=message.language,
            )
        except GuardNotReady as not_ready:
            raise TransientFailure(str(not_ready)) from None
        except LetterBlocked as blocked:
            return self.ledger.finish(
                message.message_id,
                failed=len(recipients),
                note="Tegengehouden: " + " ".join(blocked.reasons),
            )
        composed = LetterMail(self.settings, letter, school=school, sending_address=settings.sending_address)
        failed, reasons, mails = 0, [], []
        seen = set(delivered)  # this notifier holds the claim: no one else adds to it meanwhile
        for recipient in recipients:
            key = recipient_key(message.message_id, recipient)
            if key in seen:
                continue
            seen.add(key)
            try:
                if not valid_address(recipient):
                    raise ValueError(recipient)
                mails.append(composed.to(
                    recipient.strip(),
                    key=key,
                    request=message.message_id,
                    return_path=return_path(self.settings.bounce_address, message.letter_id, key),
                ))  # fmt: skip
            except ValueError:
                failed += 1
                reasons.append("ongeldig adres")
        refused = self._send_each(message.message_id, mails)
        failed += len(refused)
        reasons += refused.values()
        note = ""
        if failed:
            note = f"{failed} van de {len(recipients)} ontvangers niet bereikt: " + ", ".join(
                sorted(set(reasons))
            )
        return self.ledger.finish(message.message_id, failed=failed, note=note)

    def _send_each(self, message_id: str, mails: list[Outgoing]) -> dict[str, str]:
        """Sends the mails (over the pool when the sender has one); each mail is started in
        the ledger before it goes out, and each acceptance is in the ledger before its
        connection sends again. Returns the refused keys with why."""

        def note(notes: Notes) -> None:
            self.ledger.record_deliveries(
                message_id, notes.accepted, started=notes.started, withdrawn=notes.withdrawn
            )
            self._renew(message_id)

        send_each = getattr(self.sender, "send_each", None)
        if send_each is not None:
            refused: dict[str, str] = send_each(
                mails, note, lambda key: self.ledger.accepted_now(message_id, key)
            )
            return refused
        refused = {}
        for mail in mails:  # a sender that takes one message at a time (the tests' fakes)
            note(Notes(started=[mail.key]))
            try:
                self.sender.send(mail.message())
            except AnsweredLater:
                note(Notes(withdrawn=[mail.key]))
                raise
            except PermanentFailure as error:
                refused[mail.key] = str(error)
                note(Notes(withdrawn=[mail.key]))
                continue
            note(Notes(accepted=[mail.key]))
        return refused

    def report(self, message: LetterRequest, outcome: Outcome) -> None:
        """Sends the outcome back to the case service (no addresses: counts, among them those
        who may have got the mail twice, and the reason sealed), waiting for the broker's confirm."""
        self.outcomes.publish(
            LetterOutcome.of(
                message.message_id,
                letter_id=message.letter_id,
                incident_id=message.incident_id,
                sent=outcome.sent,
                failed=outcome.failed,
                maybe_twice=outcome.maybe_twice,
                sealed=seal(self.settings.letters_key, {"reason": outcome.reason}),
            )
        )

    def _board_of(self, message: Reminder) -> str:
        account = self.accounts.get(message.handler_id)
        return account.board_id if account else ""

    def give_up(self, message: Message, reason: str) -> None:
        """After a permanent failure or too many attempts: the trail says so."""
        if self.ledger.state(message.message_id) == REPORTED or not isinstance(message, LetterRequest):
            return
        self.report(message, Outcome(0, 0, reason))
        self.ledger.mark(message.message_id, REPORTED, note=reason)
