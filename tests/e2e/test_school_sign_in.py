"""Signing in with the school's own account, through a real OpenID provider in a real browser.

The provider is the certified npm package `oidc-provider`, its own development login page
(any password for a known login). Three providers are configured in the app: `school` (the
real one), `ander` (a discovery document that names a different issuer than the provider's
tokens carry) and `weg` (nothing listens there).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest
import requests
from playwright.sync_api import expect

from services.web import create_app
from shared.accounts import Accounts
from shared.config import load_settings
from shared.demo import seed_demo
from shared.identities import Identities
from shared.identity import Role
from tests.e2e.oidc import CLIENT_ID, CLIENT_SECRET, free_port, running_provider
from tests.e2e.test_browser_incident import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.e2e

PEOPLE = {
    "anna": {
        "email": "anna@dewilg.voorbeeld.nl",
        "email_verified": True,
        "name": "Anna Bakker",
        "groups": [],
    },
    "zorg": {
        "email": "zorg@hetanker.voorbeeld.nl",
        "email_verified": True,
        "name": "Zeynep Yilmaz",
        "groups": ["Zorgteam"],
    },
}


class Site:
    def __init__(self, url: str, issuer: str, identities: Identities, settings: Any) -> None:
        self.url = url
        self.issuer = issuer
        self.identities = identities
        self.settings = settings


def _discovery_naming(issuer: str, real_issuer: str) -> type[BaseHTTPRequestHandler]:
    real = requests.get(f"{real_issuer}/.well-known/openid-configuration", timeout=5).json()

    class Discovery(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps({**real, "issuer": issuer}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    return Discovery


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    from waitress.server import create_server

    web_port, other_port = free_port(), free_port()
    callbacks = [f"http://127.0.0.1:{web_port}/inloggen/via/{name}/terug" for name in ("school", "ander")]
    with running_provider(callbacks, PEOPLE) as issuer:
        other_issuer = f"http://127.0.0.1:{other_port}"
        discovery = ThreadingHTTPServer(("127.0.0.1", other_port), _discovery_naming(other_issuer, issuer))
        threading.Thread(target=discovery.serve_forever, daemon=True).start()
        env = {
            "ZORGVULDIG_DATA_DIR": str(tmp_path_factory.mktemp("data")),
            "ZORGVULDIG_OIDC_PROVIDERS": "school,ander,weg",
            "ZORGVULDIG_OIDC_SCHOOL_LABEL": "Schoolaccount",
            "ZORGVULDIG_OIDC_SCHOOL_SCOPE": "openid email profile groups",
            "ZORGVULDIG_OIDC_SCHOOL_RULES": "hetanker.voorbeeld.nl Zorgteam behandelaar het-anker",
            "ZORGVULDIG_OIDC_ANDER_ISSUER": other_issuer,
            "ZORGVULDIG_OIDC_WEG_ISSUER": f"http://127.0.0.1:{free_port()}",
            "ZORGVULDIG_OIDC_SCHOOL_ISSUER": issuer,
        }
        for name in ("SCHOOL", "ANDER", "WEG"):
            env[f"ZORGVULDIG_OIDC_{name}_CLIENT_ID"] = CLIENT_ID
            env[f"ZORGVULDIG_OIDC_{name}_CLIENT_SECRET"] = CLIENT_SECRET
            env[f"ZORGVULDIG_OIDC_{name}_BOARD"] = "kindante"
        settings = load_settings(env)
        accounts = Accounts(settings)
        seed_demo(settings, accounts)
        identities = Identities(settings, accounts)
        app = create_app(settings, accounts=accounts, identities=identities)
        server = create_server(app, host="127.0.0.1", port=web_port)
        threading.Thread(target=server.run, daemon=True).start()
        yield Site(f"http://127.0.0.1:{web_port}", issuer, identities, settings)
        server.close()
        discovery.shutdown()


@pytest.fixture
def page(site: Site):  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is niet geïnstalleerd (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(base_url=site.url)
        yield context.new_page()
        browser.close()


def sign_in_at_provider(page, site: Site, login: str, provider: str = "Schoolaccount") -> None:  # type: ignore[no-untyped-def]
    """From our sign-in page through the provider's own login and consent, back to us."""
    page.goto("/inloggen")
    page.get_by_role("link", name=f"Inloggen met {provider}").click()
    if page.url.startswith(site.issuer):
        if page.locator("input[name=login]").count():
            page.fill("input[name=login]", login)
            page.fill("input[name=password]", "wat-dan-ook")
            page.locator("button[type=submit]").click()
        if page.url.startswith(site.issuer) and "interaction" in page.url:
            page.locator("button[type=submit]").click()  # the consent screen
    page.wait_for_url(f"{site.url}/**")


