"""CaseManagement: the one application class of the case service.

Each command loads an incident, checks who acts, calls one aggregate method and saves.
Commands take primitives and return the notification id of the last stored event, so a
page can wait until the reports have caught up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import IntegrityError, Mapper, PersistenceError, StoredEvent, Transcoder
from eventsourcing.utils import Environment, get_topic

from services.case.access_logging import AccessLogging
from services.case.coordination import Coordinating
from services.case.domain.errors import CaseError
from services.case.domain.incident import Incident
from services.case.domain.letter_request import LetterRequest
from services.case.domain.protocol import (
    OTHER_SCHOOLS_NOT_INFORMED,
    OTHER_SCHOOLS_UNSETTLED,
    PhaseStatus,
    Protocol,
    ProtocolWarning,
    StepStatus,
    checklist,
    load_protocol,
    phases,
    require_may_be_not_needed,
    warnings,
)
from services.case.errors import (
    ConcurrentEdit,
    IncidentNotFound,
    NotAllowed,
    StoreUnavailable,
    VersionUnknown,
)
from services.case.event_log import streams_after
from services.case.event_reading import CaseEventLog
from services.case.histories import Histories, WorkingCopies, replay
from services.case.integrity import Chain, split
from services.case.letter_commands import LetterCommands
from services.case.other_schools import OtherSchoolCommands
from services.case.personal_data import KeyVault, SealingMapper, key_vault_for
from services.case.screening import hides_group_names, screened_incident, screens_people, with_group_sizes
from services.case.trail import TrailEntry, TrailReading
from shared.database import SCHEMA_LOCK
from shared.identity import Actor, Role, may_see

OPENED_TOPIC = get_topic(Incident.Opened)
# On PostgreSQL a new incident's key is written with its first events (a topic, so that SQLite
# installations never import the PostgreSQL driver).
KEYED_RECORDER_TOPIC = "services.case.keyed_store:KeyedPostgresRecorder"
DEVELOPMENT_CHAIN_KEY = "alleen-voor-ontwikkeling-keten"


class CaseManagement(
    Coordinating, OtherSchoolCommands, LetterCommands, AccessLogging, TrailReading, Application[UUID]
):
    """Opening incidents and recording the protocol's actions on them."""

    name = "zorgvuldig"

    def __init__(
        self,
        env: dict[str, str] | None = None,
        protocols: dict[str, Protocol] | None = None,
        key_vault: KeyVault | None = None,
    ):
        self.key_vault = key_vault or key_vault_for(dict(env or {}))
        self.chain = Chain(
            (env or {}).get("CHAIN_KEY", DEVELOPMENT_CHAIN_KEY).encode(), previous_link=self._stored_link
        )
        with _one_at_a_time_creating_tables(dict(env or {})):
            super().__init__(env)
        if keep_keys_of := getattr(self.recorder, "keep_keys_of", None):
            keep_keys_of(self.key_vault)
        self.protocols = protocols or {}
        self.working_copies = WorkingCopies()
        self.histories = Histories(
            select=lambda stream_id, version: self.recorder.select_events(stream_id, gt=version),
            select_streams=lambda after: streams_after(self.recorder, after),
            decode=self.mapper.to_domain_event,
            forget_key=lambda incident_id: self.key_vault.forget_cached(incident_id),
        )

    def construct_env(self, name: str, env: Any = None) -> Environment:
        found = super().construct_env(name, env)
        if found.get("PERSISTENCE_MODULE") == "eventsourcing.postgres":
            found.setdefault("APPLICATION_RECORDER_TOPIC", KEYED_RECORDER_TOPIC)
        return found

    def construct_mapper(self) -> Mapper[UUID]:
        """Seals personal fields per incident, and links every stored event into the
        incident's chain of keyed hashes."""
        return CaseMapper(self.construct_transcoder(), self.key_vault, self.chain)

    # ---------------------------------------------------------------- commands

    def open_incident(
        self, actor: Actor, *, situation: str, learned_how: str, protocol_id: str
    ) -> tuple[UUID, int]:
        """Opens an incident at the actor's own school."""
        self._require_handler(actor)
        self.protocol(protocol_id)
        incident = Incident.open(
            school_id=actor.school_id,
            board_id=actor.board_id,
            actor=actor.id,
            situation=situation,
            learned_how=learned_how,
            protocol_id=protocol_id,
        )
        incident.alert_care_team(actor=actor.id, members=self.members_to_alert(actor))
        return incident.id, self._save(incident)

    def record_action(
        self,
        actor: Actor,
        incident_id: UUID,
        action: str,
        data: dict[str, Any],
        *,
        expected_version: int | None = None,
        override_reason: str = "",
    ) -> int:
        """Records one protocol action; returns the notification id. `override_reason` is
        the handler's reason to go ahead against an agreement with the pupil. A letter requested
        this way ("LetterRequested", or "LetterProposed" to await review) becomes a
        LetterRequest of its own, as through `request_letter`."""
        if action in (Incident.LetterRequested.__name__, Incident.LetterProposed.__name__):
            return self._request_letter(
                actor,
                incident_id,
                awaiting_review=action == Incident.LetterProposed.__name__,
                expected_version=expected_version,
                override_reason=override_reason,
                **data,
            )[1]

        def record(incident: Incident) -> None:
            if action == Incident.StepNotNeeded.__name__:
                require_may_be_not_needed(self.protocol(incident.protocol_id), str(data.get("step")))
            incident.record(action, actor=actor.id, override_reason=override_reason, **data)

        return self._change(actor, incident_id, expected_version, record)

    def correct(
        self,
        actor: Actor,
        incident_id: UUID,
        *,
        corrects: int,
        reason: str,
        changes: dict[str, Any] | None = None,
        withdraws: bool = False,
        expected_version: int | None = None,
    ) -> int:
        """Corrects an earlier action with a new event; the earlier one stays."""
        return self._change(
            actor,
            incident_id,
            expected_version,
            lambda i: i.correct(
                actor=actor.id, corrects=corrects, reason=reason, changes=changes, withdraws=withdraws
            ),
        )

    def close_incident(
        self, actor: Actor, incident_id: UUID, *, reason: str, expected_version: int | None = None
    ) -> int:
        return self._change(
            actor, incident_id, expected_version, lambda i: i.close(actor=actor.id, reason=reason)
        )

    def reopen_incident(
        self, actor: Actor, incident_id: UUID, *, reason: str, expected_version: int | None = None
    ) -> int:
        return self._change(
            actor, incident_id, expected_version, lambda i: i.reopen(actor=actor.id, reason=reason)
        )

    def propose_improvement(self, actor: Actor, incident_id: UUID, *, step: str, text: str) -> int:
        """Proposes an improvement for the protocol to share with the board (checked by the
        letters' guard before this call; a second person reviews it)."""
        return self._change(
            actor, incident_id, None, lambda i: i.propose_improvement(actor=actor.id, step=step, text=text)
        )

    def decide_improvement(
        self, actor: Actor, incident_id: UUID, *, proposal_version: int, share: bool, reason: str = ""
    ) -> int:
        """A second handler of the school shares a proposed improvement with the board, or not."""
        return self._change(
            actor,
            incident_id,
            None,
            lambda i: i.decide_improvement(
                actor=actor.id, proposal_version=proposal_version, share=share, reason=reason
            ),
        )

    def stored_incident(self, incident_id: UUID) -> Incident:
        """The incident as stored, for the case service's own processes (the relay), which act
        for the school and show it to no one; IncidentNotFound when there is none."""
        return self._load(incident_id)

    def erase_personal_data(self, incident_id: UUID, *, actor_id: str, reason: str) -> int:
        """Ends the retention of an incident's personal data: records it, then destroys
        the incident's key. The events stay; their personal fields read as erased."""
        incident = self._load(incident_id)
        incident.erase_personal_data(actor=actor_id, reason=reason)
        notification_id = self._save(incident)
        self.working_copies.forget(incident_id)
        self.key_vault.erase(incident_id)
        self.histories.forget(incident_id)
        return notification_id

    # ----------------------------------------------------------------- queries

    def incident(self, actor: Actor, incident_id: UUID) -> Incident:
        """The incident, if the actor may see it, to show and never to change (the same copy
        serves every reader of this version); screened for the board and, until the school asks
        it for advice, for the OTV."""
        incident = self._visible(actor, incident_id)
        if screens_people(actor, incident):
            return screened_incident(incident)
        return with_group_sizes(incident) if hides_group_names(actor) else incident

    def incidents(self, actor: Actor) -> list[Incident]:
        """Every incident the actor may see, newest first, replayed from the whole store.

        Its cost grows with the store: pages read the list read model (services/case/lists.py);
        this stays for maintenance and as the tests' independent answer to "who sees what"."""
        found = []
        for opened in self._opened_events():
            if may_see(actor, board_id=opened.board_id, school_id=opened.school_id):
                found.append(self.incident(actor, opened.originator_id))
            elif actor.role is Role.STAFF and opened.school_id == actor.school_id:
                incident = self._load(opened.originator_id)
                if actor.id in incident.staff_with_access():
                    found.append(incident)
        return sorted(found, key=lambda i: i.created_on, reverse=True)

    def all_incident_ids(self) -> list[UUID]:
        """Every incident in the store, for maintenance processes that act for the board."""
        return [opened.originator_id for opened in self._opened_events()]

    def sealed_event(self, stored: StoredEvent) -> Any:
        """A stored event with its personal fields left sealed (read as erased): for the
        reports and lists, which never show personal data and so need no key."""
        mapper = self.mapper
        assert isinstance(mapper, CaseMapper)
        return mapper.to_sealed_domain_event(stored)

    def event_log(self) -> CaseEventLog:
        """The event log as another service follows it (shared/event_log.py)."""
        return CaseEventLog(self)

    def opened_event(self, incident_id: UUID) -> Incident.Opened:
        """The opening event alone: enough to know the school and board of an incident."""
        with self._store_errors():
            stored = self.recorder.select_events(incident_id, lte=1)
        opened = self.mapper.to_domain_event(stored[0]) if stored else None
        if not isinstance(opened, Incident.Opened):
            raise IncidentNotFound()
        return opened

    def protocol(self, protocol_id: str) -> Protocol:
        if protocol_id not in self.protocols:
            try:
                self.protocols[protocol_id] = load_protocol(protocol_id)
            except FileNotFoundError:
                raise CaseError(f"Protocol '{protocol_id}' is niet gevonden.") from None
        return self.protocols[protocol_id]

    def phases(self, incident: Incident) -> list[PhaseStatus]:
        """The Stappenplan's phases of an incident under its own protocol."""
        return phases(self.protocol(incident.protocol_id), incident.effective_actions())

    def progress(self, incident: Incident) -> tuple[list[StepStatus], list[ProtocolWarning]]:
        """The checklist and warnings of an incident under its own protocol."""
        protocol = self.protocol(incident.protocol_id)
        actions = incident.effective_actions()
        settled, recorded = incident.other_schools_settled()
        held = frozenset({OTHER_SCHOOLS_UNSETTLED} if settled < recorded else ())
        # Informed on step 1's rule: every recorded school confirmed receipt or was called.
        told = 0 < settled == recorded
        found = warnings(protocol, actions, incident.situation)
        return checklist(protocol, actions, held=held), [
            w for w in found if not (told and w.key == OTHER_SCHOOLS_NOT_INFORMED)
        ]

    # ----------------------------------------------------------------- helpers

    def _change(
        self,
        actor: Actor,
        incident_id: UUID,
        expected_version: int | None,
        command: Callable[[Incident], None],
    ) -> int:
        """Loads, runs one command, saves. A form opened before someone else recorded an action
        is refused (ConcurrentEdit); nothing a background process does touches the incident."""
        self._require_handler(actor)
        incident = self._visible(actor, incident_id, for_change=True)
        if expected_version is not None and expected_version > incident.version:
            raise VersionUnknown()
        if expected_version is not None and incident.version != expected_version:
            raise ConcurrentEdit()
        command(incident)
        return self._save(incident)

    def _may_see(self, actor: Actor, incident_id: UUID) -> bool:
        """Hard rule 4, plus the read access a handler granted a staff member."""
        opened = self.opened_event(incident_id)
        if may_see(actor, board_id=opened.board_id, school_id=opened.school_id):
            return True
        if actor.role is Role.STAFF and actor.school_id == opened.school_id:
            return actor.id in self._read(incident_id).staff_with_access()
        return False

    def _visible(self, actor: Actor, incident_id: UUID, *, for_change: bool = False) -> Incident:
        """The incident as stored, if the actor may see it; otherwise IncidentNotFound. Unless it
        is for a change, it is the copy shared by everything that reads this version: to show."""
        incident = self._load(incident_id, for_change=True) if for_change else self._read(incident_id)
        if not _may_see_loaded(actor, incident):
            self.record_view(actor, incident_id, what="poging tot inzage of wijziging")  # logs, then raises
            raise IncidentNotFound()
        return incident

    def _require_handler(self, actor: Actor) -> None:
        if actor.role is not Role.CASE_HANDLER:
            raise NotAllowed()

    def _load(self, incident_id: UUID, *, for_change: bool = False) -> Incident:
        """The incident from its events, of which only those stored since this process last read
        it are read and unsealed (services/case/histories.py). For a change, the working copy
        that the last save in this process left is brought up to date instead."""
        if for_change:
            copy = self.working_copies.take(incident_id)
            if copy is not None and (current := self._fast_forward(copy)) is not None:
                return current
        with self._store_errors():
            events = self.histories.incident_events(incident_id)
        incident = replay(None, events) if events else None
        if not isinstance(incident, Incident):
            raise IncidentNotFound()
        return incident

    def _read(self, incident_id: UUID) -> Incident:
        """The incident to show, never to change: replayed once per version in this process and
        shared by the requests that read that version (kept beside its events, histories.py)."""
        with self._store_errors():
            events = self.histories.incident_events(incident_id)
        incident = (
            self.histories.remembered(incident_id, ("gelezen", len(events)), lambda: replay(None, events))
            if events
            else None
        )
        if not isinstance(incident, Incident):
            raise IncidentNotFound()
        return incident

    def _fast_forward(self, incident: Incident) -> Incident | None:
        """The working copy with the events stored since it was saved (by any process);
        None when one of them erases personal data: then only a fresh load will do."""
        with self._store_errors():
            newer = self.recorder.select_events(incident.id, gt=incident.version)
        for stored in newer:
            event: Any = self.mapper.to_domain_event(stored)
            if isinstance(event, Incident.PersonalDataErased):
                return None
            incident = event.mutate(incident)
        return incident

    def _save(self, *aggregates: Incident | LetterRequest) -> int:
        """Saves in one transaction; the working copy of an incident is kept afterwards."""
        with self._store_errors():
            try:
                recordings = self.save(*aggregates)
            except IntegrityError:
                raise ConcurrentEdit() from None
        for aggregate in aggregates:
            if isinstance(aggregate, Incident):
                self.working_copies.keep(aggregate)
        notification_id = recordings[-1].notification.id
        assert notification_id is not None
        return notification_id

    def _opened_events(self) -> Iterator[Incident.Opened]:
        start = 1
        while True:
            with self._store_errors():
                page = self.recorder.select_notifications(start=start, limit=500, topics=[OPENED_TOPIC])
            for notification in page:
                event = self.mapper.to_domain_event(notification)
                assert isinstance(event, Incident.Opened)
                yield event
            if len(page) < 500:
                return
            start = page[-1].id + 1

    def _stored_link(self, incident_id: UUID, version: int) -> bytes | None:
        stored = self.recorder.select_events(incident_id, gt=version - 1, lte=version)
        return split(stored[0].state)[1] if stored else None

    @contextmanager
    def _store_errors(self) -> Iterator[None]:
        try:
            yield
        except IntegrityError:
            raise
        except PersistenceError as error:
            raise StoreUnavailable() from error


