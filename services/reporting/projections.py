"""The reports, as pure functions over process facts.

`fold` applies one case event to an incident's facts: its actions without their personal
fields (the reports never hold names, so erasing an incident's key leaves them intact).
The reports (a)–(f) of the evaluation and aftercare phase are read from those facts:
overview per school, protocol progress, aftercare planner, evaluation report, board overview
(anonymous, small counts suppressed) and the collected protocol improvements.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

from shared.event_log import Change
from shared.protocol.actions import Action
from shared.protocol.aftercare import AFTERCARE_ROLES, role_label
from shared.protocol.conditions import recorded_in
from shared.protocol.events import EventType
from shared.protocol.model import Protocol, StepState, checklist, load_protocol, warnings

SUPPRESS_BELOW = 5


@cache
def protocol_of(protocol_id: str) -> Protocol:
    """The protocol an incident follows, from the published protocol files (the case checked
    their action names when it opened the incident)."""
    return load_protocol(protocol_id)


MILESTONES = {
    "politie": ("Politie ingeschakeld", (EventType.POLICE_CONTACTED,)),
    "gemeld": ("Materiaal gemeld", (EventType.MATERIAL_REPORTED,)),
    "verwijderen": ("Oproep tot verwijderen", (EventType.DELETION_CALLED,)),
    "ouders": ("Ouders geïnformeerd", (EventType.GROUP_INFORMED, EventType.LETTER_SENT)),
}


def fold(
    facts: dict[str, Any] | None, change: Change, personal_fields: Callable[[str], tuple[str, ...]]
) -> dict[str, Any]:
    """The incident's facts after one event. The facts are changed in place: the projector
    owns the facts of the batch it folds, and copying every action list for every event
    made a rebuild cost the square of an incident's length."""
    name = change.name
    if facts is None:
        data = change.data
        facts = {
            "incident_id": change.incident_id,
            "board_id": data.get("board_id", ""),
            "school_id": data.get("school_id", ""),
            "protocol_id": data.get("protocol_id", ""),
            "situation": data.get("situation", ""),
            "opened_at": change.at,
            "opened_by": change.actor,
            "status": "open",
            "actions": [],
            "letters": {},
        }
    facts["last_event_at"] = change.at
    if name == EventType.OPENED:
        return facts
    data = change.data  # the change is read for this fold alone: its data become the action's
    if name == EventType.CORRECTED:
        hidden = _personal_of(facts, data["corrects"], personal_fields)
        data["changes"] = changes = {k: v for k, v in data["changes"].items() if k not in hidden}
        for action in facts["actions"]:
            if action["version"] == data["corrects"]:
                action["data"] = {**action["data"], **changes}
                action["withdrawn"] = action["withdrawn"] or data["withdraws"]
    elif name == EventType.CLOSED:
        facts["status"] = "gesloten"
        facts["closed_at"] = change.at
    elif name == EventType.REOPENED:
        facts["status"] = "open"
    elif name == EventType.LETTER_REQUESTED:
        facts["letters"][str(change.version)] = data["letter"]
    elif name == EventType.LETTER_SENT:
        data["letter"] = facts["letters"].get(str(data["request_version"]), "")
    facts["actions"].append(
        {
            "version": change.version,
            "action": name,
            "at": change.at,
            "actor": change.actor,
            "data": data,
            "withdrawn": False,
        }
    )
    return facts


_NOT_COUNTED = {EventType.CORRECTED, EventType.CLOSED, EventType.REOPENED, EventType.PERSONAL_DATA_ERASED}


def _personal_of(
    facts: dict[str, Any], version: int, personal_fields: Callable[[str], tuple[str, ...]]
) -> tuple[str, ...]:
    target = next((a for a in facts["actions"] if a["version"] == version), None)
    return personal_fields(target["action"]) if target else ()


