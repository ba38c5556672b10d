"""Signing in and out, and who acts in each request (`g.actor`).

The form uses a session cookie (Flask-Login), expiring after half an hour without activity.
The JSON API takes only a bearer token, so a cookie can never make it act (no CSRF there).
Every route needs a signed-in person except those in PUBLIC_ENDPOINTS.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pyotp
from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import LoginManager, UserMixin, login_user, logout_user
from werkzeug.wrappers import Response

from services.case.web.security import SESSION_TIMEOUT, safe_target
from shared.accounts import MIN_PASSWORD_LENGTH, Account, Accounts, LoginRefused, needs_second_factor
from shared.identity import Actor

blueprint = Blueprint("auth", __name__)

PUBLIC_ENDPOINTS = {
    "auth.login", "auth.second_factor", "static", "api.openapi", "health.live", "health.ready",
    "oidc.start", "oidc.callback",
}  # fmt: skip
WHILE_CHANGING_PASSWORD = {"auth.change_password", "auth.logout", "static"}
MAX_CODE_ATTEMPTS = 5


class SignedIn(UserMixin):
    """Flask-Login's view of an account."""

    def __init__(self, account: Account) -> None:
        self.account = account

    def get_id(self) -> str:
        return self.account.username


def accounts() -> Accounts:
    store: Accounts = current_app.extensions["zorgvuldig.accounts"]
    return store


def current_actor() -> Actor | None:
    actor: Actor | None = g.get("actor")
    return actor


def init_app(app: Flask) -> None:
    manager = LoginManager(app)
    manager.session_protection = "strong"

    @manager.user_loader
    def load_user(username: str) -> SignedIn | None:
        account = accounts().get(username)
        return SignedIn(account) if account else None

    @app.before_request
    def identify() -> Response | tuple[Any, int] | None:
        g.actor = None
        if request.path.startswith("/api/"):
            header = request.headers.get("Authorization", "")
            if header.startswith("Bearer "):
                account = accounts().by_token(header.removeprefix("Bearer ").strip())
                g.actor = account.actor if account else None
        else:
            g.actor = _session_actor()
        if (
            g.actor is not None
            and session.get("wachtwoord_wijzigen")
            and request.endpoint not in WHILE_CHANGING_PASSWORD
            and not request.path.startswith("/api/")
        ):
            return redirect(url_for("auth.change_password"))
        if g.actor is None and request.endpoint not in PUBLIC_ENDPOINTS:
            if request.path.startswith("/api/"):
                from services.case.web.errors import answer

                return answer("Log in met een API-token: Authorization: Bearer <token>.", 401)
            return redirect(url_for("auth.login", volgende=request.full_path.rstrip("?")))
        return None


def _session_actor() -> Actor | None:
    from flask_login import current_user

    if not current_user.is_authenticated:
        return None
    now = datetime.now(UTC).timestamp()
    last_seen = session.get("laatst_actief", now)
    if now - last_seen > SESSION_TIMEOUT.total_seconds():
        logout_user()
        session.clear()
        flash("U was een half uur niet actief en bent uitgelogd. Log opnieuw in.")
        return None
    session["laatst_actief"] = now
    actor: Actor = current_user.account.actor
    return actor


@blueprint.route("/inloggen", methods=["GET", "POST"])
def login() -> Response | str | tuple[str, int]:
    if request.method == "GET":
        return render_template("auth/login.html", username="")
    username = request.form.get("gebruikersnaam", "").strip()
    try:
        account = accounts().authenticate(username, request.form.get("wachtwoord", ""))
    except LoginRefused as refused:
        return render_template("auth/login.html", username=username, error=refused.message), 401
    session.clear()
    target = request.args.get("volgende", "")
    if needs_second_factor(account, current_app.extensions["zorgvuldig.settings"]):
        session["tweede_stap"] = {"gebruiker": account.username, "volgende": target, "pogingen": 0}
        return redirect(url_for("auth.second_factor"))
    return sign_in_as(account, target)


def sign_in_as(account: Account, target: str) -> Response:
    session.clear()
    login_user(SignedIn(account))
    session["laatst_actief"] = datetime.now(UTC).timestamp()
    if accounts().must_change_password(account.username):
        session["wachtwoord_wijzigen"] = True
        return redirect(url_for("auth.change_password"))
    return redirect(safe_target(target, url_for("case.incidents")))


@blueprint.route("/inloggen/code", methods=["GET", "POST"])
def second_factor() -> Response | str | tuple[str, int]:
    """The TOTP code of OTV, board and administrators; set up at the first sign-in."""
    pending = session.get("tweede_stap")
    if not pending:
        return redirect(url_for("auth.login"))
    username = pending["gebruiker"]
    secret = accounts().totp_secret(username)
    enrolling = not secret
    if enrolling:
        secret = pending.setdefault("nieuw_geheim", pyotp.random_base32())
        session.modified = True
    uri = pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name="Zorgvuldig") if enrolling else ""
    if request.method == "GET":
        return render_template("auth/code.html", enrolling=enrolling, secret=secret, uri=uri)
    code = request.form.get("code", "").replace(" ", "")
    if not pyotp.TOTP(secret).verify(code, valid_window=1):
        pending["pogingen"] += 1
        session.modified = True
        if pending["pogingen"] >= MAX_CODE_ATTEMPTS:
            session.clear()
            flash("Te vaak een verkeerde code. Log opnieuw in.")
            return redirect(url_for("auth.login"))
        return render_template(
            "auth/code.html",
            enrolling=enrolling,
            secret=secret,
            uri=uri,
            error="Deze code klopt niet. Gebruik de code die uw authenticator-app nu toont.",
        ), 401
    if enrolling:
        accounts().set_totp_secret(username, secret)
    account = accounts().get(username)
    assert account is not None
    return sign_in_as(account, pending.get("volgende", ""))


@blueprint.route("/wachtwoord", methods=["GET", "POST"])
def change_password() -> Response | str | tuple[str, int]:
    actor = current_actor()
    assert actor is not None
    if request.method == "GET":
        return render_template("auth/password.html")
    new = request.form.get("nieuw", "")
    if len(new) < MIN_PASSWORD_LENGTH:
        error = f"Kies een wachtwoord van minstens {MIN_PASSWORD_LENGTH} tekens."
    elif new != request.form.get("herhaling", ""):
        error = "De twee wachtwoorden zijn niet gelijk."
    else:
        accounts().set_password(actor.id, new)
        session.pop("wachtwoord_wijzigen", None)
        flash("Uw wachtwoord is gewijzigd.")
        return redirect(url_for("case.incidents"))
    return render_template("auth/password.html", error=error), 422


@blueprint.route("/uitloggen", methods=["POST"])
def logout() -> Response:
    logout_user()
    session.clear()
    flash("U bent uitgelogd.")
    return redirect(url_for("auth.login"))


@blueprint.route("/account", methods=["GET", "POST"])
def account() -> str:
    actor = current_actor()
    assert actor is not None
    token = accounts().issue_token(actor.id) if request.method == "POST" else None
    return render_template("auth/account.html", token=token)
