"""Sessions kept on the server end when they should (issue 23, items 1 and 2; ASVS V3)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from flask import Flask

from shared.accounts import DEMO_PASSWORD, MAX_FAILED_LOGINS, Accounts
from shared.identity import Role
from tests.web.conftest import Browser

NEW_PASSWORD = "een-nieuw-lang-wachtwoord"


def accounts_of(app: Flask) -> Accounts:
    store: Accounts = app.extensions["zorgvuldig.accounts"]
    return store


def copied_cookie(browser: Browser) -> str:
    cookie = browser.client.get_cookie("zorgvuldig")
    assert cookie is not None
    return cookie.value


def replay(app: Flask, cookie: str) -> int:
    """A second browser that carries a copy of the first one's cookie."""
    thief = app.test_client()
    thief.set_cookie("zorgvuldig", cookie)
    return thief.get("/").status_code


def shift_sessions(app: Flask, username: str, **delta: float) -> None:
    """Moves every session of the account back in time, as if that much time passed."""
    with accounts_of(app).db.connect() as db:
        for column in ("started_at", "last_seen"):
            for secret_hash, value in db.execute(
                f"SELECT secret_hash, {column} FROM sessions WHERE username = ?",
                (username,),
            ).fetchall():
                moved = (datetime.fromisoformat(value) - timedelta(**delta)).isoformat()
                db.execute(
                    f"UPDATE sessions SET {column} = ? WHERE secret_hash = ?",
                    (moved, secret_hash),
                )


def test_an_idle_session_expires(app: Flask, browser) -> None:  # type: ignore[no-untyped-def]
    handler: Browser = browser("behandelaar.dewilg")
    assert handler.get("/").status_code == 200
    shift_sessions(app, "behandelaar.dewilg", minutes=31)
    response = handler.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/inloggen")
    assert "een half uur niet actief" in handler.get("/inloggen").text


def test_a_session_ends_after_twelve_hours_however_active(app: Flask, browser) -> None:  # type: ignore[no-untyped-def]
    handler: Browser = browser("behandelaar.dewilg")
    with accounts_of(app).db.connect() as db:
        earlier = (datetime.now(UTC) - timedelta(hours=12, minutes=1)).isoformat()
        db.execute("UPDATE sessions SET started_at = ?", (earlier,))
    assert handler.get("/").status_code == 302
    assert "twaalf uur ingelogd" in handler.get("/inloggen").text


def test_the_session_cookie_is_httponly_and_strict(app) -> None:  # type: ignore[no-untyped-def]
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Strict"


def test_a_cookie_replayed_after_logout_is_refused(app: Flask, browser) -> None:  # type: ignore[no-untyped-def]
    handler: Browser = browser("behandelaar.dewilg")
    cookie = copied_cookie(handler)
    assert replay(app, cookie) == 200
    handler.post("/uitloggen")
    assert replay(app, cookie) == 302


