"""The LetterRequest aggregate: one standard letter of an incident, from request to delivery.

A letter has a life of its own: it is requested (the proposal is its state), waits for a second
person's review or needs none, is approved or rejected, and is then sent; the notifier reports
per outcome what the mail server accepted, what failed, and later what bounced. That life has
its own stream, so that a review or a background outcome never touches the incident's version:
no person's action on the incident conflicts with it. The incident records only that a letter
was composed (which one) and the protocol step the letter carries out.

Every event names its incident: the letter's personal fields are sealed with the incident's
key, so erasing the incident erases its letters' recipients and reasons too.
"""

from __future__ import annotations

from enum import Enum
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from services.case.domain.errors import CaseError, NoLetterToDecide, SecondPersonRequired
from services.case.domain.guards import refuse_material


class LetterNotReady(CaseError):
    """Raised when an outcome is reported for a letter that was never cleared for sending."""

    message = "Deze brief is (nog) niet goedgekeurd voor verzending."


class Review(Enum):
    """Where a letter stands with its review (four eyes)."""

    AWAITING = "wacht_op_goedkeuring"
    NOT_NEEDED = "niet_nodig"
    APPROVED = "goedgekeurd"
    REJECTED = "afgekeurd"


class LetterRequest(Aggregate):
    """A standard letter to one group of recipients, and what became of it."""

    class Event(Aggregate.Event):
        """Een gebeurtenis van een brief."""

        incident_id: str
        actor: str

        personal: ClassVar[tuple[str, ...]] = ()
        trail_name: ClassVar[str] = ""  # the name the incident's audit trail shows it under

        def trail_event_type(self) -> str:
            return self.trail_name

    class Requested(Aggregate.Created):
        """Een standaardbrief is klaargezet voor verzending."""

        incident_id: str
        actor: str
        school_id: str
        board_id: str
        letter: str
        group: str
        recipients: list[str]
        statement: dict[str, str]
        language: str
        awaiting_review: bool
        revises: str  # the letter this one replaces after a rejection, or ""

        personal: ClassVar[tuple[str, ...]] = ("recipients",)

        def trail_event_type(self) -> str:
            # The names the incident's own letter events had: a trail reads the same before and after.
            return "LetterProposed" if self.awaiting_review else "LetterRequested"

    def __init__(
        self,
        incident_id: str,
        actor: str,
        school_id: str,
        board_id: str,
        letter: str,
        group: str,
        recipients: list[str],
        statement: dict[str, str],
        language: str,
        awaiting_review: bool,
        revises: str,
    ) -> None:
        self.incident_id = incident_id
        self.composed_by = actor
        self.school_id = school_id
        self.board_id = board_id
        self.letter = letter
        self.group = group
        self.recipients = list(recipients)
        self.statement = dict(statement)
        self.language = language
        self.revises = revises
        self.review = Review.AWAITING if awaiting_review else Review.NOT_NEEDED
        self.reviewed_by = ""
        self.rejection_reason = ""
        self.rejected_field = ""
        self.outcomes: set[str] = set()
        self.sent_count = 0
        self.maybe_twice = 0  # recipients who may have got the letter twice (see Sent)
        self.failures: list[str] = []
        self.bounces = 0
        self.bounced: list[tuple[str, str]] = []  # (recipient, why), "" when it cannot be told

    @classmethod
    def request(
        cls,
        *,
        letter_id: UUID,
        incident_id: UUID,
        actor: str,
        school_id: str,
        board_id: str,
        letter: str,
        group: str,
        recipients: list[str],
        statement: dict[str, str],
        language: str = "nl",
        awaiting_review: bool = False,
        revises: str = "",
    ) -> LetterRequest:
        """Requests a letter: cleared for sending at once, or first awaiting a second person's
        review. The incident's checks (safeguards, agreements, deletion after reporting) run
        on the incident before this is called."""
        refuse_material({"group": group, "statement": statement})
        return cls._create(
            cls.Requested,
            id=letter_id,
            incident_id=str(incident_id),
            actor=actor,
            school_id=school_id,
            board_id=board_id,
            letter=letter,
            group=group,
            recipients=list(recipients),
            statement=dict(statement),
            language=language,
            awaiting_review=awaiting_review,
            revises=revises,
        )

    # ------------------------------------------------------------------- review

    class Approved(Event):
        """Een tweede persoon heeft de brief goedgekeurd; hij wordt verzonden."""

        trail_name: ClassVar[str] = "LetterApproved"

        def apply(self, letter: LetterRequest) -> None:
            letter.review = Review.APPROVED
            letter.reviewed_by = self.actor

    class Rejected(Event):
        """Een tweede persoon heeft de brief afgekeurd; hij wordt niet verzonden."""

        reason: str
        field: str = ""  # the letter field the reason is about; "" for the letter as a whole
        personal: ClassVar[tuple[str, ...]] = ("reason",)  # typed by a person: may name a pupil
        trail_name: ClassVar[str] = "LetterRefused"

        def apply(self, letter: LetterRequest) -> None:
            letter.review = Review.REJECTED
            letter.reviewed_by = self.actor
            letter.rejection_reason = self.reason
            letter.rejected_field = self.field

    def approve(self, *, actor: str) -> None:
        """A second person clears the letter for sending.

        Raises NoLetterToDecide when it awaits no review, SecondPersonRequired for its author."""
        self._require_reviewer(actor)
        self.trigger_event(self.Approved, incident_id=self.incident_id, actor=actor)

    def reject(self, *, actor: str, reason: str, field: str = "") -> None:
        """A second person stops the letter, with the reason its author reads beside `field`.

        Raises NoLetterToDecide, SecondPersonRequired or MaterialRefused."""
        self._require_reviewer(actor)
        refuse_material({"reason": reason})
        self.trigger_event(
            self.Rejected, incident_id=self.incident_id, actor=actor, reason=reason, field=field
        )

    def _require_reviewer(self, actor: str) -> None:
        if self.review is not Review.AWAITING:
            raise NoLetterToDecide()
        if actor == self.composed_by:
            raise SecondPersonRequired()

    @property
    def awaiting_review(self) -> bool:
        return self.review is Review.AWAITING

    @property
    def cleared_for_sending(self) -> bool:
        """True when the letter may go out: it needed no review, or a second person approved it."""
        return self.review in (Review.NOT_NEEDED, Review.APPROVED)

    # ----------------------------------------------------------------- delivery

    class Sent(Event):
        """Een standaardbrief is afgeleverd bij de mailserver."""

        outcome_id: str
        recipient_count: int
        # Of those, sent again after the sending was interrupted: they may have it twice.
        maybe_twice: int
        trail_name: ClassVar[str] = "LetterSent"
        class_version: ClassVar[int] = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["maybe_twice"] = 0  # outcomes recorded before the notifier counted them

        def apply(self, letter: LetterRequest) -> None:
            letter.outcomes.add(self.outcome_id)
            letter.sent_count += self.recipient_count
            letter.maybe_twice += self.maybe_twice

    class Failed(Event):
        """Een standaardbrief kon niet worden verzonden."""

        outcome_id: str
        reason: str
        # The guard's reason can quote the part of a recorded name it found: sealed.
        personal: ClassVar[tuple[str, ...]] = ("reason",)
        trail_name: ClassVar[str] = "LetterFailed"

        def apply(self, letter: LetterRequest) -> None:
            letter.outcomes.add(self.outcome_id)
            letter.failures.append(self.reason)

    class Bounced(Event):
        """Een verzonden brief kwam terug: de mailserver van de ontvanger wees hem later af."""

        outcome_id: str
        recipient_count: int
        reason: str
        recipient: str  # the address it came back from ("" when the bounce did not say)
        personal: ClassVar[tuple[str, ...]] = ("reason", "recipient")
        trail_name: ClassVar[str] = "LetterBounced"
        class_version: ClassVar[int] = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["recipient"] = ""  # bounces recorded before they named their recipient

        def apply(self, letter: LetterRequest) -> None:
            letter.outcomes.add(self.outcome_id)
            letter.bounces += self.recipient_count
            letter.bounced.append((self.recipient, self.reason))

    def record_outcome(
        self, *, outcome_id: str, actor: str, sent: int, failed: int, reason: str, maybe_twice: int = 0
    ) -> bool:
        """Records what the notifier reports of one sending: the recipients the mail server
        accepted, of those how many may have got it twice (sent again after an interruption),
        and (when some or all were not reached) why. An outcome already recorded is not
        recorded again; returns whether anything was recorded.

        Raises LetterNotReady for a letter that was never cleared for sending."""
        if outcome_id in self.outcomes:
            return False
        if not self.cleared_for_sending:
            raise LetterNotReady()
        if sent:
            self.trigger_event(
                self.Sent,
                incident_id=self.incident_id,
                actor=actor,
                outcome_id=outcome_id,
                recipient_count=sent,
                maybe_twice=max(0, min(maybe_twice, sent)),  # a count, never below 0 or above the sent
            )
        if failed or not sent:
            self.trigger_event(
                self.Failed,
                incident_id=self.incident_id,
                actor=actor,
                outcome_id=outcome_id,
                reason=reason or "Niet verzonden.",
            )
        return True

    def record_bounce(
        self, *, outcome_id: str, actor: str, reason: str, recipient: str = "", recipient_count: int = 1
    ) -> bool:
        """Records that mail the server had accepted came back, from which recipient and why
        ("onbekend" when the bounce did not say); once per outcome."""
        if outcome_id in self.outcomes:
            return False
        self.trigger_event(
            self.Bounced,
            incident_id=self.incident_id,
            actor=actor,
            outcome_id=outcome_id,
            recipient_count=recipient_count,
            reason=reason or "onbekend",
            recipient=recipient,
        )
        return True


LETTER_EVENTS: tuple[type[Any], ...] = (
    LetterRequest.Requested,
    LetterRequest.Approved,
    LetterRequest.Rejected,
    LetterRequest.Sent,
    LetterRequest.Failed,
    LetterRequest.Bounced,
)

# The incident's audit trail shows a letter's events under these names (those of the incident's
# own letter events before letters had a stream): the class that says which fields are sealed.
TRAIL_CLASSES: dict[str, type[Any]] = {
    "LetterRequested": LetterRequest.Requested,
    "LetterProposed": LetterRequest.Requested,
    "LetterApproved": LetterRequest.Approved,
    "LetterRefused": LetterRequest.Rejected,
    "LetterSent": LetterRequest.Sent,
    "LetterFailed": LetterRequest.Failed,
    "LetterBounced": LetterRequest.Bounced,
}
