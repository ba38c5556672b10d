"""What a process keeps of incidents in memory, never on disk, so that a long incident costs
what changed since it was last read, not its whole stream: the decoded events of the incidents
it read lately (with their letters' events), and the working copies its commands saved."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from services.case.domain.incident import Incident

_PARTS_PER_EVENT = 2
_REMEMBERED_PER_INCIDENT = 32  # renderings for this many readers, beside a copy of each letter
T = TypeVar("T")


@dataclass
class _History:
    """One incident's decoded events and its letters' decoded events, each stream in order, and
    what was made from them (`Histories.remembered`), until newer events are read."""

    events: tuple[Any, ...] = ()
    letters: dict[UUID, tuple[Any, ...]] = field(default_factory=dict)
    erased: bool = False
    made: dict[Hashable, Any] = field(default_factory=dict)
    parts: dict[Hashable, Any] = field(default_factory=dict)  # kept across newer events
    lock: threading.Lock = field(default_factory=threading.Lock)

    def size(self) -> int:
        """What it holds, in events and kept parts (a part weighs about as much as an event)."""
        return len(self.events) + sum(len(events) for events in self.letters.values()) + len(self.parts)


class Histories:
    """The decoded events of the incidents this process read lately, and of their letters.

    Every read asks the store for the events stored since (by any process) and decodes only
    those: a page of a thousand-event incident no longer unseals a thousand events each time.
    Nothing is written anywhere. An incident whose personal data was erased is never kept: its
    events were unsealed before the erasure, so it is read anew from the store each time, its
    cached key dropped first. `forget` (after an erasure in this process) also stops a read that
    was under way from putting back what it read before.
    """

    def __init__(
        self,
        select: Callable[[UUID, int], Sequence[StoredEvent]],
        select_streams: Callable[[dict[UUID, int]], dict[UUID, list[StoredEvent]]],
        decode: Callable[[StoredEvent], Any],
        forget_key: Callable[[UUID], None],
        max_events: int = 20_000,  # about 35 MB: twenty incidents of a thousand events, parts included
        max_idle: float = 600.0,
    ) -> None:
        self._select = select
        self._select_streams = select_streams  # the events after each version of several streams
        self._decode = decode
        self._forget_key = forget_key
        self.max_events = max_events
        self.max_idle = max_idle  # seconds: what nobody read for this long is dropped
        self._histories: OrderedDict[UUID, _History] = OrderedDict()
        self._sizes: dict[UUID, int] = {}  # events per kept history, as last kept
        self._read_at: dict[UUID, float] = {}
        self._total = 0
        self._forgotten = 0  # bumped by every forget: a read begun before it keeps nothing
        self._lock = threading.Lock()

    def incident_events(self, incident_id: UUID) -> tuple[Any, ...]:
        """The incident's events as stored now, from the first."""
        history, forgotten = self._history(incident_id)
        with history.lock:
            newer = self._newer(incident_id, len(history.events))
            if history.events and any(_erases(event) for event in newer):
                self._forget_key(incident_id)  # another process erased it: its key is gone too
                history.events, newer = (), self._newer(incident_id, 0)
            if newer:
                history.events += newer
                history.erased = history.erased or any(_erases(event) for event in newer)
                history.made.clear()
            events = history.events
        self._keep(incident_id, history, forgotten)
        return events

    def letter_events(self, incident_id: UUID, letter_ids: Sequence[UUID]) -> dict[UUID, tuple[Any, ...]]:
        """The events of these letters of the incident as stored now, asked of the store in one
        go; read after the incident's (`incident_events`), whose erasure decides whether what
        was read of its letters may be kept."""
        history, forgotten = self._history(incident_id)
        with history.lock:
            known = {letter_id: history.letters.get(letter_id, ()) for letter_id in letter_ids}
            newer = self._select_streams({letter_id: len(events) for letter_id, events in known.items()})
            for letter_id, stored in newer.items():
                if stored:
                    known[letter_id] += tuple(self._decode(event) for event in stored)
                    history.letters[letter_id] = known[letter_id]
                    history.made.clear()
        self._keep(incident_id, history, forgotten)
        return known

    def remembered(self, incident_id: UUID, key: Hashable, make: Callable[[], T]) -> T:
        """What `make` makes from the incident's events (a page's rendering), kept beside them:
        in memory only, dropped with them (an erasure, a `forget`), and cleared as soon as newer
        events are read. `key` names for whom it was made and from which versions of the incident
        and its letters, so that a rendering of older events is never handed out for newer ones."""

        def make_room(history: _History) -> None:
            while len(history.made) >= _REMEMBERED_PER_INCIDENT + len(history.letters):
                history.made.pop(next(iter(history.made)))

        return self._kept(incident_id, key, make, lambda history: history.made, make_room)

    def __contains__(self, incident_id: object) -> bool:
        with self._lock:
            return incident_id in self._histories

    def part(self, incident_id: UUID, key: Hashable, make: Callable[[], T]) -> T:
        """A part of what is made from the incident's events (one entry of its timeline), kept
        beside them like `remembered`, but also across newer events: `key` must name all the
        part shows. Dropped with the events; at most two parts per event are kept, and they count
        towards `max_events` as events do."""

        def make_room(history: _History) -> None:
            if len(history.parts) >= _PARTS_PER_EVENT * (history.size() - len(history.parts)):
                history.parts.clear()  # corrections and readers come and go: start afresh

        return self._kept(incident_id, key, make, lambda history: history.parts, make_room)

    def _kept(
        self,
        incident_id: UUID,
        key: Hashable,
        make: Callable[[], T],
        shelf: Callable[[_History], dict[Hashable, Any]],
        make_room: Callable[[_History], None],
    ) -> T:
        """What `make` makes, kept under `key` on the incident's `shelf` (`made` or `parts`);
        `make_room` runs before it is put there. Without the incident's events in memory it is
        made and not kept. `make` runs outside the lock: a slow rendering holds no one up."""
        with self._lock:
            history = self._histories.get(incident_id)
        if history is None:
            return make()
        with history.lock:
            if key in shelf(history):
                found: T = shelf(history)[key]
                return found
        made = make()
        with history.lock:
            make_room(history)
            shelf(history)[key] = made
        return made

    def forget(self, incident_id: UUID) -> None:
        with self._lock:
            self._drop(incident_id)
            self._forgotten += 1

    def _history(self, incident_id: UUID) -> tuple[_History, int]:
        with self._lock:
            history = self._histories.get(incident_id)
            return (history if history is not None else _History()), self._forgotten

    def _newer(self, stream_id: UUID, version: int) -> tuple[Any, ...]:
        return tuple(self._decode(stored) for stored in self._select(stream_id, version))

    def _keep(self, incident_id: UUID, history: _History, forgotten: int) -> None:
        with self._lock:
            self._drop(incident_id)
            if history.erased or not history.events or forgotten != self._forgotten:
                return
            now = time.monotonic()
            self._histories[incident_id] = history
            self._sizes[incident_id] = history.size()
            self._read_at[incident_id] = now
            self._total += self._sizes[incident_id]
            while len(self._histories) > 1:  # least recently read first
                oldest = next(iter(self._histories))
                if self._total <= self.max_events and now - self._read_at[oldest] <= self.max_idle:
                    break
                self._drop(oldest)

    def _drop(self, incident_id: UUID) -> None:
        self._histories.pop(incident_id, None)
        self._read_at.pop(incident_id, None)
        self._total -= self._sizes.pop(incident_id, 0)


