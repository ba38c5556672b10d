"""A board's own colours and logo over the neutral NL Design System theme, from its board file;
what the file gets wrong is left out with a log line, never an error page."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from flask import Flask

from services.web import create_app
from shared.accounts import Accounts
from shared.boards import board
from shared.config import load_settings
from shared.demo import seed_demo
from shared.privacy import PrivacyGuard
from tests.web.conftest import Browser

LOGO = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>'


@pytest.fixture
def own_board(tmp_path: Path, guard: PrivacyGuard) -> Flask:
    boards = tmp_path / "besturen"
    boards.mkdir()
    (boards / "kindante.toml").write_text(
        'naam = "Kindante"\n[scholen.de-wilg]\nnaam = "Basisschool De Wilg"\n'
        "[huisstijl]\n"
        'basis-color-action-1-inverse-bg-default = "#0b5394"\n'
        "basis-text-font-family-default = \"'Fira Sans', sans-serif\"\n"
        'basis-color-accent-1-bg-default = "red; } body { display: none"\n'
        'basis-color-default-bg-document = "url(https://elders.invalid/x.png)"\n'
        'logo = "kindante.svg"\n',
        encoding="utf-8",
    )
    (boards / "kindante.svg").write_text(LOGO, encoding="utf-8")
    board.cache_clear()
    settings = load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path), "ZORGVULDIG_BOARDS_DIR": str(boards)})
    accounts = Accounts(settings)
    seed_demo(settings, accounts)
    yield create_app(settings, accounts=accounts, guard=guard)
    board.cache_clear()


def test_a_board_sets_its_own_colours_and_logo_and_a_bad_token_is_left_out(
    own_board: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    handler = Browser(own_board.test_client())
    with caplog.at_level(logging.WARNING, logger="web"):
        handler.sign_in("behandelaar.dewilg")
        style = handler.get("/huisstijl.css")
    assert style.status_code == 200 and style.mimetype == "text/css"
    assert "--basis-color-action-1-inverse-bg-default: #0b5394;" in style.text
    assert "--basis-text-font-family-default: 'Fira Sans', sans-serif;" in style.text
    assert "display: none" not in style.text and "url(" not in style.text
    assert "basis-color-accent-1-bg-default" in caplog.text and "geen bruikbaar token" in caplog.text

    page = handler.get("/").text
    assert '<img class="logo" src="/huisstijl/logo" alt="Kindante">' in page
    logo = handler.get("/huisstijl/logo")
    assert logo.status_code == 200 and logo.mimetype == "image/svg+xml" and logo.text == LOGO


def test_a_board_without_a_house_style_keeps_the_neutral_theme(app: Flask) -> None:
    handler = Browser(app.test_client()).sign_in("behandelaar.dewilg")  # Kindante's own file: no [huisstijl]
    style = handler.get("/huisstijl.css")
    assert style.status_code == 200 and "--" not in style.text.split("{", 1)[1]
    assert handler.get("/huisstijl/logo").status_code == 404
    assert 'class="logo"' not in handler.get("/").text


def test_the_demo_second_board_has_its_own_colours(app: Flask) -> None:
    handler = Browser(app.test_client()).sign_in("behandelaar.devlinder")
    assert "--basis-color-action-1-inverse-bg-default: #00636b;" in handler.get("/huisstijl.css").text


def test_before_signing_in_the_page_has_the_neutral_theme(app: Flask) -> None:
    client = app.test_client()
    login = client.get("/inloggen").text
    assert 'class="voorbeeld-theme zorgvuldig-huisstijl"' in login and "/huisstijl.css" in login
    style = client.get("/huisstijl.css")
    assert style.status_code == 200 and "het neutrale thema" in style.text
