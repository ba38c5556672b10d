"""The week coordinated in a real browser (issue 24): opening a melding mails the care team
without a name; the handler makes three tasks for two colleagues; a colleague sees them on
the home page, overdue first, and finishes one; the overdue task is mailed exactly once."""

from __future__ import annotations

import email
import re
import threading
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import expect

from services.case.notices import Notices
from services.case.worklists import Worklists
from services.notifier.ledger import Ledger
from services.notifier.letters import LetterHandler
from services.notifier.sending import Sender
from services.notifier.worker import Worker
from services.web import create_app
from shared import messaging
from shared.accounts import DEMO_PASSWORD, Accounts
from shared.config import Settings, load_settings
from shared.demo import seed_demo
from tests.e2e.test_browser_incident import CHROMIUM, CHROMIUM_ARGS, free_port
from tests.examples import PLANTED_NAMES

pytestmark = pytest.mark.e2e

BOARD_FILE = """
id = "kindante"
naam = "Kindante"
[scholen.de-wilg]
naam = "Basisschool De Wilg"
zorgteam = ["directeur.dewilg"]
"""


class Inbox:
    def __init__(self) -> None:
        self.mails: list[tuple[str, str]] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # type: ignore[no-untyped-def]
        message = email.message_from_bytes(envelope.content)
        parts = [p.get_payload(decode=True) for p in message.walk() if not p.is_multipart()]
        text = str(message["Subject"]) + "\n" + "\n".join(p.decode("utf-8", "replace") for p in parts if p)
        self.mails.append((envelope.rcpt_tos[0], text))
        return "250 OK"


@pytest.fixture
def system(tmp_path: Path, guard) -> Iterator[dict[str, Any]]:  # type: ignore[no-untyped-def]
    from waitress.server import create_server

    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is niet geïnstalleerd (apt-get install chromium)")
    inbox, smtp_port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    boards = tmp_path / "besturen"
    boards.mkdir()
    (boards / "kindante.toml").write_text(BOARD_FILE, encoding="utf-8")
    settings = load_settings(
        {"ZORGVULDIG_DATA_DIR": str(tmp_path), "ZORGVULDIG_SMTP_PORT": str(smtp_port),
         "ZORGVULDIG_BOARDS_DIR": str(boards)}
    )  # fmt: skip
    accounts = Accounts(settings)
    seed_demo(settings, accounts)
    app = create_app(settings, accounts=accounts, guard=guard)
    server = create_server(app, host="127.0.0.1", port=free_port())
    threading.Thread(target=server.run, daemon=True).start()
    yield {
        "site": f"http://127.0.0.1:{server.effective_port}",
        "settings": settings,
        "app": app,
        "inbox": inbox,
        "guard": guard,
    }
    server.close()
    controller.stop()


def deliver(system: dict[str, Any], today: date) -> int:
    """The reporting process publishes what is due; the notifier sends it; returns how many went out."""
    settings: Settings = system["settings"]
    app = system["app"]
    cases, accounts = app.extensions["zorgvuldig.cases"], app.extensions["zorgvuldig.accounts"]
    published = Notices(
        Worklists(settings, cases), lambda: messaging.connect(settings), key=settings.letters_key
    ).send_due(today)
    before = len(system["inbox"].mails)
    handler = LetterHandler(settings, Ledger(settings), Sender(settings), accounts, guard=system["guard"])
    worker = Worker(handler, lambda: messaging.connect(settings))
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop,), daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while len(system["inbox"].mails) < before + published and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    stop.set()
    thread.join(10)
    return published