@contextmanager
def _one_at_a_time_creating_tables(env: dict[str, str]) -> Iterator[None]:
    """On PostgreSQL the library creates the event store's tables when an application starts;
    processes that start together take turns (the advisory lock of shared/database.py), or
    two CREATE TABLE IF NOT EXISTS collide and a process fails to start."""
    if env.get("PERSISTENCE_MODULE") != "eventsourcing.postgres":
        yield
        return
    import psycopg

    with psycopg.connect(
        dbname=env["POSTGRES_DBNAME"],
        host=env["POSTGRES_HOST"],
        port=env["POSTGRES_PORT"],
        user=env["POSTGRES_USER"],
        password=env.get("POSTGRES_PASSWORD", ""),
        connect_timeout=int(env.get("POSTGRES_CONNECT_TIMEOUT", "5")),
        autocommit=True,
    ) as lock:
        lock.execute("SELECT pg_advisory_lock(%s)", (SCHEMA_LOCK,))
        try:
            yield
        finally:
            lock.execute("SELECT pg_advisory_unlock(%s)", (SCHEMA_LOCK,))


def _may_see_loaded(actor: Actor, incident: Incident) -> bool:
    """CaseManagement._may_see for an incident already loaded: no second read of its opening."""
    if may_see(actor, board_id=incident.board_id, school_id=incident.school_id):
        return True
    return (
        actor.role is Role.STAFF
        and (actor.board_id, actor.school_id) == (incident.board_id, incident.school_id)
        and actor.id in incident.staff_with_access()
    )


class CaseMapper(SealingMapper):
    """Seals personal fields, then links the stored event into its incident's chain."""

    def __init__(self, transcoder: Transcoder, vault: KeyVault, chain: Chain) -> None:
        super().__init__(transcoder, vault)
        self.chain = chain

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        return self.chain.link(super().to_stored_event(domain_event))

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        return super().to_domain_event(self.chain.unlink(stored_event))

    def to_sealed_domain_event(self, stored_event: StoredEvent) -> Any:
        state, _ = split(stored_event.state)
        event = stored_event
        return super().to_sealed_domain_event(
            StoredEvent(event.originator_id, event.originator_version, event.topic, state)
        )


__all__ = [
    "OPENED_TOPIC",
    "CaseManagement",
    "ConcurrentEdit",
    "IncidentNotFound",
    "NotAllowed",
    "StoreUnavailable",
    "TrailEntry",
    "VersionUnknown",
]
