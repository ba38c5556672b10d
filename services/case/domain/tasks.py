"""The week coordinated inside one incident: the care team alerted at opening, colleagues
added to the case, and the action plan as tasks with an owner, a due date and a status.

The events are registered on `Incident` (its class body names them), so their topics are
the incident's own; their rules live here, in `Coordination`, which the Incident inherits.
A task is numbered by the version of the event that created it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any, ClassVar

from eventsourcing.domain import Aggregate

from services.case.domain.actions import IncidentPart
from services.case.domain.errors import CaseError, IncidentClosed
from services.case.domain.guards import refuse_material


class TaskOwnerOfAnotherSchool(CaseError):
    """Raised when a task or an incident would go to someone who does not work at its school."""

    message = (
        "Deze persoon werkt niet op de school van deze melding. Een taak of toegang tot de melding "
        "kan alleen naar iemand van de eigen school."
    )


class TaskNotFound(CaseError):
    """Raised when a task number names no task of the incident."""

    message = "Deze taak bestaat niet bij deze melding."


class TaskNotAllowed(CaseError):
    """Raised when someone other than the owner or a handler of the school changes a task."""

    message = (
        "Alleen wie de taak heeft, of een behandelaar van de school, kan deze taak afronden of heropenen."
    )


class TaskUnchanged(CaseError):
    """Raised when a task is finished twice, reopened while open, or handed to its own owner."""

    message = "Deze taak staat al zo; er is niets veranderd."


class TaskIncomplete(CaseError):
    """Raised when a task lacks what it is, who does it, or by when."""

    message = "Een taak heeft een omschrijving (of een voorgestelde actie), een eigenaar en een datum nodig."


class TaskStatus(Enum):
    OPEN = "open"
    DONE = "gedaan"


ACCESS_LEVELS = {"lezen": "mag de melding lezen", "behandelen": "behandelt de melding mee"}


@dataclass
class Task:
    """One task as it stands now."""

    number: int
    step: str
    suggestion: str  # the event class name of a step's action, or "" for free text
    what: str
    owner_id: str
    due_on: date
    status: TaskStatus
    created_by: str

    @property
    def open(self) -> bool:
        return self.status is TaskStatus.OPEN


@dataclass(frozen=True)
class Colleague:
    """Who a task or an incident goes to: an account, and the school it works at."""

    id: str
    board_id: str
    school_id: str


class CareTeamAlerted(Aggregate.Event):
    """Het zorgteam van de school is gewaarschuwd: een bericht zonder namen, met een link."""

    actor: str
    members: list[str]


class ColleagueAdded(Aggregate.Event):
    """Een collega is aan de melding toegevoegd (lezen of meebehandelen)."""

    actor: str
    colleague_id: str
    access: str

    def apply(self, incident: Any) -> None:
        incident.colleagues[self.colleague_id] = self.access


class TaskCreated(Aggregate.Event):
    """Een taak is aangemaakt: wat, wie en wanneer."""

    actor: str
    number: int
    step: str
    suggestion: str
    what: str
    owner_id: str
    due_on: str
    personal: ClassVar[tuple[str, ...]] = ("what",)

    def apply(self, incident: Any) -> None:
        incident.tasks[self.number] = Task(
            self.number,
            self.step,
            self.suggestion,
            self.what,
            self.owner_id,
            date.fromisoformat(self.due_on),
            TaskStatus.OPEN,
            self.actor,
        )


class TaskReassigned(Aggregate.Event):
    """Een taak is aan iemand anders gegeven of heeft een nieuwe datum."""

    actor: str
    number: int
    owner_id: str
    due_on: str

    def apply(self, incident: Any) -> None:
        task = incident.tasks[self.number]
        task.owner_id, task.due_on = self.owner_id, date.fromisoformat(self.due_on)


class TaskDone(Aggregate.Event):
    """Een taak is afgerond."""

    actor: str
    number: int

    def apply(self, incident: Any) -> None:
        incident.tasks[self.number].status = TaskStatus.DONE


class TaskReopened(Aggregate.Event):
    """Een afgeronde taak is heropend."""

    actor: str
    number: int

    def apply(self, incident: Any) -> None:
        incident.tasks[self.number].status = TaskStatus.OPEN


class Coordination(IncidentPart):
    """The commands and queries of tasks and colleagues, mixed into `Incident`."""

    # Provided by Incident: its school.
    school_id: str
    board_id: str

    @property
    def tasks(self) -> dict[int, Task]:
        """Every task of the incident by number (an incident from before tasks has none)."""
        return self.__dict__.setdefault("_tasks", {})

    @property
    def colleagues(self) -> dict[str, str]:
        """Colleagues a handler added, with their access ("lezen" or "behandelen")."""
        return self.__dict__.setdefault("_colleagues", {})

    def alert_care_team(self, *, actor: str, members: list[str]) -> None:
        """Records that the school's care team is told of the new incident (none: nothing)."""
        if members:
            self.trigger_event(self.registered(CareTeamAlerted), actor=actor, members=list(members))

    def add_colleague(self, *, actor: str, colleague: Colleague, access: str) -> None:
        """Adds a colleague of the school to the incident. Raises TaskOwnerOfAnotherSchool."""
        self._require_own_school(colleague)
        if access not in ACCESS_LEVELS:
            raise TaskIncomplete("Kies of de collega de melding mag lezen of mee behandelt.")
        if self.colleagues.get(colleague.id) == access:
            raise TaskUnchanged()
        self.trigger_event(
            self.registered(ColleagueAdded), actor=actor, colleague_id=colleague.id, access=access
        )

    def create_task(
        self, *, actor: str, step: str, suggestion: str, what: str, owner: Colleague, due_on: date
    ) -> int:
        """Adds a task to the action plan; returns its number.

        Raises TaskOwnerOfAnotherSchool, TaskIncomplete or IncidentClosed."""
        self._require_open()
        self._require_own_school(owner)
        if not (suggestion or what.strip()) or not owner.id:
            raise TaskIncomplete()
        refuse_material({"what": what})
        number = self.version + 1
        self.trigger_event(
            self.registered(TaskCreated),
            actor=actor,
            number=number,
            step=step,
            suggestion=suggestion,
            what=what.strip(),
            owner_id=owner.id,
            due_on=due_on.isoformat(),
        )
        return number

    def reassign_task(self, *, actor: str, number: int, owner: Colleague, due_on: date) -> None:
        """Gives a task to another colleague of the school, or a new date."""
        task = self.task(number)
        self._require_own_school(owner)
        if (task.owner_id, task.due_on) == (owner.id, due_on):
            raise TaskUnchanged()
        self.trigger_event(
            self.registered(TaskReassigned),
            actor=actor,
            number=number,
            owner_id=owner.id,
            due_on=due_on.isoformat(),
        )

    def finish_task(self, *, actor: str, number: int, may_act: bool) -> None:
        """The owner, or a handler (`may_act`), finishes a task."""
        task = self._changeable(actor, number, may_act)
        if not task.open:
            raise TaskUnchanged()
        self.trigger_event(self.registered(TaskDone), actor=actor, number=number)

    def reopen_task(self, *, actor: str, number: int, may_act: bool) -> None:
        """The owner, or a handler (`may_act`), reopens a finished task."""
        task = self._changeable(actor, number, may_act)
        if task.open:
            raise TaskUnchanged()
        self.trigger_event(self.registered(TaskReopened), actor=actor, number=number)

    def task(self, number: int) -> Task:
        """The task with this number, or TaskNotFound."""
        try:
            return self.tasks[number]
        except KeyError:
            raise TaskNotFound() from None

    def tasks_of_step(self, step: str) -> list[Task]:
        """The tasks of one step of the checklist, open ones first, by due date."""
        found = [t for t in self.tasks.values() if t.step == step]
        return sorted(found, key=lambda t: (not t.open, t.due_on, t.number))

    def _changeable(self, actor: str, number: int, may_act: bool) -> Task:
        task = self.tasks.get(number)
        if not may_act and (task is None or actor != task.owner_id):
            raise TaskNotAllowed()  # whether another's task exists is not theirs to learn
        return self.task(number)

    def _require_own_school(self, colleague: Colleague) -> None:
        if (colleague.board_id, colleague.school_id) != (self.board_id, self.school_id):
            raise TaskOwnerOfAnotherSchool()

    def _require_open(self) -> None:
        if getattr(self, "status", None) is not None and self.status.value == "gesloten":  # type: ignore[attr-defined]
            raise IncidentClosed()
