"""The protocol as data: which actions complete which step, when a step applies, and
which order the protocol demands. A board loads its own file; Kindante's is the default.

`checklist()` is a pure function of a protocol and an incident's actions.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from functools import cache
from pathlib import Path
from typing import Any

from services.case.domain.incident import Incident, RecordedAction

PROTOCOL_FOLDER = Path(__file__).resolve().parent.parent / "protocols"
DEFAULT_PROTOCOL_ID = "kindante-2024-05-29"


class InvalidProtocol(ValueError):
    """Raised when a protocol file names an unknown action, condition or check."""


class StepState(Enum):
    DONE = "gedaan"
    OPEN = "open"
    NOT_APPLICABLE = "niet van toepassing"


@dataclass(frozen=True)
class Step:
    number: int
    key: str
    title: str
    guidance: str
    requires: tuple[tuple[str, ...], ...]
    actions: tuple[str, ...]
    applies_when: str = "altijd"
    reminder: str = ""
    remind_after_days: int = 0  # 0: no reminder when the step stays open


@dataclass(frozen=True)
class Phase:
    number: int
    key: str
    title: str
    actions: tuple[str, ...]


@dataclass(frozen=True)
class OrderRule:
    """Warns when `action` is recorded while none of `after` was recorded before it."""

    action: str
    after: tuple[str, ...]
    message: str


@dataclass(frozen=True)
class Protocol:
    id: str
    name: str
    version: str
    steps: tuple[Step, ...]
    phases: tuple[Phase, ...]
    order_rules: tuple[OrderRule, ...]
    checks: tuple[str, ...] = ()

    def step_of(self, action: str) -> Step | None:
        for step in self.steps:
            if action in step.actions:
                return step
        return None


@dataclass(frozen=True)
class StepStatus:
    step: Step
    state: StepState
    done_at: datetime | None
    done_by: str | None
    recorded: tuple[RecordedAction, ...]


@dataclass(frozen=True)
class ProtocolWarning:
    key: str
    message: str
    version: int | None = None


# Conditions a step can apply under. Unknown facts count as "applies": when in doubt the
# victim has priority (step 2 starts while step 1 continues).
def _pupil_visible(actions: list[RecordedAction]) -> bool:
    scopes = [a for a in actions if a.action == "ScopeAssessed"]
    return not scopes or scopes[-1].data.get("pupil_visible") != "nee"


def _public_url(actions: list[RecordedAction]) -> bool:
    return any(
        a.data.get("public") or a.data.get("public_url")
        for a in actions
        if a.action in ("SourceUrlRecorded", "MaterialReported")
    )


CONDITIONS = {
    "altijd": lambda actions: True,
    "leerling_zichtbaar": _pupil_visible,
    "openbare_url": _public_url,
}


def _meldpunt_needs_public_url(actions: list[RecordedAction]) -> list[ProtocolWarning]:
    return [
        ProtocolWarning(
            "meldpunt_zonder_url",
            "Het Meldpunt Kinderporno behandelt alleen materiaal op een openbare URL. "
            "Materiaal in chatgroepen of op telefoons meldt u bij de politie.",
            a.version,
        )
        for a in actions
        if a.action == "MaterialReported"
        and a.data.get("reported_to") == "meldpunt"
        and not a.data.get("public_url")
    ]


def _url_without_filter_request(actions: list[RecordedAction]) -> list[ProtocolWarning]:
    urls = [a for a in actions if a.action == "SourceUrlRecorded"]
    filtered = any(a.action == "InternetFilterRequested" for a in actions)
    if urls and not filtered:
        return [
            ProtocolWarning(
                "url_niet_geblokkeerd",
                "Er is een URL bekend, maar de IT-servicedesk is nog niet gevraagd "
                "deze in het internetfilter te blokkeren.",
                urls[0].version,
            )
        ]
    return []


CHECKS = {
    "meldpunt_alleen_openbare_url": _meldpunt_needs_public_url,
    "url_naar_internetfilter": _url_without_filter_request,
}


def load_protocol(protocol_id: str = DEFAULT_PROTOCOL_ID, folder: Path | None = None) -> Protocol:
    """Loads `<protocol_id>.toml` from the protocol folder."""
    path = (folder or PROTOCOL_FOLDER) / f"{protocol_id}.toml"
    return parse_protocol(tomllib.loads(path.read_text(encoding="utf-8")))


@cache
def protocol_for_board(board_id: str, default: str = DEFAULT_PROTOCOL_ID, folder: Path | None = None) -> str:
    """The protocol a board's new incidents follow: the file that names the board under
    `besturen`, else the installation's default."""
    for path in sorted((folder or PROTOCOL_FOLDER).glob("*.toml")):
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        if board_id in raw.get("besturen", []):
            return str(raw["id"])
    return default


