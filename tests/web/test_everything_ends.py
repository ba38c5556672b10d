"""Logout, a password change, a lock, an administrator's reset and a role change end every
session and revoke every API token of the account (issue 23, item 1, as written): a revoked
token stays in its owner's list with when and why, and the sign-in log records the event."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask

from shared import sign_in_log
from shared.accounts import DEMO_PASSWORD, MAX_FAILED_LOGINS
from shared.identity import Role
from tests.web.conftest import Browser
from tests.web.test_session import NEW_PASSWORD, accounts_of, api_status, copied_cookie, replay

PERSON = "behandelaar.dewilg"


def sign_in(app: Flask, password: str) -> Browser:
    """The person signs in again; after a reset they first choose their own password."""
    again = Browser(app.test_client()).sign_in(PERSON, password)
    if accounts_of(app).must_change_password(PERSON):
        changed = again.post(
            "/wachtwoord", {"huidig": password, "nieuw": NEW_PASSWORD, "herhaling": NEW_PASSWORD}
        )
        assert changed.status_code == 302
    return again


def log_out(app: Flask, here: Browser) -> str:
    assert here.post("/uitloggen").status_code == 302
    return DEMO_PASSWORD


def change_password(app: Flask, here: Browser) -> str:
    changed = here.post(
        "/wachtwoord", {"huidig": DEMO_PASSWORD, "nieuw": NEW_PASSWORD, "herhaling": NEW_PASSWORD}
    )
    assert changed.status_code == 302
    return NEW_PASSWORD


def lock(app: Flask, here: Browser) -> str:
    """Ten wrong passwords from elsewhere; then the quarter of an hour passes."""
    attacker = Browser(app.test_client())
    for _ in range(MAX_FAILED_LOGINS):
        page = attacker.client.get("/inloggen")
        attacker.client.post(
            "/inloggen",
            data={
                "csrf_token": attacker._token(page.text),
                "gebruikersnaam": PERSON,
                "wachtwoord": "geraden",
            },
        )
    assert accounts_of(app).locked(PERSON)
    with accounts_of(app).db.connect() as db:
        passed = (datetime.now(UTC) - timedelta(seconds=1)).isoformat()
        db.execute("UPDATE accounts SET locked_until = ? WHERE username = ?", (passed, PERSON))
    return DEMO_PASSWORD


def reset_by_administrator(app: Flask, here: Browser) -> str:
    page = Browser(app.test_client()).sign_in("beheerder").post(f"/beheer/accounts/{PERSON}/herstel")
    assert page.status_code == 200
    return page.text.split('<code id="eenmalig">')[1].split("<")[0]


def change_role(app: Flask, here: Browser) -> str:
    accounts_of(app).change_role(PERSON, Role.STAFF, "de-wilg")  # `beheer rol` does just this
    return DEMO_PASSWORD


EVENTS: dict[str, tuple[Callable[[Flask, Browser], str], str]] = {
    "uitloggen": (log_out, sign_in_log.SIGNED_OUT),
    "wachtwoord": (change_password, sign_in_log.PASSWORD_CHANGED),
    "vergrendeling": (lock, sign_in_log.LOCKED),
    "herstel": (reset_by_administrator, sign_in_log.RESET),
    "rol": (change_role, sign_in_log.ROLE_CHANGED),
}


@pytest.mark.parametrize("event", EVENTS)
def test_the_event_ends_every_session_and_revokes_every_token(app: Flask, browser, event: str) -> None:  # type: ignore[no-untyped-def]
    happen, entry = EVENTS[event]
    elsewhere: Browser = browser(PERSON)
    cookie = copied_cookie(elsewhere)
    token = accounts_of(app).issue_token(PERSON, "roosterkoppeling")
    here: Browser = browser(PERSON)
    assert api_status(app, token) == 200

    password = happen(app, here)

    assert replay(app, cookie) == 302
    assert elsewhere.get("/").status_code == 302
    assert api_status(app, token) == 401  # also once a lock has run out: revoked, not only refused
    (revoked,) = accounts_of(app).tokens.of(PERSON)
    assert revoked.revoked_at is not None and revoked.revoked_why == sign_in_log.TOKEN_REVOKED[entry]
    page = sign_in(app, password).get("/account").text
    row = re.search(r"<tr><td>roosterkoppeling</td>.*?</tr>", page, re.S)
    assert row is not None and "ingetrokken op" in row.group(0)
    assert f"({sign_in_log.TOKEN_REVOKED[entry]})" in row.group(0) and "Intrekken" not in row.group(0)
    assert entry in [e.what for e in accounts_of(app).log.of([PERSON], limit=50)]
    assert entry in page  # the person reads it in their own sign-in log


def test_a_second_sessions_cookie_replayed_after_logout_of_the_first_is_refused(app: Flask, browser) -> None:  # type: ignore[no-untyped-def]
    first: Browser = browser(PERSON)
    second: Browser = browser(PERSON)
    cookie = copied_cookie(second)
    assert replay(app, cookie) == 200
    first.post("/uitloggen")
    assert replay(app, cookie) == 302
    assert second.get("/").status_code == 302
    assert accounts_of(app).sessions.of(PERSON) == []


def test_logout_tells_the_person_that_their_sessions_and_tokens_ended(browser) -> None:  # type: ignore[no-untyped-def]
    handler: Browser = browser(PERSON)
    landed = handler.post("/uitloggen", follow_redirects=True)
    assert landed.request.path == "/inloggen"
    text = " ".join(landed.text.split())
    assert "U bent uitgelogd." in text
    assert "Al uw sessies, ook op andere apparaten, en al uw API-tokens zijn beëindigd" in text
    assert "werkt niet meer" in text


def test_the_token_page_warns_before_a_token_is_made_that_logout_ends_it(browser) -> None:  # type: ignore[no-untyped-def]
    page = browser(PERSON).get("/account").text
    warning = page.index('id="tokens-eindigen"')
    assert warning < page.index("Nieuw API-token maken")
    text = " ".join(page[warning:].split())
    assert "<strong>uitlogt</strong>, worden al uw API-tokens ingetrokken" in text


def test_after_a_password_change_its_chooser_goes_on_in_a_fresh_session(app: Flask, browser) -> None:  # type: ignore[no-untyped-def]
    here: Browser = browser(PERSON)
    before = copied_cookie(here)
    changed_at = datetime.now(UTC)
    change_password(app, here)
    assert copied_cookie(here) != before and replay(app, before) == 302
    home = here.get("/", follow_redirects=True)
    assert home.status_code == 200
    assert "U bent opnieuw ingelogd in een nieuwe sessie" in " ".join(home.text.split())
    (fresh,) = accounts_of(app).sessions.of(PERSON)
    assert fresh.started_at >= changed_at
