"""The case handler's pages: incidents, the incident with its checklist and timeline, one
short form per action, corrections, closing. Views stay short: parsing lives in forms.py,
rules in the application, errors in errors.py."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from functools import partial
from typing import Any
from uuid import UUID

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    get_template_attribute,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from markupsafe import Markup
from werkzeug.wrappers import Response

from services.case.application import CaseManagement, ConcurrentEdit
from services.case.domain import takedown
from services.case.domain.errors import CaseError
from services.case.domain.incident import Status
from services.case.domain.protocol import StepState, protocol_for_board
from services.case.domain.safeguards import AUDIENCES, SAFETY_EXPLANATION
from services.case.lists import IncidentLists
from services.case.web import foresight, forms, labels, next_steps, review, vetted
from services.case.web.errors import status_of
from services.case.web.timeline import timeline_parts, titles, trail_line_parts
from shared.accounts import Accounts, school_name
from shared.identity import Actor, Role

blueprint = Blueprint("case", __name__)

Page = str | tuple[str, int] | Response


def cases() -> CaseManagement:
    application: CaseManagement = current_app.extensions["zorgvuldig.cases"]
    return application


def actor() -> Actor:
    who: Actor | None = g.get("actor")
    if who is None:
        abort(401)
    return who


def person(actor_id: str) -> str:
    """The name behind an actor id in the trail (a person, or a background process)."""
    names: dict[str, str] = g.setdefault("names", {})
    if actor_id not in names:
        store: Accounts = current_app.extensions["zorgvuldig.accounts"]
        account = store.get(actor_id)
        names[actor_id] = account.name if account else SYSTEM_ACTORS.get(actor_id, actor_id)
    return names[actor_id]


SYSTEM_ACTORS = {"notifier": "Verzending (systeem)", "bewaartermijn": "Bewaartermijn (systeem)"}


def template_helpers() -> dict[str, Any]:
    return {
        "person": person,
        "school_name": school_name,
        "display": lambda event_type, name, value: labels.show(event_type, name, value, person).plain(),
        "label": labels.label,
        "StepState": StepState,
        "Role": Role,
        "situations": dict(forms.SITUATIONS),
        "audiences": AUDIENCES,
        "safety_explanation": SAFETY_EXPLANATION,
        "action_title": lambda action: titles().get(action, action),
        "action_link": next_steps.link,
        "next_step": next_steps.next_step,
        "next_first": next_steps.ordered,
    }


def rendered_timeline(shown: Any, may_act: bool, letters: Sequence[Any]) -> Markup:
    """The timeline's HTML, rendered once for each version of the incident and its letters and
    each person who reads it (what they may do and see differs), and kept in memory with the
    incident's events (services/case/histories.py): no stale timeline after a new event, and
    nothing kept after an erasure. The streams only grow, so their lengths name the versions.
    For the school's own people each entry's rendering is kept too, so that after a new event
    only what changed is rendered again (what the OTV and the board see is screened as a whole)."""
    reader = (actor().id, may_act)
    each_kept = actor().role in (Role.CASE_HANDLER, Role.STAFF)

    def rendered() -> Markup:
        parts = timeline_parts(shown, may_act, cases().letter_trail(actor(), shown.id), person)
        entry = get_template_attribute("case/_timeline.html", "entry")

        def render(make: Callable[[], Any]) -> Markup:
            return Markup(entry(make()))  # noqa: S704 -- the template's macro escapes

        items = [
            cases().histories.part(shown.id, (*reader, *key), partial(render, make))
            if each_kept
            else render(make)
            for key, make in parts
        ]
        return part("case/_timeline.html", items=items)

    return cases().histories.remembered(
        shown.id, ("tijdlijn", *reader, shown.version, sum(letter.version for letter in letters)), rendered
    )


def rendered_trail(incident_id: UUID) -> Markup:
    """The trail page's table; for the school's own people each line's rendering is kept too
    (a stored event never changes), as the timeline's entries are."""
    row = get_template_attribute("case/_trail.html", "row")
    each_kept = actor().role in (Role.CASE_HANDLER, Role.STAFF)

    def render(make: Callable[[], Any]) -> Markup:
        return Markup(row(make()))  # noqa: S704 -- the template's macro escapes

    lines = trail_line_parts(cases().audit_trail(actor(), incident_id), person)
    items = [
        cases().histories.part(incident_id, (actor().id, *key), partial(render, make))
        if each_kept
        else render(make)
        for key, make in lines
    ]
    return part("case/_trail.html", items=items)


