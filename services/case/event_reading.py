"""The case's event log as its followers read it (shared/event_log.py): the reports follow
it through `CaseEventLog`, which their composition root hands them.

The reports hold no personal data, so a sealed field is dropped unread: it is neither
decrypted nor turned into a placeholder, and no key is asked for. Most events are read
straight from their stored JSON with a decoder typed for their class (msgspec), which skips
the sealed fields and the chain link without decoding them; the timestamp is the one
transcoded value such an event carries. An event that needs more (an upcast, another
transcoded value, a key its class does not have, a correction whose changes may hold sealed
values, a cipher on the whole store) goes the long way through the case application's
mapper, with the same result.
"""

from __future__ import annotations

import dataclasses
import operator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import msgspec
from eventsourcing.domain import Aggregate
from eventsourcing.utils import get_topic
from msgspec import UNSET

from services.case.domain.incident import Incident
from services.case.event_log import events_after
from services.case.integrity import LINK_FIELD
from services.case.screening import personal_fields
from shared.event_log import ENVELOPE, Change, LoggedEvent

if TYPE_CHECKING:
    from services.case.application import CaseManagement

INCIDENT_TOPICS = "services.case.domain.incident:Incident."
_TRANSCODED = b'"_type_"'


class CaseEventLog:
    """The case's event log for a follower (shared.event_log.EventLog): the stored events
    after a position, each incident event read without its personal fields."""

    def __init__(self, cases: CaseManagement) -> None:
        self.recorder = cases.recorder
        self.reader = EventReader(cases)

    def events_after(self, position: int, limit: int) -> list[LoggedEvent]:
        return events_after(self.recorder, position, limit)

    def last_position(self) -> int:
        return int(self.recorder.max_notification_id() or 0)

    def read(self, event: LoggedEvent) -> Change | None:
        return self.reader.read(event) if is_incident_event(event.topic) else None

    def personal_fields(self, action: str) -> tuple[str, ...]:
        return personal_fields(action)


class EventReader:
    """Reads stored incident events for the reports."""

    def __init__(self, cases: CaseManagement) -> None:
        self.cases = cases
        mapper = cases.mapper
        self._plain = mapper.cipher is None and mapper.compressor is None
        # The current classes, except the correction: its changes may hold sealed values.
        opened: type[Aggregate.Event] = Incident.Opened
        self._direct: dict[str, _Shape] = {
            get_topic(event_class): _Shape.of(event_class)
            for event_class in (
                opened,
                *Incident.action_classes().values(),
                *Incident.legacy_letter_classes(),
            )
            if event_class is not Incident.Corrected
        }

    def read(self, stored: LoggedEvent) -> Change:
        """The event as the reports see it; raises when the event cannot be read."""
        shape = self._direct.get(stored.topic) if self._plain else None
        if shape is None or stored.state.count(_TRANSCODED) != 1:
            return self._the_long_way(stored)
        try:
            state = shape.decoder.decode(stored.state)
        except msgspec.DecodeError:  # a key this version does not know, or not this shape
            return self._the_long_way(stored)
        if state.class_version != shape.class_version or state.timestamp.type != "datetime_iso":
            return self._the_long_way(stored)  # an upcast is the mapper's work
        return Change(
            shape.name,
            stored.originator_id,
            stored.originator_version,
            state.timestamp.data,
            state.actor,
            shape.facts(state),
        )

    def _the_long_way(self, stored: LoggedEvent) -> Change:
        return Change.of(self.cases.sealed_event(stored.stored()))


class _Stamp(msgspec.Struct):
    type: str = msgspec.field(name="_type_")
    data: str = msgspec.field(name="_data_")


@dataclass(frozen=True)
class _Shape:
    """How one kind of event is stored, as a typed decoder: the personal fields and the chain
    link are skipped as raw text (never decoded), and a key the class does not have makes the
    decoder refuse, so the event goes the long way."""

    name: str
    class_version: int
    decoder: msgspec.json.Decoder[Any]
    fact_keys: tuple[str, ...]
    facts_of: Any  # the decoded event -> its facts' values, in the order of fact_keys

    def facts(self, state: Any) -> dict[str, Any]:
        """The facts the event carries (a field missing from an older event stays missing)."""
        values = self.facts_of(state)
        return {key: value for key, value in zip(self.fact_keys, values, strict=True) if value is not UNSET}

    @classmethod
    def of(cls, event_class: type) -> _Shape:
        personal = set(getattr(event_class, "personal", ()))
        own = [f.name for f in dataclasses.fields(event_class) if f.name not in ENVELOPE]
        facts = [name for name in own if name not in personal]
        # The envelope, then the event's own fields under attribute names of their own, so that
        # any key (a keyword, a dunder) can be a field.
        fields: list[tuple[str, str, Any, Any]] = [
            ("timestamp", "timestamp", _Stamp, msgspec.NODEFAULT),
            ("actor", "actor", str, ""),
            ("class_version", "class_version", int, 1),
            ("originator_topic", "originator_topic", msgspec.Raw, UNSET),
            ("link", LINK_FIELD, msgspec.Raw, UNSET),
        ]
        fields += [
            (f"f{i}", name, msgspec.Raw if name in personal else Any, UNSET) for i, name in enumerate(own)
        ]
        attributes = {key: attribute for attribute, key, _, _ in fields}
        struct = msgspec.defstruct(
            f"Opgeslagen{event_class.__name__}",
            [(attribute, kind, default) for attribute, _, kind, default in fields],
            rename={attribute: key for attribute, key, _, _ in fields},
            forbid_unknown_fields=True,
        )
        getter = operator.attrgetter(*(attributes[name] for name in facts)) if facts else (lambda _state: ())
        facts_of = getter if len(facts) != 1 else (lambda state: (getter(state),))
        return cls(
            event_class.__name__,
            getattr(event_class, "class_version", 1),
            msgspec.json.Decoder(struct),
            tuple(facts),
            facts_of,
        )


def is_incident_event(topic: str) -> bool:
    return topic.startswith(INCIDENT_TOPICS)
