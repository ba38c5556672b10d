"""Tasks and colleagues on the incident page, and each person's home page: their open tasks,
overdue first, and the new meldingen their care team was told of (a link, never a name).

`init_app` registers the routes, the care team the application alerts at opening, the
home page's read model and the helpers the included templates call.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any
from uuid import UUID

from flask import Blueprint, Flask, abort, current_app, flash, g, redirect, request, url_for
from werkzeug.wrappers import Response

from services.case.application import CaseManagement
from services.case.care_team import CareTeam
from services.case.domain.errors import CaseError
from services.case.domain.incident import Incident
from services.case.domain.protocol import Protocol, load_protocol, protocol_for_board
from services.case.domain.tasks import ACCESS_LEVELS, Task, TaskIncomplete, TaskNotAllowed
from services.case.screening import SCREENED
from services.case.web import labels, next_steps
from services.case.web.errors import status_of
from services.case.worklists import ListedTask, Worklists
from shared.accounts import Account, Accounts
from shared.identity import Actor, Role, may_see

blueprint = Blueprint("tasks", __name__)

NO_OWNER = "zonder eigenaar"


def init_app(app: Flask, worklists: Worklists | None = None) -> None:
    cases: CaseManagement = app.extensions["zorgvuldig.cases"]
    settings = app.extensions["zorgvuldig.settings"]
    accounts: Accounts = app.extensions["zorgvuldig.accounts"]
    cases.care_team = CareTeam(accounts, settings.boards_dir)
    app.extensions["zorgvuldig.worklists"] = worklists or Worklists(settings, cases)
    app.register_blueprint(blueprint)
    app.jinja_env.globals.update(
        home_worklist=home_worklist,
        step_tasks=step_tasks,
        task_form=task_form,
        access_levels=ACCESS_LEVELS,
        no_owner=NO_OWNER,
    )


def _cases() -> CaseManagement:
    return current_app.extensions["zorgvuldig.cases"]  # type: ignore[no-any-return]


def _accounts() -> Accounts:
    return current_app.extensions["zorgvuldig.accounts"]  # type: ignore[no-any-return]


def _actor() -> Actor:
    who: Actor | None = g.get("actor")
    if who is None:
        abort(401)
    return who


# ------------------------------------------------------------------ what the pages show


@dataclass(frozen=True)
class ShownTask:
    """A task as a page shows it: what, for whom (or "zonder eigenaar"), by when."""

    incident_id: UUID
    number: int
    step_title: str
    what: str
    owner: str
    owner_left: bool
    due_on: date
    overdue: bool
    done: bool
    mine: bool


def _owner(owner_id: str, board_id: str, school_id: str) -> tuple[str, bool]:
    """The owner's name, and whether they left the school; asked once per request and owner
    (a home page lists many tasks of few people)."""
    known: dict[tuple[str, str, str], tuple[str, bool]] = g.setdefault("task_owners", {})
    if (owner_id, board_id, school_id) not in known:
        account = _accounts().get(owner_id)
        if account is None or (account.board_id, account.school_id) != (board_id, school_id):
            known[(owner_id, board_id, school_id)] = (NO_OWNER, True)
        else:
            known[(owner_id, board_id, school_id)] = (account.name, False)
    return known[(owner_id, board_id, school_id)]


def suggestion_title(action: str) -> str:
    """A step's action as a task, phrased as something to do ("Omvang en impact bepalen")."""
    return next_steps.link(action)


def _what(suggestion: str, what: str) -> str:
    """A suggested action reads as its form's title; free text as it was typed."""
    if suggestion:
        said = suggestion_title(suggestion)
        return f"{said}: {what}" if what else said
    return what


def _step_titles(protocol: Protocol) -> dict[str, str]:
    return {step.key: f"Stap {step.number}. {step.title}" for step in protocol.steps}


