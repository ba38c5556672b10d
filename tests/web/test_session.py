"""Half an hour without activity ends the session, with a clear message."""

from __future__ import annotations

from tests.web.conftest import Browser


def test_an_idle_session_expires(browser) -> None:  # type: ignore[no-untyped-def]
    handler: Browser = browser("behandelaar.dewilg")
    assert handler.get("/").status_code == 200
    with handler.client.session_transaction() as session:
        session["laatst_actief"] = session["laatst_actief"] - 31 * 60
    response = handler.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/inloggen")
    assert "een half uur niet actief" in handler.get("/inloggen").text


def test_the_session_cookie_is_httponly_and_strict(app) -> None:  # type: ignore[no-untyped-def]
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Strict"