def recorded_actions(facts: dict[str, Any]) -> list[Action]:
    """The effective actions, in the shape the protocol's checklist reads."""
    return [
        Action(a["version"], a["action"], a["actor"], datetime.fromisoformat(a["at"]), a["data"])
        for a in facts["actions"]
        if not a["withdrawn"] and a["action"] not in _NOT_COUNTED
    ]


def _informs_parents(action: Action) -> bool:
    if action.action == EventType.GROUP_INFORMED:
        return str(action.data.get("group", "")).startswith("ouders")
    return action.action == EventType.LETTER_SENT and str(action.data.get("letter", "")).startswith(
        ("ouders", "oproep", "uitnodiging")
    )


def milestone_hours(actions: list[Action], opened: datetime) -> dict[str, float | None]:
    """Per milestone, the hours from the report to its first effective action."""
    hours_to: dict[str, float | None] = {}
    for key, (_, names) in MILESTONES.items():
        first = next(
            (a for a in actions if a.action in names and (key != "ouders" or _informs_parents(a))), None
        )
        hours_to[key] = round((first.at - opened).total_seconds() / 3600, 1) if first else None
    return hours_to


@dataclass(frozen=True)
class Progress:
    """(b) Protocol progress of one incident."""

    steps: list[Any]
    warnings: list[Any]
    hours_to: dict[str, float | None]
    current_step: str
    days_open: int


def progress(facts: dict[str, Any], protocol: Protocol, today: date) -> Progress:
    actions = recorded_actions(facts)
    steps = checklist(protocol, actions)
    opened = datetime.fromisoformat(facts["opened_at"])
    hours_to = milestone_hours(actions, opened)
    open_steps = [s for s in steps if s.state is StepState.OPEN]
    current = (
        f"Stap {open_steps[0].step.number}. {open_steps[0].step.title}"
        if open_steps
        else "Alle stappen gedaan"
    )
    end = datetime.fromisoformat(facts["closed_at"]).date() if facts["status"] == "gesloten" else today
    return Progress(
        steps,
        warnings(protocol, actions, facts.get("situation", "")),
        hours_to,
        current,
        (end - opened.date()).days,
    )


@dataclass(frozen=True)
class AftercareMoment:
    """(c) One planned aftercare moment."""

    incident_id: str
    school_id: str
    for_whom: str
    due_on: date
    held: bool
    overdue: bool
    planned_by: str

    @property
    def role(self) -> str:
        """Who the moment is for, as a person reads it: a role, never a name."""
        return role_label(self.for_whom)


@dataclass(frozen=True)
class AftercareByRole:
    """(c) Aftercare moments of one role: how many planned, held, and overdue."""

    role: str
    planned: int
    held: int
    overdue: int


def aftercare_by_role(moments: list[AftercareMoment]) -> list[AftercareByRole]:
    """The moments counted per role, every role in the protocol's order (also those with none),
    then any earlier role that still has moments."""
    codes = [*AFTERCARE_ROLES, *sorted({m.for_whom for m in moments} - set(AFTERCARE_ROLES))]
    return [
        AftercareByRole(
            role_label(code),
            sum(1 for m in moments if m.for_whom == code),
            sum(1 for m in moments if m.for_whom == code and m.held),
            sum(1 for m in moments if m.for_whom == code and m.overdue),
        )
        for code in codes
    ]


def aftercare_summary(moments: list[AftercareMoment]) -> str:
    """The overdue moments of one incident per role, in one line of fixed words and counts:
    "het slachtoffer (1), de medewerkers (2)"."""
    return ", ".join(f"{row.role} ({row.overdue})" for row in aftercare_by_role(moments) if row.overdue)