def test_an_unlinked_identity_gets_nothing_until_an_administrator_links_it(page, site: Site) -> None:  # type: ignore[no-untyped-def]
    sign_in_at_provider(page, site, "anna")
    expect(page.get_by_role("heading", name="Nog geen toegang")).to_be_visible()
    assert "Vraag uw beheerder" in page.content()
    assert page.get_by_role("navigation").count() == 0
    page.goto("/")
    assert "/inloggen" in page.url  # not signed in: no menu, no incidents

    waiting = [w for w in site.identities.waiting() if w.subject == "anna"]
    assert waiting and waiting[0].email == "anna@dewilg.voorbeeld.nl"
    provider = site.settings.oidc_provider("school")
    site.identities.link(provider, "anna", role=Role.CASE_HANDLER, school_id="de-wilg", linked_by="beheerder")

    sign_in_at_provider(page, site, "anna")
    menu = page.get_by_role("navigation").inner_text()
    assert "Anna Bakker (Behandelaar, Basisschool De Wilg)" in menu
    expect(page.get_by_role("link", name="Nieuwe melding openen")).to_be_visible()

    page.get_by_role("button", name="Uitloggen").click()
    expect(page.get_by_text("U bent uitgelogd.")).to_be_visible()
    page.goto("/")
    assert "/inloggen" in page.url


def test_a_board_rule_gives_the_role_and_school_of_the_claims(page, site: Site) -> None:  # type: ignore[no-untyped-def]
    sign_in_at_provider(page, site, "zorg")
    assert "Zeynep Yilmaz (Behandelaar, Basisschool Het Anker)" in page.get_by_role("navigation").inner_text()


def test_a_replayed_state_is_refused(page, site: Site) -> None:  # type: ignore[no-untyped-def]
    callbacks: list[str] = []
    page.on("request", lambda r: callbacks.append(r.url) if "/inloggen/via/school/terug" in r.url else None)
    sign_in_at_provider(page, site, "zorg")
    assert page.get_by_role("navigation").count() == 1
    page.get_by_role("button", name="Uitloggen").click()

    response = page.goto(callbacks[-1])
    assert response.status == 401
    expect(page.get_by_text("Inloggen via Schoolaccount is geweigerd")).to_be_visible()
    page.goto("/")
    assert "/inloggen" in page.url


def test_a_wrong_nonce_is_refused(page, site: Site, caplog: pytest.LogCaptureFixture) -> None:  # type: ignore[no-untyped-def]
    """The nonce in the request to the provider is swapped (a browser routes only the first
    request of a redirect, so the app's redirect is rewritten): the ID token carries a nonce
    the session never issued."""

    def other_nonce(route) -> None:  # type: ignore[no-untyped-def]
        response = route.fetch(max_redirects=0)
        parts = urlsplit(response.headers["location"])
        query = {**dict(parse_qsl(parts.query)), "nonce": "een-andere-nonce"}
        location = urlunsplit(parts._replace(query=urlencode(query)))
        route.fulfill(status=302, headers={**response.headers, "location": location})

    page.route(re.compile(r".*/inloggen/via/school$"), other_nonce)
    sign_in_at_provider(page, site, "zorg")
    expect(page.get_by_text("Inloggen via Schoolaccount is geweigerd")).to_be_visible()
    assert page.get_by_role("navigation").count() == 0
    assert "Invalid claim: 'nonce'" in caplog.text


def test_a_token_from_another_issuer_is_refused(page, site: Site, caplog: pytest.LogCaptureFixture) -> None:  # type: ignore[no-untyped-def]
    """The discovery document of `ander` names its own issuer; the answer and the tokens come
    from the real provider. The `iss` parameter of the answer (RFC 9207) gives that away; sent
    again without it, the issuer in the ID token does."""
    callbacks: list[str] = []
    page.on("request", lambda r: callbacks.append(r.url) if "/inloggen/via/ander/terug" in r.url else None)
    sign_in_at_provider(page, site, "zorg", provider="Ander")
    expect(
        page.get_by_text("Inloggen via Ander is geweigerd: het antwoord komt van een andere aanbieder")
    ).to_be_visible()

    parts = urlsplit(callbacks[-1])
    without_iss = urlunsplit(
        parts._replace(query=urlencode([(k, v) for k, v in parse_qsl(parts.query) if k != "iss"]))
    )
    response = page.goto(without_iss)
    assert response.status == 401
    expect(
        page.get_by_text("Inloggen via Ander is geweigerd: de aanmelding kon niet worden gecontroleerd")
    ).to_be_visible()
    assert page.get_by_role("navigation").count() == 0


def test_a_provider_that_is_down_offers_the_local_sign_in(page, site: Site) -> None:  # type: ignore[no-untyped-def]
    page.goto("/inloggen")
    page.get_by_role("link", name="Inloggen met Weg").click()
    expect(
        page.get_by_text("Inloggen via Weg lukt nu niet: de aanbieder is niet bereikbaar.")
    ).to_be_visible()
    page.get_by_label("Gebruikersnaam").fill("behandelaar.dewilg")
    page.get_by_label("Wachtwoord").fill("demo-zorgvuldig")
    page.get_by_role("button", name="Inloggen").click()
    assert "Anna de Vries (Behandelaar, Basisschool De Wilg)" in page.get_by_role("navigation").inner_text()
