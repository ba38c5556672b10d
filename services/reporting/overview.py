"""The board overview as running totals, so that its page costs what it shows.

Each incident contributes a handful of counts to its board's totals: one for its month and
school, its quarter and school, and its school, one per channel of its latest scope
assessment, one per milestone at the hours it took, one per step left open when it was
closed. When an incident's facts change, its old contribution is taken off and the new one
added, in the projector's transaction. The overview (e) is then read from the totals alone;
it equals `board_overview` over every incident's facts.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from services.reporting.projections import (
    MILESTONES,
    SUPPRESS_BELOW,
    BoardOverview,
    involved_other_schools,
    milestone_hours,
    recorded_actions,
    suppressed,
)
from shared.protocol.actions import Action
from shared.protocol.events import EventType
from shared.protocol.model import Protocol, StepState, checklist

MONTH_AND_SCHOOL = "maand_school"
CHANNEL = "kanaal"
HOURS = "uren:"
LEFT_OPEN = "open_gebleven"
TOTAL = "totaal"
QUARTER_AND_SCHOOL = "kwartaal_school"  # '2026-4|school': what the board's table and chart read
SCHOOL = "school"  # every incident of a school, whenever opened
OTHER_SCHOOLS = "andere_scholen"  # incidents that involved another school
# Every kind but the months per school: the figures beside the board's table, few whatever
# the number of schools.
FIGURE_KINDS = (TOTAL, CHANNEL, LEFT_OPEN, OTHER_SCHOOLS, *(HOURS + key for key in MILESTONES))


def contribution(facts: dict[str, Any], protocol: Protocol) -> Counter[tuple[str, str]]:
    """What one incident adds to its board's totals."""
    return contribution_of(facts, recorded_actions(facts), protocol)


def contribution_of(
    facts: dict[str, Any], actions: list[Action], protocol: Protocol
) -> Counter[tuple[str, str]]:
    """`contribution`, for the incident's effective actions already read (the projector
    reads them once per incident and batch). The protocol's warnings are not needed here."""
    counts: Counter[tuple[str, str]] = Counter()
    counts[(TOTAL, "")] += 1
    counts[(MONTH_AND_SCHOOL, f"{facts['opened_at'][:7]}|{facts['school_id']}")] += 1
    counts[(QUARTER_AND_SCHOOL, f"{quarter_of(facts['opened_at'][:7])}|{facts['school_id']}")] += 1
    counts[(SCHOOL, facts["school_id"])] += 1
    if involved_other_schools(actions):
        counts[(OTHER_SCHOOLS, "")] += 1
    scopes = [a for a in actions if a.action == EventType.SCOPE_ASSESSED]
    if scopes:
        for channel in set(scopes[-1].data.get("channels", [])):
            counts[(CHANNEL, str(channel))] += 1
    for key, hours in milestone_hours(actions, datetime.fromisoformat(facts["opened_at"])).items():
        if hours is not None:
            counts[(HOURS + key, f"{hours:.1f}")] += 1
    if facts["status"] == "gesloten":
        for step in checklist(protocol, actions):
            if step.state is StepState.OPEN:
                counts[(LEFT_OPEN, f"Stap {step.step.number}. {step.step.title}")] += 1
    return counts


def quarter_of(month: str) -> str:
    """'2026-11' as '2026-4'."""
    year, _, number_of_month = month.partition("-")
    return f"{year}-{(int(number_of_month) - 1) // 3 + 1}"


def delta(old: Counter[tuple[str, str]], new: Counter[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """What changes in the totals when an incident's contribution goes from old to new."""
    keys = set(old) | set(new)
    return {key: new[key] - old[key] for key in keys if new[key] != old[key]}


def overview_from_totals(totals: Iterable[tuple[str, str, int]]) -> BoardOverview:
    """The board overview from its totals (kind, item, count)."""
    per_month: dict[str, dict[str, int]] = defaultdict(dict)
    channels: dict[str, int] = {}
    hours: dict[str, list[tuple[float, int]]] = defaultdict(list)
    left_open: dict[str, int] = {}
    total = with_other_schools = 0
    for kind, item, count in totals:
        if count <= 0:
            continue
        if kind == TOTAL:
            total = count
        elif kind == OTHER_SCHOOLS:
            with_other_schools = count
        elif kind == MONTH_AND_SCHOOL:
            month, school = item.split("|", 1)
            per_month[month][school] = count
        elif kind == CHANNEL:
            channels[item] = count
        elif kind.startswith(HOURS):
            hours[kind[len(HOURS) :]].append((float(item), count))
        elif kind == LEFT_OPEN:
            left_open[item] = count
    schools = sorted({school for counts in per_month.values() for school in counts})
    return BoardOverview(
        per_month_and_school={
            month: {school: suppressed(per_month[month].get(school, 0)) for school in schools}
            for month in sorted(per_month)
        },
        schools=schools,
        channels={c: suppressed(n) for c, n in _most_common(channels)},
        median_hours={key: _median(hours.get(key, [])) for key in MILESTONES},
        skipped_steps={step: suppressed(n) for step, n in _most_common(left_open)},
        total=suppressed(total),
        with_other_schools=suppressed(with_other_schools),
    )


def milestone_hours_from_totals(totals: Iterable[tuple[str, str, int]]) -> dict[str, list[tuple[float, int]]]:
    """Per milestone, each number of hours it took with how many incidents took that long."""
    hours: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for kind, item, count in totals:
        if count > 0 and kind.startswith(HOURS):
            hours[kind[len(HOURS) :]].append((float(item), count))
    return dict(hours)


def _most_common(counts: dict[str, int]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def _median(buckets: list[tuple[float, int]]) -> float | None:
    """The median of values given as (value, how often), as statistics.median would give it."""
    size = sum(count for _, count in buckets)
    if size < SUPPRESS_BELOW:
        return None
    ordered = sorted(buckets)

    def at(index: int) -> float:
        seen = 0
        for value, count in ordered:
            seen += count
            if index < seen:
                return value
        raise IndexError(index)

    middle = size // 2
    value = at(middle) if size % 2 else (at(middle - 1) + at(middle)) / 2
    return round(value, 1)


def encode(counts: Counter[tuple[str, str]]) -> list[list[Any]]:
    return [[kind, item, count] for (kind, item), count in sorted(counts.items())]


def decode(stored: list[list[Any]]) -> Counter[tuple[str, str]]:
    return Counter({(str(kind), str(item)): int(count) for kind, item, count in stored})
