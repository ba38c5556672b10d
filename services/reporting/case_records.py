"""What the report pages ask of the case service, which keeps the access rules, the access
log, the audit trail and the personal data. The pages are handed an implementation by the web
process's composition root (services/web.py, with the case's services/case/web/for_reports.py);
reporting imports nothing of the case."""

from __future__ import annotations

from typing import Any, Protocol
from uuid import UUID

from shared.identity import Actor
from shared.protocol.model import Protocol as StepsProtocol
from shared.protocol.model import StepStatus


class CaseRecords(Protocol):
    def last_position(self) -> int:
        """The position of the newest stored event, to wait until the reports caught up."""
        ...

    def record_view(self, actor: Actor, incident_id: UUID, *, what: str, reason: str) -> None:
        """Logs the look at an incident; raises the case's error when the actor may not see it."""
        ...

    def not_found(self) -> Exception:
        """The case's error for an incident it does not show (a 404 in Dutch)."""
        ...

    def latest_evaluation(self, actor: Actor, incident_id: UUID) -> dict[str, Any]:
        """The latest evaluation's moment and texts as the actor may read them; {} when none."""
        ...

    def trail_rows(self, actor: Actor, incident_id: UUID, protocol: StepsProtocol) -> list[dict[str, Any]]:
        """The audit trail as rows for the page, the CSV and the PDF, in Dutch."""
        ...

    def checklist_at(self, incident_id: UUID, version: int) -> list[StepStatus]:
        """The checklist as the incident page showed it at a version of the incident (with the
        state the case keeps beside the actions, such as its other schools)."""
        ...

    def sentence(self, action: str) -> str:
        """The audit trail's sentence for an event class name; '' for a name it does not know."""
        ...
