"""Each role lands where its work is: the administrator on the accounts of their board, the
handler on a list that says it is up to date without event numbers; closing an incident with
steps still open asks for confirmation and a reason."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

from flask import Flask

from services.case.lists import IncidentLists
from tests.web.conftest import Browser


def test_the_administrator_lands_on_the_accounts_of_their_own_board(
    browser: Callable[[str], Browser],
) -> None:
    admin = browser("beheerder")
    landing = admin.get("/")
    assert landing.status_code == 302 and landing.headers["Location"].endswith("/beheer/accounts")
    page = admin.get("/beheer/accounts").text
    assert "Accounts van uw bestuur" in page and "Basisschool De Wilg" in page
    assert "behandelaar.dewilg" in page
    assert "behandelaar.delinde" not in page and "bestuur.ander" not in page  # another board's
    assert "behandelaar.delinde" not in admin.get("/beheer/").text


def test_the_handlers_list_says_bijgewerkt_without_event_numbers(handler: Browser) -> None:
    handler.open_incident()
    status = re.search(
        r'<p class="meta" role="status" id="actualiteit">(.*?)</p>', handler.get("/").text, re.S
    )
    assert status and "bijgewerkt" in status.group(1)
    assert not re.search(r"\d", status.group(1)) and "gebeurtenis" not in status.group(1)


def test_a_list_behind_says_by_how_many_changes(app: Flask, handler: Browser, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    handler.open_incident()
    lists: IncidentLists = app.extensions["zorgvuldig.lists"]
    original = lists.page

    def behind(*args, **kwargs):  # type: ignore[no-untyped-def]
        return dataclasses.replace(original(*args, **kwargs), behind=3)

    monkeypatch.setattr(lists, "page", behind)
    status = re.search(r'id="actualiteit">(.*?)</p>', handler.get("/").text, re.S)
    assert status and "3 wijzigingen zijn nog niet in deze lijst verwerkt" in status.group(1)


def test_closing_with_open_steps_asks_for_confirmation_and_a_reason(handler: Browser) -> None:
    page = handler.open_incident()
    assert "Nog open: stap 1" in handler.get(page).text
    asked = handler.post(f"{page}/afsluiten", {"reason": "de politie neemt het over"})
    assert asked.status_code == 200 and "Afsluiten terwijl er nog stappen open staan?" in asked.text
    assert "Stap 1. Bepaal de omvang en de impact" in asked.text and "Nog nodig:" in asked.text
    assert (
        'name="bevestigd" value="ja"' in asked.text and "de politie neemt het over</textarea>" in asked.text
    )
    assert '<dd id="status">open</dd>' in handler.get(page).text  # nothing closed yet

    without_reason = handler.post(f"{page}/afsluiten", {"reason": "", "bevestigd": "ja"})
    assert without_reason.status_code == 302
    assert '<dd id="status">open</dd>' in handler.get(page).text
    confirmed = handler.post(f"{page}/afsluiten", {"reason": "de politie neemt het over", "bevestigd": "ja"})
    assert confirmed.status_code == 302
    assert '<dd id="status">gesloten</dd>' in handler.get(page).text
