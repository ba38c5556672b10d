"""Downloading the hand-over sheet for the police, as PDF or plain text, by form and API.

Only the school's own handlers hand a case over. Each download is logged in the incident's
access log with the watermark printed on it, before the file leaves; a sheet that cannot be
made is a Dutch error page, never a partial file.
"""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from flask import Blueprint, Response, current_app, g

from services.case.application import CaseManagement, NotAllowed
from services.case.web import handover_sheet
from shared.accounts import Accounts, school_name
from shared.identity import Actor, Role

blueprint = Blueprint("handover", __name__)
api_blueprint = Blueprint("handover_api", __name__, url_prefix="/api")

MEDIA = {"pdf": "application/pdf", "tekst": "text/plain"}
SUFFIX = {"pdf": "pdf", "tekst": "txt"}


@blueprint.get("/meldingen/<uuid:incident_id>/overdrachtsblad.pdf")
def pdf(incident_id: UUID) -> Response:
    return download(incident_id, "pdf")


@blueprint.get("/meldingen/<uuid:incident_id>/overdrachtsblad.txt")
def text(incident_id: UUID) -> Response:
    return download(incident_id, "tekst")


@api_blueprint.get("/meldingen/<uuid:incident_id>/overdrachtsblad.pdf")
def api_pdf(incident_id: UUID) -> Response:
    return download(incident_id, "pdf")


@api_blueprint.get("/meldingen/<uuid:incident_id>/overdrachtsblad.txt")
def api_text(incident_id: UUID) -> Response:
    return download(incident_id, "tekst")


def download(incident_id: UUID, form: str) -> Response:
    who: Actor = g.actor
    if who.role is not Role.CASE_HANDLER:
        raise NotAllowed()
    cases: CaseManagement = current_app.extensions["zorgvuldig.cases"]
    incident = cases.incident(who, incident_id)  # 404 for another school's incident
    accounts: Accounts = current_app.extensions["zorgvuldig.accounts"]
    contact = handover_sheet.Contact(who.name, school_name(incident.school_id), accounts.email(who.id))
    mark = handover_sheet.watermark(who.name, who.id, datetime.now(UTC))
    sheet = handover_sheet.build(incident, contact, mark)
    body = handover_sheet.as_pdf(sheet) if form == "pdf" else handover_sheet.as_text(sheet).encode()
    cases.record_handover_download(who, incident_id, form=form, watermark=mark)
    response = Response(body, mimetype=MEDIA[form])
    response.headers["Content-Disposition"] = (
        f'attachment; filename="overdrachtsblad-{incident_id}.{SUFFIX[form]}"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response