def part(template: str, **context: Any) -> Markup:
    """A part of a page rendered on its own, to be kept and placed in the page as it is."""
    return Markup(render_template(template, **context))  # noqa: S704 -- the template escapes


def stated_reason(incident_id: UUID) -> str | None:
    """The OTV and the board say why they look; asked once per incident per session."""
    if actor().role not in (Role.OTV, Role.BOARD):
        return ""
    reasons: dict[str, str] = session.setdefault("redenen", {})
    given = request.values.get("reden", "").strip()
    if given:
        reasons[str(incident_id)] = given[:500]
        session.modified = True
    return reasons.get(str(incident_id))


def ask_reason(incident_id: UUID) -> Page:
    return render_template("case/reason.html", incident_id=incident_id, target=request.path), 200


# --------------------------------------------------------------------- pages


def lists() -> IncidentLists:
    read_model: IncidentLists = current_app.extensions["zorgvuldig.lists"]
    return read_model


@blueprint.get("/")
def incidents() -> Page:
    if actor().is_administrator:  # sees no incident; their work is their board's accounts
        return redirect(url_for("beheer.accounts"))
    shown = lists().page(actor(), request.args.get("pagina", 1, type=int) or 1)
    return render_template("case/incidents.html", listing=shown, incidents=shown.incidents)


@blueprint.route("/meldingen/nieuw", methods=["GET", "POST"])
def open_incident() -> Page:
    if actor().role is not Role.CASE_HANDLER:
        abort(403)
    if request.method == "GET":
        return render_template("case/open.html", values={}, errors={})
    values = {k: request.form.get(k, "").strip() for k in ("situation", "learned_how")}
    data, errors = forms.load(forms.OpeningSchema(), values)
    if not errors:
        try:
            settings = current_app.extensions["zorgvuldig.settings"]
            protocol_id = protocol_for_board(actor().board_id, settings.protocol_id)
            incident_id, _ = cases().open_incident(actor(), protocol_id=protocol_id, **data)
        except CaseError as error:
            if status_of(error) == 503:
                raise
            errors = {"_": str(error)}
        else:
            flash("De melding is geopend. Begin met stap 1; het slachtoffer heeft voorrang.")
            return redirect(url_for("case.incident", incident_id=incident_id))
    return render_template("case/open.html", values=values, errors=errors), 422


# How a takedown's codes read on the incident page.
TAKEDOWN_WORDS = {
    "kinds": takedown.CHANNEL_KINDS,
    "routes": takedown.ROUTES,
    "outcomes": takedown.OUTCOMES,
    "platforms": dict(forms.CHANNELS),
}


@blueprint.get("/meldingen/<uuid:incident_id>")
def incident(incident_id: UUID) -> Page:
    reason = stated_reason(incident_id)
    if reason is None:
        return ask_reason(incident_id)
    cases().record_view(actor(), incident_id, what="melding", reason=reason)
    shown = cases().incident(actor(), incident_id)
    steps, warnings = cases().progress(shown)
    if shown.status is Status.CLOSED:
        warnings = []  # what is left to do no longer applies once the incident is closed
    may_act = actor().role is Role.CASE_HANDLER
    by_phase = request.args.get("weergave") == "fasen"
    letters = cases().letters(actor(), incident_id)
    return render_template(
        "case/incident.html",
        incident=shown,
        steps=steps,
        phases=cases().phases(shown) if by_phase else None,
        warnings=warnings,
        forms=forms.action_forms(),
        protocol=cases().protocol(shown.protocol_id),
        may_act=may_act,
        current_actor_id=actor().id,
        timeline=rendered_timeline(shown, may_act, letters),
        takedowns=takedown.takedowns(shown.effective_actions(), date.today()),
        takedown_words=TAKEDOWN_WORDS,
        **review.letters_in_review(actor(), letters),
    )


