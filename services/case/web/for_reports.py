"""What the case offers the report pages (services/reporting/case_records.py describes it):
the access rules and the access log, the audit trail as rows in Dutch, the evaluation's texts
as the reader may see them, and the checklist at an earlier version. The web process's
composition root (services/web.py) hands it to the pages; the case imports nothing of them."""

from __future__ import annotations

import json
from datetime import UTC
from typing import Any
from uuid import UUID

from services.case.application import CaseManagement
from services.case.domain.incident import Incident, sentence
from services.case.domain.protocol import Protocol, StepStatus
from services.case.errors import IncidentNotFound
from services.case.web import labels
from services.case.web.views import person
from shared import formatting
from shared.identity import Actor

TRAIL_FIELDS_HIDDEN = ("statement",)


class RecordsForReports:
    """The case application as the report pages ask it (CaseRecords)."""

    def __init__(self, cases: CaseManagement) -> None:
        self.cases = cases

    def last_position(self) -> int:
        return int(self.cases.recorder.max_notification_id() or 0)

    def record_view(self, actor: Actor, incident_id: UUID, *, what: str, reason: str) -> None:
        self.cases.record_view(actor, incident_id, what=what, reason=reason)

    def not_found(self) -> Exception:
        return IncidentNotFound()

    def latest_evaluation(self, actor: Actor, incident_id: UUID) -> dict[str, Any]:
        """Sealed texts opened for the school, screened for the board and the OTV (they are
        personal data)."""
        incident = self.cases.incident(actor, incident_id)
        held = [a for a in incident.effective_actions() if a.is_a(Incident.EvaluationHeld)]
        return {"at": held[-1].at, **held[-1].data} if held else {}

    def checklist_at(self, incident_id: UUID, version: int) -> list[StepStatus]:
        earlier: Incident = self.cases.repository.get(incident_id, version=version)
        return self.cases.progress(earlier)[0]

    def sentence(self, action: str) -> str:
        event_class = getattr(Incident, action, None)
        return sentence(event_class) if isinstance(event_class, type) else ""

    def trail_rows(self, actor: Actor, incident_id: UUID, protocol: Protocol) -> list[dict[str, Any]]:
        """The trail as rows, from the incident's stream alone (the audit trail checks access)."""
        trail = self.cases.audit_trail(actor, incident_id)
        correction = Incident.Corrected.__name__
        corrected_by: dict[int, list[int]] = {}
        for entry in trail:
            if entry.event_type == correction:
                corrected_by.setdefault(int(entry.data["corrects"]), []).append(entry.version)
        types = {entry.version: entry.event_type for entry in trail}
        rows = []
        for entry in trail:
            step = protocol.step_of(entry.event_type)
            data = {k: v for k, v in entry.data.items() if k not in TRAIL_FIELDS_HIDDEN}
            corrected = types.get(int(data.get("corrects", 0)), "")
            shown = labels.details(entry.event_type, data, person, corrected)
            rows.append(
                {
                    "version": entry.version,
                    "at": formatting.moment(entry.at, seconds=True),
                    "at_utc": entry.at.astimezone(UTC).isoformat(timespec="seconds"),
                    "who": entry.actor,
                    "what": entry.sentence,
                    "type": entry.event_type,
                    "step": step.number if step else None,
                    "who_name": person(entry.actor),
                    "details": shown,
                    "data": "; ".join(f"{name}: {value.plain()}" for name, value in shown),
                    "data_machine": json.dumps(data, ensure_ascii=False, default=str),
                    "corrects": entry.data.get("corrects", "") if entry.event_type == correction else "",
                    "corrected_by": ", ".join(str(v) for v in corrected_by.get(entry.version, [])),
                }
            )
        return rows
