"""The application's access log: who looked at an incident, who downloaded its hand-over
sheet, and a refused look, each on the incident's own log."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from functools import cached_property
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from services.case.access_logs import AccessLogCopies
from services.case.domain.access import AccessLog
from services.case.domain.incident import Incident
from services.case.errors import ConcurrentEdit, IncidentNotFound
from shared.identity import Actor, Role


class AccessLogging:
    """Mixed into CaseManagement; uses its visibility checks and store."""

    if TYPE_CHECKING:
        recorder: Any
        repository: Any
        mapper: Any
        save: Any

        def _visible(self, actor: Actor, incident_id: UUID, *, for_change: bool = False) -> Incident: ...

        def _may_see(self, actor: Actor, incident_id: UUID) -> bool: ...

        def _require_handler(self, actor: Actor) -> None: ...

        def _store_errors(self) -> AbstractContextManager[None]: ...

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
