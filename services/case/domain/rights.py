"""A request under the AVG by a parent or pupil: an access copy (inzage) or erasure.

A rights request spans incidents and runs on its own deadline, so it is an aggregate of its
own: the request as received (with the incidents the name was found in), the answer and who
gave it, and for erasure the board's decision and the erasure itself. The person's name is
sealed like every personal field, so the request itself can be erased too.
"""

from __future__ import annotations

import calendar
from datetime import date
from enum import Enum
from typing import ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from services.case.domain.errors import CaseError
from services.case.domain.guards import refuse_material

MIN_NAME_LETTERS = 3


class RequestKind(Enum):
    ACCESS = "inzage"
    ERASURE = "wissen"


class RequestState(Enum):
    OPEN = "open"
    AWAITING_BOARD = "wacht op het bestuur"
    ANSWERED = "beantwoord"


class NameTooShort(CaseError):
    """Raised when a name to search for has fewer than three letters."""

    message = (
        f"Vul minstens {MIN_NAME_LETTERS} letters van de naam in. Met minder letters zou de zoekopdracht "
        "ook meldingen over andere mensen vinden."
    )


class NotAnErasureRequest(CaseError):
    """Raised when the board decides on a request that asks no erasure, or decides twice."""

    message = "Over dit verzoek kan het bestuur geen besluit tot wissen (meer) nemen."


class AlreadyAnswered(CaseError):
    """Raised when a request that was answered is answered again."""

    message = "Dit verzoek is al beantwoord."


class AnswerBeforeDecision(CaseError):
    """Raised when an erasure request is answered before the board decided on it."""

    message = "Een verzoek tot wissen beantwoordt u pas nadat het bestuur erover heeft besloten."


def one_month_after(day: date) -> date:
    """The AVG's deadline: the same day one month later, or that month's last day."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def check_name(name: str) -> str:
    """The name stripped; raises NameTooShort below three letters (of any script)."""
    name = " ".join(name.split())
    if sum(character.isalpha() for character in name) < MIN_NAME_LETTERS:
        raise NameTooShort()
    return name


class RightsRequest(Aggregate):
    """One request of a parent or pupil about the data of one person at one school."""

    class Received(Aggregate.Created):
        """Een AVG-verzoek van een ouder of leerling is ontvangen."""

        school_id: str
        board_id: str
        actor: str
        kind: str  # a RequestKind's value: the store keeps plain JSON
        person: str
        requester: str
        received_on: str
        incidents: list[str]

        personal: ClassVar[tuple[str, ...]] = ("person",)

    def __init__(
        self,
        school_id: str,
        board_id: str,
        actor: str,
        kind: str,
        person: str,
        requester: str,
        received_on: str,
        incidents: list[str],
    ) -> None:
        self.school_id = school_id
        self.board_id = board_id
        self.received_by = actor
        self.kind = RequestKind(kind)
        self.person = person
        self.requester = requester
        self.received_on = date.fromisoformat(received_on)
        self.incidents = [UUID(i) for i in incidents]
        self.answered_on: date | None = None
        self.answered_by = ""
        self.answer_note = ""
        self.decision: bool | None = None
        self.decided_by = ""
        self.decision_reason = ""
        self.erased: list[UUID] = []

    @classmethod
    def receive(
        cls,
        *,
        school_id: str,
        board_id: str,
        actor: str,
        kind: RequestKind,
        person: str,
        requester: str,
        received_on: date,
        incidents: list[UUID],
    ) -> RightsRequest:
        """Records a request; raises NameTooShort for a name of fewer than three letters."""
        person = check_name(person)
        refuse_material({"person": person, "requester": requester})
        return cls._create(
            cls.Received,
            school_id=school_id,
            board_id=board_id,
            actor=actor,
            kind=kind.value,
            person=person,
            requester=requester,
            received_on=received_on.isoformat(),
            incidents=[str(i) for i in incidents],
        )

    class Answered(Aggregate.Event):
        """Het AVG-verzoek is beantwoord."""

        actor: str
        answered_on: str
        note: str

        personal: ClassVar[tuple[str, ...]] = ("note",)

        def apply(self, request: RightsRequest) -> None:
            request.answered_on = date.fromisoformat(self.answered_on)
            request.answered_by = self.actor
            request.answer_note = self.note

    def answer(self, *, actor: str, answered_on: date, note: str) -> None:
        """Records the answer; raises AlreadyAnswered, or AnswerBeforeDecision for an
        erasure the board has not decided on."""
        if self.answered_on is not None:
            raise AlreadyAnswered()
        if self.kind is RequestKind.ERASURE and self.decision is None and self.incidents:
            raise AnswerBeforeDecision()
        refuse_material({"note": note})
        self.trigger_event(self.Answered, actor=actor, answered_on=answered_on.isoformat(), note=note)

    class ErasureDecided(Aggregate.Event):
        """Het bestuur heeft besloten over het verzoek tot wissen."""

        actor: str
        approved: bool
        reason: str

        def apply(self, request: RightsRequest) -> None:
            request.decision = self.approved
            request.decided_by = self.actor
            request.decision_reason = self.reason

    def decide_erasure(self, *, actor: str, approved: bool, reason: str) -> None:
        """The board's decision; raises NotAnErasureRequest when there is nothing to decide."""
        if self.kind is not RequestKind.ERASURE or self.decision is not None or not self.incidents:
            raise NotAnErasureRequest()
        refuse_material({"reason": reason})
        self.trigger_event(self.ErasureDecided, actor=actor, approved=approved, reason=reason)

    class IncidentErased(Aggregate.Event):
        """De persoonsgegevens van een melding zijn op dit verzoek gewist."""

        actor: str
        incident_id: UUID

        def apply(self, request: RightsRequest) -> None:
            request.erased.append(self.incident_id)

    def incident_erased(self, *, actor: str, incident_id: UUID) -> None:
        """Records one incident erased after the board approved."""
        assert self.decision is True and incident_id in self.incidents
        self.trigger_event(self.IncidentErased, actor=actor, incident_id=incident_id)

    # ------------------------------------------------------------------- queries

    @property
    def deadline(self) -> date:
        return one_month_after(self.received_on)

    @property
    def state(self) -> RequestState:
        if self.answered_on is not None:
            return RequestState.ANSWERED
        if self.kind is RequestKind.ERASURE and self.incidents and self.decision is None:
            return RequestState.AWAITING_BOARD
        return RequestState.OPEN

    def overdue(self, today: date) -> bool:
        """True when the request is unanswered after its one-month deadline."""
        return self.answered_on is None and today > self.deadline
