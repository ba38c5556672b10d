"""After signing in, `volgende` leads only to a path on this site (issue 23, item 3)."""

from __future__ import annotations

import pytest

from services.case.web.security import safe_target
from tests.web.conftest import CSRF

# As they appear in the query string of /inloggen, percent-encoded where an attacker would.
BYPASSES = [
    "https://evil.example",
    "//evil.example",
    "/%09/evil.example",
    "/%0a/evil.example",
    "/%0d%0a/evil.example",
    "%2F%2Fevil.example",
    "/%2F/evil.example",
    "/%252F%252Fevil.example",
    "///evil.example",
    "/%5Cevil.example",
    "%5C%5Cevil.example",
    "/%5C/evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt%3Aalert(1)",
    "data:text/html,%3Cscript%3Ealert(1)%3C/script%3E",
    "http:evil.example",
    "https:/evil.example",
    "evil.example",
    "%20//evil.example",
    "/%E2%80%AE/evil.example",
    "/%00/evil.example",
    "//evil.example%40zorgvuldig.example",
]


@pytest.mark.parametrize("target", BYPASSES)
def test_every_usual_bypass_lands_on_the_home_page(app, target: str) -> None:  # type: ignore[no-untyped-def]
    client = app.test_client()
    page = client.get("/inloggen")
    token = CSRF.search(page.text).group(1)  # type: ignore[union-attr]
    response = client.post(
        f"/inloggen?volgende={target}",
        data={"csrf_token": token, "gebruikersnaam": "behandelaar.dewilg", "wachtwoord": "demo-zorgvuldig"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_a_path_on_this_site_is_kept() -> None:
    assert safe_target("/meldingen/nieuw?reden=controle") == "/meldingen/nieuw?reden=controle"
    assert safe_target("/rapportage/") == "/rapportage/"


def test_the_rule_reads_the_target_decoded() -> None:
    assert safe_target("/\t/evil.example") == "/"
    assert safe_target("/\\evil.example") == "/"
    assert safe_target("/%25252F%25252Fevil.example") == "/"
