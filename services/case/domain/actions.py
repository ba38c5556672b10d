"""What every action recorded on an incident shares: the event they all are, and the action
as it stands once later corrections are applied.

The actions themselves are written beside what they are about (conversations.py, material.py,
letters.py, ...) and registered on `Incident`, whose class body names each one: the library
re-creates a named event class as the incident's own (`Incident.PoliceContacted`), so its
stored topic is the incident's, wherever its code lives. Trigger the registered class, never
the class as written here (`IncidentPart.registered`), or a new topic gets stored.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any, ClassVar

from eventsourcing.domain import Aggregate

from services.case.domain.errors import ReasonRequired
from shared.protocol.actions import Action


class RecordedAction(Action):
    """One action as it stands now: the event's data with later corrections applied. The
    published shape every reader rebuilds (`Action`), which the case, knowing its event
    classes, can also ask which class recorded it. It is the incident's state, never stored."""

    def is_a(self, *event_classes: type) -> bool:
        """True when one of these event classes recorded the action (as written or as
        registered on the incident: both carry the action's name)."""
        return self.action in {event_class.__name__ for event_class in event_classes}


class ActionRecorded(Aggregate.Event):
    """Er is een actie vastgelegd."""

    actor: str

    personal: ClassVar[tuple[str, ...]] = ()
    # Personal fields that hold fixed answers (codes such as "nee"), never a name.
    coded: ClassVar[tuple[str, ...]] = ()
    # Fields that state how the action was recorded, not what was found: never corrected.
    not_correctable: ClassVar[tuple[str, ...]] = ()
    allowed_when_closed: ClassVar[bool] = False
    # Fields that must hold text: the action sets something aside and says why.
    needs_reason: ClassVar[tuple[str, ...]] = ()
    without_reason: ClassVar[str] = ReasonRequired.message
    # Fields that name people by role only (an aftercare moment's "for whom"), never by name.
    by_role: ClassVar[tuple[str, ...]] = ()

    def apply(self, incident: Any) -> None:
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        for common in ("originator_id", "originator_version", "timestamp", "actor"):
            data.pop(common)
        incident.actions.append(
            RecordedAction(
                version=self.originator_version,
                action=type(self).__name__,
                actor=self.actor,
                at=self.timestamp,
                data=data,
            )
        )


class IncidentPart:
    """Commands and queries of one subject of the incident, mixed into `Incident`, which
    provides the state and the library's event machinery."""

    version: int
    actions: list[RecordedAction]
    trigger_event: Any

    def effective_actions(self) -> list[RecordedAction]:
        raise NotImplementedError  # the Incident's own: it knows which actions count

    @property
    def personal_data_erased(self) -> bool:
        raise NotImplementedError  # the Incident's own

    def registered(self, event_class: type) -> Any:
        """The event class as the Incident registered it: its topic is the incident's."""
        return getattr(type(self), event_class.__name__)
