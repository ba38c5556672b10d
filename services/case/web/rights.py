"""AVG requests (inzage, wissen) for the school's handler, and the board's decision on
erasure: the pages under /avg and the same through the JSON API under /api/avg."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from marshmallow import Schema, fields, validate
from werkzeug.wrappers import Response

from services.case.application import CaseManagement, NotAllowed
from services.case.domain.errors import CaseError
from services.case.domain.rights import RequestKind, RightsRequest
from services.case.rights import IncidentCopy, RightsDesk
from services.case.screening import SCREENED
from services.case.web import forms, labels
from services.case.web.errors import answer, status_of
from shared import formatting
from shared.accounts import school_name
from shared.identity import Actor, Role
from shared.privacy import PrivacyGuard

blueprint = Blueprint("rights", __name__, url_prefix="/avg")
api_blueprint = Blueprint("rights_api", __name__, url_prefix="/api/avg")

Page = str | tuple[str, int] | Response

REQUESTERS: forms.Choices = (("ouder", "Een ouder of verzorger"), ("leerling", "De leerling zelf"))
KINDS: forms.Choices = (
    ("inzage", "Inzage: een kopie van de gegevens"),
    ("wissen", "Wissen vóór de bewaartermijn"),
)
HIDDEN_FIELDS = {"school_id", "board_id", "protocol_id"}

_required: dict[str, Any] = {
    "required": "Vul dit veld in.",
    "null": "Vul dit veld in.",
    "invalid": "Deze waarde klopt niet.",
}
_date = forms._valid_date  # one date check for every form


class RequestSchema(Schema):
    person = fields.String(required=True, validate=validate.Length(max=200), error_messages=_required)
    requester = fields.String(
        required=True,
        validate=validate.OneOf([c for c, _ in REQUESTERS], error="Kies wie het vraagt."),
        error_messages=_required,
    )
    kind = fields.String(
        required=True,
        validate=validate.OneOf([c for c, _ in KINDS], error="Kies het soort verzoek."),
        error_messages=_required,
    )
    received_on = fields.String(required=True, validate=_date, error_messages=_required)


class AnswerSchema(Schema):
    answered_on = fields.String(required=True, validate=_date, error_messages=_required)
    note = fields.String(load_default="", validate=forms.TOO_LONG)


class DecisionSchema(Schema):
    approved = fields.Boolean(
        required=True, error_messages={**_required, "invalid": "Kies goedkeuren of afwijzen."}
    )
    reason = fields.String(
        required=True,
        validate=[validate.Length(max=500), validate.Regexp(r"[\s\S]*\S", error="Vul dit veld in.")],
        error_messages=_required,
    )


def desk() -> RightsDesk:
    """The rights desk, with the letters' name finder: other persons in a copy are found as in
    a letter (GuardNotReady, a 503, until it has loaded)."""
    cases: CaseManagement = current_app.extensions["zorgvuldig.cases"]
    guard: PrivacyGuard = current_app.extensions["zorgvuldig.guard"]
    return RightsDesk(cases, current_app.extensions["zorgvuldig.lists"], guard.finder)


def actor() -> Actor:
    who: Actor = g.actor
    return who


# ------------------------------------------------------------------------- pages


@blueprint.get("")
def index() -> Page:
    return _index_page({"received_on": date.today().isoformat()}, {})


@blueprint.post("")
def receive() -> Page:
    _require(Role.CASE_HANDLER)
    values = {k: request.form.get(k, "").strip() for k in ("person", "requester", "kind", "received_on")}
    data, errors = forms.load(RequestSchema(), values)
    if not errors:
        try:
            received = _receive(data)
        except CaseError as error:
            if status_of(error) in (403, 404, 503):
                raise
            errors = {"person": str(error)}
        else:
            flash(_found_message(received))
            return redirect(url_for("rights.details", request_id=received.id))
    return _index_page(values, errors, status=422)


def _index_page(values: dict[str, str], errors: dict[str, str], status: int = 200) -> Page:
    requests = desk().requests(actor())
    return render_template(
        "rights/index.html",
        requests=requests,
        values=values,
        errors=errors,
        today=date.today(),
        requesters=REQUESTERS,
        kinds=KINDS,
        shown_person=shown_person,
    ), status


@blueprint.get("/<uuid:request_id>")
def details(request_id: UUID) -> Page:
    found = desk().request(actor(), request_id)
    copy = desk().access_copy(actor(), found) if actor().role is Role.CASE_HANDLER else []
    return render_template(
        "rights/request.html",
        request=found,
        copy=[_shown(c) for c in copy],
        today=date.today(),
        shown_person=shown_person,
        requesters=dict(REQUESTERS),
    )


@blueprint.get("/<uuid:request_id>/inzage.txt")
def copy_text(request_id: UUID) -> Response:
    found = desk().request(actor(), request_id)
    if actor().role is not Role.CASE_HANDLER:
        raise NotAllowed()
    text = copy_as_text(found, [_shown(c) for c in desk().access_copy(actor(), found)])
    response = Response(text, mimetype="text/plain")
    response.headers["Content-Disposition"] = f'attachment; filename="inzage-{request_id}.txt"'
    return response


@blueprint.post("/<uuid:request_id>/antwoord")
def record_answer(request_id: UUID) -> Page:
    _require(Role.CASE_HANDLER, request_id)
    values = {k: request.form.get(k, "").strip() for k in ("answered_on", "note")}
    data, errors = forms.load(AnswerSchema(), values)
    if errors:
        flash("Niet opgeslagen: " + "; ".join(errors.values()))
    else:
        desk().answer(
            actor(), request_id, answered_on=date.fromisoformat(data["answered_on"]), note=data["note"]
        )
        flash("Het antwoord op het verzoek is vastgelegd.")
    return redirect(url_for("rights.details", request_id=request_id))


@blueprint.post("/<uuid:request_id>/besluit")
def decide(request_id: UUID) -> Page:
    _require(Role.BOARD, request_id)
    choice = request.form.get("approved", "")
    values = {
        "approved": {"ja": True, "nee": False}.get(choice, choice),
        "reason": request.form.get("reason", ""),
    }
    data, errors = forms.load(DecisionSchema(), values)
    if errors:
        flash("Niet opgeslagen: " + "; ".join(errors.values()))
    else:
        desk().decide_erasure(actor(), request_id, approved=data["approved"], reason=data["reason"].strip())
        flash(
            "Het besluit is vastgelegd." + (" De persoonsgegevens zijn gewist." if data["approved"] else "")
        )
    return redirect(url_for("rights.details", request_id=request_id))


# --------------------------------------------------------------------------- API


@api_blueprint.get("")
def api_list() -> Response:
    today = date.today()
    return jsonify([summary(r, today) for r in desk().requests(actor())])


@api_blueprint.post("")
def api_receive() -> Any:
    _require(Role.CASE_HANDLER)
    data, errors = forms.load(RequestSchema(), request.get_json(silent=True))
    if errors:
        return answer("Het verzoek is niet vastgelegd: controleer de velden.", 422, errors)
    received = _receive(data)
    return jsonify({**summary(received, date.today()), "melding": _found_message(received)}), 201


@api_blueprint.get("/<uuid:request_id>")
def api_details(request_id: UUID) -> Response:
    found = desk().request(actor(), request_id)
    body = summary(found, date.today())
    if actor().role is Role.CASE_HANDLER:
        body["inzage"] = [
            {
                "melding": str(c.incident_id),
                "school": school_name(c.school_id),
                "geopend_op": c.opened_on.isoformat(),
                "gegevens": [
                    {"wanneer": e["at"], "wat": e["what"], "velden": dict(e["fields"])}
                    for e in c_shown["entries"]
                ],
            }
            for c, c_shown in ((c, _shown(c)) for c in desk().access_copy(actor(), found))
        ]
    return jsonify(body)


@api_blueprint.post("/<uuid:request_id>/antwoord")
def api_answer(request_id: UUID) -> Any:
    _require(Role.CASE_HANDLER, request_id)
    data, errors = forms.load(AnswerSchema(), request.get_json(silent=True))
    if errors:
        return answer("Het antwoord is niet vastgelegd: controleer de velden.", 422, errors)
    desk().answer(actor(), request_id, answered_on=date.fromisoformat(data["answered_on"]), note=data["note"])
    return jsonify(summary(desk().request(actor(), request_id), date.today()))


@api_blueprint.post("/<uuid:request_id>/besluit")
def api_decide(request_id: UUID) -> Any:
    _require(Role.BOARD, request_id)
    data, errors = forms.load(DecisionSchema(), request.get_json(silent=True))
    if errors:
        return answer("Het besluit is niet vastgelegd: controleer de velden.", 422, errors)
    desk().decide_erasure(actor(), request_id, approved=data["approved"], reason=data["reason"].strip())
    return jsonify(summary(desk().request(actor(), request_id), date.today()))


# ------------------------------------------------------------------------ helpers


def _require(role: Role, request_id: UUID | None = None) -> None:
    """Who may act is checked before the content: others learn nothing from a field error."""
    if request_id is not None:
        desk().request(actor(), request_id)  # 404 for another school's or board's request
    if actor().role is not role:
        raise NotAllowed()


def _receive(data: dict[str, Any]) -> RightsRequest:
    return desk().receive(
        actor(),
        person=data["person"],
        requester=data["requester"],
        kind=RequestKind(data["kind"]),
        received_on=date.fromisoformat(data["received_on"]),
    )


def _found_message(received: RightsRequest) -> str:
    count = len(received.incidents)
    if not count:
        return "Het verzoek is vastgelegd. Deze persoon komt in geen enkele melding van uw school voor."
    return f"Het verzoek is vastgelegd. Deze persoon komt voor in {count} melding{'en' if count > 1 else ''}."


def shown_person(found: RightsRequest) -> str:
    """The board decides on erasure without learning whom it is about."""
    return found.person if actor().role is Role.CASE_HANDLER else SCREENED


def summary(found: RightsRequest, today: date) -> dict[str, Any]:
    return {
        "id": str(found.id),
        "school_id": found.school_id,
        "soort": found.kind.value,
        "persoon": shown_person(found),
        "aanvrager": found.requester,
        "ontvangen_op": found.received_on.isoformat(),
        "uiterlijk": found.deadline.isoformat(),
        "te_laat": found.overdue(today),
        "stand": found.state.value,
        "meldingen": [str(i) for i in found.incidents],
        "beantwoord_op": found.answered_on.isoformat() if found.answered_on else None,
        "beantwoord_door": found.answered_by or None,
        "besluit_bestuur": found.decision,
        "gewist": [str(i) for i in found.erased],
    }


def _shown(copy: IncidentCopy) -> dict[str, Any]:
    """A copy with labels and readable values, as the page, the text file and the API show it."""
    return {
        "incident_id": copy.incident_id,
        "school": school_name(copy.school_id),
        "opened_on": formatting.day(copy.opened_on),
        "entries": [
            {
                "at": formatting.moment(entry.at),
                "what": entry.sentence,
                "fields": [
                    (_label(entry.event_type, name), _display(entry.event_type, name, value))
                    for name, value in entry.fields
                    if name not in HIDDEN_FIELDS
                ],
            }
            for entry in copy.entries
        ],
    }


def _display(event_type: str, name: str, value: Any) -> str:
    return labels.show(event_type, name, value).plain()


def _label(event_type: str, name: str) -> str:
    return labels.label(event_type, name)


def copy_as_text(found: RightsRequest, copies: list[dict[str, Any]]) -> str:
    lines = [
        f"Inzage in persoonsgegevens (AVG) van {found.person}",
        f"Verzoek ontvangen op {formatting.day(found.received_on)}; andere personen zijn vervangen "
        "door hun rol of een nummer.",
        "",
    ]
    if not copies:
        lines.append("Deze persoon komt in geen enkele melding van de school voor.")
    for copy in copies:
        lines += [f"Melding van {copy['opened_on']} ({copy['school']})", ""]
        for entry in copy["entries"]:
            lines.append(f"{entry['at']}  {entry['what']}")
            lines += [f"    {label}: {value}" for label, value in entry["fields"]]
        lines.append("")
    return "\n".join(lines) + "\n"
