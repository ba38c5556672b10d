"""AVG requests through the web form and the JSON API (issue 12)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from flask import Flask

from shared.accounts import Accounts
from tests.web.conftest import Browser

NOOR, KEVIN = "Noor Wijnaldum", "Kevin Brouwersma"


def incident_naming_noor(handler: Browser) -> str:
    page = handler.open_incident()
    for text in (
        f"{NOOR} is erg geschrokken",
        f"{KEVIN} stuurde het door",
        f"{NOOR} en {KEVIN} hadden ruzie",
    ):
        assert handler.post(f"{page}/acties/NoteAdded", {"text": text}).status_code == 302
    return page


def ask(handler: Browser, person: str, kind: str = "inzage", received_on: str = ""):  # type: ignore[no-untyped-def]
    return handler.post(
        "/avg",
        {
            "person": person,
            "requester": "ouder",
            "kind": kind,
            "received_on": received_on or date.today().isoformat(),
        },
    )


def test_the_handler_finds_a_person_and_sees_an_access_copy_without_other_names(handler: Browser) -> None:
    incident_naming_noor(handler)
    response = ask(handler, "noor wijnaldum")
    assert response.status_code == 302
    page = handler.get(response.headers["Location"])
    assert "Deze persoon komt voor in 1 melding." in page.text
    assert f"{NOOR} is erg geschrokken" in page.text
    assert f"{NOOR} en [andere persoon 1] hadden ruzie" in page.text
    assert "Kevin" not in page.text and "Brouwersma" not in page.text
    assert "stuurde het door" not in page.text  # a note about someone else is not hers
    download = handler.get(response.headers["Location"] + "/inzage.txt")
    assert download.status_code == 200 and NOOR in download.text and "Kevin" not in download.text


def test_a_short_name_is_refused_in_dutch_and_nothing_is_recorded(handler: Browser) -> None:
    response = ask(handler, "No")
    assert response.status_code == 422
    assert "Vul minstens 3 letters van de naam in." in response.text
    assert "Er zijn nog geen verzoeken." in response.text


def test_a_person_in_no_incident_is_said_so_and_still_recorded(handler: Browser) -> None:
    incident_naming_noor(handler)
    response = ask(handler, "Femke Onbekend")
    page = handler.get(response.headers["Location"]).text
    assert "komt in geen enkele melding van uw school voor" in page
    assert "Femke Onbekend" in handler.get("/avg").text


def test_requests_past_one_month_show_as_overdue_until_answered(handler: Browser) -> None:
    old = (date.today() - timedelta(days=40)).isoformat()
    location = ask(handler, "Femke Onbekend", received_on=old).headers["Location"]
    assert "Te laat" in handler.get("/avg").text
    assert "Te laat" in handler.get(location).text
    answered = handler.post(
        f"{location}/antwoord", {"answered_on": date.today().isoformat(), "note": "per brief"}
    )
    assert answered.status_code == 302
    assert "Te laat" not in handler.get("/avg").text
    assert "beantwoord" in handler.get(location).text


def test_the_board_approves_erasure_without_seeing_the_name(
    app: Flask, handler: Browser, browser: Callable[[str], Browser]
) -> None:
    incident = incident_naming_noor(handler)
    location = ask(handler, NOOR, kind="wissen").headers["Location"]
    assert "wacht op het bestuur" in handler.get(location).text
    board = browser("bestuur")
    page = board.get(location).text
    assert NOOR not in page and "[afgeschermd]" in page
    assert NOOR not in board.get("/avg").text
    assert (
        board.post(
            f"{location}/besluit", {"approved": "ja", "reason": "geen reden om te bewaren"}
        ).status_code
        == 302
    )
    assert "gewist" in board.get(location).text
    assert NOOR not in handler.get(incident).text  # the incident's key is gone
    assert "[gewist]" in handler.get(incident).text


def test_others_get_no_rights_pages(handler: Browser, browser: Callable[[str], Browser]) -> None:
    location = ask(handler, "Femke Onbekend").headers["Location"]
    assert browser("behandelaar.hetanker").get(location).status_code == 404
    assert browser("otv").get("/avg").status_code == 403
    assert browser("medewerker.dewilg").get("/avg").status_code == 403
    assert ask(browser("bestuur"), NOOR).status_code == 403


@pytest.fixture
def api(app: Flask):  # type: ignore[no-untyped-def]
    accounts: Accounts = app.extensions["zorgvuldig.accounts"]
    client = app.test_client()

    def call(method: str, path: str, body: object = None, user: str = "behandelaar.dewilg"):  # type: ignore[no-untyped-def]
        headers = {"Authorization": f"Bearer {accounts.issue_token(user)}"}
        return client.open(path, method=method, json=body, headers=headers)

    return call


def test_the_api_records_finds_copies_and_answers(api, handler: Browser) -> None:  # type: ignore[no-untyped-def]
    incident = incident_naming_noor(handler).rsplit("/", 1)[1]
    short = api(
        "POST",
        "/api/avg",
        {"person": "No", "requester": "ouder", "kind": "inzage", "received_on": "2026-11-01"},
    )
    assert short.status_code == 422 and "3 letters" in short.json["fout"]
    created = api(
        "POST",
        "/api/avg",
        {"person": NOOR, "requester": "leerling", "kind": "inzage", "received_on": "2026-01-10"},
    )
    assert created.status_code == 201, created.json
    assert created.json["meldingen"] == [incident]
    assert created.json["uiterlijk"] == "2026-02-10" and created.json["te_laat"] is True
    details = api("GET", f"/api/avg/{created.json['id']}").json
    copied = repr(details["inzage"])
    assert NOOR in copied and "Kevin" not in copied
    nobody = api(
        "POST",
        "/api/avg",
        {"person": "Femke Onbekend", "requester": "ouder", "kind": "inzage", "received_on": "2026-11-01"},
    )
    assert (
        nobody.status_code == 201
        and nobody.json["meldingen"] == []
        and "geen enkele melding" in nobody.json["melding"]
    )
    assert len(api("GET", "/api/avg").json) == 2
    answered = api(
        "POST", f"/api/avg/{created.json['id']}/antwoord", {"answered_on": "2026-02-20", "note": ""}
    )
    assert (
        answered.status_code == 200
        and answered.json["stand"] == "beantwoord"
        and answered.json["te_laat"] is False
    )
    assert api("GET", f"/api/avg/{created.json['id']}", user="behandelaar.hetanker").status_code == 404
    board_view = api("GET", f"/api/avg/{created.json['id']}", user="bestuur").json
    assert board_view["persoon"] == "[afgeschermd]" and "inzage" not in board_view
