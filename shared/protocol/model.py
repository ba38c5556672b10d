"""The protocol as data: which actions complete which step, when a step applies, and
which order the protocol demands. A board loads its own file; Kindante's is the default.

`checklist()` is a pure function of a protocol and an incident's actions. Published for every
service: the case applies it to an incident, the reports to the facts they keep. It names
actions by their event class names and imports no service; the case checks a protocol's
names against its events when it loads one (`known_actions`).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from functools import cache
from pathlib import Path
from typing import Any

from shared.protocol.actions import RecordedAction
from shared.protocol.aftercare import role_label, roles_without_aftercare
from shared.protocol.conditions import (
    CONDITIONS,
    OTHER_SCHOOLS_NOT_INFORMED,
    all_told_in,
    pupil_visible,
)
from shared.protocol.safeguards import WORRY_UNDECIDED, safety_risk, undecided_worry

PROTOCOL_FOLDER = Path(__file__).resolve().parent / "protocols"
DEFAULT_PROTOCOL_ID = "kindante-2024-05-29"


class InvalidProtocol(ValueError):
    """Raised when a protocol file names an unknown action, condition or check."""


class StepState(Enum):
    DONE = "gedaan"
    OPEN = "open"
    NOT_APPLICABLE = "niet van toepassing"
    NOT_NEEDED = "niet nodig"


@dataclass(frozen=True)
class Step:
    number: int
    key: str
    title: str
    guidance: str
    requires: tuple[tuple[str, ...], ...]
    actions: tuple[str, ...]
    applies_when: tuple[str, ...] = ("altijd",)  # the step applies when any of these holds
    reminder: str = ""
    remind_after_days: int = 0  # 0: no reminder when the step stays open
    may_be_not_needed: bool = False  # "indien nodig": may be closed as not needed, with a reason
    open_while: tuple[str, ...] = ()  # the step is not done while any of these conditions holds


@dataclass(frozen=True)
class Phase:
    number: int
    key: str
    title: str
    actions: tuple[str, ...]
    guidance: tuple[tuple[str, str], ...] = ()  # (action, the Stappenplan's words for it)

    def guidance_for(self, action: str) -> str:
        return dict(self.guidance).get(action, "")


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

    def may_be_not_needed(self, step_key: str) -> bool:
        """True for a step that applies only when needed ("indien nodig")."""
        return any(step.key == step_key and step.may_be_not_needed for step in self.steps)

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
    not_needed_because: str = ""


@dataclass(frozen=True)
class ProtocolWarning:
    key: str
    message: str
    version: int | None = None
    step: str = ""  # the key of the step the warning belongs on, if any


def _meldpunt_needs_public_url(actions: Sequence[RecordedAction]) -> list[ProtocolWarning]:
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


def _url_without_filter_request(actions: Sequence[RecordedAction]) -> list[ProtocolWarning]:
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


def _public_url_not_reported(actions: Sequence[RecordedAction]) -> list[ProtocolWarning]:
    public = [a for a in actions if a.action == "SourceUrlRecorded" and a.data.get("public")]
    if public and not any(a.action == "MaterialReported" for a in actions):
        return [
            ProtocolWarning(
                "openbare_url_niet_gemeld",
                "Er is een openbare URL vastgelegd, maar die is nog niet gemeld bij de politie of het "
                "Meldpunt Kinderporno.",
                public[0].version,
                step="melden",
            )
        ]
    return []


def _signs_of_coercion(actions: Sequence[RecordedAction]) -> list[RecordedAction]:
    """Facts the seed ties to criminal steps: abuse material shared, or not made by the pupil."""
    conversations = [a for a in actions if a.action == "VictimConversationHeld"]
    if conversations and conversations[-1].data.get("made_self") == "nee":
        return [conversations[-1]]
    return []


def _criminal_steps_discussed(actions: Sequence[RecordedAction]) -> bool:
    return any(
        (
            a.action == "PoliceContacted"
            and ("strafrechtelijk" in a.data.get("outcomes", []) or a.data.get("contact") == "zeden")
        )
        or a.action == "ReportDecided"
        for a in actions
    )


def _coercion_to_vice_squad(actions: Sequence[RecordedAction], situation: str) -> list[ProtocolWarning]:
    signs = _signs_of_coercion(actions)
    if (situation == "kinderporno_gedeeld" or signs) and not _criminal_steps_discussed(actions):
        reason = (
            "de leerling heeft de foto niet zelf gemaakt (vraag 11)"
            if signs
            else "het gaat om kinderporno die wordt gedeeld"
        )
        return [
            ProtocolWarning(
                "strafrechtelijke_stappen_bespreken",
                f"Mogelijk is er sprake van dwang, dreiging of machtsmisbruik: {reason}. Bespreek met "
                "de wijkagent strafrechtelijke stappen en het inschakelen van Zeden.",
                signs[0].version if signs else None,
                step="politie",
            )
        ]
    return []


def _other_schools_not_informed(actions: Sequence[RecordedAction]) -> list[ProtocolWarning]:
    scopes = [a for a in actions if a.action == "ScopeAssessed"]
    if (
        scopes
        and scopes[-1].data.get("other_schools_involved")
        and not any(a.action == "OtherSchoolsInformed" for a in actions)
        and not all_told_in(actions)  # every recorded school confirmed or was called
    ):
        return [
            ProtocolWarning(
                OTHER_SCHOOLS_NOT_INFORMED,
                "Leerlingen van een andere school zijn erbij betrokken, maar die school of scholen zijn "
                "nog niet geïnformeerd.",
                scopes[-1].version,
                step="politie",
            )
        ]
    return []


def _aftercare_for_everyone(actions: Sequence[RecordedAction]) -> list[ProtocolWarning]:
    """Once aftercare is being planned or the case evaluated: the roles it touched that have no
    moment yet (step 9: stay connected with everyone it touched)."""
    started = [a for a in actions if a.action in ("AftercarePlanned", "EvaluationHeld")]
    missing = roles_without_aftercare(actions, pupil_visible(actions)) if started else []
    if not missing:
        return []
    return [
        ProtocolWarning(
            "nazorg_voor_iedereen",
            "Nog geen nazorg gepland voor: " + ", ".join(role_label(r) for r in missing) + ". Plan per rol "
            "een moment (hoe gaat het nu, hebben ze nog wat nodig?), of leg in een notitie vast waarom niet.",
            started[0].version,
            step="opvolgen",
        )
    ]


def _ignoring_situation(check: Any) -> Any:
    return lambda actions, situation: check(actions)


CHECKS = {
    "meldpunt_alleen_openbare_url": _ignoring_situation(_meldpunt_needs_public_url),
    "url_naar_internetfilter": _ignoring_situation(_url_without_filter_request),
    "openbare_url_melden": _ignoring_situation(_public_url_not_reported),
    "dwang_naar_zeden": _coercion_to_vice_squad,
    "andere_scholen_informeren": _ignoring_situation(_other_schools_not_informed),
    "nazorg_voor_iedereen": _ignoring_situation(_aftercare_for_everyone),
}


def load_protocol(
    protocol_id: str = DEFAULT_PROTOCOL_ID,
    folder: Path | None = None,
    known_actions: Iterable[str] | None = None,
) -> Protocol:
    """Loads `<protocol_id>.toml` from the protocol folder."""
    path = (folder or PROTOCOL_FOLDER) / f"{protocol_id}.toml"
    return parse_protocol(tomllib.loads(path.read_text(encoding="utf-8")), known_actions)


@cache
def protocol_for_board(board_id: str, default: str = DEFAULT_PROTOCOL_ID, folder: Path | None = None) -> str:
    """The protocol a board's new incidents follow: the file that names the board under
    `besturen`, else the installation's default."""
    for path in sorted((folder or PROTOCOL_FOLDER).glob("*.toml")):
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        if board_id in raw.get("besturen", []):
            return str(raw["id"])
    return default