def _erases(event: Any) -> bool:
    return isinstance(event, Incident.PersonalDataErased)


def replay(aggregate: Any, events: Any) -> Any:
    """The library's projector without its per-event protocol check: the stored events of an
    incident are the aggregate's own, so a thousand-event case loads in half the time."""
    for event in events:
        aggregate = event.mutate(aggregate)
    return aggregate


class WorkingCopies:
    """Incidents as this process last saved them, so that the next action on a long incident
    reads only the events stored since, not its whole stream (issue: a thousand-event case).

    A copy is taken out while a command works on it and put back only after a successful
    save: a failed or concurrent command never leaves a half-changed copy behind, and two
    threads never share one. Nothing is written anywhere: the copies live in memory only,
    and an incident whose personal data was erased is never kept.
    """

    def __init__(self, size: int = 500) -> None:
        self.size = size
        self._copies: OrderedDict[UUID, Incident] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, incident_id: UUID) -> Incident | None:
        with self._lock:
            return self._copies.pop(incident_id, None)

    def keep(self, incident: Incident) -> None:
        if incident.personal_data_erased:
            return  # loaded around the erasure, it may still hold what was erased
        with self._lock:
            self._copies[incident.id] = incident
            while len(self._copies) > self.size:
                self._copies.popitem(last=False)

    def forget(self, incident_id: UUID) -> None:
        with self._lock:
            self._copies.pop(incident_id, None)