def home_worklist() -> dict[str, Any]:
    """The home page's part: new meldingen, my open tasks, and for handlers the school's tasks
    whose owner left. Read from the read model; a free-text task reads its own event only."""
    actor = _actor()
    worklists: Worklists = current_app.extensions["zorgvuldig.worklists"]
    if not actor.school_id:
        return {"alerts": [], "tasks": [], "orphans": []}
    settings = current_app.extensions["zorgvuldig.settings"]
    titles = _step_titles(_cases().protocol(protocol_for_board(actor.board_id, settings.protocol_id)))
    mine = worklists.open_tasks_of(actor.id, actor.board_id, actor.school_id)
    orphans: list[ListedTask] = []
    if actor.role is Role.CASE_HANDLER:
        orphans = [
            t
            for t in worklists.open_tasks_of_school(actor.board_id, actor.school_id)
            if _owner(t.owner_id, t.board_id, t.school_id)[1]
        ]
    created = _created_with([*mine, *orphans])
    return {
        "alerts": worklists.alerts_of(actor.id, actor.board_id, actor.school_id),
        "tasks": [_listed(t, titles, actor, created) for t in mine],
        "orphans": [_listed(t, titles, actor, created) for t in orphans],
    }


def _created_with(tasks: list[ListedTask]) -> dict[tuple[UUID, int], str]:
    """What each task says, as its own event recorded it (sealed: not in the read model), read
    for every task at once."""
    try:
        events = _cases().events_at([(t.incident_id, t.number) for t in tasks])
    except CaseError:
        return {}
    return {at: str(getattr(event, "what", "")) for at, event in events.items()}


def _listed(
    task: ListedTask, titles: dict[str, str], actor: Actor, created: dict[tuple[UUID, int], str]
) -> ShownTask:
    what = created.get((task.incident_id, task.number), "")
    owner, left = _owner(task.owner_id, task.board_id, task.school_id)
    today = date.today()
    return ShownTask(
        task.incident_id,
        task.number,
        titles.get(task.step, task.step),
        _what(task.suggestion, what),
        owner,
        left,
        task.due_on,
        task.overdue(today),
        False,
        task.owner_id == actor.id,
    )


def step_tasks(incident: Incident, step_key: str) -> list[ShownTask]:
    """The tasks of one step on the incident page, from the incident already loaded."""
    actor = _actor()
    today = date.today()
    shown = []
    for task in incident.tasks_of_step(step_key):
        owner, left = _owner(task.owner_id, incident.board_id, incident.school_id)
        if actor.role in (Role.OTV, Role.BOARD) and task.what:  # typed text may name a pupil
            task = replace(task, what=SCREENED)
        shown.append(_shown(incident.id, task, owner, left, today, actor))
    return shown


def _shown(incident_id: UUID, task: Task, owner: str, left: bool, today: date, actor: Actor) -> ShownTask:
    return ShownTask(
        incident_id, task.number, "", _what(task.suggestion, task.what), owner, left, task.due_on,
        task.open and task.due_on < today, not task.open, task.owner_id == actor.id,
    )  # fmt: skip


def task_form(incident: Incident, protocol: Protocol) -> dict[str, Any]:
    """What the form for a new task offers: the steps, their suggested actions, the school's people.
    Once per page, also when every task offers to hand it over."""
    if "task_form" in g:
        return g.task_form  # type: ignore[no-any-return]
    people = [
        a for a in _accounts().all() if (a.board_id, a.school_id) == (incident.board_id, incident.school_id)
    ]
    g.task_form = {
        "steps": [(s.key, f"Stap {s.number}. {s.title}") for s in protocol.steps],
        "suggestions": [
            (s.key, action, suggestion_title(action))
            for s in protocol.steps
            for action in s.actions
            if isinstance(getattr(Incident, action, None), type)
        ],
        "people": [(a.username, a.name) for a in sorted(people, key=lambda a: a.name)],
        "today": date.today().isoformat(),
    }
    return g.task_form  # type: ignore[no-any-return]


# ------------------------------------------------------------------ commands


def _back(incident_id: UUID) -> Response:
    target = request.form.get("terug", "")
    if target == "home":
        return redirect(url_for("case.incidents"))
    return redirect(url_for("case.incident", incident_id=incident_id) + "#taken")


def _account(username: str) -> Account:
    account = _accounts().get(username.strip()) if username.strip() else None
    if account is None:
        raise TaskIncomplete("Kies een collega van de school.")
    return account


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise TaskIncomplete("Vul een geldige datum in (dag, maand, jaar).") from None


def require_handler_of(incident_id: UUID) -> None:
    """Only a handler of the incident's own school plans its work: 403 or 404 before the form is read."""
    actor = _actor()
    if actor.role is not Role.CASE_HANDLER:
        abort(403)
    try:
        opened = _cases().opened_event(incident_id)
    except CaseError:
        abort(404)
    if not may_see(actor, board_id=opened.board_id, school_id=opened.school_id):
        abort(404)