@blueprint.route("/meldingen/<uuid:incident_id>/acties/<action>", methods=["GET", "POST"])
def record(incident_id: UUID, action: str) -> Page:
    form = forms.action_forms().get(action)
    if form is None:
        abort(404)
    if actor().role is not Role.CASE_HANDLER:
        abort(403)
    shown = cases().incident(actor(), incident_id)
    if request.method == "GET":
        chosen = {spec.name: request.args[spec.name] for spec in form.fields if spec.name in request.args}
        return _action_page(shown, form, chosen, {}, shown.version)
    values = forms.form_data(action, request.form)
    expected = _int(request.form.get("expected_version"))
    if vetted.chosen(request.form):  # a vetted sentence added: the form comes back, nothing recorded
        values = vetted.with_chosen_sentence(shown, form, values, request.form)
        return _action_page(shown, form, values, {}, expected or shown.version)
    data, errors = forms.load(forms.schema_for(action), values)
    values = {**values, "reden_afwijking": request.form.get("reden_afwijking", "").strip()}
    if request.form.get("controleren"):  # the handler checks the answers first: nothing is saved
        status = 422 if errors else 200
        return _action_page(shown, form, values, errors, expected or shown.version, status=status)
    if not errors:
        try:
            cases().record_action(
                actor(),
                incident_id,
                action,
                data,
                expected_version=expected,
                override_reason=values["reden_afwijking"],
            )
        except ConcurrentEdit as conflict:
            return _action_page(shown, form, values, {"_": str(conflict)}, shown.version, status=409)
        except CaseError as error:
            if status_of(error) in (404, 503):
                raise
            errors = {"_": str(error)}
        else:
            flash(f"Vastgelegd: {form.title}")
            return redirect(url_for("case.incident", incident_id=incident_id) + "#tijdlijn")
    return _action_page(shown, form, values, errors, expected or shown.version, status=422)


def _action_page(
    shown: Any,
    form: forms.ActionForm,
    values: dict[str, Any],
    errors: dict[str, str],
    version: int,
    status: int = 200,
) -> Page:
    answers = {k: v for k, v in values.items() if k != "reden_afwijking" and v not in ("", [], None)}
    return render_template(
        "case/action.html",
        incident=shown,
        form=form,
        values=values,
        errors=errors,
        version=version,
        conflicts=shown.agreement_conflicts(form.action, values) if values else [],
        held_back=bool(values) and shown.held_back(form.action, values),
        audiences=AUDIENCES,
        foreseen=foresight.foreseen(shown, cases().protocol(shown.protocol_id), form.action, answers),
        option_notes=foresight.option_notes(shown, form),
        vetted=vetted.offered(shown, form, values),
    ), status


@blueprint.route("/meldingen/<uuid:incident_id>/correctie/<int:version>", methods=["GET", "POST"])
def correct(incident_id: UUID, version: int) -> Page:
    if actor().role is not Role.CASE_HANDLER:
        abort(403)
    shown = cases().incident(actor(), incident_id)
    target = shown.action_at(version)
    if target is None or target.action not in forms.FIELDS:
        abort(404)
    form = forms.action_forms()[target.action]
    if request.method == "GET":
        return _correction_page(shown, target, form, dict(target.data), {}, "")
    values = forms.form_data(target.action, request.form)
    reason = request.form.get("reason", "").strip()
    withdraws = request.form.get("withdraws") == "ja"
    data, errors = forms.load(forms.schema_for(target.action), values)
    _, reason_errors = forms.load(forms.CorrectionSchema(), {"reason": reason, "withdraws": withdraws})
    errors.update(reason_errors)
    if not errors:
        changes = {k: v for k, v in forms.correctable(target.action, data).items() if target.data.get(k) != v}
        try:
            cases().correct(
                actor(),
                incident_id,
                corrects=version,
                reason=reason,
                changes=changes,
                withdraws=withdraws,
                expected_version=_int(request.form.get("expected_version")),
            )
        except CaseError as error:
            if status_of(error) in (404, 503):
                raise
            errors = {"_": str(error)}
        else:
            flash("De correctie is vastgelegd; de oorspronkelijke actie blijft zichtbaar.")
            return redirect(url_for("case.incident", incident_id=incident_id) + "#tijdlijn")
    return _correction_page(shown, target, form, values, errors, reason, status=422)


