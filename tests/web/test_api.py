"""The JSON API: bearer tokens, the same schemas as the form, clear errors, OpenAPI."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from shared.accounts import Accounts
from tests.examples import ACTIONS
from tests.web.conftest import Browser


@pytest.fixture
def api(app: Flask):  # type: ignore[no-untyped-def]
    accounts: Accounts = app.extensions["zorgvuldig.accounts"]
    token = accounts.issue_token("behandelaar.dewilg")
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}

    class Api:
        def get(self, path: str, **kw):  # type: ignore[no-untyped-def]
            return client.get(path, headers=headers, **kw)

        def post(self, path: str, body: object):  # type: ignore[no-untyped-def]
            return client.post(path, json=body, headers=headers)

    return Api()


def open_incident(api) -> str:  # type: ignore[no-untyped-def]
    response = api.post("/api/meldingen", {"situation": "beeld_leerling", "learned_how": "via de mentor"})
    assert response.status_code == 201, response.json
    return response.json["id"]


def test_the_api_needs_a_token_and_ignores_the_session_cookie(app: Flask, handler: Browser) -> None:
    assert app.test_client().get("/api/meldingen").status_code == 401
    assert handler.get("/api/meldingen").status_code == 401


def test_every_form_action_can_be_recorded_through_the_api(api) -> None:  # type: ignore[no-untyped-def]
    from services.case.web.forms import action_forms

    incident_id = open_incident(api)
    for action in action_forms():
        response = api.post(f"/api/meldingen/{incident_id}/acties/{action}", {"data": ACTIONS[action]})
        assert response.status_code == 201, (action, response.json)
    trail = api.get(f"/api/meldingen/{incident_id}/logboek").json
    assert [line["type"] for line in trail[1:]] == list(action_forms())
    assert trail[1]["actor"] == "behandelaar.dewilg"


def test_invalid_action_data_gets_field_errors_in_dutch(api) -> None:  # type: ignore[no-untyped-def]
    incident_id = open_incident(api)
    response = api.post(
        f"/api/meldingen/{incident_id}/acties/MaterialReported", {"data": {"reported_to": "tv"}}
    )
    assert response.status_code == 422
    assert response.json["velden"]["reported_to"] == "Kies een van de mogelijkheden."
    assert response.json["velden"]["public_url"] == "Vul dit veld in."
    unknown = api.post(f"/api/meldingen/{incident_id}/acties/NoteAdded", {"data": {"text": "x", "foto": "y"}})
    assert unknown.status_code == 422 and "foto" in unknown.json["velden"]
    assert api.post(f"/api/meldingen/{incident_id}/acties/NoteAdded", ["geen object"]).status_code == 400


def test_base64_material_is_refused_through_the_api(api) -> None:  # type: ignore[no-untyped-def]
    incident_id = open_incident(api)
    response = api.post(f"/api/meldingen/{incident_id}/acties/NoteAdded", {"data": {"text": "QUJD" * 60}})
    assert response.status_code == 422
    assert "beeldmateriaal" in response.json["fout"]
    assert len(api.get(f"/api/meldingen/{incident_id}/logboek").json) == 1


def test_a_stale_expected_version_is_a_409(api) -> None:  # type: ignore[no-untyped-def]
    incident_id = open_incident(api)
    path = f"/api/meldingen/{incident_id}/acties/NoteAdded"
    assert api.post(path, {"data": {"text": "een"}, "expected_version": 1}).status_code == 201
    conflict = api.post(path, {"data": {"text": "twee"}, "expected_version": 1})
    assert conflict.status_code == 409 and "Iemand anders" in conflict.json["fout"]


def test_unknown_ids_and_actions_are_404(api) -> None:  # type: ignore[no-untyped-def]
    missing = "00000000-0000-0000-0000-000000000000"
    assert api.get(f"/api/meldingen/{missing}").status_code == 404
    assert api.post(f"/api/meldingen/{missing}/acties/NoteAdded", {"data": {"text": "x"}}).status_code == 404
    incident_id = open_incident(api)
    assert api.post(f"/api/meldingen/{incident_id}/acties/Verzonnen", {"data": {}}).status_code == 404


def test_a_store_that_is_down_gives_503_and_writes_nothing(app: Flask, api) -> None:  # type: ignore[no-untyped-def]
    incident_id = open_incident(api)
    cases = app.extensions["zorgvuldig.cases"]
    save = cases.save

    def down(*args, **kwargs):  # type: ignore[no-untyped-def]
        from eventsourcing.persistence import OperationalError

        raise OperationalError("verbinding geweigerd")

    cases.save = down
    try:
        response = api.post(f"/api/meldingen/{incident_id}/acties/NoteAdded", {"data": {"text": "x"}})
    finally:
        cases.save = save
    assert response.status_code == 503
    assert "niet bereikbaar" in response.json["fout"]
    assert len(api.get(f"/api/meldingen/{incident_id}/logboek").json) == 1


def test_the_openapi_document_describes_every_action(app: Flask) -> None:
    from services.case.web.forms import action_forms

    document = app.test_client().get("/api/openapi.json").json
    assert document["openapi"].startswith("3.")
    for action in action_forms():
        assert f"/api/meldingen/{{incident_id}}/acties/{action}" in document["paths"]
        assert action in document["components"]["schemas"]


def test_the_account_page_makes_a_token_once(handler: Browser) -> None:
    page = handler.post("/account", {"naam": "roosterkoppeling"}).text
    token = re.search(r'<code id="token">([^<]+)</code>', page)
    assert token and len(token.group(1)) > 30


def test_health_and_readiness_need_no_login_and_show_no_content(app: Flask) -> None:
    client = app.test_client()
    assert client.get("/gezondheid").json == {"status": "ok"}
    ready = client.get("/gereed")
    assert ready.status_code == 200
    assert ready.json["gebeurtenissen"] == "bereikbaar" and "rapportage_achterstand" in ready.json
