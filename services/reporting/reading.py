"""How the reports read a stored case event: only what they keep, never a personal field.

The reports hold no personal data, so a sealed field is dropped unread: it is neither
decrypted nor turned into a placeholder, and no key is asked for. Most events are read
straight from their stored JSON (the timestamp is the one transcoded value they carry); an
event that needs more (an upcast, a transcoded value, a correction whose changes may hold
sealed values, a cipher on the whole store) goes the long way through the case
application's mapper, with the same result.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from eventsourcing.utils import get_topic

from services.case.application import CaseManagement
from services.case.domain.incident import Incident
from services.case.event_log import LoggedEvent
from services.case.integrity import LINK_FIELD

INCIDENT_TOPICS = "services.case.domain.incident:Incident."
# What every event carries besides its own facts: the reports read these separately.
ENVELOPE = frozenset({"originator_id", "originator_version", "originator_topic", "timestamp", "actor"})
_TRANSCODED = b'"_type_"'


@dataclass(slots=True)
class Change:
    """One case event as the reports see it: which incident, which event, when, who, and
    its facts without the personal fields. Read for one fold and then dropped (not frozen:
    a frozen dataclass costs three times as much to make, a million times in a rebuild)."""

    name: str
    incident_id: str
    version: int
    at: str
    actor: str
    data: dict[str, Any]

    @classmethod
    def of(cls, event: Any) -> Change:
        """From a domain event (read with its personal fields sealed)."""
        name = type(event).__name__
        personal = set(getattr(type(event), "personal", ()))
        return cls(
            name,
            str(event.originator_id),
            event.originator_version,
            event.timestamp.isoformat(),
            getattr(event, "actor", ""),
            {
                k: v
                for k, v in vars(event).items()
                if k not in ENVELOPE and (k not in personal or k == "changes")
            },
        )


class EventReader:
    """Reads stored incident events for the reports."""

    def __init__(self, cases: CaseManagement) -> None:
        self.cases = cases
        mapper = cases.mapper
        self._plain = mapper.cipher is None and mapper.compressor is None
        # The current classes, except the correction: its changes may hold sealed values.
        # Per topic: the event's name, the keys that are no facts (its personal fields and the
        # envelope), its class version.
        self._direct: dict[str, tuple[str, frozenset[str], int]] = {
            get_topic(event_class): (
                event_class.__name__,
                frozenset(getattr(event_class, "personal", ())) | _NOT_FACTS,
                getattr(event_class, "class_version", 1),
            )
            for event_class in (Incident.Opened, *Incident.action_classes().values())
            if event_class is not Incident.Corrected
        }

    def read(self, stored: LoggedEvent) -> Change:
        """The event as the reports see it; raises when the event cannot be read."""
        known = self._direct.get(stored.topic) if self._plain else None
        if known is None or stored.state.count(_TRANSCODED) != 1:
            return self._the_long_way(stored)
        name, not_facts, class_version = known
        try:
            state = orjson.loads(stored.state)  # the same JSON, read about twice as fast
        except orjson.JSONDecodeError:
            return self._the_long_way(stored)
        stamp = state.get("timestamp") if isinstance(state, dict) else None
        if (
            not isinstance(stamp, dict)
            or state.get("class_version", 1) != class_version  # an upcast is the mapper's work
            or stamp.get("_type_") != "datetime_iso"
        ):
            return self._the_long_way(stored)
        return Change(
            name,
            stored.originator_id,
            stored.originator_version,
            stamp["_data_"],
            state.get("actor", ""),
            {k: v for k, v in state.items() if k not in not_facts},
        )

    def _the_long_way(self, stored: LoggedEvent) -> Change:
        return Change.of(self.cases.sealed_event(stored.stored()))


_NOT_FACTS = ENVELOPE | {LINK_FIELD, "class_version"}


def is_incident_event(topic: str) -> bool:
    return topic.startswith(INCIDENT_TOPICS)
