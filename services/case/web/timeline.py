"""The incident's history as its pages show it: the timeline on the incident page and the
lines of the trail page, prepared in Python (a thousand entries would otherwise cost thousands
of template calls). `person` names the actor behind an id."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, partial
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


Made = Callable[[], TimelineEntry]


def timeline(
    incident: Any, may_act: bool, letter_events: Sequence[Any], person: Callable[[str], str]
) -> list[TimelineEntry]:
    """The incident's actions with its letters' events (read from the letters' own streams) in
    their place in time, newest first: what became of a letter shows beside its composing."""
    return [make() for _, make in timeline_parts(incident, may_act, letter_events, person)]


def timeline_parts(
    incident: Any, may_act: bool, letter_events: Sequence[Any], person: Callable[[str], str]
) -> list[tuple[tuple[Any, ...], Made]]:
    """The timeline's entries in their order, each as a key that names everything the entry
    shows (its stream and version, and for an action whether it was corrected or withdrawn
    since) and a way to make it: a page can keep each entry's rendering by its key."""
    action_titles = titles()
    by_form = forms.action_forms()
    correct_base = url_for("case.incident", incident_id=incident.id) + "/correctie/"
    letter_base = url_for("case.incident", incident_id=incident.id) + "/brieven/"

    def of_letter(event: Any) -> TimelineEntry:
        return TimelineEntry(
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
        )

    def of_action(action: Any) -> TimelineEntry:
        corrected = action.is_a(Incident.Corrected)
        return TimelineEntry(
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
        )

    entries: list[tuple[Any, tuple[Any, ...], Made]] = [
        (event.at, ("brief", event.letter_id, event.version), partial(of_letter, event))
        for event in letter_events
        # The letter's request reads as the incident's "brief opgesteld" already.
        if event.event_type not in (Incident.LetterRequested.__name__, Incident.LetterProposed.__name__)
    ]
    entries += [
        (
            action.at,
            ("actie", action.version, bool(action.withdrawn), tuple(action.corrected_by or ())),
            partial(of_action, action),
        )
        for action in incident.actions
    ]
    entries.sort(key=lambda entry: entry[0])  # stable: the incident's own order stays
    return [(key, make) for _, key, make in reversed(entries)]


@dataclass(frozen=True, slots=True)
class TrailLine:
    """One event of the audit trail as the trail page shows it, prepared in Python."""

    version: int
    at: str
    who: str
    sentence: str
    details: tuple[tuple[str, labels.Shown], ...]


def trail_lines(entries: list[Any], person: Callable[[str], str]) -> list[TrailLine]:
    return [make() for _, make in trail_line_parts(entries, person)]


def trail_line_parts(
    entries: list[Any], person: Callable[[str], str]
) -> list[tuple[tuple[Any, ...], Callable[[], TrailLine]]]:
    """The trail's lines in order, each as a key (its stream and version: a stored event never
    changes) and a way to make it, so that a page can keep each line's rendering."""
    # A correction names a version of the incident's own stream, never one of a letter's.
    types = {entry.version: entry.event_type for entry in entries if not getattr(entry, "letter_id", "")}

    def line(entry: Any) -> TrailLine:
        return TrailLine(
            version=entry.version,
            at=formatting.moment(entry.at, seconds=True),
            who=person(entry.actor),
            sentence=entry.sentence,
            details=labels.details(
                entry.event_type, entry.data or {}, person, types.get(entry.data.get("corrects"), "")
            ),
        )

    return [
        (("regel", getattr(entry, "letter_id", ""), entry.version), partial(line, entry)) for entry in entries
    ]
