"""Getting the material taken down, channel by channel: per URL, account or group chat, what was
reported where (the Meldpunt, the platform's own report form, Helpwanted, Take It Down), with
which reference, when, and what came of it. A record holds a URL or a reference, never the
material: no picture, no file, no data URI."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

# How long a request may go without a known outcome before the handler is reminded.
REMIND_AFTER_DAYS = 3

CHANNEL_KINDS: dict[str, str] = {
    "url": "Een webadres (URL)",
    "account": "Een account op een platform",
    "groepschat": "Een groepschat",
}
ROUTES: dict[str, str] = {
    "meldpunt": "Meldpunt Kinderporno (Offlimits), voor een openbare URL",
    "platform": "Het meldformulier van het platform zelf",
    "helpwanted": "Helpwanted (Offlimits), dat platforms met voorrang laat verwijderen",
    "take_it_down": "Take It Down (NCMEC): alleen een vingerafdruk, gemaakt op het toestel van de leerling",
}
OUTCOMES: dict[str, str] = {
    "verwijderd": "Verwijderd",
    "geweigerd": "Geweigerd",
    "onbekend": "Nog onbekend",
}

NOT_A_CHANNEL = (
    "Vul alleen het webadres (https://…), de accountnaam of de naam van de groepschat in, hoogstens "
    "300 tekens. Nooit een afbeelding, bestand of data-URI: het materiaal komt nooit in Zorgvuldig."
)
_URL = re.compile(r"^https?://[^\s/]+\.[^\s/]+(/\S*)?$", re.IGNORECASE)
MAX_CHANNEL = 300


def is_channel(kind: str, channel: str) -> bool:
    """A URL (http or https, with a host) for a URL; one short line for an account or chat."""
    channel = channel.strip()
    if not channel or len(channel) > MAX_CHANNEL or "\n" in channel:
        return False
    if kind == "url":
        return bool(_URL.match(channel))
    return not channel.lower().startswith("data:")


@dataclass(frozen=True)
class Takedown:
    """One request to take the material offline, with its latest known outcome."""

    version: int
    requested_by: str
    channel_kind: str
    channel: str
    platform: str
    route: str
    reference: str
    reported_on: date | None
    outcome: str  # "onbekend" until one is recorded
    outcome_version: int | None
    overdue: bool  # nothing known (yet) after REMIND_AFTER_DAYS days


def takedowns(actions: Iterable[Any], today: date) -> list[Takedown]:
    """Every takedown request of an incident with its latest outcome; overdue when, three days
    after it was reported, no outcome other than "onbekend" was recorded."""
    actions = list(actions)
    latest: dict[int, Any] = {}
    for action in actions:
        if action.action == "TakedownOutcomeRecorded":
            latest[int(action.data.get("request_version", 0))] = action
    found = []
    for action in actions:
        if action.action != "TakedownRequested":
            continue
        outcome = latest.get(action.version)
        known = str(outcome.data.get("outcome", "onbekend")) if outcome else "onbekend"
        try:
            reported = date.fromisoformat(str(action.data.get("reported_on", "")))
        except ValueError:
            reported = None
        due = reported is not None and today >= reported + timedelta(days=REMIND_AFTER_DAYS)
        found.append(
            Takedown(
                version=action.version,
                requested_by=action.actor,
                channel_kind=str(action.data.get("channel_kind", "")),
                channel=str(action.data.get("channel", "")),
                platform=str(action.data.get("platform", "")),
                route=str(action.data.get("route", "")),
                reference=str(action.data.get("reference", "")),
                reported_on=reported,
                outcome=known,
                outcome_version=outcome.version if outcome else None,
                overdue=known == "onbekend" and due,
            )
        )
    return found


def route_label(route: str) -> str:
    return ROUTES.get(route, "een andere weg")
