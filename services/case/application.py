"""CaseManagement: the one application class of the case service.

Each command loads an incident, checks who acts, calls one aggregate method and saves.
Commands take primitives and return the notification id of the last stored event, so a
page can wait until the reports have caught up.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import cached_property
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, Mapper, PersistenceError, StoredEvent, Transcoder
from eventsourcing.utils import get_topic

from services.case.access_logs import AccessLogCopies
from services.case.coordination import Coordinating
from services.case.domain.access import AccessLog
from services.case.domain.errors import CaseError, LetterRecipientsErased, NoLetterToDecide
from services.case.domain.incident import Incident, sentence
from services.case.domain.letter_request import LetterRequest
from services.case.domain.protocol import (
    PhaseStatus,
    Protocol,
    ProtocolWarning,
    StepStatus,
    checklist,
    load_protocol,
    phases,
    warnings,
)
from services.case.integrity import Chain, ChainReport, head_signature_valid, signed_head, split
from services.case.other_schools import OtherSchoolCommands
from services.case.personal_data import KeyVault, SealingMapper, key_vault_for
from services.case.screening import (
    Pseudonyms,
    hides_group_names,
    screen_data,
    screened_incident,
    screens_people,
    with_group_sizes,
    without_group_name,
)
from shared.contracts import letter_message_id
from shared.contracts import recipient_key as recipient_key_of
from shared.database import SCHEMA_LOCK
from shared.identity import Actor, Role, may_see


class IncidentNotFound(CaseError):
    """Raised for an unknown incident, and for one the actor may not see: both are 404."""

    message = "Deze melding bestaat niet of u heeft er geen toegang toe."


class NotAllowed(CaseError):
    """Raised when the actor's role may read a case but not act on it."""

    message = "Uw rol mag deze actie niet uitvoeren."


class ConcurrentEdit(CaseError):
    """Raised when someone else recorded an action since the form was opened."""

    message = (
        "Iemand anders heeft intussen een actie vastgelegd bij deze melding. "
        "Bekijk de tijdlijn en leg uw actie daarna opnieuw vast; er is niets verloren."
    )


class VersionUnknown(CaseError):
    """Raised when a command names an expected version the incident never reached."""

    message = "Deze versie van de melding bestaat niet. Laad de melding opnieuw en leg uw actie dan vast."


class StoreUnavailable(CaseError):
    """Raised when the event store cannot be reached; nothing was written."""

    message = (
        "De opslag is tijdelijk niet bereikbaar. Er is niets opgeslagen; "
        "probeer het over een ogenblik opnieuw."
    )


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


OPENED_TOPIC = get_topic(Incident.Opened)
DEVELOPMENT_CHAIN_KEY = "alleen-voor-ontwikkeling-keten"
_COMMON_FIELDS = ("originator_id", "originator_version", "timestamp", "originator_topic")


