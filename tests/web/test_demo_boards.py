"""The demo's second board: its own school, handler, OTV, board member and protocol, and no
way across to Kindante's cases or figures (issue 12, hard rule 4)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask

from services.case.application import CaseManagement
from services.reporting.projector import Projector
from services.reporting.store import ReportStore
from shared.accounts import SECOND_DEMO_BOARD, Accounts
from tests.web.conftest import Browser


def catch_up(app: Flask) -> None:
    cases: CaseManagement = app.extensions["zorgvuldig.cases"]
    Projector(cases, ReportStore(app.extensions["zorgvuldig.settings"])).catch_up()


def test_the_second_board_has_a_school_handler_otv_board_member_and_administrator(app: Flask) -> None:
    accounts: Accounts = app.extensions["zorgvuldig.accounts"]
    second = {a.username: a for a in accounts.all() if a.board_id == SECOND_DEMO_BOARD}
    assert {a.role.value for a in second.values()} == {"behandelaar", "otv", "bestuur", "beheerder"}
    assert second["behandelaar.devlinder"].school_id == "de-vlinder"


def test_an_incident_of_the_second_board_follows_its_own_protocol(app: Flask, browser) -> None:  # type: ignore[no-untyped-def]
    handler = browser("behandelaar.devlinder")
    page = handler.get(handler.open_incident()).text
    assert "Stichting De Meander" in page and "Bel de wijkagent en maak samen een plan" in page
    assert "Schakel met de politie" not in page
    kindante = browser("behandelaar.dewilg")
    assert "Schakel met de politie" in kindante.get(kindante.open_incident()).text


def test_boards_do_not_see_each_others_cases_or_figures(
    app: Flask, handler: Browser, browser: Callable[[str], Browser]
) -> None:
    theirs = browser("behandelaar.devlinder").open_incident()
    ours = handler.open_incident()
    catch_up(app)
    for username in ("behandelaar.dewilg", "otv", "bestuur"):
        assert browser(username).get(f"{theirs}?reden=controle").status_code == 404
    for username in ("otv.meander", "bestuur.meander"):
        assert browser(username).get(f"{ours}?reden=controle").status_code == 404
        assert browser(username).get(f"{theirs}?reden=controle").status_code == 200
    meander = browser("bestuur.meander").get("/rapportage/").text
    assert "Basisschool De Vlinder" in meander and "Basisschool De Wilg" not in meander
    kindante = browser("bestuur").get("/rapportage/").text
    assert "Basisschool De Wilg" in kindante and "Basisschool De Vlinder" not in kindante
