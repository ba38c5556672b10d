"""The application's commands on letters: requesting one, a second person's decision, and
what the sending processes report back, each on the letter's own stream."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate

from services.case.domain.errors import LetterRecipientsErased, NoLetterToDecide
from services.case.domain.incident import Incident
from services.case.domain.letter_request import LetterRequest
from services.case.errors import ConcurrentEdit, VersionUnknown
from services.case.histories import Histories, replay
from shared.contracts import letter_message_id
from shared.contracts import recipient_key as recipient_key_of
from shared.identity import Actor, Role


class LetterCommands:
    """Mixed into CaseManagement; uses its load, visibility and save."""

    if TYPE_CHECKING:
        repository: Any
        histories: Histories

        def _visible(self, actor: Actor, incident_id: UUID, *, for_change: bool = False) -> Incident: ...

        def _require_handler(self, actor: Actor) -> None: ...

        def _save(self, *aggregates: Incident | LetterRequest) -> int: ...

        def _store_errors(self) -> AbstractContextManager[None]: ...

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
        if incident.personal_data_erased:
            raise LetterRecipientsErased()
        incident.letter_approved(actor=actor.id, letter=request.letter)
        request.approve(actor=actor.id)
        return self._save(incident, request)

    def letters(self, actor: Actor, incident_id: UUID) -> list[LetterRequest]:
        """The letters of an incident the actor may see, oldest first: to show, never to change."""
        incident = self._visible(actor, incident_id)
        with self._store_errors():
            events = self.histories.letter_events(incident.id, incident.letter_ids())
        return [self._shown_letter(incident, letter_id, events[letter_id]) for letter_id in events]

    def letters_awaiting_review(self, actor: Actor, incident_id: UUID) -> list[LetterRequest]:
        """The letters of an incident that wait for a second person's review."""
        return [letter for letter in self.letters(actor, incident_id) if letter.awaiting_review]

    def record_letter_outcome(
        self,
        letter_id: UUID,
        *,
        outcome_id: str,
        sent: int,
        failed: int,
        reason: str,
        actor_id: str,
        maybe_twice: int = 0,
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
                outcome_id=outcome_id,
                actor=actor_id,
                sent=sent,
                failed=failed,
                reason=reason,
                maybe_twice=maybe_twice,
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

    def letter_request(self, letter_id: UUID) -> LetterRequest | None:
        """A letter by its id, for the processes that send it (no actor: they act for the school)."""
        return self._stored_letter(letter_id)

    def _letter_of(self, incident: Incident, letter_id: UUID) -> LetterRequest:
        """A letter of this incident; NoLetterToDecide for any other id."""
        request = self._stored_letter(letter_id) if letter_id in incident.letter_ids() else None
        if request is None or request.incident_id != str(incident.id):
            raise NoLetterToDecide()
        return request

    def _shown_letter(self, incident: Incident, letter_id: UUID, events: tuple[Any, ...]) -> LetterRequest:
        """A letter of this incident from its events as stored now (`Histories.letter_events`),
        replayed once per version: to show, never to change (readers share it)."""
        request = (
            self.histories.remembered(incident.id, (letter_id, len(events)), lambda: replay(None, events))
            if events
            else None
        )
        if not isinstance(request, LetterRequest) or request.incident_id != str(incident.id):
            raise NoLetterToDecide()
        return request

    def _stored_letter(self, letter_id: UUID) -> LetterRequest | None:
        with self._store_errors():
            try:
                request: Aggregate = self.repository.get(letter_id)
            except AggregateNotFoundError:
                return None
        return request if isinstance(request, LetterRequest) else None
