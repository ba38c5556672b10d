"""Improvements for the protocol, learned from one incident and shared with the board: proposed
by one person, shared or refused (with a reason) by a second."""

from __future__ import annotations

from typing import ClassVar

from services.case.domain.actions import ActionRecorded, IncidentPart, RecordedAction
from services.case.domain.errors import NothingToDecide, ReasonRequired, SecondReviewerRequired
from services.case.domain.guards import refuse_material


class ImprovementProposed(ActionRecorded):
    """Een verbetering voor het protocol is voorgesteld om met het bestuur te delen."""

    step: str
    text: str
    # Sealed until a second person shares it: a refused text stays erasable with the incident.
    personal: ClassVar[tuple[str, ...]] = ("text",)
    allowed_when_closed: ClassVar[bool] = True


class ImprovementShared(ActionRecorded):
    """Een tweede persoon heeft de verbetering beoordeeld en met het bestuur gedeeld."""

    proposal_version: int
    step: str
    text: str  # unsealed on purpose: the board reads it; it passed the letters' guard twice
    allowed_when_closed: ClassVar[bool] = True


class ImprovementRefused(ActionRecorded):
    """Een tweede persoon heeft de verbetering niet gedeeld, met de reden."""

    proposal_version: int
    reason: str
    personal: ClassVar[tuple[str, ...]] = ("reason",)
    allowed_when_closed: ClassVar[bool] = True


class Improvements(IncidentPart):
    """Commands and queries of improvements, mixed into `Incident`."""

    def propose_improvement(self, *, actor: str, step: str, text: str) -> None:
        """Proposes an improvement for the board; the text was checked by the letters' guard.
        Raises ReasonRequired for an empty text."""
        if not text.strip():
            raise ReasonRequired("Schrijf de verbetering voor het protocol op.")
        refuse_material({"step": step, "text": text})
        self.trigger_event(self.registered(ImprovementProposed), actor=actor, step=step, text=text.strip())

    def improvements_awaiting_review(self) -> list[RecordedAction]:
        """Proposed improvements that no second person shared or refused yet."""
        decided = {
            a.data["proposal_version"] for a in self.actions if a.is_a(ImprovementShared, ImprovementRefused)
        }
        return [
            a for a in self.effective_actions() if a.is_a(ImprovementProposed) and a.version not in decided
        ]

    def decide_improvement(self, *, actor: str, proposal_version: int, share: bool, reason: str = "") -> None:
        """Shares a proposed improvement with the board, or refuses it with a reason; the one who
        proposed it cannot. Raises NothingToDecide, SecondReviewerRequired or ReasonRequired."""
        proposal = next(
            (a for a in self.improvements_awaiting_review() if a.version == proposal_version), None
        )
        if proposal is None:
            raise NothingToDecide()
        if proposal.actor == actor:
            raise SecondReviewerRequired()
        if share:
            self.trigger_event(
                self.registered(ImprovementShared),
                actor=actor,
                proposal_version=proposal_version,
                step=proposal.data["step"],
                text=proposal.data["text"],
            )
            return
        if not reason.strip():
            raise ReasonRequired("Geef de reden waarom de verbetering niet wordt gedeeld.")
        refuse_material({"reason": reason})
        self.trigger_event(
            self.registered(ImprovementRefused),
            actor=actor,
            proposal_version=proposal_version,
            reason=reason.strip(),
        )
