"""Other schools on the incident page, and the page behind a school's one-time link, which
needs no account and shows nothing of the incident: one button to confirm receipt and, for
the school of the pupil who spread it, room for its feedback."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from flask import Blueprint, Flask, current_app, flash, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from services.case.application import CaseManagement
from services.case.domain.errors import CaseError
from services.case.domain.incident import Incident
from services.case.domain.other_schools import ROLES, LinkExpired, LinkInvalid, LinkUsed
from services.case.other_schools import may_ask_notice
from services.case.web import labels
from services.case.web.errors import status_of
from services.case.web.tasks import require_handler_of

blueprint = Blueprint("other_schools", __name__)

LINK_REFUSALS = (LinkInvalid, LinkUsed, LinkExpired)


def init_app(app: Flask) -> None:
    app.register_blueprint(blueprint)
    app.jinja_env.globals.update(other_schools_of=other_schools_of, other_school_roles=ROLES)


def _cases() -> CaseManagement:
    return current_app.extensions["zorgvuldig.cases"]  # type: ignore[no-any-return]


def other_schools_of(incident: Incident) -> list[dict[str, Any]]:
    """The schools as the incident page shows them, with each one's link for the handler and
    its notice's letter: waiting for its review, rejected, sent, or come back."""
    today = date.today()
    site = current_app.extensions["zorgvuldig.settings"].site_url
    rows = []
    for school in sorted(incident.other_schools.values(), key=lambda s: s.number):
        notice = _cases().letter_request(UUID(school.notice_letter)) if school.notice_letter else None
        rows.append(
            {
                "school": school,
                "role": ROLES.get(school.role, school.role),
                "link": site + _cases().confirmation_link(incident.id, school.number),
                "waiting_too_long": school.waiting_too_long(today) and (notice is None or notice.sent_count),
                "notice": notice,
                "bounced": [why for _, why in notice.bounced] if notice is not None else [],
                "may_ask_notice": may_ask_notice(_cases(), school),
            }
        )
    return rows


def _attempt(incident_id: UUID, command: Any, done: str) -> Response:
    try:
        command()
    except CaseError as error:
        if status_of(error) in (403, 404, 503):
            raise
        flash(str(error))
    else:
        flash(done)
    return redirect(url_for("case.incident", incident_id=incident_id) + "#andere-scholen")


@blueprint.post("/meldingen/<uuid:incident_id>/andere-scholen")
def record(incident_id: UUID) -> Response:
    require_handler_of(incident_id)
    form = request.form
    return _attempt(
        incident_id,
        lambda: _cases().record_other_school(
            g.actor,
            incident_id,
            name=form.get("naam", ""),
            contact=form.get("adres", ""),
            role=form.get("rol", ""),
        ),
        "De andere school is vastgelegd. Stuur haar het bericht met de link hieronder, of bel haar.",
    )


@blueprint.post("/meldingen/<uuid:incident_id>/andere-scholen/<int:number>/ingelicht")
def notified(incident_id: UUID, number: int) -> Response:
    require_handler_of(incident_id)
    form = request.form
    return _attempt(
        incident_id,
        lambda: _cases().other_school_notified(
            g.actor, incident_id, number=number, how=form.get("hoe", ""), on=date.today(),
            reason=form.get("reden", ""),
        ),
        "Vastgelegd hoe de school is ingelicht. Een standaardbericht gaat binnen enkele minuten weg.",
    )  # fmt: skip


@blueprint.post("/meldingen/<uuid:incident_id>/andere-scholen/<int:number>/ingetrokken")
def withdrawn(incident_id: UUID, number: int) -> Response:
    require_handler_of(incident_id)
    return _attempt(
        incident_id,
        lambda: _cases().withdraw_other_school(
            g.actor, incident_id, number=number, reason=request.form.get("reden", "")
        ),
        "De school is ingetrokken. Zij telt niet meer mee voor stap 1 en haar link werkt niet meer.",
    )


@blueprint.route("/bevestigen/<token>", methods=["GET", "POST"])
def confirm(token: str) -> tuple[str, int] | str:
    """The school's one-time link: the same page for every refusal's reason, in Dutch."""
    try:
        if request.method == "GET":
            _cases().check_confirmation(token, today=date.today())
            return render_template("case/confirm_receipt.html", token=token, refused="", done=False)
        _cases().confirm_receipt(token, today=date.today(), feedback=request.form.get("terugkoppeling", ""))
    except LINK_REFUSALS as refused:
        status = 404 if isinstance(refused, LinkInvalid) else 410
        return render_template(
            "case/confirm_receipt.html", token=token, refused=str(refused), done=False
        ), status
    return render_template("case/confirm_receipt.html", token=token, refused="", done=True)


# ------------------------------------------------------------------ the trail in Dutch

_SCHOOL = {"number": labels.Label("School", reads=lambda v, _: f"andere school {v}")}
labels.register(
    "OtherSchoolRecorded",
    {
        **_SCHOOL,
        "name": labels.Label("Naam van de school"),
        "contact": labels.Label("Contactadres"),
        "role": labels.Label("Rol", ROLES),
    },
)
labels.register(
    "OtherSchoolNotified",
    {
        **_SCHOOL,
        "how": labels.Label("Hoe", {"bericht": "standaardbericht met de link", "gebeld": "gebeld"}),
        "on": labels.Label("Op"),
        "reason": labels.Label("Reden"),
        "letter_id": labels.Label("Brief", hidden=True),  # the notice's letter has its own trail lines
    },
)
labels.register("OtherSchoolConfirmed", {**_SCHOOL, "feedback": labels.Label("Terugkoppeling")})
labels.register("OtherSchoolNoticeFailed", {**_SCHOOL, "reason": labels.Label("Reden")})
labels.register("OtherSchoolWithdrawn", {**_SCHOOL, "reason": labels.Label("Reden")})
