"""One place that turns errors into a clear Dutch page or JSON answer; never a stack trace."""

from __future__ import annotations

import logging
import sqlite3

import psycopg
from flask import Flask, Response, jsonify, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from services.case.application import (
    ConcurrentEdit,
    IncidentNotFound,
    NotAllowed,
    StoreUnavailable,
    VersionUnknown,
)
from services.case.domain.access import ReasonRequired
from services.case.domain.errors import (
    AgreementConflict,
    CaseError,
    DeletionCallTooEarly,
    FieldTooLong,
    HeldBackForSafety,
    IncidentAlreadyOpen,
    IncidentClosed,
    LetterRecipientsErased,
    MaterialRefused,
    NoLetterToDecide,
    NothingToCorrect,
    SecondPersonRequired,
    UnknownAction,
    UnreadableText,
)
from services.case.domain.rights import (
    AlreadyAnswered,
    AnswerBeforeDecision,
    NameTooShort,
    NotAnErasureRequest,
)
from services.case.lists import ListUnavailable
from services.case.rights import RequestNotFound
from services.case.web.handover_sheet import HandoverSheetUnavailable
from services.case.web.security import BadParameter, UnreadableJson, UploadRefused
from shared.privacy import GuardNotReady

log = logging.getLogger(__name__)

STATUS: dict[type[CaseError], int] = {
    IncidentNotFound: 404,
    UnknownAction: 404,
    NotAllowed: 403,
    ConcurrentEdit: 409,
    VersionUnknown: 422,
    IncidentClosed: 409,
    IncidentAlreadyOpen: 409,
    StoreUnavailable: 503,
    ListUnavailable: 503,
    MaterialRefused: 422,
    UnreadableText: 422,
    AgreementConflict: 409,
    DeletionCallTooEarly: 409,
    HeldBackForSafety: 409,
    FieldTooLong: 422,
    NothingToCorrect: 422,
    ReasonRequired: 400,
    SecondPersonRequired: 422,
    NoLetterToDecide: 422,
    LetterRecipientsErased: 409,
    HandoverSheetUnavailable: 500,
    RequestNotFound: 404,
    NameTooShort: 422,
    AlreadyAnswered: 409,
    AnswerBeforeDecision: 409,
    NotAnErasureRequest: 409,
}

HTTP_MESSAGES = {
    400: "Het verzoek is niet goed ontvangen. Probeer het opnieuw.",
    401: "Log eerst in.",
    403: "U heeft geen toegang tot deze pagina.",
    404: "Deze pagina bestaat niet.",
    405: "Deze handeling kan hier niet.",
    413: "Het verzoek is te groot. Bestanden en afbeeldingen worden nooit aangenomen.",
    429: "Te veel pogingen. Wacht even en probeer het opnieuw.",
    500: "Er ging iets mis aan onze kant. Er is niets half opgeslagen; probeer het opnieuw.",
}

UPLOAD_MESSAGE = (
    "Zorgvuldig neemt geen bestanden aan. Het beeldmateriaal zelf komt nooit in het systeem; "
    "beschrijf alleen wat de school weet."
)


def status_of(error: CaseError) -> int:
    for cls in type(error).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


def wants_json() -> bool:
    return request.path.startswith("/api/")


def answer(message: str, status: int, fields: dict[str, str] | None = None) -> tuple[Response | str, int]:
    if wants_json():
        body: dict[str, object] = {"fout": message}
        if fields:
            body["velden"] = fields
        return jsonify(body), status
    return render_template("error.html", message=message, status=status), status


def init_app(app: Flask) -> None:
    @app.errorhandler(CaseError)
    def case_error(error: CaseError) -> tuple[Response | str, int]:
        return answer(str(error), status_of(error))

    @app.errorhandler(GuardNotReady)
    def guard_not_ready(error: GuardNotReady) -> tuple[Response | str, int]:
        log.warning("Brief geweigerd: de privacycontrole is niet geladen.")
        return answer(str(error), 503)

    @app.errorhandler(UploadRefused)
    def upload_refused(_: UploadRefused) -> tuple[Response | str, int]:
        return answer(UPLOAD_MESSAGE, 415)

    @app.errorhandler(BadParameter)
    @app.errorhandler(UnreadableJson)
    def bad_request(error: BadParameter | UnreadableJson) -> tuple[Response | str, int]:
        return answer(str(error), 400)

    @app.errorhandler(CSRFError)
    def csrf_error(_: CSRFError) -> tuple[Response | str, int]:
        return answer(
            "Het formulier is verlopen of niet via Zorgvuldig verstuurd. Laad de pagina opnieuw "
            "en verstuur het nog eens.",
            400,
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[Response | str, int]:
        status = error.code or 500
        body, status = answer(HTTP_MESSAGES.get(status, HTTP_MESSAGES[400]), status)
        response = make_response(body, status)
        allowed = getattr(error, "valid_methods", None)
        if allowed:
            response.headers["Allow"] = ", ".join(allowed)
        return response, status

    @app.errorhandler(sqlite3.OperationalError)
    @app.errorhandler(psycopg.OperationalError)
    def store_down(error: Exception) -> tuple[Response | str, int]:
        log.error("Opslag niet bereikbaar bij %s %s: %s", request.method, request.path, type(error).__name__)
        return answer(str(StoreUnavailable()), 503)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> tuple[Response | str, int]:
        # The traceback names code, not data: no field values reach the log.
        log.error("Onverwachte fout bij %s %s", request.method, request.path, exc_info=error)
        return answer(HTTP_MESSAGES[500], 500)
