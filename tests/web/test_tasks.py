"""The week coordinated on the web (issue 24): the care team sees a new melding on its home
page (a link, never a name); tasks per step on the incident page; each person's open tasks on
the home page, overdue first; a task owner of another school refused in Dutch."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask import Flask

from services.web import create_app
from shared.accounts import DEMO_PASSWORD, Accounts
from shared.config import load_settings
from shared.demo import seed_demo
from shared.identity import Role
from shared.privacy import PrivacyGuard
from tests.web.conftest import Browser

ALERT = '<h2 id="kop-nieuw">Nieuwe melding</h2>'
BOARD_FILE = """
id = "kindante"
naam = "Kindante"
[scholen.de-wilg]
naam = "Basisschool De Wilg"
zorgteam = ["directeur.dewilg", "behandelaar.hetanker"]
"""


@pytest.fixture
def app(tmp_path: Path, guard: PrivacyGuard) -> Flask:
    boards = tmp_path / "besturen"
    boards.mkdir()
    (boards / "kindante.toml").write_text(BOARD_FILE, encoding="utf-8")
    settings = load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path), "ZORGVULDIG_BOARDS_DIR": str(boards)})
    accounts = Accounts(settings)
    seed_demo(settings, accounts)
    return create_app(settings, accounts=accounts, guard=guard)


def incident_id(page: str) -> str:
    return page.rsplit("/", 1)[1]


def add_task(handler: Browser, page: str, owner: str, due: date, **fields: str):  # type: ignore[no-untyped-def]
    return handler.post(
        f"{page}/taken",
        {"stap": "medewerkers", "voorstel": "", "wat": "Lesbrief klaarzetten", "eigenaar": owner,
         "datum": due.isoformat(), **fields},
    )  # fmt: skip


def test_the_care_team_sees_a_new_melding_with_a_link_and_no_name(
    handler: Browser, browser: Callable[[str], Browser]
) -> None:
    page = handler.open_incident()
    home = browser("directeur.dewilg").get("/").text
    assert ALERT in home
    assert f'href="/meldingen/{incident_id(page)}"' in home
    assert "mentor hoorde" not in home.lower() and "Anna de Vries" not in home
    # a name in the board's file of someone at another school is never told
    assert ALERT not in browser("behandelaar.hetanker").get("/").text
    # who opened it knows already
    assert ALERT not in handler.get("/").text


def test_the_alert_goes_once_the_melding_was_looked_at(
    handler: Browser, browser: Callable[[str], Browser]
) -> None:
    page = handler.open_incident()
    director = browser("directeur.dewilg")
    director.get(f"{page}")
    assert ALERT not in director.get("/").text


def test_the_administrator_adds_someone_to_the_care_team(
    app: Flask, handler: Browser, browser: Callable[[str], Browser]
) -> None:
    admin = browser("beheerder")
    response = admin.post("/beheer/zorgteam", {"gebruikersnaam": "medewerker.dewilg", "zorgteam": "ja"})
    assert response.status_code == 302
    assert "medewerker.dewilg" in app.extensions["zorgvuldig.accounts"].marked_care_team()
    assert "Uit het zorgteam" in admin.get("/beheer/accounts").text
    other_board = admin.post(
        "/beheer/zorgteam", {"gebruikersnaam": "behandelaar.devlinder", "zorgteam": "ja"}
    )
    assert other_board.status_code == 404
    assert "behandelaar.devlinder" not in app.extensions["zorgvuldig.accounts"].marked_care_team()
    handler.open_incident()
    assert ALERT in browser("medewerker.dewilg").get("/").text


def test_tasks_show_per_step_and_on_the_owners_home_page_overdue_first(
    handler: Browser, browser: Callable[[str], Browser]
) -> None:
    page = handler.open_incident()
    today = date.today()
    assert (
        add_task(handler, page, "medewerker.dewilg", today + timedelta(days=3), wat="Later klaar").status_code
        == 302
    )
    add_task(handler, page, "medewerker.dewilg", today - timedelta(days=1), wat="Al over tijd")
    add_task(handler, page, "directeur.dewilg", today, voorstel="medewerkers:StaffSupported", wat="")
    incident_page = handler.get(page).text
    assert "Taken voor leerkrachten en medewerkers" in incident_page
    assert "Later klaar" in incident_page and "Mees Jansen" in incident_page
    suggested = re.search(r'id="taak-5">(.*?)</li>', incident_page, re.DOTALL)
    assert suggested and "Steun voor medewerkers vastleggen" in suggested.group(1)
    assert "Jet Bos" in suggested.group(1)

    home = browser("medewerker.dewilg").get("/").text
    assert "Mijn open taken" in home
    assert home.index("Al over tijd") < home.index("Later klaar")
    assert "Over tijd:" in home
    assert "Lesbrief" not in browser("directeur.dewilg").get("/").text


def test_the_owner_finishes_a_task_from_the_home_page(
    handler: Browser, browser: Callable[[str], Browser]
) -> None:
    page = handler.open_incident()
    add_task(handler, page, "medewerker.dewilg", date.today())
    colleague = browser("medewerker.dewilg")
    number = re.search(r"/taken/(\d+)/afgerond", colleague.get("/").text)
    assert number
    response = colleague.post(f"{page}/taken/{number.group(1)}/afgerond", {"terug": "home"})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Mijn open taken" not in colleague.get("/").text
    assert "✓ Afgerond" in handler.get(page).text


def test_a_task_owner_of_another_school_is_refused_in_dutch(handler: Browser) -> None:
    page = handler.open_incident()
    response = add_task(handler, page, "behandelaar.hetanker", date.today())
    assert response.status_code == 302
    shown = handler.get(page).text
    assert "Deze persoon werkt niet op de school van deze melding." in shown
    assert "Lesbrief klaarzetten" not in shown


def test_someone_else_cannot_finish_anothers_task(
    handler: Browser, browser: Callable[[str], Browser]
) -> None:
    page = handler.open_incident()
    add_task(handler, page, "directeur.dewilg", date.today())
    assert browser("medewerker.dewilg").post(f"{page}/taken/3/afgerond").status_code == 403
    assert browser("behandelaar.hetanker").post(f"{page}/taken/3/afgerond").status_code == 404


def test_an_owner_who_left_keeps_their_tasks_visible_as_without_owner(
    app: Flask, handler: Browser, browser: Callable[[str], Browser]
) -> None:
    accounts: Accounts = app.extensions["zorgvuldig.accounts"]
    accounts.create("invaller.dewilg", name="Ilse Invaller", role=Role.STAFF, board_id="kindante",
                    school_id="de-wilg", password=DEMO_PASSWORD)  # fmt: skip
    page = handler.open_incident()
    add_task(handler, page, "invaller.dewilg", date.today(), wat="Klas 4 begeleiden")
    accounts.remove("invaller.dewilg")
    assert "zonder eigenaar" in handler.get(page).text
    home = handler.get("/").text
    assert "Taken zonder eigenaar" in home and "Klas 4 begeleiden" in home


def test_a_handler_adds_a_colleague_to_read_the_melding(
    handler: Browser, browser: Callable[[str], Browser]
) -> None:
    page = handler.open_incident()
    assert (
        handler.post(f"{page}/collegas", {"collega": "medewerker.dewilg", "toegang": "lezen"}).status_code
        == 302
    )
    colleague = browser("medewerker.dewilg")
    assert ALERT in colleague.get("/").text
    assert colleague.get(page).status_code == 200
    refused = handler.post(f"{page}/collegas", {"collega": "behandelaar.hetanker", "toegang": "lezen"})
    assert refused.status_code == 302
    assert "Deze persoon werkt niet op de school van deze melding." in handler.get(page).text


# ------------------------------------------------------------------ other schools (item 3)

LINK = re.compile(r"(/bevestigen/[A-Za-z0-9_-]+)</code>")


def test_another_school_confirms_once_through_its_link_and_the_page_says_nothing(
    app: Flask, handler: Browser
) -> None:
    page = handler.open_incident()
    handler.post(f"{page}/andere-scholen", {"naam": "Basisschool De Linde", "adres": "info@delinde.invalid",
                                           "rol": "dader"})  # fmt: skip
    shown = handler.get(page).text
    assert "Basisschool De Linde" in shown and "nog niet ingelicht" in shown
    assert "○ Andere scholen: 0 van de 1 bevestigd of gebeld." in shown
    link = LINK.search(shown)
    assert link
    stranger = app.test_client()  # no account, no session
    form = stranger.get(link.group(1))
    assert form.status_code == 200 and "Ontvangst bevestigen" in form.text
    assert "De Linde" not in form.text and "mentor" not in form.text.lower()
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token
    done = stranger.post(
        link.group(1), data={"csrf_token": token.group(1), "terugkoppeling": "Gesprek gevoerd."}
    )
    assert done.status_code == 200 and "De ontvangst is bevestigd" in done.text
    again = stranger.post(link.group(1), data={"csrf_token": token.group(1)})
    assert again.status_code == 410 and "Deze link is al gebruikt" in again.text
    assert "ontvangst bevestigd op" in handler.get(page).text
    assert "✓ Andere scholen: alle 1 bevestigd of gebeld." in handler.get(page).text
    forged = stranger.get(link.group(1)[:-3] + "xyz")
    assert forged.status_code == 404 and "Deze link is niet geldig" in forged.text
