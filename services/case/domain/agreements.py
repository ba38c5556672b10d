"""The agreements with the pupil and the risk of honour-related or domestic violence at home, as
the incident records them, and what they hold back: the rules themselves are in safeguards.py."""

from __future__ import annotations

from typing import Any, ClassVar

from services.case.domain.actions import ActionRecorded, IncidentPart, RecordedAction
from services.case.domain.errors import AgreementConflict, HeldBackForSafety
from services.case.domain.safeguards import (
    AUDIENCES,
    SAFETY_EXPLANATION,
    audiences_of,
    conflicting_audiences,
    current_agreements,
    held_back_for_safety,
    safety_risk,
)


class AgreementsRecorded(ActionRecorded):
    """De afspraken met het slachtoffer zijn vastgelegd (wie het weet, wat nog niet, tempo, buddy's)."""

    not_yet_told: list[str]
    who_may_know: str
    pace: str
    buddies: str
    other: str
    personal: ClassVar[tuple[str, ...]] = ("who_may_know", "pace", "buddies", "other")


class AgreementSetAside(ActionRecorded):
    """Afgeweken van een afspraak met het slachtoffer; de behandelaar gaf de reden."""

    agreement_version: int
    for_action: str
    audiences: list[str]
    reason: str
    personal: ClassVar[tuple[str, ...]] = ("reason",)
    allowed_when_closed: ClassVar[bool] = True


class SafetyRiskFlagged(ActionRecorded):
    """Een risico op eerwraak of huiselijk geweld is vastgelegd, met de bron."""

    source: str
    explanation: str
    personal: ClassVar[tuple[str, ...]] = ("explanation",)


class NoRiskAtHomeFound(ActionRecorded):
    """Na een zorg over thuis: geen aanwijzing voor eerwraak of huiselijk geweld, met de reden."""

    reason: str
    personal: ClassVar[tuple[str, ...]] = ("reason",)
    needs_reason: ClassVar[tuple[str, ...]] = ("reason",)
    without_reason: ClassVar[str] = (
        "Een zorg over thuis wordt niet zonder reden terzijde gelegd: schrijf op waarom er geen "
        "aanwijzing is voor eerwraak of huiselijk geweld, of leg het risico vast."
    )


class SafetyRiskLifted(ActionRecorded):
    """Het risico op eerwraak of huiselijk geweld is opgeheven."""

    reason: str
    personal: ClassVar[tuple[str, ...]] = ("reason",)
    allowed_when_closed: ClassVar[bool] = True


class Safeguards(IncidentPart):
    """What the agreements and the risk at home hold back, mixed into `Incident`: applied
    before an action informs anyone, and before a letter is composed or approved."""

    def _set_aside_agreements(self, action: str, data: dict[str, Any], *, actor: str, reason: str) -> None:
        """Records the reason to go against the agreements, or raises AgreementConflict."""
        conflicts = self.agreement_conflicts(action, data)
        if not conflicts:
            return
        if not reason.strip():
            raise AgreementConflict([AUDIENCES.get(a, a) for a in conflicts])
        agreements = current_agreements(self.effective_actions())
        assert agreements is not None
        self.trigger_event(
            self.registered(AgreementSetAside),
            actor=actor,
            agreement_version=agreements.version,
            for_action=action,
            audiences=conflicts,
            reason=reason.strip(),
        )

    def agreement_conflicts(self, action: str, data: dict[str, Any]) -> list[str]:
        """The audiences this action informs that the agreements with the pupil hold back."""
        return conflicting_audiences(self.effective_actions(), audiences_of(action, data))

    def held_back(self, action: str, data: dict[str, Any]) -> bool:
        """True when this action may not happen while the risk at home is set."""
        return held_back_for_safety(self.effective_actions(), audiences_of(action, data))

    def _check_safeguards(self, action: str, data: dict[str, Any]) -> None:
        if self.held_back(action, data):
            raise HeldBackForSafety(SAFETY_EXPLANATION)

    def agreements(self) -> RecordedAction | None:
        """The agreements with the pupil as they stand now, if any were recorded."""
        return current_agreements(self.effective_actions())

    def safety_risk(self) -> RecordedAction | None:
        """The recorded risk of honour-related or domestic violence, while it is set."""
        return safety_risk(self.effective_actions())
