"""A web app on a fresh SQLite data folder with the demo accounts, and signed-in clients."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from services.web import create_app
from shared.accounts import DEMO_PASSWORD, Accounts
from shared.config import load_settings
from shared.demo import seed_demo
from shared.privacy import PrivacyGuard

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def app(tmp_path: Path, guard: PrivacyGuard) -> Flask:
    settings = load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path)})
    accounts = Accounts(settings)
    seed_demo(settings, accounts)
    return create_app(settings, accounts=accounts, guard=guard)


class Browser:
    """A test client that signs in and carries the CSRF token like a browser would."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.token = ""

    def sign_in(self, username: str, password: str = DEMO_PASSWORD) -> Browser:
        page = self.client.get("/inloggen")
        response = self.client.post(
            "/inloggen",
            data={"csrf_token": self._token(page.text), "gebruikersnaam": username, "wachtwoord": password},
        )
        assert response.status_code == 302, response.text
        self.token = self._token(self.client.get("/", follow_redirects=True).text)
        return self

    def get(self, path: str, **kwargs):  # type: ignore[no-untyped-def]
        return self.client.get(path, **kwargs)

    def post(self, path: str, data: dict | None = None, **kwargs):  # type: ignore[no-untyped-def]
        return self.client.post(path, data={"csrf_token": self.token, **(data or {})}, **kwargs)

    def open_incident(self) -> str:
        response = self.post(
            "/meldingen/nieuw",
            {"situation": "beeld_leerling", "learned_how": "De mentor hoorde het van een leerling"},
        )
        assert response.status_code == 302
        return response.headers["Location"]

    @staticmethod
    def _token(html: str) -> str:
        found = CSRF.search(html)
        assert found, "geen CSRF-token op de pagina"
        return found.group(1)


@pytest.fixture
def browser(app: Flask) -> Callable[[str], Browser]:
    return lambda username: Browser(app.test_client()).sign_in(username)


@pytest.fixture
def handler(browser: Callable[[str], Browser]) -> Browser:
    return browser("behandelaar.dewilg")


def trail_of(app: Flask, page: str) -> list[Any]:
    """The audit trail of the incident at `page`, as its school's handler reads it: the incident's
    own events with its letters' events (each letter has a stream of its own) in their place."""
    from uuid import UUID

    from tests.examples import HANDLER

    return list(app.extensions["zorgvuldig.cases"].audit_trail(HANDLER, UUID(page.rsplit("/", 1)[1])))


def approve_waiting(second: Browser, app: Flask, page: str) -> int:
    """A second person approves every letter of the incident that waits for four eyes, as the
    director does on the review page; returns how many."""
    from uuid import UUID

    cases = app.extensions["zorgvuldig.cases"]
    incident = cases.stored_incident(UUID(page.rsplit("/", 1)[1]))
    waiting = [i for i in incident.letter_ids() if cases.letter_request(i).awaiting_review]
    for letter_id in waiting:
        response = second.post(f"{page}/brieven/{letter_id}/goedkeuren")
        assert response.status_code == 302, response.text[-2000:]
    return len(waiting)
