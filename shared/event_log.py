"""The case's event log as another service follows it: the one documented reader.

A follower (the reports) reads the log in order after a position it keeps itself, as plain
rows (`LoggedEvent`), and has each incident event read for it as a `Change`: the event class
name, the incident, the version, when, who, and the facts without any personal field. The
case service implements `EventLog` (services/case/event_log.py: it alone knows its event
classes, their upcasts and the store's cipher); a follower is handed one by its composition
root and imports nothing of the case. Event names are the case's event class names, the same
names the published protocol (shared/protocol/) uses for actions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol
from uuid import UUID

from eventsourcing.persistence import StoredEvent

# What every event carries besides its own facts: a Change holds these separately.
ENVELOPE = frozenset({"originator_id", "originator_version", "originator_topic", "timestamp", "actor"})


class LoggedEvent(NamedTuple):
    """One stored event with its position in the log; the state as stored (sealed)."""

    id: int
    originator_id: str
    originator_version: int
    topic: str
    state: bytes

    def stored(self) -> StoredEvent:
        """The library's shape, for reading the event through the case application's mapper."""
        return StoredEvent(UUID(self.originator_id), self.originator_version, self.topic, self.state)


@dataclass(slots=True)
class Change:
    """One case event as a follower sees it: which incident, which event, when, who, and
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


class EventLog(Protocol):
    """What a follower may ask of the case's event log."""

    def events_after(self, position: int, limit: int) -> list[LoggedEvent]:
        """At most `limit` stored events after `position`, in the order of the log."""
        ...

    def last_position(self) -> int:
        """The position of the newest stored event (0 for an empty log)."""
        ...

    def read(self, event: LoggedEvent) -> Change | None:
        """An incident's event as a Change; None for the other streams (letters, access
        logs, rights requests). Raises when the event cannot be read (a newer version's)."""
        ...

    def personal_fields(self, action: str) -> tuple[str, ...]:
        """The fields of an event class that hold personal data: a correction of such an
        event carries them in its `changes`, which a follower that keeps nothing personal
        leaves out."""
        ...


class Followed(Protocol):
    """A service whose event log can be followed (the case application)."""

    def event_log(self) -> EventLog: ...