def sign_in(browser: Any, site: str, username: str) -> Any:
    page = browser.new_context(base_url=site, viewport={"width": 390, "height": 844}).new_page()
    page.goto("/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    return page


def add_task(page: Any, step: str, what: str, owner: str, due: date) -> None:
    page.locator("#taak-stap").select_option(label=step)
    page.locator("#taak-wat").fill(what)
    page.locator("#taak-eigenaar").select_option(label=owner)
    page.locator("#taak-datum").fill(due.isoformat())
    page.get_by_role("button", name="Taak toevoegen").click()
    expect(page.get_by_text("De taak is aangemaakt.")).to_be_visible()


def test_the_care_team_is_told_and_tasks_reach_their_owners(system: dict[str, Any]) -> None:
    from playwright.sync_api import sync_playwright

    today = date.today()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        anna = sign_in(browser, system["site"], "behandelaar.dewilg")
        anna.get_by_role("link", name="Nieuwe melding openen").click()
        anna.get_by_label("Een naaktfoto of seksvideo van een leerling gaat rond").check()
        anna.get_by_label("Hoe kwam de school erachter?").fill("Noor Wijnaldum vertelde het aan de mentor.")
        anna.get_by_role("button", name="Melding openen").click()
        incident = anna.url

        # the care team is mailed, without a name, with a link
        assert deliver(system, today) == 1
        ((to, alert),) = system["inbox"].mails
        assert to == "directeur.dewilg@school.voorbeeld.invalid"
        assert "Nieuwe melding bij Basisschool De Wilg" in alert and incident.split("/")[-1] in alert
        assert not any(name in alert for name in PLANTED_NAMES)

        # three tasks for two colleagues, with dates
        step7 = "Stap 7. Heb oog voor de leerkrachten en betrokken medewerkers"
        add_task(anna, step7, "Lesbrief klaarzetten", "Mees Jansen", today - timedelta(days=1))
        add_task(anna, step7, "Klassengesprek voorbereiden", "Mees Jansen", today + timedelta(days=2))
        add_task(
            anna,
            "Stap 3. Schakel met de politie",
            "Wijkagent terugbellen",
            "Jet Bos",
            today + timedelta(days=1),
        )
        assert "Taken voor leerkrachten en medewerkers" in anna.locator("#stap-7").inner_text()

        # the colleague sees theirs on the home page, overdue first, and finishes one
        mees = sign_in(browser, system["site"], "medewerker.dewilg")
        home = mees.locator(".my-tasks").inner_text()
        assert home.index("Lesbrief klaarzetten") < home.index("Klassengesprek voorbereiden")
        assert "Over tijd" in home and "Wijkagent terugbellen" not in home
        mees.locator("li.task", has_text="Klassengesprek voorbereiden").get_by_role(
            "button", name="Afronden"
        ).click()
        expect(mees.get_by_text("De taak is afgerond.")).to_be_visible()
        assert "Klassengesprek voorbereiden" not in mees.locator(".my-tasks").inner_text()
        anna.reload()
        assert "✓ Afgerond" in anna.locator("#stap-7").inner_text()

        # the overdue task reminds its owner exactly once
        assert deliver(system, today) == 1
        assert deliver(system, today) == 0
        reminders = list(system["inbox"].mails[1:])

        # a notice to another school waits for a second person, goes out once approved, and its
        # one-time link confirms receipt once
        anna.goto(incident)
        anna.locator("#school-naam").fill("Basisschool De Linde")
        anna.locator("#school-adres").fill("info@delinde.invalid")
        anna.locator("#school-rol").select_option(label="school van de verspreider")
        anna.get_by_role("button", name="School vastleggen").click()
        anna.locator("#andere-scholen li").get_by_role("button", name="Vastleggen").click()
        assert "wacht op goedkeuring door een tweede persoon" in anna.locator("#andere-scholen").inner_text()
        assert deliver(system, today) == 0
        jet = sign_in(browser, system["site"], "directeur.dewilg")
        jet.goto(incident)
        jet.get_by_role("link", name="Lezen en beoordelen").click()
        assert "Geachte collega" in jet.locator(".review-copy").inner_text()
        jet.get_by_role("button", name="Goedkeuren en versturen").click()
        assert deliver(system, today) == 1
        to, notice = system["inbox"].mails[-1]
        assert to == "info@delinde.invalid" and not any(name in notice for name in PLANTED_NAMES)
        link = re.search(r"/bevestigen/[A-Za-z0-9_-]+", notice)
        assert link
        school = browser.new_context(base_url=system["site"]).new_page()  # no account
        school.goto(link.group(0))
        school.get_by_role("button", name="Ontvangst bevestigen").click()
        expect(school.get_by_text("De ontvangst is bevestigd")).to_be_visible()
        school.goto(link.group(0))
        expect(school.get_by_text("Deze link is al gebruikt")).to_be_visible()
        anna.reload()
        assert "ontvangst bevestigd op" in anna.locator("#andere-scholen").inner_text()
        browser.close()
    assert len(reminders) == 1
    assert reminders[0][0] == "medewerker.dewilg@school.voorbeeld.invalid"
    assert "Lesbrief klaarzetten" in reminders[0][1]
    assert not any(name in reminders[0][1] for name in PLANTED_NAMES)
