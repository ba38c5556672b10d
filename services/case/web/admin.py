"""The administrator's status page. An administrator belongs to a board and sees that board
only: its accounts, their sign-ins and its last letter outcomes. The installation's
administrator (a role of its own) sees the machinery of every board besides: how far behind
the reports are, the letter queues and dead letters (with "send again"). No incident
content for either: an administrator sees the machinery, never a case."""

from __future__ import annotations

from typing import Any

from eventsourcing.domain import Aggregate
from eventsourcing.utils import get_topic
from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from services.case.application import CaseManagement
from services.case.domain.incident import Incident
from services.case.domain.letter_request import LetterRequest
from shared import messaging
from shared.accounts import Account, Accounts, school_name
from shared.identity import Actor, Role

blueprint = Blueprint("beheer", __name__, url_prefix="/beheer")

# The outcomes on the letters' own streams, and those the incidents recorded before that.
OUTCOMES = [
    get_topic(LetterRequest.Sent),
    get_topic(LetterRequest.Failed),
    get_topic(Incident.LetterSent),
    get_topic(Incident.LetterFailed),
]


@blueprint.before_request
def administrators_only() -> None:
    if g.get("actor") is None or not g.actor.is_administrator:
        abort(403)


def installation_wide() -> bool:
    return bool(g.actor.role is Role.INSTALLATION_ADMINISTRATOR)


def queue_depths() -> dict[str, Any]:
    settings = current_app.extensions["zorgvuldig.settings"]
    try:
        with messaging.connect(settings) as connection:
            depths = {}
            for queue in messaging.queues(connection):
                _, count, consumers = queue(connection.default_channel).queue_declare(passive=False)
                depths[queue.name] = {"berichten": count, "verwerkers": consumers}
            return depths
    except Exception as error:
        return {"fout": f"Broker niet bereikbaar ({type(error).__name__})"}


def last_outcomes(cases: CaseManagement, actor: Actor, count: int = 10) -> list[dict[str, Any]]:
    """The newest letter outcomes of the boards this administrator may see."""
    newest = cases.recorder.max_notification_id() or 0
    found = cases.recorder.select_notifications(start=max(1, newest - 2000), limit=2001, topics=OUTCOMES)
    outcomes: list[dict[str, Any]] = []
    boards: dict[Any, str] = {}
    for notification in found[::-1]:
        if len(outcomes) == count:
            break
        event = cases.mapper.to_domain_event(notification)
        assert isinstance(event, Aggregate.Event)  # the outcome topics are all aggregate events
        incident_id = event.originator_id
        if incident_id not in boards:
            boards[incident_id] = cases.opened_event(incident_id).board_id
        if not actor.administers(boards[incident_id]):
            continue
        outcomes.append(
            {
                "at": event.timestamp,
                "sent": isinstance(event, LetterRequest.Sent | Incident.LetterSent),
                "count": getattr(event, "recipient_count", 0),
                "reason": getattr(event, "reason", ""),
            }
        )
    return outcomes


@blueprint.get("/")
def status() -> str:
    cases: CaseManagement = current_app.extensions["zorgvuldig.cases"]
    accounts: Accounts = current_app.extensions["zorgvuldig.accounts"]
    shown = own_accounts()
    machinery: dict[str, Any] = {}
    if installation_wide():
        reports = current_app.extensions["zorgvuldig.reports"]
        position, updated = reports.position()
        machinery = {
            "newest": cases.recorder.max_notification_id() or 0,
            "position": position,
            "updated": updated,
            "skipped": len(reports.skipped()),
            "queues": queue_depths(),
        }
    return render_template(
        "admin/status.html",
        machinery=machinery,
        outcomes=last_outcomes(cases, g.actor),
        accounts=shown,
        sign_ins=accounts.log.of([a.username for a in shown], limit=20),
    )


def own_accounts() -> list[Account]:
    """The accounts of the administrator's own board (of every board for the installation's).
    The installation's administrator belongs to a board too, but is not that board's to see:
    neither the account nor its sign-ins show to the board's administrator."""
    accounts: Accounts = current_app.extensions["zorgvuldig.accounts"]
    return [
        a
        for a in accounts.all()
        if g.actor.administers(a.board_id)
        and (a.role is not Role.INSTALLATION_ADMINISTRATOR or installation_wide())
    ]


@blueprint.get("/accounts")
def accounts() -> str:
    """The administrator's home: the accounts of their board, per school."""
    by_school: dict[str, list[Account]] = {}
    for account in own_accounts():
        by_school.setdefault(school_name(account.school_id) if account.school_id else "", []).append(account)
    store: Accounts = current_app.extensions["zorgvuldig.accounts"]
    return render_template(
        "admin/accounts.html",
        by_school=sorted(by_school.items()),
        care_team=store.marked_care_team(),
        may_reset=may_reset,
    )


@blueprint.post("/dode-brieven/opnieuw")
def retry_dead_letters() -> Response:
    """Moves every dead letter back to the letter queue, with its own message_id (so a letter
    that did go out to some recipients is not sent to them twice). The queues hold letters of
    every board: only the installation's administrator moves them."""
    if not installation_wide():
        abort(403)
    settings = current_app.extensions["zorgvuldig.settings"]
    moved = 0
    with messaging.connect(settings) as connection:
        _, dead = messaging.queues(connection)
        bound = dead(connection.default_channel)
        while (message := bound.get(no_ack=False)) is not None:
            body = message.body if isinstance(message.body, str) else bytes(message.body).decode()
            messaging.publish(connection, body, message_id=str(message.properties.get("message_id", "")))
            message.ack()
            moved += 1
    flash(f"{moved} bericht(en) opnieuw in de wachtrij gezet." if moved else "Er waren geen dode brieven.")
    return redirect(url_for("beheer.status"))


def may_reset(account: Account) -> bool:
    """A board's administrator resets the accounts of their board, but not the installation's
    administrator, who belongs to a board too: the one-time password would hand them the
    machinery of every board. Nobody resets their own account here (that is /wachtwoord)."""
    if account.role is Role.INSTALLATION_ADMINISTRATOR and not installation_wide():
        return False
    return bool(g.actor.administers(account.board_id)) and account.username != g.actor.id


@blueprint.post("/accounts/<username>/herstel")
def reset_password(username: str) -> str:
    """An administrator's reset of an account of their board: a one-time password, shown once
    on this page (never in a cookie or a log), and every session and API token ended."""
    accounts: Accounts = current_app.extensions["zorgvuldig.accounts"]
    account = accounts.get(username)
    if account is None or not may_reset(account):
        abort(404)  # another board's accounts are not this administrator's; their own: /wachtwoord
    password = accounts.reset_password(account.username)
    return render_template("admin/reset.html", account=account, password=password)


@blueprint.post("/zorgteam")
def care_team() -> Response:
    """Marks an account of a school as one of its care team (told of every new melding), or not."""
    accounts: Accounts = current_app.extensions["zorgvuldig.accounts"]
    account = accounts.get(request.form.get("gebruikersnaam", ""))
    if account is not None and not g.actor.administers(account.board_id):
        abort(404)  # another board's accounts are not this administrator's to manage
    if account is None or not account.school_id:
        flash("Alleen een account van een school kan in het zorgteam.")
        return redirect(url_for("beheer.accounts"))
    member = request.form.get("zorgteam") == "ja"
    accounts.set_care_team(account.username, member)
    flash(f"{account.name} is {'nu' if member else 'niet meer'} lid van het zorgteam van de school.")
    return redirect(url_for("beheer.accounts"))
