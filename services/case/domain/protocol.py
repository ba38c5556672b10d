"""The protocol as the case applies it: the published model (shared/protocol/), loaded with
the case's own check that every action a protocol file names is an event of the Incident."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from services.case.domain.errors import StepAlwaysNeeded
from services.case.domain.incident import Incident
from shared.protocol import model
from shared.protocol.conditions import CONDITIONS, OTHER_SCHOOLS_NOT_INFORMED, OTHER_SCHOOLS_UNSETTLED
from shared.protocol.model import (
    CHECKS,
    DEFAULT_PROTOCOL_ID,
    PROTOCOL_FOLDER,
    InvalidProtocol,
    OrderRule,
    Phase,
    PhaseAction,
    PhaseStatus,
    Protocol,
    ProtocolWarning,
    Step,
    StepState,
    StepStatus,
    applies,
    checklist,
    phases,
    protocol_for_board,
    warnings,
)

__all__ = [
    "CHECKS",
    "CONDITIONS",
    "DEFAULT_PROTOCOL_ID",
    "OTHER_SCHOOLS_NOT_INFORMED",
    "OTHER_SCHOOLS_UNSETTLED",
    "PROTOCOL_FOLDER",
    "InvalidProtocol",
    "OrderRule",
    "Phase",
    "PhaseAction",
    "PhaseStatus",
    "Protocol",
    "ProtocolWarning",
    "Step",
    "StepState",
    "StepStatus",
    "applies",
    "checklist",
    "load_protocol",
    "parse_protocol",
    "phases",
    "protocol_for_board",
    "require_may_be_not_needed",
    "warnings",
]


def load_protocol(protocol_id: str = DEFAULT_PROTOCOL_ID, folder: Path | None = None) -> Protocol:
    """Loads `<protocol_id>.toml`; raises InvalidProtocol when it names an unknown action."""
    return model.load_protocol(protocol_id, folder, known_actions=Incident.action_classes())


def parse_protocol(raw: dict[str, Any]) -> Protocol:
    """Builds a Protocol from parsed TOML; raises InvalidProtocol on unknown names."""
    return model.parse_protocol(raw, known_actions=Incident.action_classes())


def require_may_be_not_needed(protocol: Protocol, step_key: str) -> None:
    """Raises StepAlwaysNeeded unless the step is one that applies only when needed."""
    if not protocol.may_be_not_needed(step_key):
        raise StepAlwaysNeeded()
