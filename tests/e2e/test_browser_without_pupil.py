"""Abuse material without a pupil of the school, in a real browser: from opening the incident
to the call to delete, whose text speaks of the material and the law, never of a pupil's wish."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from services.web import create_app
from shared.accounts import DEMO_PASSWORD, Accounts
from shared.config import load_settings
from shared.demo import seed_demo
from tests.e2e.test_browser_incident import CHROMIUM, CHROMIUM_ARGS, free_port

pytestmark = pytest.mark.e2e

ABOUT_A_PUPIL = re.compile(r"die leerling|leerling op de beelden|leerling die erop staat|dat wil\b", re.I)


class KeepsMail:
    def __init__(self) -> None:
        self.sent: list[Any] = []

    def send(self, message: Any) -> None:
        self.sent.append(message)


@pytest.fixture
def system(tmp_path: Path) -> Iterator[dict[str, Any]]:
    from waitress.server import create_server

    settings = load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path)})
    accounts = Accounts(settings)
    seed_demo(settings, accounts)
    app = create_app(settings, accounts=accounts)
    server = create_server(app, host="127.0.0.1", port=free_port())
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield {"site": f"http://127.0.0.1:{server.effective_port}", "app": app, "settings": settings,
           "accounts": accounts}  # fmt: skip
    server.close()


@pytest.fixture
def page(system: dict[str, Any]):  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is niet geïnstalleerd (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(base_url=system["site"], viewport={"width": 1280, "height": 900})
        yield context.new_page()
        browser.close()


def test_the_deletion_call_for_material_without_a_pupil_speaks_of_the_law(page, system) -> None:  # type: ignore[no-untyped-def]
    page.goto("/")
    page.get_by_label("Gebruikersnaam").fill("behandelaar.dewilg")
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()

    page.get_by_role("link", name="Nieuwe melding openen").click()
    page.get_by_label(re.compile("er is geen leerling van de school op te zien")).check()
    page.get_by_label("Hoe kwam de school erachter?").fill("Een ouder zag het in de groepschat van de klas.")
    page.get_by_role("button", name="Melding openen").click()
    expect(page.get_by_text("De melding is geopend.")).to_be_visible()
    incident_url = page.url

    # Step 1: no pupil of the school visible; the victim's step does not apply.
    page.get_by_role("link", name="Omvang en impact bepalen").first.click()
    page.locator('input[name="material_kind"][value="video"]').check()
    page.locator('input[name="pupil_visible"][value="nee"]').check()
    page.locator('input[name="pupil_of_school"][value="nee"]').check()
    page.locator('input[name="channels"][value="whatsapp"]').check()
    page.locator('input[name="other_schools_involved"][value="nee"]').check()
    page.get_by_role("button", name="Vastleggen").click()
    page.wait_for_url(incident_url + "*")
    assert "Niet van toepassing" in page.locator("#stap-2").inner_text()

    # Step 3 first: the call to delete waits for the police.
    page.get_by_role("link", name="Contact met de wijkagent of politie vastleggen").first.click()
    page.get_by_label("Wijkagent").check()
    page.get_by_label("Afgesproken plan: wie doet wat?").fill("De wijkagent neemt het materiaal over.")
    page.get_by_role("button", name="Vastleggen").click()
    page.wait_for_url(incident_url + "*")

    # The deletion call: the preview shows the version without a pupil.
    page.get_by_role("link", name="Brieven").first.click()
    page.get_by_label("Oproep om het materiaal te verwijderen").check()
    page.get_by_label(re.compile("naam van de (nieuwe )?groep", re.IGNORECASE)).fill(
        "Ouders en leerlingen groep 8"
    )
    page.get_by_label("E-mailadressen").fill("ouder1@voorbeeld.nl\nouder2@voorbeeld.nl")
    page.get_by_label("Wat er aan de hand is").fill("Onder leerlingen wordt verboden materiaal gedeeld.")
    page.get_by_label("Wat de school ervan vindt").fill("Wij vinden dit zeer ernstig.")
    page.get_by_label("Wat de school doet").fill("Wij werken samen met de wijkagent.")
    page.get_by_label("Waarom").fill("Zodat het verspreiden stopt.")
    page.get_by_label("Bij wie ouders terecht kunnen").fill("de intern begeleider")
    page.get_by_role("button", name="Voorbeeld bekijken").click()
    preview = page.locator("pre.letter").inner_text()
    assert "kinderpornografisch materiaal" in preview and "strafbaar" in preview
    assert "Er is geen leerling van onze school op te zien." in " ".join(preview.split())
    assert ABOUT_A_PUPIL.search(preview) is None, ABOUT_A_PUPIL.search(preview)
    page.get_by_role("button", name=re.compile("Versturen aan 2 ontvanger")).click()
    page.wait_for_url(incident_url + "*")

    # What the notifier sends is the same version: the choice travelled with the letter.
    from uuid import UUID

    from services.case.relay import TOPICS, Relay
    from services.notifier.ledger import Ledger
    from services.notifier.letters import LetterHandler
    from shared.identity import Actor, Role

    cases = system["app"].extensions["zorgvuldig.cases"]
    settings, guard = system["settings"], system["app"].extensions["zorgvuldig.guard"]
    # A letter to parents waits for a second person: the director approves it, as on the review page.
    director = Actor(
        "directeur.dewilg", "Jet Bos", Role.CASE_HANDLER, board_id="kindante", school_id="de-wilg"
    )
    incident_id = UUID(incident_url.split("?")[0].rsplit("/", 1)[1])
    (waiting,) = cases.letters_awaiting_review(director, incident_id)
    cases.decide_letter(director, incident_id, letter_id=waiting.id, approve=True)
    relay = Relay(cases, None, None, letters_key=settings.letters_key)  # type: ignore[arg-type]
    published = cases.recorder.select_notifications(start=1, limit=1000, topics=TOPICS)
    (request,) = [m for m in (relay.message_for(n) for n in published) if m is not None]
    mail = KeepsMail()
    handler = LetterHandler(settings, Ledger(settings), mail, accounts=system["accounts"], guard=guard)
    outcome = handler.handle(request)
    assert outcome is not None and outcome.sent == 2
    body = mail.sent[0].get_body(preferencelist=("plain",)).get_content()
    assert "kinderpornografisch materiaal" in body
    assert ABOUT_A_PUPIL.search(body) is None, ABOUT_A_PUPIL.search(body)
