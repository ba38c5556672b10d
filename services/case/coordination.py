"""The application's commands for the week coordinated: tasks and colleagues on an incident,
and the care team named at opening. Mixed into `CaseManagement`, so each command loads the
incident, calls one aggregate method and saves, as every other command does.

Who belongs to a school's care team is the composition root's to say (`care_team`): the
board's file and the accounts marked on the administrator's page (services/case/care_team.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

from services.case.domain.errors import CaseError
from services.case.domain.incident import Incident
from services.case.domain.tasks import Colleague
from services.case.event_log import events_at
from shared.identity import Actor, Role


class HandlingNeedsHandler(CaseError):
    """Raised when a staff member would be added to handle an incident, not just to read it."""

    message = (
        "Alleen een behandelaar kan een melding mee behandelen. Geef deze medewerker leesrecht, "
        "of geef hem of haar een taak."
    )


def colleague(account: Actor) -> Colleague:
    return Colleague(account.id, account.board_id, account.school_id)


def no_care_team(board_id: str, school_id: str) -> list[str]:
    return []


class Coordinating:
    """Commands on tasks and colleagues; the methods they use are CaseManagement's."""

    care_team: Callable[[str, str], list[str]] = staticmethod(no_care_team)  # type: ignore[assignment]
    _change: Any
    _load: Any
    _save: Any
    _store_errors: Any
    recorder: Any
    mapper: Any

    def events_at(self, wanted: list[tuple[UUID, int]]) -> dict[tuple[UUID, int], Any]:
        """The stored events at these versions of these incidents (what tasks on a home page were
        created with), read in one go without replaying the incidents; missing ones left out."""
        with self._store_errors():
            stored = events_at(self.recorder, wanted)
        return {at: self.mapper.to_domain_event(event) for at, event in stored.items()}

    def members_to_alert(self, actor: Actor) -> list[str]:
        """The care team of the actor's school, without the one who opens the incident."""
        return [m for m in self.care_team(actor.board_id, actor.school_id) if m != actor.id]

    def create_task(
        self,
        actor: Actor,
        incident_id: UUID,
        *,
        step: str,
        suggestion: str,
        what: str,
        owner: Actor,
        due_on: date,
    ) -> int:
        """A handler adds a task for a colleague of the school to the action plan."""
        return self._change(  # type: ignore[no-any-return]
            actor,
            incident_id,
            None,
            lambda i: i.create_task(
                actor=actor.id,
                step=step,
                suggestion=suggestion,
                what=what,
                owner=colleague(owner),
                due_on=due_on,
            ),
        )

    def reassign_task(
        self, actor: Actor, incident_id: UUID, *, number: int, owner: Actor, due_on: date
    ) -> int:
        """A handler gives a task to another colleague of the school, or a new date."""
        return self._change(  # type: ignore[no-any-return]
            actor,
            incident_id,
            None,
            lambda i: i.reassign_task(actor=actor.id, number=number, owner=colleague(owner), due_on=due_on),
        )

    def finish_task(self, actor: Actor, incident_id: UUID, *, number: int) -> int:
        """The owner of a task, or a handler of the school, finishes it."""
        return self._task_change(actor, incident_id, lambda i, may_act: i.finish_task(
            actor=actor.id, number=number, may_act=may_act))  # fmt: skip

    def reopen_task(self, actor: Actor, incident_id: UUID, *, number: int) -> int:
        """The owner of a task, or a handler of the school, reopens it."""
        return self._task_change(actor, incident_id, lambda i, may_act: i.reopen_task(
            actor=actor.id, number=number, may_act=may_act))  # fmt: skip

    def add_colleague(self, actor: Actor, incident_id: UUID, *, added: Actor, access: str) -> int:
        """A handler adds a colleague of the school to the incident, to read or to handle it.
        A staff member who may read it is granted read access in the same save."""

        def add(incident: Incident) -> None:
            if access == "behandelen" and added.role is not Role.CASE_HANDLER:
                raise HandlingNeedsHandler()
            incident.add_colleague(actor=actor.id, colleague=colleague(added), access=access)
            if added.role is Role.STAFF and added.id not in incident.staff_with_access():
                incident.record("StaffAccessGranted", actor=actor.id, staff_id=added.id)

        return self._change(actor, incident_id, None, add)  # type: ignore[no-any-return]

    def _task_change(self, actor: Actor, incident_id: UUID, command: Callable[[Incident, bool], None]) -> int:
        """A handler changes a task as any command; the owner, whatever their role, only
        their own task of an incident of their own school."""
        if actor.role is Role.CASE_HANDLER:
            return self._change(actor, incident_id, None, lambda i: command(i, True))  # type: ignore[no-any-return]
        from services.case.application import IncidentNotFound

        incident: Incident = self._load(incident_id, for_change=True)
        if (incident.board_id, incident.school_id) != (actor.board_id, actor.school_id):
            raise IncidentNotFound()
        command(incident, False)
        return self._save(incident)  # type: ignore[no-any-return]