def _correction_page(
    shown: Any,
    target: Any,
    form: forms.ActionForm,
    values: dict[str, Any],
    errors: dict[str, str],
    reason: str,
    status: int = 200,
) -> Page:
    return render_template(
        "case/correct.html",
        incident=shown,
        target=target,
        form=form,
        values=values,
        errors=errors,
        reason=reason,
        version=shown.version,
    ), status


@blueprint.post("/meldingen/<uuid:incident_id>/afsluiten")
def close(incident_id: UUID) -> Page:
    return _status_change(incident_id, "close")


@blueprint.post("/meldingen/<uuid:incident_id>/heropenen")
def reopen(incident_id: UUID) -> Page:
    return _status_change(incident_id, "reopen")


def _status_change(incident_id: UUID, change: str) -> Page:
    if actor().role is not Role.CASE_HANDLER:
        abort(403)
    shown = cases().incident(actor(), incident_id)
    reason = request.form.get("reason", "").strip()
    if not reason:
        flash("Geef een reden op.")
        return redirect(url_for("case.incident", incident_id=incident_id))
    expected = _int(request.form.get("expected_version"))
    open_steps = [s for s in cases().progress(shown)[0] if s.state is StepState.OPEN]
    if change == "close" and open_steps and request.form.get("bevestigd") != "ja":
        return render_template(
            "case/close.html", incident=shown, open_steps=open_steps, reason=reason, version=expected
        )
    if change == "close":
        cases().close_incident(actor(), incident_id, reason=reason, expected_version=expected)
        flash("De melding is afgesloten. Nazorg en evaluatie kunnen nog worden vastgelegd.")
    else:
        cases().reopen_incident(actor(), incident_id, reason=reason, expected_version=expected)
        flash("De melding is heropend.")
    return redirect(url_for("case.incident", incident_id=incident_id))


@blueprint.get("/meldingen/<uuid:incident_id>/tijdlijn")
def trail(incident_id: UUID) -> Page:
    reason = stated_reason(incident_id)
    if reason is None:
        return ask_reason(incident_id)
    cases().record_view(actor(), incident_id, what="tijdlijn", reason=reason)
    reaches = cases().trail_reaches(actor(), incident_id)  # checks access itself
    table = cases().histories.remembered(
        incident_id, ("logboek", actor().id, *reaches), lambda: rendered_trail(incident_id)
    )
    return render_template("case/trail.html", incident_id=incident_id, trail=table)


@blueprint.get("/meldingen/<uuid:incident_id>/keten")
def chain(incident_id: UUID) -> Page:
    reason = stated_reason(incident_id)
    if reason is None:
        return ask_reason(incident_id)
    cases().record_view(actor(), incident_id, what="ketencontrole", reason=reason)
    head = cases().chain_head(actor(), incident_id)
    if request.args.get("download"):
        response = jsonify(head)
        response.headers["Content-Disposition"] = f'attachment; filename="ketenkop-{incident_id}.json"'
        return response
    return render_template("case/chain.html", incident_id=incident_id, head=head)


@blueprint.get("/meldingen/<uuid:incident_id>/toegang")
def access(incident_id: UUID) -> Page:
    return render_template(
        "case/access.html", incident_id=incident_id, log=cases().access_log(actor(), incident_id)
    )


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None
