"""Reading an incident's history: the audit trail and its letters' trail, screened for who
reads them, and the hash chain that shows the trail unaltered."""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from services.case.domain.incident import Incident, sentence
from services.case.errors import IncidentNotFound
from services.case.histories import Histories
from services.case.integrity import Chain, ChainReport, head_signature_valid, signed_head
from services.case.screening import (
    Pseudonyms,
    hides_group_names,
    screen_data,
    screens_people,
    without_group_name,
)
from shared.identity import Actor


@dataclass(frozen=True)
class TrailEntry:
    """One line of the audit trail, straight from the incident's event stream."""

    version: int
    event_type: str
    sentence: str
    at: datetime
    actor: str
    data: dict[str, Any]
    letter_id: str = ""  # set for the events of a letter's own stream


_COMMON_FIELDS = ("originator_id", "originator_version", "timestamp", "originator_topic")


class TrailReading:
    """Mixed into CaseManagement; uses its visibility checks and store."""

    if TYPE_CHECKING:
        chain: Chain
        histories: Histories
        recorder: Any

        def _visible(self, actor: Actor, incident_id: UUID, *, for_change: bool = False) -> Incident: ...

        def _may_see(self, actor: Actor, incident_id: UUID) -> bool: ...

        def _store_errors(self) -> AbstractContextManager[None]: ...

    def audit_trail(self, actor: Actor, incident_id: UUID) -> list[TrailEntry]:
        """Every event of the incident in order, read straight from its stream, with the events
        of its letters (each from the letter's own stream) in their place in time."""
        incident = self._visible(actor, incident_id)
        with self._store_errors():
            entries = [
                trail_entry(event)
                for event in self.histories.incident_events(incident_id)
                if not isinstance(event, Incident.LetterComposed)  # the letter's own events say it
            ]
            entries += self._letter_entries(incident)
        entries.sort(key=lambda entry: entry.at)  # stable: an incident's own order stays
        return self._screened(actor, incident, entries)

    def trail_reaches(self, actor: Actor, incident_id: UUID) -> tuple[int, int]:
        """How far the audit trail reaches now: the incident's version and the number of its
        letters' events. The streams only grow, so a page made from the trail stays right
        while these stay the same."""
        incident = self._visible(actor, incident_id)
        with self._store_errors():
            letters = sum(map(len, self.histories.letter_events(incident.id, incident.letter_ids()).values()))
        return incident.version, letters

    def letter_trail(self, actor: Actor, incident_id: UUID) -> list[TrailEntry]:
        """The events of the incident's letters (requested, decided, sent, failed, bounced), each
        read from the letter's own stream and screened as the audit trail screens them."""
        incident = self._visible(actor, incident_id)
        with self._store_errors():
            entries = self._letter_entries(incident)
        entries.sort(key=lambda entry: entry.at)
        return self._screened(actor, incident, entries)

    def _letter_entries(self, incident: Incident) -> list[TrailEntry]:
        return [
            letter_trail_entry(event)
            for events in self.histories.letter_events(incident.id, incident.letter_ids()).values()
            for event in events
        ]

    def _screened(self, actor: Actor, incident: Incident, entries: list[TrailEntry]) -> list[TrailEntry]:
        if screens_people(actor, incident):
            pseudonyms = Pseudonyms()
            entries = [
                replace(entry, data=screen_data(entry.event_type, entry.data, pseudonyms))
                for entry in entries
            ]
        elif hides_group_names(actor):
            entries = [replace(entry, data=without_group_name(entry.data)) for entry in entries]
        return entries

    def verify_chain(self, actor: Actor, incident_id: UUID) -> ChainReport:
        """Recomputes the incident's hash chain; reports the first altered event.

        Reads the stored events without replaying them: a damaged incident must still
        be verifiable, so access is checked on the opening event alone."""
        if not self._may_see(actor, incident_id):
            raise IncidentNotFound()
        with self._store_errors():
            stored = self.recorder.select_events(incident_id)
        return self.chain.verify(incident_id, stored)

    def chain_head(self, actor: Actor, incident_id: UUID) -> dict[str, str | int | bool]:
        """The verified chain head, signed, for the board to keep outside the system."""
        report = self.verify_chain(actor, incident_id)
        return signed_head(self.chain.key, report, at=datetime.now(UTC).isoformat(timespec="seconds"))

    def chain_head_valid(self, statement: dict[str, str | int | bool]) -> bool:
        """True when a signed chain head was made by this installation and is unaltered."""
        return head_signature_valid(self.chain.key, statement)


def trail_entry(event: Any) -> TrailEntry:
    """Turns a stored event into a line of the audit trail."""
    data = {k: v for k, v in vars(event).items() if k not in _COMMON_FIELDS and k != "actor"}
    return TrailEntry(
        version=event.originator_version,
        event_type=type(event).__name__,
        sentence=sentence(type(event)),
        at=event.timestamp,
        actor=event.actor,
        data=data,
    )


_NOT_IN_LETTER_TRAIL = frozenset(
    {
        *_COMMON_FIELDS,
        "actor",
        "incident_id",
        "school_id",
        "board_id",
        "outcome_id",
        "awaiting_review",
        "revises",
        "maybe_twice",
    }
)


def letter_trail_entry(event: Any) -> TrailEntry:
    """An event of a letter's stream as a line of its incident's audit trail, under the name the
    incident's own letter events had, so that a trail reads the same before and after."""
    data = {k: v for k, v in vars(event).items() if k not in _NOT_IN_LETTER_TRAIL}
    if getattr(event, "revises", ""):
        data["revises"] = event.revises
    if getattr(event, "maybe_twice", 0):  # only a sending that was interrupted says so
        data["maybe_twice"] = event.maybe_twice
    return TrailEntry(
        version=event.originator_version,
        event_type=event.trail_event_type(),
        sentence=sentence(type(event)),
        at=event.timestamp,
        actor=event.actor,
        data=data,
        letter_id=str(event.originator_id),
    )