def parse_protocol(raw: dict[str, Any], known_actions: Iterable[str] | None = None) -> Protocol:
    """Builds a Protocol from parsed TOML; raises InvalidProtocol on unknown names (actions
    only when `known_actions` are given: the case knows its events, a reader trusts the case)."""
    steps = tuple(
        Step(
            number=s["number"],
            key=s["key"],
            title=s["title"],
            guidance=s.get("guidance", ""),
            requires=tuple(tuple(group) for group in s.get("requires", [])),
            actions=tuple(s.get("actions", [])),
            applies_when=_any_of(s.get("applies_when", "altijd")),
            reminder=s.get("reminder", ""),
            remind_after_days=int(s.get("herinner_na_dagen", 0)),
            may_be_not_needed=bool(s.get("kan_niet_nodig", False)),
            open_while=_any_of(s.get("open_zolang", [])),
        )
        for s in raw["steps"]
    )
    phases = tuple(
        Phase(
            number=p["number"],
            key=p["key"],
            title=p["title"],
            actions=tuple(p["actions"]),
            guidance=tuple((str(a), str(text)) for a, text in p.get("uitleg", {}).items()),
        )
        for p in raw.get("phases", [])
    )
    rules = tuple(
        OrderRule(action=r["action"], after=tuple(r["after"]), message=r["message"])
        for r in raw.get("order_rules", [])
    )
    named = [a for s in steps for group in s.requires for a in group]
    named += [a for s in steps for a in s.actions] + [a for p in phases for a in p.actions]
    named += [a for p in phases for a, _ in p.guidance]
    named += [a for r in rules for a in (r.action, *r.after)]
    unknown = sorted(set(named) - set(known_actions)) if known_actions is not None else []
    if unknown:
        raise InvalidProtocol(f"Onbekende acties in protocol: {', '.join(unknown)}")
    bad_conditions = sorted({c for s in steps for c in (*s.applies_when, *s.open_while)} - set(CONDITIONS))
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


