"""The incident's history as its pages show it: the timeline on the incident page and the
lines of the trail page, prepared in Python (a thousand entries would otherwise cost thousands
of template calls). `person` names the actor behind an id."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from flask import url_for

from services.case.domain.incident import Incident, sentence
from services.case.web import forms, labels
from shared import formatting


@cache
def titles() -> dict[str, str]:
    """The audit-trail sentence of every action, by its event class name."""
    return {
        name: sentence(cls)
        for name, cls in vars(Incident).items()
        if isinstance(cls, type) and issubclass(cls, Incident.ActionRecorded)
    }


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One action as the incident page shows it, prepared in Python: a page of a thousand
    actions then renders in a few milliseconds instead of thousands of template calls."""

    version: int
    title: str
    at: str
    who: str
    withdrawn: bool
    corrected_by: tuple[int, ...]
    corrects: int | None
    reason: str
    details: tuple[tuple[str, labels.Shown], ...]
    correct_url: str
    letter_url: str = ""  # a composed letter's own page: whom it reached, what came back
    anchor: str = ""  # a letter's event: its versions are the letter's, not the incident's


def timeline(
    incident: Any, may_act: bool, letter_events: Sequence[Any], person: Callable[[str], str]
) -> list[TimelineEntry]:
    """The incident's actions with its letters' events (read from the letters' own streams) in
    their place in time, newest first: what became of a letter shows beside its composing."""
    action_titles = titles()
    by_form = forms.action_forms()
    correct_base = url_for("case.incident", incident_id=incident.id) + "/correctie/"
    letter_base = url_for("case.incident", incident_id=incident.id) + "/brieven/"
    entries: list[tuple[Any, TimelineEntry]] = [
        (
            event.at,
            TimelineEntry(
                version=event.version,
                title=event.sentence,
                at=formatting.moment(event.at),
                who=person(event.actor),
                withdrawn=False,
                corrected_by=(),
                corrects=None,
                reason="",
                details=labels.details(event.event_type, event.data or {}, person),
                correct_url="",
                letter_url=f"{letter_base}{event.letter_id}",
                anchor=f"brief-{event.letter_id}-{event.version}",
            ),
        )
        for event in letter_events
        # The letter's request reads as the incident's "brief opgesteld" already.
        if event.event_type not in (Incident.LetterRequested.__name__, Incident.LetterProposed.__name__)
    ]
    for action in incident.actions:
        corrected = action.is_a(Incident.Corrected)
        entries.append(
            (
                action.at,
                TimelineEntry(
                    version=action.version,
                    title=action_titles.get(action.action, action.action),
                    at=formatting.moment(action.at),
                    who=person(action.actor),
                    withdrawn=bool(action.withdrawn),
                    corrected_by=tuple(action.corrected_by or ()),
                    corrects=action.data.get("corrects") if corrected else None,
                    reason=str(action.data.get("reason", "")) if corrected else "",
                    details=() if corrected else labels.details(action.action, action.data or {}, person),
                    correct_url=f"{correct_base}{action.version}"
                    if may_act and action.action in by_form and not action.withdrawn
                    else "",
                    letter_url=f"{letter_base}{action.data['letter_id']}"
                    if action.is_a(Incident.LetterComposed) and action.data.get("letter_id")
                    else "",
                ),
            )
        )
    entries.sort(key=lambda pair: pair[0])  # stable: the incident's own order stays
    return [entry for _, entry in reversed(entries)]


@dataclass(frozen=True, slots=True)
class TrailLine:
    """One event of the audit trail as the trail page shows it, prepared in Python."""

    version: int
    at: str
    who: str
    sentence: str
    details: tuple[tuple[str, labels.Shown], ...]


def trail_lines(entries: list[Any], person: Callable[[str], str]) -> list[TrailLine]:
    # A correction names a version of the incident's own stream, never one of a letter's.
    types = {entry.version: entry.event_type for entry in entries if not getattr(entry, "letter_id", "")}
    return [
        TrailLine(
            version=entry.version,
            at=formatting.moment(entry.at, seconds=True),
            who=person(entry.actor),
            sentence=entry.sentence,
            details=labels.details(
                entry.event_type, entry.data or {}, person, types.get(entry.data.get("corrects"), "")
            ),
        )
        for entry in entries
    ]
