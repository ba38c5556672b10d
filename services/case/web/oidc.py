"""Sign in with the school's own account (OpenID Connect, through Authlib).

The authorization code flow with PKCE (S256); Authlib keeps state, nonce and code verifier in
the session and checks them on the way back, and checks the ID token's signature, audience,
nonce and issuer (the configured one, not whatever the provider's document says). The provider
handles the second factor, so these accounts do not set up a TOTP code here. An identity
that is not linked to an account gets no access at all (shared/identities.py).
"""

from __future__ import annotations

import logging

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Blueprint, Flask, abort, current_app, render_template, request, url_for
from joserfc.errors import JoseError
from werkzeug.wrappers import Response

from services.case.web import auth, identity_links
from shared.config import OidcProvider, Settings
from shared.identities import Identities, SignedInIdentity

blueprint = Blueprint("oidc", __name__)
log = logging.getLogger(__name__)

PUBLIC_ENDPOINTS = {"oidc.start", "oidc.callback"}
PROVIDER_TIMEOUT_SECONDS = 5

Page = Response | str | tuple[str, int]


def init_app(app: Flask, settings: Settings, identities: Identities | None) -> None:
    oauth = OAuth(app)
    for provider in settings.oidc_providers:
        oauth.register(
            provider.name,
            client_id=provider.client_id,
            client_secret=provider.client_secret,
            server_metadata_url=provider.metadata_url,
            client_kwargs={
                "scope": provider.scope,
                "code_challenge_method": "S256",
                "timeout": PROVIDER_TIMEOUT_SECONDS,
            },
        )
    app.extensions["zorgvuldig.oauth"] = oauth
    if settings.oidc_providers:
        accounts = app.extensions["zorgvuldig.accounts"]
        app.extensions["zorgvuldig.identities"] = identities or Identities(settings, accounts)
    app.jinja_env.globals["sign_in_providers"] = settings.oidc_providers
    app.register_blueprint(blueprint)
    app.register_blueprint(identity_links.blueprint)


def _provider(name: str) -> OidcProvider:
    provider = current_app.extensions["zorgvuldig.settings"].oidc_provider(name)
    if provider is None:
        abort(404)
    return provider


def _redirect_uri(provider: OidcProvider) -> str:
    """The address registered at the provider; behind a proxy, ZORGVULDIG_PUBLIC_URL says it."""
    settings: Settings = current_app.extensions["zorgvuldig.settings"]
    path = url_for("oidc.callback", name=provider.name)
    return (
        settings.public_url.rstrip("/") + path if settings.public_url else request.host_url.rstrip("/") + path
    )


@blueprint.get("/inloggen/via/<name>")
def start(name: str) -> Page:
    provider = _provider(name)
    client = current_app.extensions["zorgvuldig.oauth"].create_client(provider.name)
    try:
        redirect: Response = client.authorize_redirect(_redirect_uri(provider))
    except (requests.RequestException, OAuthError, ValueError) as error:
        return _provider_down(provider, error)
    return redirect


@blueprint.get("/inloggen/via/<name>/terug")
def callback(name: str) -> Page:
    provider = _provider(name)
    if request.args.get("iss") and request.args["iss"] != provider.issuer:
        return _refused(provider, "het antwoord komt van een andere aanbieder")  # RFC 9207 mix-up
    if request.args.get("error"):
        return _refused(provider, "de aanmelding is bij de aanbieder afgebroken of geweigerd")
    client = current_app.extensions["zorgvuldig.oauth"].create_client(provider.name)
    try:
        token = client.authorize_access_token(
            claims_options={"iss": {"essential": True, "values": [provider.issuer]}}
        )
    except requests.RequestException as error:
        return _provider_down(provider, error)
    except (OAuthError, JoseError, ValueError, KeyError) as error:
        reason = f"{type(error).__name__} {str(error)[:80]}"
        log.warning("Aanmelding via %s geweigerd: %s", provider.name, reason)
        return _refused(provider, "de aanmelding kon niet worden gecontroleerd")
    claims = token.get("userinfo")
    if not claims:
        return _refused(provider, "de aanbieder gaf geen ID-token")
    identity = SignedInIdentity.from_claims(claims)
    identities: Identities = current_app.extensions["zorgvuldig.identities"]
    username = identities.account_for(provider, identity)
    account = auth.accounts().get(username) if username else None
    if account is None:
        return render_template("auth/not_linked.html", provider=provider), 403
    return auth.sign_in_as(account, "")


def _provider_down(provider: OidcProvider, error: Exception) -> tuple[str, int]:
    log.warning("Aanbieder %s niet bereikbaar: %s", provider.name, type(error).__name__)
    message = (
        f"Inloggen via {provider.label} lukt nu niet: de aanbieder is niet bereikbaar. "
        "Probeer het later opnieuw, of log hieronder in met uw gebruikersnaam en wachtwoord "
        "als u een eigen Zorgvuldig-account hebt."
    )
    return render_template("auth/login.html", username="", error=message), 503


def _refused(provider: OidcProvider, reason: str) -> tuple[str, int]:
    message = f"Inloggen via {provider.label} is geweigerd: {reason}. Probeer het opnieuw vanaf het begin."
    return render_template("auth/login.html", username="", error=message), 401
