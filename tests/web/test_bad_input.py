"""Bad input gets a 4xx with a Dutch sentence, never a 5xx or a misleading 503 (issue 23, item 6)."""

from __future__ import annotations

import pytest
from flask import Flask

from services.case.application import CaseManagement
from services.reporting.projector import Projector
from tests.web.conftest import Browser

HUGE = "99999999999999999999999"


@pytest.fixture
def incident(app: Flask, handler: Browser) -> str:
    page = handler.open_incident()
    handler.post(f"{page}/acties/NoteAdded", {"text": "eerste notitie"})
    cases: CaseManagement = app.extensions["zorgvuldig.cases"]
    Projector(cases, app.extensions["zorgvuldig.reports"]).catch_up()
    return page.rsplit("/", 1)[1]


@pytest.fixture
def api(app: Flask):  # type: ignore[no-untyped-def]
    token = app.extensions["zorgvuldig.accounts"].issue_token("behandelaar.dewilg", "test")
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}

    class Api:
        def get(self, path: str):  # type: ignore[no-untyped-def]
            return client.get(path, headers=headers)

        def post(self, path: str, body: str):  # type: ignore[no-untyped-def]
            return client.post(path, data=body, content_type="application/json", headers=headers)

    return Api()


@pytest.mark.parametrize("version", ["-1", "0", HUGE, "abc", "1e3"])
def test_a_bad_version_on_the_trail_is_a_400_in_dutch(handler: Browser, incident: str, version: str) -> None:
    response = handler.get(f"/rapportage/meldingen/{incident}/logboek?reden=controle&versie={version}")
    assert response.status_code == 400
    assert "Het versienummer (versie) moet een geheel getal" in response.text


def test_a_version_past_the_trail_shows_the_trail_as_it_stands(handler: Browser, incident: str) -> None:
    response = handler.get(f"/rapportage/meldingen/{incident}/logboek?reden=controle&versie=500")
    assert response.status_code == 200


@pytest.mark.parametrize("path", [f"/?pagina={HUGE}", f"/api/meldingen?pagina={HUGE}", "/?pagina=-3"])
def test_a_page_number_past_any_integer_is_a_400_in_dutch(handler: Browser, api, path: str) -> None:  # type: ignore[no-untyped-def]
    response = api.get(path) if path.startswith("/api/") else handler.get(path)
    assert response.status_code == 400
    assert "Het paginanummer (pagina) moet een geheel getal" in response.text


@pytest.mark.parametrize(
    "body",
    [
        '{"data": {"text": "a\\ud800b"}}',
        '{"data": {"text": "\\udfff"}}',
        '{"data": {"\\ud800": "x"}}',
    ],
)
def test_a_lone_surrogate_in_json_is_a_400_in_dutch(api, incident: str, body: str) -> None:  # type: ignore[no-untyped-def]
    response = api.post(f"/api/meldingen/{incident}/acties/NoteAdded", body)
    assert response.status_code == 400
    assert "losse surrogaat" in response.get_json()["fout"]
    assert len(api.get(f"/api/meldingen/{incident}").get_json()["actions"]) == 1  # nothing recorded


def test_a_lone_surrogate_when_opening_is_a_400(api) -> None:  # type: ignore[no-untyped-def]
    response = api.post("/api/meldingen", '{"situation": "anders", "learned_how": "\\ud800"}')
    assert response.status_code == 400 and "losse surrogaat" in response.get_json()["fout"]


@pytest.mark.parametrize("expected", [3, 1000, 10**30])
def test_an_expected_version_past_the_stream_is_refused(api, incident: str, expected: int) -> None:  # type: ignore[no-untyped-def]
    body = f'{{"data": {{"text": "x"}}, "expected_version": {expected}}}'
    response = api.post(f"/api/meldingen/{incident}/acties/NoteAdded", body)
    assert response.status_code == 422
    assert "versie" in response.get_json()["fout"].lower()
    assert len(api.get(f"/api/meldingen/{incident}").get_json()["actions"]) == 1


def test_the_expected_version_of_the_stream_itself_is_accepted(api, incident: str) -> None:  # type: ignore[no-untyped-def]
    response = api.post(
        f"/api/meldingen/{incident}/acties/NoteAdded", '{"data": {"text": "x"}, "expected_version": 2}'
    )
    assert response.status_code == 201


@pytest.mark.parametrize("text", ["Sara\u202eraaD", "bel\x07letje"])
def test_direction_overrides_and_control_characters_are_refused_in_dutch(
    handler: Browser, api, incident: str, text: str
) -> None:  # type: ignore[no-untyped-def]
    response = handler.post(f"/meldingen/{incident}/acties/NoteAdded", {"text": text})
    assert response.status_code == 422 and "onzichtbare stuurtekens" in response.text
    import json

    response = api.post(f"/api/meldingen/{incident}/acties/NoteAdded", json.dumps({"data": {"text": text}}))
    assert response.status_code == 422 and "onzichtbare stuurtekens" in response.get_json()["fout"]