def _any_of(value: str | list[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def applies(step: Step, actions: Sequence[RecordedAction]) -> bool:
    """True when any of the step's conditions holds for these actions."""
    return any(CONDITIONS[condition](actions) for condition in step.applies_when)


def checklist(
    protocol: Protocol, actions: Sequence[RecordedAction], *, held: frozenset[str] = frozenset()
) -> list[StepStatus]:
    """The state of every step, given the effective actions of an incident and the conditions
    `held` that its other state says hold (OTHER_SCHOOLS_UNSETTLED)."""
    statuses = []
    for step in protocol.steps:
        recorded = tuple(a for a in actions if a.action in step.actions)
        if not applies(step, actions):
            statuses.append(StepStatus(step, StepState.NOT_APPLICABLE, None, None, recorded))
            continue
        declared = [a for a in actions if a.action == "StepNotNeeded" and a.data.get("step") == step.key]
        if declared and step.may_be_not_needed:
            last = declared[-1]
            statuses.append(
                StepStatus(
                    step,
                    StepState.NOT_NEEDED,
                    last.at,
                    last.actor,
                    (*recorded, last),
                    not_needed_because=str(last.data.get("reason", "")),
                )
            )
            continue
        completing: list[RecordedAction] = []
        for group in step.requires:
            first = next((a for a in actions if a.action in group), None)
            if first is None:
                completing = []
                break
            completing.append(first)
        if completing and not any(c in held or CONDITIONS[c](actions) for c in step.open_while):
            last = max(completing, key=lambda a: a.version)
            statuses.append(StepStatus(step, StepState.DONE, last.at, last.actor, recorded))
        else:
            statuses.append(StepStatus(step, StepState.OPEN, None, None, recorded))
    return statuses


@dataclass(frozen=True)
class PhaseAction:
    action: str
    done: RecordedAction | None  # the first effective recording of the action, if any
    guidance: str = ""  # what the Stappenplan says about it


@dataclass(frozen=True)
class PhaseStatus:
    phase: Phase
    actions: tuple[PhaseAction, ...]

    @property
    def done_count(self) -> int:
        return sum(1 for a in self.actions if a.done is not None)


def phases(protocol: Protocol, actions: Sequence[RecordedAction]) -> list[PhaseStatus]:
    """The same checklist seen through the Stappenplan's phases: per phase, which of its
    actions are recorded."""
    first: dict[str, RecordedAction] = {}
    for action in actions:
        first.setdefault(action.action, action)
    return [
        PhaseStatus(
            phase,
            tuple(PhaseAction(name, first.get(name), phase.guidance_for(name)) for name in phase.actions),
        )
        for phase in protocol.phases
    ]


def warnings(
    protocol: Protocol, actions: Sequence[RecordedAction], situation: str = ""
) -> list[ProtocolWarning]:
    """Order warnings and named checks for an incident's effective actions."""
    found: list[ProtocolWarning] = []
    for rule in protocol.order_rules:
        first = next((a for a in actions if a.action == rule.action), None)
        if first is None:
            continue
        if not any(a.action in rule.after and a.version < first.version for a in actions):
            step = protocol.step_of(rule.action)
            found.append(
                ProtocolWarning(
                    f"volgorde_{rule.action}", rule.message, first.version, step.key if step else ""
                )
            )
    for check in protocol.checks:
        found.extend(CHECKS[check](actions, situation))
    found.extend(_veilig_thuis_first(actions))
    found.extend(_worry_at_home_decided(actions))
    return found


def _worry_at_home_decided(actions: Sequence[RecordedAction]) -> list[ProtocolWarning]:
    """A worry about home in the answers to questions 4 or 6 asks for a recorded decision on
    the risk at home, under every board's protocol."""
    worried = undecided_worry(actions)
    if worried is None:
        return []
    return [ProtocolWarning("zorg_thuis_besluiten", WORRY_UNDECIDED, worried.version, step="slachtoffer")]


def _veilig_thuis_first(actions: Sequence[RecordedAction]) -> list[ProtocolWarning]:
    """A risk at home changes who is told and when, under every board's protocol: the
    victim's parents only after Veilig Thuis was consulted (Meldcode step 2)."""
    flag = safety_risk(actions)
    if flag is None:
        return []
    consulted = any(a.action == "VeiligThuisConsulted" and a.version > flag.version for a in actions)
    message = (
        "Er is een risico op eerwraak of huiselijk geweld vastgelegd. De ouders van het slachtoffer en "
        "de ouders van de klas worden nu niet geïnformeerd. "
        + (
            "Veilig Thuis is geraadpleegd; hef het risico pas op als het veilig is, met de reden."
            if consulted
            else "Raadpleeg eerst Veilig Thuis (stap 2 van de Meldcode; dat kan anoniem)."
        )
    )
    return [ProtocolWarning("veilig_thuis_eerst", message, flag.version)]