def test_a_cookie_replayed_after_a_password_change_is_refused(app: Flask, browser) -> None:  # type: ignore[no-untyped-def]
    elsewhere: Browser = browser("behandelaar.dewilg")
    cookie = copied_cookie(elsewhere)
    token = accounts_of(app).issue_token("behandelaar.dewilg", "koppeling")
    here: Browser = browser("behandelaar.dewilg")
    response = here.post(
        "/wachtwoord", {"huidig": DEMO_PASSWORD, "nieuw": NEW_PASSWORD, "herhaling": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert here.get("/").status_code == 200  # the session that chose it stays
    assert replay(app, cookie) == 302
    assert api_status(app, token) == 401


def test_a_password_change_asks_for_the_current_password(app: Flask, browser) -> None:  # type: ignore[no-untyped-def]
    handler: Browser = browser("behandelaar.dewilg")
    cookie = copied_cookie(handler)
    refused = handler.post(
        "/wachtwoord", {"huidig": "niet-het-wachtwoord", "nieuw": NEW_PASSWORD, "herhaling": NEW_PASSWORD}
    )
    assert refused.status_code == 422 and "huidige wachtwoord klopt niet" in refused.text
    assert accounts_of(app).authenticate("behandelaar.dewilg", DEMO_PASSWORD)
    assert replay(app, cookie) == 200


def test_a_cookie_replayed_after_a_lock_is_refused(app: Flask, browser) -> None:  # type: ignore[no-untyped-def]
    handler: Browser = browser("behandelaar.dewilg")
    cookie = copied_cookie(handler)
    token = accounts_of(app).issue_token("behandelaar.dewilg", "koppeling")
    attacker = Browser(app.test_client())
    for _ in range(MAX_FAILED_LOGINS):
        page = attacker.client.get("/inloggen")
        attacker.client.post(
            "/inloggen",
            data={"csrf_token": attacker._token(page.text), "gebruikersnaam": "behandelaar.dewilg",
                  "wachtwoord": "geraden"},
        )  # fmt: skip
    assert replay(app, cookie) == 302
    assert api_status(app, token) == 401


def test_an_administrators_reset_and_a_role_change_end_every_session_and_token(app: Flask, browser) -> None:  # type: ignore[no-untyped-def]
    for change in (
        lambda store: store.reset_password("behandelaar.dewilg"),
        lambda store: store.change_role("behandelaar.dewilg", Role.STAFF, "de-wilg"),
    ):
        cookie = copied_cookie(browser("behandelaar.dewilg"))
        token = accounts_of(app).issue_token("behandelaar.dewilg", "koppeling")
        change(accounts_of(app))
        assert replay(app, cookie) == 302
        assert api_status(app, token) == 401
        accounts_of(app).set_password("behandelaar.dewilg", DEMO_PASSWORD)
        accounts_of(app).change_role("behandelaar.dewilg", Role.CASE_HANDLER, "de-wilg")


def test_a_person_sees_their_sessions_and_ends_one(app: Flask, browser) -> None:  # type: ignore[no-untyped-def]
    other: Browser = browser("behandelaar.dewilg")
    here: Browser = browser("behandelaar.dewilg")
    page = here.get("/account").text
    assert page.count("Beëindigen") == 1 and "deze sessie" in page
    other_id = next(s.id for s in accounts_of(app).sessions.of("behandelaar.dewilg")
                    if f"/account/sessies/{s.id}/" in page)  # fmt: skip
    assert here.post(f"/account/sessies/{other_id}/beeindigen").status_code == 302
    assert other.get("/").status_code == 302
    assert here.get("/").status_code == 200


def test_the_account_page_lists_only_sessions_that_still_work(app: Flask, browser) -> None:  # type: ignore[no-untyped-def]
    here: Browser = browser("behandelaar.dewilg")
    this = accounts_of(app).sessions.of("behandelaar.dewilg")[0].id
    browser("behandelaar.dewilg")  # a browser closed without logging out, idle for half an hour
    with accounts_of(app).db.connect() as db:
        idle = (datetime.now(UTC) - timedelta(minutes=31)).isoformat()
        db.execute("UPDATE sessions SET last_seen = ? WHERE secret_hash NOT LIKE ?", (idle, f"{this}%"))
    page = here.get("/account").text
    assert "Beëindigen" not in page and "deze sessie" in page
    assert len(accounts_of(app).sessions.of("behandelaar.dewilg")) == 1


def test_a_person_ends_all_their_other_sessions_at_once(app: Flask, browser) -> None:  # type: ignore[no-untyped-def]
    others = [browser("behandelaar.dewilg"), browser("behandelaar.dewilg")]
    here: Browser = browser("behandelaar.dewilg")
    token = accounts_of(app).issue_token("behandelaar.dewilg", "koppeling")
    assert "Alle andere sessies beëindigen" in here.get("/account").text
    assert here.post("/account/sessies/andere-beeindigen").status_code == 302
    assert [other.get("/").status_code for other in others] == [302, 302]
    assert here.get("/").status_code == 200 and len(accounts_of(app).sessions.of("behandelaar.dewilg")) == 1
    assert (
        api_status(app, token) == 200
    )  # ending sessions by hand leaves the tokens, which have their own button


def test_a_person_cannot_end_someone_elses_session(app: Flask, browser) -> None:  # type: ignore[no-untyped-def]
    victim: Browser = browser("behandelaar.hetanker")
    session_id = accounts_of(app).sessions.of("behandelaar.hetanker")[0].id
    browser("behandelaar.dewilg").post(f"/account/sessies/{session_id}/beeindigen")
    assert victim.get("/").status_code == 200


# ------------------------------------------------------------------------ API tokens


def api_status(app: Flask, token: str) -> int:
    answer = app.test_client().get("/api/meldingen", headers={"Authorization": f"Bearer {token}"})
    return answer.status_code


def test_a_token_is_made_with_a_name_and_shows_its_expiry_and_last_use(app: Flask, browser) -> None:  # type: ignore[no-untyped-def]
    handler: Browser = browser("behandelaar.dewilg")
    page = handler.post("/account", {"naam": "roosterkoppeling", "dagen": "30"}).text
    token = page.split('<code id="token">')[1].split("<")[0]
    assert api_status(app, token) == 200
    made = accounts_of(app).tokens.of("behandelaar.dewilg")[0]
    assert made.name == "roosterkoppeling" and made.last_used_at is not None
    assert timedelta(days=29) < made.expires_at - made.created_at <= timedelta(days=30)
    page = handler.get("/account").text
    assert "roosterkoppeling" in page and "nog niet" not in page
    handler.post("/account", {"naam": "standaard"})
    default = next(t for t in accounts_of(app).tokens.of("behandelaar.dewilg") if t.name == "standaard")
    assert default.expires_at - default.created_at == timedelta(days=90)
    nameless = handler.post("/account", {"naam": "", "dagen": "30"})
    assert nameless.status_code == 422 and "Geef het token een naam" in nameless.text


def test_a_token_expires_after_ninety_days_by_default(app: Flask) -> None:
    store = accounts_of(app)
    token = store.issue_token("behandelaar.dewilg", "koppeling")
    assert store.by_token(token) is not None
    assert store.by_token(token, now=datetime.now(UTC) + timedelta(days=89)) is not None
    assert store.by_token(token, now=datetime.now(UTC) + timedelta(days=91)) is None


def test_a_token_past_its_expiry_is_refused_and_shown_as_expired(app: Flask, browser) -> None:  # type: ignore[no-untyped-def]
    store = accounts_of(app)
    token = store.issue_token("behandelaar.dewilg", "kort", timedelta(seconds=-1))
    assert api_status(app, token) == 401
    page = browser("behandelaar.dewilg").get("/account").text
    assert re.search(r"<tr><td>kort</td>.*?verlopen</td></tr>", page, re.S)


def test_a_revoked_token_is_refused(app: Flask, browser) -> None:  # type: ignore[no-untyped-def]
    handler: Browser = browser("behandelaar.dewilg")
    token = accounts_of(app).issue_token("behandelaar.dewilg", "koppeling")
    token_id = accounts_of(app).tokens.of("behandelaar.dewilg")[0].id
    assert api_status(app, token) == 200
    handler.post(f"/account/tokens/{token_id}/intrekken")
    assert api_status(app, token) == 401
    assert "ingetrokken op" in handler.get("/account").text and "(door uzelf)" in handler.get("/account").text
    assert handler.get("/").status_code == 200  # revoking a token by hand leaves the sessions


def test_a_token_of_a_locked_or_removed_account_is_refused(app: Flask) -> None:
    store = accounts_of(app)
    token = store.issue_token("behandelaar.dewilg", "koppeling")
    for _ in range(MAX_FAILED_LOGINS):
        store._check_password("behandelaar.dewilg", "geraden", datetime.now(UTC))
    assert api_status(app, token) == 401
    gone = store.issue_token("medewerker.dewilg", "koppeling")
    store.remove("medewerker.dewilg")
    assert api_status(app, gone) == 401
    orphan = store.issue_token("behandelaar.hetanker", "koppeling")
    with store.db.connect() as db:  # an account row gone while its token row stayed
        db.execute("DELETE FROM accounts WHERE username = 'behandelaar.hetanker'")
    assert api_status(app, orphan) == 401


def test_removing_an_account_ends_its_sessions(app: Flask, browser) -> None:  # type: ignore[no-untyped-def]
    leaver: Browser = browser("medewerker.dewilg")
    accounts_of(app).remove("medewerker.dewilg")
    assert accounts_of(app).sessions.of("medewerker.dewilg") == []
    assert leaver.get("/").status_code == 302


def test_the_account_page_names_the_board_and_school_in_words(app: Flask, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser("behandelaar.dewilg").get("/account").text
    assert "<dt>Bestuur</dt><dd>Kindante</dd>" in page
    assert "<dt>School</dt><dd>Basisschool De Wilg</dd>" in page
    assert "<dd>kindante</dd>" not in page and "<dd>de-wilg</dd>" not in page
    otv = browser("otv").get("/account").text
    assert "<dt>Bestuur</dt><dd>Kindante</dd>" in otv and "<dt>School</dt>" not in otv