def aftercare(facts: dict[str, Any], today: date) -> list[AftercareMoment]:
    actions = recorded_actions(facts)
    held = Counter(a.data.get("for_whom") for a in actions if a.action == EventType.AFTERCARE_HELD)
    moments = []
    for planned in sorted(
        (a for a in actions if a.action == EventType.AFTERCARE_PLANNED), key=lambda a: a.data["due_on"]
    ):
        who = planned.data.get("for_whom", "")
        was_held = held[who] > 0
        if was_held:
            held[who] -= 1
        try:
            due = date.fromisoformat(planned.data["due_on"])
        except ValueError:
            continue
        moments.append(
            AftercareMoment(
                facts["incident_id"],
                facts["school_id"],
                who,
                due,
                was_held,
                not was_held and due < today,
                planned.actor,
            )
        )
    return moments


def evaluation(facts: dict[str, Any]) -> dict[str, Any] | None:
    """(d) The latest evaluation of the incident, if held: when and with whom. Its texts are
    sealed personal data; a page reads them from the incident itself."""
    held = [a for a in recorded_actions(facts) if a.action == EventType.EVALUATION_HELD]
    return {"at": held[-1].at, **held[-1].data} if held else None


def improvements(all_facts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """(f) Every evaluation, newest first: when, which school, which incident. What it says
    about the protocol is sealed with the incident; the school's page reads it from there."""
    found = []
    for facts in all_facts:
        for action in recorded_actions(facts):
            if action.action == EventType.EVALUATION_HELD:
                found.append(
                    {"at": action.at, "school_id": facts["school_id"], "incident_id": facts["incident_id"]}
                )
    return sorted(found, key=lambda f: f["at"], reverse=True)


def involved_other_schools(actions: list[Action]) -> bool:
    """True when the incident recorded another school, or its latest scope assessment says that
    pupils of another school got it (issue 24: the board counts these, without names)."""
    scopes = [a for a in actions if a.action == EventType.SCOPE_ASSESSED]
    recorded = bool(recorded_in(actions))  # a school withdrawn as recorded by mistake does not count
    return recorded or bool(scopes and scopes[-1].data.get("other_schools_involved"))


def suppressed(count: int) -> str:
    return f"<{SUPPRESS_BELOW}" if 0 < count < SUPPRESS_BELOW else str(count)


@dataclass(frozen=True)
class BoardOverview:
    """(e) Across the board's schools: anonymous, small counts shown as '<5'."""

    per_month_and_school: dict[str, dict[str, str]]
    schools: list[str]
    channels: dict[str, str]
    median_hours: dict[str, float | None]
    skipped_steps: dict[str, str]
    total: str
    with_other_schools: str = "0"  # incidents that involved another school


def board_overview(all_facts: list[dict[str, Any]], protocol: Protocol, today: date) -> BoardOverview:
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    channels: Counter[str] = Counter()
    hours: dict[str, list[float]] = defaultdict(list)
    skipped: Counter[str] = Counter()
    with_other_schools = 0
    for facts in all_facts:
        counts[facts["opened_at"][:7]][facts["school_id"]] += 1
        actions = recorded_actions(facts)
        with_other_schools += involved_other_schools(actions)
        scopes = [a for a in actions if a.action == EventType.SCOPE_ASSESSED]
        if scopes:
            channels.update(set(scopes[-1].data.get("channels", [])))
        result = progress(facts, protocol, today)
        for key, value in result.hours_to.items():
            if value is not None:
                hours[key].append(value)
        if facts["status"] == "gesloten":
            skipped.update(
                f"Stap {s.step.number}. {s.step.title}" for s in result.steps if s.state is StepState.OPEN
            )
    schools = sorted({f["school_id"] for f in all_facts})
    return BoardOverview(
        per_month_and_school={
            month: {school: suppressed(counts[month][school]) for school in schools}
            for month in sorted(counts)
        },
        schools=schools,
        channels={c: suppressed(n) for c, n in channels.most_common()},
        median_hours={
            key: (round(statistics.median(values), 1) if len(values) >= SUPPRESS_BELOW else None)
            for key in MILESTONES
            for values in [hours.get(key, [])]
        },
        skipped_steps={step: suppressed(n) for step, n in skipped.most_common()},
        total=suppressed(len(all_facts)),
        with_other_schools=suppressed(with_other_schools),
    )