class CaseManagement(Coordinating, OtherSchoolCommands, Application[UUID]):
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
        self.protocols = protocols or {}
        self.working_copies = WorkingCopies()

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
        if action in ("LetterRequested", "LetterProposed"):
            return self._request_letter(
                actor,
                incident_id,
                awaiting_review=action == "LetterProposed",
                expected_version=expected_version,
                override_reason=override_reason,
                **data,
            )[1]

        def record(incident: Incident) -> None:
            if action == "StepNotNeeded":
                self.protocol(incident.protocol_id).require_may_be_not_needed(str(data.get("step")))
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

    def request_letter(
        self,
        actor: Actor,
        incident_id: UUID,
        *,
        letter: str,
        group: str,
        recipients: list[str],
        statement: dict[str, str],
        four_eyes_from: int,
        override_reason: str = "",
        language: str = "nl",
        needs_review: bool = False,
        revises: UUID | None = None,
    ) -> tuple[UUID, int]:
        """Puts a guarded letter out for sending, in `language`, as a LetterRequest of its own;
        one that `needs_review` (services/case/four_eyes.py), or goes to more than
        `four_eyes_from` recipients, first awaits a second person's review. `revises` names the
        rejected letter this one replaces. The incident records that the letter was composed
        and, for a letter sent now, the step it carries out, in the same transaction."""
        return self._request_letter(
            actor,
            incident_id,
            letter=letter,
            group=group,
            recipients=recipients,
            statement=statement,
            awaiting_review=needs_review or len(recipients) > four_eyes_from,
            override_reason=override_reason,
            language=language,
            revises=revises,
        )

    def _request_letter(
        self,
        actor: Actor,
        incident_id: UUID,
        *,
        letter: str,
        group: str,
        recipients: list[str],
        statement: dict[str, str],
        awaiting_review: bool,
        expected_version: int | None = None,
        override_reason: str = "",
        language: str = "nl",
        revises: UUID | None = None,
    ) -> tuple[UUID, int]:
        self._require_handler(actor)
        incident = self._visible(actor, incident_id, for_change=True)
        if revises is not None:
            self._letter_of(incident, revises)  # a letter of this incident, or NoLetterToDecide
        if expected_version is not None and expected_version > incident.version:
            raise VersionUnknown()
        if expected_version is not None and incident.version != expected_version:
            raise ConcurrentEdit()
        letter_id = uuid4()
        incident.compose_letter(
            actor=actor.id,
            letter_id=letter_id,
            letter=letter,
            awaiting_review=awaiting_review,
            override_reason=override_reason,
        )
        request = LetterRequest.request(
            letter_id=letter_id,
            incident_id=incident_id,
            actor=actor.id,
            school_id=incident.school_id,
            board_id=incident.board_id,
            letter=letter,
            group=group,
            recipients=recipients,
            statement=statement,
            language=language,
            awaiting_review=awaiting_review,
            revises=str(revises or ""),
        )
        return letter_id, self._save(incident, request)

    def decide_letter(
        self,
        actor: Actor,
        incident_id: UUID,
        *,
        letter_id: UUID,
        approve: bool,
        reason: str = "",
        field: str = "",
    ) -> int:
        """A second person approves or rejects a letter awaiting review: a handler of the school,
        or the board's OTV (who approves where the school has no second handler: the web asks
        services/case/approvers.py). An approved letter records the step it carries out on the
        incident, in the same save. A rejection's reason concerns `field` ("" for the whole).

        Raises LetterRecipientsErased when the incident's personal data was erased meanwhile."""
        if actor.role is not Role.OTV:
            self._require_handler(actor)
        incident = self._visible(actor, incident_id, for_change=True)
        request = self._letter_of(incident, letter_id)
        if not approve:
            request.reject(actor=actor.id, reason=reason, field=field)
            return self._save(request)
        if any(a.action == "PersonalDataErased" for a in incident.actions):
            raise LetterRecipientsErased()
        incident.letter_approved(actor=actor.id, letter=request.letter)
        request.approve(actor=actor.id)
        return self._save(incident, request)

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

    def letters(self, actor: Actor, incident_id: UUID) -> list[LetterRequest]:
        """The letters of an incident the actor may see, oldest first."""
        incident = self._visible(actor, incident_id)
        return [self._letter_of(incident, letter_id) for letter_id in incident.letter_ids()]

    def letters_awaiting_review(self, actor: Actor, incident_id: UUID) -> list[LetterRequest]:
        """The letters of an incident that wait for a second person's review."""
        return [letter for letter in self.letters(actor, incident_id) if letter.awaiting_review]

    def record_letter_outcome(
        self, letter_id: UUID, *, outcome_id: str, sent: int, failed: int, reason: str, actor_id: str
    ) -> int | None:
        """Records on the letter's own stream what a background process reports of its sending.

        Never touches the incident, so no person's action waits for it or fails because of it.
        An outcome already recorded, or for a letter that does not exist, records nothing and
        returns None."""
        for _ in range(5):  # only another outcome of the same letter can come between
            request = self._stored_letter(letter_id)
            if request is None:
                return None
            if not request.record_outcome(
                outcome_id=outcome_id, actor=actor_id, sent=sent, failed=failed, reason=reason
            ):
                return None
            try:
                return self._save(request)
            except ConcurrentEdit:
                continue
        raise ConcurrentEdit()

    def record_letter_bounce(
        self, letter_id: UUID, *, outcome_id: str, recipient_key: str, reason: str, actor_id: str
    ) -> int | None:
        """Records on the letter's stream that mail to one recipient came back after the mail
        server accepted it: the recipient named by the key the notifier had (never told the
        address), matched here to the letter's recipients. Once per bounce; None when recorded
        already or for a letter that does not exist."""
        message_id = letter_message_id(str(letter_id))
        for _ in range(5):
            request = self._stored_letter(letter_id)
            if request is None:
                return None
            recipient = (
                next(
                    (
                        r
                        for r in request.recipients
                        if recipient_key_of(message_id, r).startswith(recipient_key)
                    ),
                    "",
                )
                if recipient_key
                else ""
            )
            if not request.record_bounce(
                outcome_id=outcome_id, actor=actor_id, recipient=recipient, reason=reason
            ):
                return None
            try:
                return self._save(request)
            except ConcurrentEdit:
                continue
        raise ConcurrentEdit()

    def stored_incident(self, incident_id: UUID) -> Incident:
        """The incident as stored, for the case service's own processes (the relay), which act
        for the school and show it to no one; IncidentNotFound when there is none."""
        return self._load(incident_id)

    def letter_request(self, letter_id: UUID) -> LetterRequest | None:
        """A letter by its id, for the processes that send it (no actor: they act for the school)."""
        return self._stored_letter(letter_id)

    def erase_personal_data(self, incident_id: UUID, *, actor_id: str, reason: str) -> int:
        """Ends the retention of an incident's personal data: records it, then destroys
        the incident's key. The events stay; their personal fields read as erased."""
        incident = self._load(incident_id)
        incident.erase_personal_data(actor=actor_id, reason=reason)
        notification_id = self._save(incident)
        self.working_copies.forget(incident_id)
        self.key_vault.erase(incident_id)
        return notification_id

    # ------------------------------------------------------------ access log

    def record_view(self, actor: Actor, incident_id: UUID, *, what: str, reason: str = "") -> int:
        """Logs that the actor looks at an incident (details, trail, export), before
        showing it. OTV and board state a reason. A refused look is logged too, and then
        raises IncidentNotFound, as for an incident that does not exist."""
        allowed = self._may_see(actor, incident_id)
        notification_id = self._log_access(
            incident_id,
            lambda log: log.viewed(
                actor=actor.id,
                role=actor.role.value,
                what=what,
                reason=reason,
                allowed=allowed,
                reason_required=actor.role in (Role.OTV, Role.BOARD),
            ),
        )
        if not allowed:
            raise IncidentNotFound()
        return notification_id

    def record_handover_download(self, actor: Actor, incident_id: UUID, *, form: str, watermark: str) -> int:
        """Logs a download of the hand-over sheet for the police, with the watermark printed
        on it. Only the school's own handlers hand a case over."""
        self._require_handler(actor)
        self._visible(actor, incident_id)
        return self._log_access(
            incident_id,
            lambda log: log.handover_sheet_downloaded(
                actor=actor.id, role=actor.role.value, form=form, watermark=watermark
            ),
        )

    def _log_access(self, incident_id: UUID, change: Callable[[AccessLog], None]) -> int:
        """Appends to the incident's access log, retrying when another look came first."""
        for _ in range(5):
            log = self._access_log(incident_id)
            change(log)
            try:
                with self._store_errors():
                    notification_id = self.save(log)[-1].notification.id
                break
            except IntegrityError:
                continue
        else:
            raise ConcurrentEdit()
        self._access_copies.keep(incident_id, log)
        assert notification_id is not None
        return notification_id

    def access_log(self, actor: Actor, incident_id: UUID) -> list[dict[str, object]]:
        """Who looked at the incident: for its school's handlers, the OTV and the board."""
        self._visible(actor, incident_id)
        log = self._access_log(incident_id)
        self._access_copies.keep(incident_id, log)
        return list(log.entries)

    @cached_property
    def _access_copies(self) -> AccessLogCopies:
        return AccessLogCopies()

    def _access_log(self, incident_id: UUID) -> AccessLog:
        """The incident's access log: the copy this process last saved with the looks stored
        since, or, the first time, read whole."""
        copy = self._access_copies.take(incident_id)
        if copy is not None:
            with self._store_errors():
                newer = self.recorder.select_events(copy.id, gt=copy.version)
            for stored in newer:
                event = self.mapper.to_domain_event(stored)
                assert isinstance(event, AccessLog.Event)
                event.mutate(copy)  # a mutable aggregate: changed in place
            return copy
        with self._store_errors():
            try:
                log: AccessLog = self.repository.get(AccessLog.create_id(incident_id))
            except AggregateNotFoundError:
                return AccessLog(incident_id)
        assert isinstance(log, AccessLog)
        return log

    # ----------------------------------------------------------------- queries

    def incident(self, actor: Actor, incident_id: UUID) -> Incident:
        """The incident, if the actor may see it; screened for the board and, until the
        school asks it for advice, for the OTV."""
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

    def audit_trail(self, actor: Actor, incident_id: UUID) -> list[TrailEntry]:
        """Every event of the incident in order, read straight from its stream, with the events
        of its letters (each from the letter's own stream) in their place in time."""
        incident = self._visible(actor, incident_id)
        with self._store_errors():
            entries = [
                trail_entry(event)
                for event in self.events.get(incident_id)
                if not isinstance(event, Incident.LetterComposed)  # the letter's own events say it
            ]
            entries += self._letter_entries(incident)
        entries.sort(key=lambda entry: entry.at)  # stable: an incident's own order stays
        return self._screened(actor, incident, entries)

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
            for letter_id in incident.letter_ids()
            for event in self.events.get(letter_id)
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

    def all_incident_ids(self) -> list[UUID]:
        """Every incident in the store, for maintenance processes that act for the board."""
        return [opened.originator_id for opened in self._opened_events()]

    def sealed_event(self, stored: StoredEvent) -> Any:
        """A stored event with its personal fields left sealed (read as erased): for the
        reports and lists, which never show personal data and so need no key."""
        mapper = self.mapper
        assert isinstance(mapper, CaseMapper)
        return mapper.to_sealed_domain_event(stored)

    def opened_event(self, incident_id: UUID) -> Incident.Opened:
        """The opening event alone: enough to know the school and board of an incident."""
        with self._store_errors():
            stored = self.recorder.select_events(incident_id, lte=1)
        opened = self.mapper.to_domain_event(stored[0]) if stored else None
        if not isinstance(opened, Incident.Opened):
            raise IncidentNotFound()
        return opened

    def event_at(self, incident_id: UUID, version: int) -> Any:
        """One stored event of an incident, read without replaying the others."""
        with self._store_errors():
            stored = self.recorder.select_events(incident_id, gt=version - 1, lte=version)
        if not stored:
            raise IncidentNotFound()
        return self.mapper.to_domain_event(stored[0])

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
        return checklist(protocol, actions), warnings(protocol, actions, incident.situation)

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

    def _letter_of(self, incident: Incident, letter_id: UUID) -> LetterRequest:
        """A letter of this incident; NoLetterToDecide for any other id."""
        request = self._stored_letter(letter_id) if letter_id in incident.letter_ids() else None
        if request is None or request.incident_id != str(incident.id):
            raise NoLetterToDecide()
        return request

    def _stored_letter(self, letter_id: UUID) -> LetterRequest | None:
        with self._store_errors():
            try:
                request: Aggregate = self.repository.get(letter_id)
            except AggregateNotFoundError:
                return None
        return request if isinstance(request, LetterRequest) else None

    def _may_see(self, actor: Actor, incident_id: UUID) -> bool:
        """Hard rule 4, plus the read access a handler granted a staff member."""
        opened = self.opened_event(incident_id)
        if may_see(actor, board_id=opened.board_id, school_id=opened.school_id):
            return True
        if actor.role is Role.STAFF and actor.school_id == opened.school_id:
            return actor.id in self._load(incident_id).staff_with_access()
        return False

    def _visible(self, actor: Actor, incident_id: UUID, *, for_change: bool = False) -> Incident:
        """The incident as stored, if the actor may see it; otherwise IncidentNotFound."""
        incident = self._load(incident_id, for_change=for_change)
        if not _may_see_loaded(actor, incident):
            self.record_view(actor, incident_id, what="poging tot inzage of wijziging")  # logs, then raises
            raise IncidentNotFound()
        return incident

    def _require_handler(self, actor: Actor) -> None:
        if actor.role is not Role.CASE_HANDLER:
            raise NotAllowed()

    def _load(self, incident_id: UUID, *, for_change: bool = False) -> Incident:
        """The incident from its events. For a change, the working copy that the last save in
        this process left is brought up to date with the events stored since, instead."""
        if for_change:
            copy = self.working_copies.take(incident_id)
            if copy is not None and (current := self._fast_forward(copy)) is not None:
                return current
        with self._store_errors():
            try:
                incident = self.repository.get(incident_id, projector_func=_replay)
            except AggregateNotFoundError:
                raise IncidentNotFound() from None
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
        if any(action.action == "PersonalDataErased" for action in incident.actions):
            return  # loaded around the erasure, it may still hold what was erased
        with self._lock:
            self._copies[incident.id] = incident
            while len(self._copies) > self.size:
                self._copies.popitem(last=False)

    def forget(self, incident_id: UUID) -> None:
        with self._lock:
            self._copies.pop(incident_id, None)


def _replay(incident: Any, events: Any) -> Any:
    """The library's projector without its per-event protocol check: the stored events of an
    incident are the aggregate's own, so a thousand-event case loads in half the time."""
    for event in events:
        incident = event.mutate(incident)
    return incident


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
    }
)


def letter_trail_entry(event: Any) -> TrailEntry:
    """An event of a letter's stream as a line of its incident's audit trail, under the name the
    incident's own letter events had, so that a trail reads the same before and after."""
    data = {k: v for k, v in vars(event).items() if k not in _NOT_IN_LETTER_TRAIL}
    if getattr(event, "revises", ""):
        data["revises"] = event.revises
    return TrailEntry(
        version=event.originator_version,
        event_type=event.trail_event_type(),
        sentence=sentence(type(event)),
        at=event.timestamp,
        actor=event.actor,
        data=data,
        letter_id=str(event.originator_id),
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