def parse_protocol(raw: dict[str, Any]) -> Protocol:
    """Builds a Protocol from parsed TOML; raises InvalidProtocol on unknown names."""
    known = set(Incident.action_classes())
    steps = tuple(
        Step(
            number=s["number"],
            key=s["key"],
            title=s["title"],
            guidance=s.get("guidance", ""),
            requires=tuple(tuple(group) for group in s.get("requires", [])),
            actions=tuple(s.get("actions", [])),
            applies_when=s.get("applies_when", "altijd"),
            reminder=s.get("reminder", ""),
            remind_after_days=int(s.get("herinner_na_dagen", 0)),
        )
        for s in raw["steps"]
    )
    phases = tuple(
        Phase(number=p["number"], key=p["key"], title=p["title"], actions=tuple(p["actions"]))
        for p in raw.get("phases", [])
    )
    rules = tuple(
        OrderRule(action=r["action"], after=tuple(r["after"]), message=r["message"])
        for r in raw.get("order_rules", [])
    )
    named = [a for s in steps for group in s.requires for a in group]
    named += [a for s in steps for a in s.actions] + [a for p in phases for a in p.actions]
    named += [a for r in rules for a in (r.action, *r.after)]
    unknown = sorted(set(named) - known)
    if unknown:
        raise InvalidProtocol(f"Onbekende acties in protocol: {', '.join(unknown)}")
    bad_conditions = sorted({s.applies_when for s in steps} - set(CONDITIONS))
    if bad_conditions:
        raise InvalidProtocol(f"Onbekende voorwaarden: {', '.join(bad_conditions)}")
    unknown_checks = sorted(set(raw.get("checks", [])) - set(CHECKS))
    if unknown_checks:
        raise InvalidProtocol(f"Onbekende controles: {', '.join(unknown_checks)}")
    return Protocol(
        id=raw["id"],
        name=raw["name"],
        version=raw["version"],
        steps=steps,
        phases=phases,
        order_rules=rules,
        checks=tuple(raw.get("checks", [])),
    )


def checklist(protocol: Protocol, actions: list[RecordedAction]) -> list[StepStatus]:
    """The state of every step, given the effective actions of an incident."""
    statuses = []
    for step in protocol.steps:
        recorded = tuple(a for a in actions if a.action in step.actions)
        if not CONDITIONS[step.applies_when](actions):
            statuses.append(StepStatus(step, StepState.NOT_APPLICABLE, None, None, recorded))
            continue
        completing: list[RecordedAction] = []
        for group in step.requires:
            first = next((a for a in actions if a.action in group), None)
            if first is None:
                completing = []
                break
            completing.append(first)
        if completing:
            last = max(completing, key=lambda a: a.version)
            statuses.append(StepStatus(step, StepState.DONE, last.at, last.actor, recorded))
        else:
            statuses.append(StepStatus(step, StepState.OPEN, None, None, recorded))
    return statuses


def warnings(protocol: Protocol, actions: list[RecordedAction]) -> list[ProtocolWarning]:
    """Order warnings and named checks for an incident's effective actions."""
    found: list[ProtocolWarning] = []
    for rule in protocol.order_rules:
        first = next((a for a in actions if a.action == rule.action), None)
        if first is None:
            continue
        if not any(a.action in rule.after and a.version < first.version for a in actions):
            found.append(ProtocolWarning(f"volgorde_{rule.action}", rule.message, first.version))
    for check in protocol.checks:
        found.extend(CHECKS[check](actions))
    return found
