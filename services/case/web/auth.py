"""Signing in and out, and who acts in each request (`g.actor`).

The form uses a session kept on the server (shared/sessions.py); the cookie carries only its
secret. It ends after half an hour without activity and after twelve hours in any case. When
the person logs out, changes their password, or is locked, reset or given another role, every
session of the account ends and every API token is revoked (the page they land on says so).
The JSON API takes only a bearer token, so a cookie can never make it act (no CSRF there).
Every route needs a signed-in person except those in PUBLIC_ENDPOINTS.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

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
from werkzeug.wrappers import Response

from services.case.web.security import safe_target
from shared import sign_in_log
from shared.accounts import (
    MIN_PASSWORD_LENGTH,
    Account,
    Accounts,
    CodeRefused,
    LoginRefused,
    needs_second_factor,
)
from shared.boards import board
from shared.identity import Actor
from shared.sessions import MAX_TOKEN_LIFETIME, TOKEN_LIFETIME, SessionEnded

blueprint = Blueprint("auth", __name__)

PUBLIC_ENDPOINTS = {
    "auth.login", "auth.second_factor", "static", "api.openapi", "health.live", "health.ready",
    "oidc.start", "oidc.callback",
    "other_schools.confirm",  # another school confirms receipt with its one-time link, no account
    "house_style.stylesheet", "house_style.logo",  # the neutral look before signing in
}  # fmt: skip
WHILE_CHANGING_PASSWORD = {
    "auth.change_password", "auth.logout", "static", "house_style.stylesheet", "house_style.logo",
}  # fmt: skip
LOCAL_TIME = ZoneInfo("Europe/Amsterdam")
CODE_WITHIN = timedelta(minutes=5)  # between the password and the code of a sign-in
SESSION_KEY = "sessie"  # the cookie holds only this secret; the session itself is on the server
# Said on the page a person lands on after logout: a script that stopped working is no surprise.
ENDED_WHILE_SIGNING_IN = (
    "Terwijl u inlogde, zijn al uw sessies beëindigd: u bent uitgelogd op een ander apparaat, of "
    "uw wachtwoord, uw rol of de vergrendeling van uw account is veranderd. Log opnieuw in."
)
LOGGED_OUT = (
    "U bent uitgelogd. Al uw sessies, ook op andere apparaten, en al uw API-tokens zijn beëindigd: "
    "een script of koppeling met een token van u werkt niet meer. Maak zo nodig na het inloggen "
    "een nieuw token op de pagina Uw account."
)


def accounts() -> Accounts:
    store: Accounts = current_app.extensions["zorgvuldig.accounts"]
    return store


def current_actor() -> Actor | None:
    actor: Actor | None = g.get("actor")
    return actor


def init_app(app: Flask) -> None:
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
    """The person of this browser's session, looked up on the server on every request: a
    cookie whose session was ended (logout, new password, lock, reset) opens nothing."""
    secret = session.get(SESSION_KEY)
    if not isinstance(secret, str):
        return None
    try:
        username = accounts().sessions.username(secret)
    except SessionEnded as ended:
        session.clear()
        flash(ended.message)
        return None
    account = accounts().get(username)
    if account is None:
        session.clear()
        return None
    return account.actor


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
        session["tweede_stap"] = {
            "gebruiker": account.username,
            "volgende": target,
            "sinds": datetime.now(UTC).timestamp(),
        }
        return redirect(url_for("auth.second_factor"))
    return sign_in_as(account, target)


def sign_in_as(account: Account, target: str) -> Response:
    start_session(account.username)
    if accounts().must_change_password(account.username):
        session["wachtwoord_wijzigen"] = True
        return redirect(url_for("auth.change_password"))
    return redirect(safe_target(target, url_for("case.incidents")))


def start_session(username: str) -> None:
    session.clear()  # a new session: never one an attacker could have set beforehand
    session[SESSION_KEY] = accounts().sessions.start(username, _device())
    accounts().log.record(username, sign_in_log.SIGNED_IN)


@blueprint.route("/inloggen/code", methods=["GET", "POST"])
def second_factor() -> Response | str | tuple[str, int]:
    """The TOTP code of OTV, board and administrators; set up at the first sign-in."""
    pending = session.get("tweede_stap")
    if not pending:
        return redirect(url_for("auth.login"))
    if datetime.now(UTC).timestamp() - pending.get("sinds", 0) > CODE_WITHIN.total_seconds():
        session.clear()  # a copied cookie of a half-finished sign-in does not stay good
        flash("De inlogcode is niet binnen vijf minuten ingevuld. Log opnieuw in.")
        return redirect(url_for("auth.login"))
    username = pending["gebruiker"]
    started = datetime.fromtimestamp(pending.get("sinds", 0), UTC)
    if accounts().log.everything_ended_since(username, started):
        session.clear()  # the password was typed before a reset, lock, role change or logout
        flash(ENDED_WHILE_SIGNING_IN)
        return redirect(url_for("auth.login"))
    secret = accounts().totp_secret(username)
    enrolling = not secret
    if enrolling:
        secret = pending.setdefault("nieuw_geheim", pyotp.random_base32())
        session.modified = True
    uri = pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name="Zorgvuldig") if enrolling else ""
    if request.method == "GET":
        return render_template("auth/code.html", enrolling=enrolling, secret=secret, uri=uri)
    try:
        accounts().check_code(username, secret, request.form.get("code", "").replace(" ", ""))
    except CodeRefused as refused:
        if accounts().locked(username):
            session.clear()
            flash(refused.message)
            return redirect(url_for("auth.login"))
        return render_template(
            "auth/code.html", enrolling=enrolling, secret=secret, uri=uri, error=refused.message
        ), 401
    if enrolling:
        accounts().set_totp_secret(username, secret)
    account = accounts().get(username)
    assert account is not None
    return sign_in_as(account, pending.get("volgende", ""))


@blueprint.route("/wachtwoord", methods=["GET", "POST"])
def change_password() -> Response | str | tuple[str, int]:
    """Asks for the current password. The new one ends every session, this one too, and revokes
    every API token; the person who chose it goes on in a fresh session (they just proved the
    current password); a copy of any earlier cookie, this browser's too, is refused."""
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
        try:
            accounts().change_password(actor.id, request.form.get("huidig", ""), new)
        except LoginRefused as refused:
            if accounts().locked(actor.id):  # the lock ended this session too
                session.clear()
                flash(refused.message)
                return redirect(url_for("auth.login"))
            error = "Uw huidige wachtwoord klopt niet."
        else:
            start_session(actor.id)
            flash(
                "Uw wachtwoord is gewijzigd. Al uw sessies en al uw API-tokens zijn beëindigd: "
                "een script of koppeling met een token van u werkt niet meer. U bent opnieuw "
                "ingelogd in een nieuwe sessie."
            )
            return redirect(url_for("case.incidents"))
    return render_template("auth/password.html", error=error), 422