def _attempt(incident_id: UUID, command: Any, done: str) -> Response:
    """Runs a command; a refusal is flashed in Dutch and the page shown again."""
    try:
        command()
    except TaskNotAllowed:
        abort(403)
    except CaseError as error:
        if status_of(error) in (403, 404, 503):
            raise
        flash(str(error), "fout")
    else:
        flash(done)
    return _back(incident_id)


@blueprint.post("/meldingen/<uuid:incident_id>/taken")
def create(incident_id: UUID) -> Response:
    require_handler_of(incident_id)
    form = request.form
    suggestion = form.get("voorstel", "").strip()
    step = form.get("stap", "").strip()
    if ":" in suggestion:  # "step:Action" from the list of suggested actions
        step, suggestion = suggestion.split(":", 1)
    return _attempt(
        incident_id,
        lambda: _cases().create_task(
            _actor(),
            incident_id,
            step=step,
            suggestion=suggestion,
            what=form.get("wat", ""),
            owner=_account(form.get("eigenaar", "")).actor,
            due_on=_date(form.get("datum", "")),
        ),
        "De taak is aangemaakt.",
    )


@blueprint.post("/meldingen/<uuid:incident_id>/taken/<int:number>/overdragen")
def reassign(incident_id: UUID, number: int) -> Response:
    require_handler_of(incident_id)
    form = request.form
    return _attempt(
        incident_id,
        lambda: _cases().reassign_task(
            _actor(),
            incident_id,
            number=number,
            owner=_account(form.get("eigenaar", "")).actor,
            due_on=_date(form.get("datum", "")),
        ),
        "De taak is overgedragen.",
    )


@blueprint.post("/meldingen/<uuid:incident_id>/taken/<int:number>/afgerond")
def finish(incident_id: UUID, number: int) -> Response:
    return _attempt(
        incident_id,
        lambda: _cases().finish_task(_actor(), incident_id, number=number),
        "De taak is afgerond.",
    )


@blueprint.post("/meldingen/<uuid:incident_id>/taken/<int:number>/heropenen")
def reopen(incident_id: UUID, number: int) -> Response:
    return _attempt(
        incident_id,
        lambda: _cases().reopen_task(_actor(), incident_id, number=number),
        "De taak is heropend.",
    )


@blueprint.post("/meldingen/<uuid:incident_id>/collegas")
def add_colleague(incident_id: UUID) -> Response:
    require_handler_of(incident_id)
    form = request.form
    return _attempt(
        incident_id,
        lambda: _cases().add_colleague(
            _actor(),
            incident_id,
            added=_account(form.get("collega", "")).actor,
            access=form.get("toegang", ""),
        ),
        "De collega is aan de melding toegevoegd.",
    )


# ------------------------------------------------------------------ the trail in Dutch


def _person(value: Any, person: labels.Person) -> str:
    return person(str(value))


def _task_number(value: Any, _: labels.Person) -> str:
    return f"taak {value}"


def _step_title(value: Any, _: labels.Person) -> str:
    titles = _step_titles(load_protocol())
    return titles.get(str(value), str(value))


def _suggestion(value: Any, _: labels.Person) -> str:
    return suggestion_title(str(value)) if value else "geen (eigen omschrijving)"


_TASK = {"number": labels.Label("Taak", reads=_task_number)}
labels.register("CareTeamAlerted", {"members": labels.Label("Zorgteam", reads=_person, counted="personen")})
labels.register(
    "ColleagueAdded",
    {
        "colleague_id": labels.Label("Collega", reads=_person),
        "access": labels.Label("Toegang", ACCESS_LEVELS),
    },
)
labels.register(
    "TaskCreated",
    {
        **_TASK,
        "step": labels.Label("Stap", reads=_step_title),
        "suggestion": labels.Label("Voorgestelde actie", reads=_suggestion),
        "what": labels.Label("Wat"),
        "owner_id": labels.Label("Eigenaar", reads=_person),
        "due_on": labels.Label("Uiterlijk"),
    },
)
labels.register(
    "TaskReassigned",
    {**_TASK, "owner_id": labels.Label("Eigenaar", reads=_person), "due_on": labels.Label("Uiterlijk")},
)
labels.register("TaskDone", _TASK)
labels.register("TaskReopened", _TASK)
