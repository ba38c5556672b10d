"""The access log of one incident: who looked at it, when, at what, and why.

Reading a case about minors is accountable (issue: who may see what). Views are events of
their own aggregate, so the incident's trail stays about the incident and a view never
conflicts with an action.
"""

from __future__ import annotations

from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate

from services.case.domain.errors import CaseError
from services.case.domain.guards import refuse_material


class ReasonRequired(CaseError):
    """Raised when the OTV or the board opens a case without stating why."""

    message = "Geef een reden op waarom u deze melding inziet. Die reden wordt vastgelegd."


class AccessLog(Aggregate):
    """Every look at one incident, and every refused attempt."""

    @staticmethod
    def create_id(incident_id: UUID) -> UUID:
        return uuid5(incident_id, "toegangslog")

    class Started(Aggregate.Created):
        """Het toegangslog van de melding is begonnen."""

        incident_id: UUID

    def __init__(self, incident_id: UUID) -> None:
        self.incident_id = incident_id
        self.entries: list[dict[str, object]] = []

    class Viewed(Aggregate.Event):
        """Iemand heeft de melding ingezien."""

        actor: str
        role: str
        what: str
        reason: str
        allowed: bool

        def apply(self, log: AccessLog) -> None:
            log.entries.append(
                {
                    "actor": self.actor,
                    "role": self.role,
                    "what": self.what,
                    "reason": self.reason,
                    "allowed": self.allowed,
                    "at": self.timestamp,
                }
            )

    def viewed(
        self, *, actor: str, role: str, what: str, reason: str, allowed: bool, reason_required: bool
    ) -> None:
        """Logs a view; raises ReasonRequired when a reason is owed and missing."""
        if allowed and reason_required and not reason.strip():
            raise ReasonRequired()
        refuse_material({"reason": reason})
        self.trigger_event(self.Viewed, actor=actor, role=role, what=what, reason=reason, allowed=allowed)

    class HandoverSheetDownloaded(Aggregate.Event):
        """Een behandelaar heeft het overdrachtsblad voor de politie gedownload."""

        actor: str
        role: str
        form: str
        watermark: str

        def apply(self, log: AccessLog) -> None:
            log.entries.append(
                {
                    "actor": self.actor,
                    "role": self.role,
                    "what": f"overdrachtsblad politie ({self.form})",
                    "reason": self.watermark,
                    "allowed": True,
                    "at": self.timestamp,
                }
            )

    def handover_sheet_downloaded(self, *, actor: str, role: str, form: str, watermark: str) -> None:
        """Logs a download of the hand-over sheet, with the watermark printed on it."""
        refuse_material({"watermark": watermark})
        self.trigger_event(
            self.HandoverSheetDownloaded, actor=actor, role=role, form=form, watermark=watermark
        )