@blueprint.route("/uitloggen", methods=["POST"])
def logout() -> Response:
    """Ends every session of the account, also on other devices, and revokes every API token."""
    actor = current_actor()
    assert actor is not None
    accounts().end_everything(actor.id, sign_in_log.SIGNED_OUT)
    session.clear()
    flash(LOGGED_OUT)
    return redirect(url_for("auth.login"))


@blueprint.route("/account", methods=["GET", "POST"])
def account() -> str | tuple[str, int]:
    """The person's account: their sessions and API tokens, each of which they can end."""
    actor = current_actor()
    assert actor is not None
    token, error = None, ""
    if request.method == "POST":
        name = request.form.get("naam", "").strip()
        days = request.form.get("dagen", "").strip() or str(TOKEN_LIFETIME.days)
        if not name or len(name) > 80:
            error = "Geef het token een naam van hoogstens 80 tekens, zodat u het later herkent."
        elif not days.isdigit() or not 1 <= int(days) <= MAX_TOKEN_LIFETIME.days:
            error = f"Kies een geldigheid van 1 tot {MAX_TOKEN_LIFETIME.days} dagen."
        else:
            token = accounts().issue_token(actor.id, name, timedelta(days=int(days)))
    settings = board(actor.board_id, current_app.extensions["zorgvuldig.settings"].boards_dir)
    page = render_template(
        "auth/account.html",
        own_board=settings.name,
        own_school=settings.school(actor.school_id).name if actor.school_id else "",
        token=token,
        error=error,
        sessions=accounts().sessions.of(actor.id),
        this_session=accounts().sessions.id_of(session[SESSION_KEY]),
        tokens=accounts().tokens.of(actor.id),
        sign_ins=accounts().log.of([actor.id], limit=10),
        now=datetime.now(UTC),
        default_days=TOKEN_LIFETIME.days,
        local=_local,
    )
    return (page, 422) if error else page


@blueprint.post("/account/sessies/<session_id>/beeindigen")
def end_session(session_id: str) -> Response:
    actor = current_actor()
    assert actor is not None
    if accounts().sessions.end(actor.id, session_id):
        flash("De sessie is beëindigd.")
    return redirect(url_for("auth.account"))


@blueprint.post("/account/sessies/andere-beeindigen")
def end_other_sessions() -> Response:
    actor = current_actor()
    assert actor is not None
    accounts().sessions.end_all(actor.id, except_secret=session[SESSION_KEY])
    flash("Uw andere sessies zijn beëindigd.")
    return redirect(url_for("auth.account"))


@blueprint.post("/account/tokens/<token_id>/intrekken")
def revoke_token(token_id: str) -> Response:
    actor = current_actor()
    assert actor is not None
    if accounts().tokens.revoke(actor.id, token_id):
        flash("Het API-token is ingetrokken; het werkt niet meer.")
    return redirect(url_for("auth.account"))


def _local(moment: datetime) -> str:
    return moment.astimezone(LOCAL_TIME).strftime("%d-%m-%Y %H:%M")


def _device() -> str:
    """What the person recognises a session by on their account page."""
    return request.user_agent.string[:120]
