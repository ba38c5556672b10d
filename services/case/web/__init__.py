"""The case service's web app: the Dutch form for case handlers and the JSON API beside it.

`create_app` is the factory; nothing is created at import time. The web process's
composition root (services/web.py, `python -m services.web`) builds the collaborators from the
settings, mounts the pages of other services (the reports) through `registrations`, and serves
the app; the case imports no other service.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from flask import Flask
from flask_wtf import CSRFProtect

from services.case.application import CaseManagement
from services.case.lists import IncidentLists
from services.case.review_list import ReviewList
from services.case.web import (
    admin,
    api,
    auth,
    errors,
    handover,
    health,
    house_style,
    improvements,
    letter_page,
    letters,
    oidc,
    other_schools,
    recipients_import,
    review,
    rights,
    security,
    tasks,
    views,
)
from shared import formatting
from shared.accounts import Accounts
from shared.config import Settings, load_settings
from shared.privacy import NameFinder, PrivacyGuard
from shared.recipients import RecipientGroups

TEMPLATES = Path(__file__).resolve().parents[3] / "templates"


def create_app(
    settings: Settings | None = None,
    *,
    cases: CaseManagement | None = None,
    accounts: Accounts | None = None,
    registrations: Iterable[Callable[[Flask], None]] = (),
    **parts: Any,
) -> Flask:
    """The Flask app. Tests pass their own collaborators; missing ones come from settings.
    Each registration mounts a part of another service on the finished app (the composition
    root's choice: the report pages)."""
    settings = settings or load_settings()
    app = Flask(__name__, template_folder=str(TEMPLATES), static_folder="static")
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=64 * 1024,
        SESSION_COOKIE_NAME="zorgvuldig",
        SESSION_COOKIE_HTTPONLY=True,
        # The way back from a school's own provider is a cross-site navigation: a Strict cookie
        # would not come along, and with it the state, nonce and PKCE verifier. Forms keep
        # their CSRF token either way.
        SESSION_COOKIE_SAMESITE="Lax" if settings.oidc_providers else "Strict",
        SESSION_COOKIE_SECURE=settings.environment == "production",
        REMEMBER_COOKIE_HTTPONLY=True,
        PERMANENT_SESSION_LIFETIME=security.SESSION_TIMEOUT,
        WTF_CSRF_TIME_LIMIT=None,
    )
    app.extensions["zorgvuldig.settings"] = settings
    app.extensions["zorgvuldig.cases"] = cases or CaseManagement(env=settings.event_store_env())
    app.extensions["zorgvuldig.lists"] = parts.pop("lists", None) or IncidentLists(
        settings, app.extensions["zorgvuldig.cases"]
    )
    app.extensions["zorgvuldig.accounts"] = accounts or Accounts(settings)
    app.extensions["zorgvuldig.recipients"] = parts.pop("recipients", None) or RecipientGroups(settings)
    # The privacy guard loads its name lists once per process, in the background: until then
    # /gereed says "niet gereed" and letters wait (503), they are never sent unguarded.
    app.extensions["zorgvuldig.guard"] = parts.pop("guard", None) or PrivacyGuard(NameFinder.shared())
    for name, part in parts.items():
        app.extensions[f"zorgvuldig.{name}"] = part

    csrf = CSRFProtect(app)
    csrf.exempt(api.blueprint)  # the API takes bearer tokens only, never the session cookie
    csrf.exempt(handover.api_blueprint)
    csrf.exempt(rights.api_blueprint)
    auth.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    house_style.init_app(app)
    app.register_blueprint(auth.blueprint)
    oidc.init_app(app, settings, parts.pop("identities", None))
    app.register_blueprint(views.blueprint)
    tasks.init_app(app, parts.pop("worklists", None))
    other_schools.init_app(app)
    app.register_blueprint(api.blueprint)
    app.register_blueprint(handover.blueprint)
    app.register_blueprint(handover.api_blueprint)
    app.register_blueprint(rights.blueprint)
    app.register_blueprint(rights.api_blueprint)
    app.jinja_env.globals.update(views.template_helpers())
    app.jinja_env.filters.update(formatting.filters())
    app.jinja_env.globals["has_part"] = lambda name: name in app.blueprints

    # --- parts of other services ---
    app.register_blueprint(letters.blueprint)
    app.register_blueprint(letter_page.blueprint)
    app.register_blueprint(improvements.blueprint)
    app.register_blueprint(review.blueprint)
    app.extensions["zorgvuldig.review_list"] = parts.pop("review_list", None) or ReviewList(
        app.extensions["zorgvuldig.lists"]
    )
    recipients_import.init_app(app)
    app.register_blueprint(health.blueprint)
    app.register_blueprint(admin.blueprint)
    for register in registrations:
        register(app)
    return app
