"""Liveness and readiness of the web process, for compose health checks and monitoring.

No personal data and no incident content: only whether the parts answer, and how far the
reports are behind the stored events.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify

blueprint = Blueprint("health", __name__)


@blueprint.get("/gezondheid")
def live() -> Response:
    return jsonify({"status": "ok"})


@blueprint.get("/gereed")
def ready() -> tuple[Response, int]:
    checks: dict[str, object] = {}
    healthy = True
    try:
        position = current_app.extensions["zorgvuldig.cases"].recorder.max_notification_id() or 0
        checks["gebeurtenissen"] = "bereikbaar"
    except Exception as error:
        checks["gebeurtenissen"] = f"niet bereikbaar ({type(error).__name__})"
        healthy, position = False, 0
    guard = current_app.extensions.get("zorgvuldig.guard")
    finder = getattr(guard, "finder", None)
    if finder is not None and not getattr(finder, "ready", True):
        checks["privacycontrole"] = f"niet geladen ({finder.error})" if finder.error else "wordt geladen"
        healthy = False
    elif finder is not None:
        checks["privacycontrole"] = "geladen"
    reports = current_app.extensions.get("zorgvuldig.reports")
    if reports is not None:
        try:
            checks["rapportage_achterstand"] = max(0, position - reports.position()[0])
        except Exception as error:
            checks["rapportage"] = f"niet bereikbaar ({type(error).__name__})"
            healthy = False
    return jsonify({"status": "ok" if healthy else "niet gereed", **checks}), 200 if healthy else 503
