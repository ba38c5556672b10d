"""The JSON API beside the form: the same schemas, the same application class.

Authenticated by bearer token only (`Authorization: Bearer <token>`, made on the account
page), so a browser's cookie never makes it act. The OpenAPI document describes every
action's body from its marshmallow schema.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, Response, current_app, g, jsonify, request, url_for

from services.case.application import CaseManagement, TrailEntry
from services.case.domain.incident import Incident
from services.case.domain.protocol import protocol_for_board
from services.case.lists import IncidentLists, ListedIncident
from services.case.web import forms
from services.case.web.errors import answer
from shared.identity import Actor

blueprint = Blueprint("api", __name__, url_prefix="/api")

Answer = Response | tuple[Response | str, int]


def cases() -> CaseManagement:
    application: CaseManagement = current_app.extensions["zorgvuldig.cases"]
    return application


def actor() -> Actor:
    who: Actor = g.actor
    return who


KNOWN_QUERY = {"reden", "pagina"}


@blueprint.before_request
def refuse_unknown_parameters() -> Answer | None:
    unknown = sorted(set(request.args) - KNOWN_QUERY)
    if unknown:
        return answer(f"Onbekende parameter: {', '.join(unknown)}.", 400)
    return None


@blueprint.get("/meldingen")
def list_incidents() -> Answer:
    """A page of the incidents the caller may see, from the list read model."""
    lists: IncidentLists = current_app.extensions["zorgvuldig.lists"]
    shown = lists.page(actor(), request.args.get("pagina", 1, type=int) or 1)
    return jsonify([listed(i) for i in shown.incidents])


@blueprint.post("/meldingen")
def open_incident() -> Answer:
    data, errors = forms.load(forms.OpeningSchema(), request.get_json(silent=True))
    if errors:
        return answer("De melding is niet geopend: controleer de velden.", 422, errors)
    settings = current_app.extensions["zorgvuldig.settings"]
    incident_id, _ = cases().open_incident(
        actor(), protocol_id=protocol_for_board(actor().board_id, settings.protocol_id), **data
    )
    response = jsonify(state(cases().incident(actor(), incident_id)))
    response.headers["Location"] = url_for("api.incident", incident_id=incident_id)
    return response, 201


@blueprint.get("/meldingen/<uuid:incident_id>")
def incident(incident_id: UUID) -> Answer:
    cases().record_view(actor(), incident_id, what="melding (API)", reason=request.args.get("reden", ""))
    return jsonify(state(cases().incident(actor(), incident_id)))


@blueprint.post("/meldingen/<uuid:incident_id>/acties/<action>")
def record(incident_id: UUID, action: str) -> Answer:
    if action not in forms.action_forms():
        return answer("Deze actie bestaat niet.", 404)
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return answer('Stuur een JSON-object: {"data": {...}, "expected_version": n}.', 400)
    expected = body.get("expected_version")
    if expected is not None and (not isinstance(expected, int) or isinstance(expected, bool) or expected < 1):
        return answer("De actie is niet vastgelegd.", 422, {"expected_version": "Geef een geheel getal."})
    override = body.get("override_reason", "")
    if not isinstance(override, str):
        return answer("De actie is niet vastgelegd.", 422, {"override_reason": "Geef de reden als tekst."})
    data, errors = forms.load(forms.schema_for(action), body.get("data"))
    if errors:
        return answer("De actie is niet vastgelegd: controleer de velden.", 422, errors)
    cases().record_action(
        actor(), incident_id, action, data, expected_version=expected, override_reason=override
    )
    return jsonify(state(cases().incident(actor(), incident_id))), 201


@blueprint.get("/meldingen/<uuid:incident_id>/logboek")
def trail(incident_id: UUID) -> Answer:
    cases().record_view(actor(), incident_id, what="tijdlijn (API)", reason=request.args.get("reden", ""))
    return jsonify([trail_line(e) for e in cases().audit_trail(actor(), incident_id)])


@blueprint.get("/openapi.json")
def openapi() -> Answer:
    return jsonify(openapi_document())


# ------------------------------------------------------------------ representations


def listed(incident: ListedIncident) -> dict[str, Any]:
    return {
        "id": str(incident.id),
        "school_id": incident.school_id,
        "status": incident.status,
        "version": incident.version,
        "opened_at": incident.opened_at.isoformat(),
        "situation": incident.situation,
    }


def summary(incident: Incident) -> dict[str, Any]:
    return {
        "id": str(incident.id),
        "school_id": incident.school_id,
        "status": incident.status.value,
        "version": incident.version,
        "opened_at": incident.created_on.isoformat(),
        "situation": incident.situation,
    }


def state(incident: Incident) -> dict[str, Any]:
    steps, warnings = cases().progress(incident)
    return {
        **summary(incident),
        "board_id": incident.board_id,
        "learned_how": incident.learned_how,
        "protocol_id": incident.protocol_id,
        "checklist": [
            {
                "step": s.step.number,
                "title": s.step.title,
                "state": s.state.value,
                "done_at": s.done_at.isoformat() if s.done_at else None,
                "done_by": s.done_by,
            }
            for s in steps
        ],
        "agreements": agreements(incident),
        "safety_risk": incident.safety_risk() is not None,
        "warnings": [{"key": w.key, "message": w.message, "version": w.version} for w in warnings],
        "actions": [
            {
                "version": a.version,
                "action": a.action,
                "actor": a.actor,
                "at": a.at.isoformat(),
                "data": a.data,
                "corrected_by": a.corrected_by,
                "withdrawn": a.withdrawn,
            }
            for a in incident.actions
        ],
    }


def agreements(incident: Incident) -> dict[str, Any] | None:
    """The agreements with the pupil as they stand now, with the version to correct them."""
    current = incident.agreements()
    return {"version": current.version, **current.data} if current else None


def trail_line(entry: TrailEntry) -> dict[str, Any]:
    return {
        "version": entry.version,
        "type": entry.event_type,
        "sentence": entry.sentence,
        "at": entry.at.isoformat(),
        "actor": entry.actor,
        "data": entry.data,
    }


# --------------------------------------------------------------------------- OpenAPI

FOUT = "#/components/schemas/Fout"
_ERROR = {
    "type": "object",
    "properties": {"fout": {"type": "string"}, "velden": {"type": "object"}},
    "required": ["fout"],
}


def openapi_document() -> dict[str, Any]:
    spec = APISpec(
        title="Zorgvuldig API",
        version="1",
        openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
        info={"description": "Meldingen openen, acties vastleggen en het logboek lezen."},
    )
    spec.components.security_scheme("token", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Fout", _ERROR)
    spec.components.schema("Opening", schema=forms.OpeningSchema)
    errors = {
        str(code): {"description": text, "content": {"application/json": {"schema": {"$ref": FOUT}}}}
        for code, text in (
            (400, "onleesbaar verzoek"),
            (401, "niet ingelogd"),
            (403, "geen toegang"),
            (404, "onbekend"),
            (409, "gelijktijdige wijziging"),
            (422, "ongeldige velden"),
            (503, "opslag niet bereikbaar"),
        )
    }
    incident_id = {
        "name": "incident_id",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "format": "uuid"},
    }
    reason = {
        "name": "reden",
        "in": "query",
        "required": False,
        "schema": {"type": "string", "maxLength": 500},
    }
    ok = {"description": "gelukt", "content": {"application/json": {"schema": {"type": "object"}}}}
    ok_list = {"description": "gelukt", "content": {"application/json": {"schema": {"type": "array"}}}}
    secured: list[dict[str, list[str]]] = [{"token": []}]
    spec.path(
        path="/api/meldingen",
        operations={
            "get": {
                "summary": "Meldingen die u mag zien",
                "security": secured,
                "responses": {"200": ok_list, **errors},
            },
            "post": {
                "summary": "Een melding openen",
                "security": secured,
                "requestBody": {"required": True, "content": {"application/json": {"schema": "Opening"}}},
                "responses": {"201": ok, **errors},
            },
        },
    )
    spec.path(
        path="/api/meldingen/{incident_id}",
        operations={
            "get": {
                "summary": "De stand van een melding",
                "security": secured,
                "parameters": [incident_id, reason],
                "responses": {"200": ok, **errors},
            }
        },
    )
    spec.path(
        path="/api/meldingen/{incident_id}/logboek",
        operations={
            "get": {
                "summary": "Het logboek: elke gebeurtenis",
                "security": secured,
                "parameters": [incident_id, reason],
                "responses": {"200": ok_list, **errors},
            }
        },
    )
    for action, form in forms.action_forms().items():
        spec.components.schema(action, schema=forms.schema_for(action).__class__)
        body = {
            "type": "object",
            "properties": {
                "data": {"$ref": f"#/components/schemas/{action}"},
                "expected_version": {"type": "integer", "minimum": 1, "nullable": True},
                "override_reason": {
                    "type": "string",
                    "maxLength": 2000,
                    "description": "Reden om toch door te gaan als de actie afwijkt van een afspraak "
                    "met de leerling; komt in het logboek.",
                },
            },
            "required": ["data"],
        }
        spec.path(
            path=f"/api/meldingen/{{incident_id}}/acties/{action}",
            operations={
                "post": {
                    "summary": form.title,
                    "security": secured,
                    "parameters": [incident_id],
                    "requestBody": {"required": True, "content": {"application/json": {"schema": body}}},
                    "responses": {"201": ok, **errors},
                }
            },
        )
    document: dict[str, Any] = spec.to_dict()
    return document
