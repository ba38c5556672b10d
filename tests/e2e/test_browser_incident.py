"""A case handler works through an incident in a real browser (Debian's chromium)."""

from __future__ import annotations

import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from services.case.web.conversation import QUESTIONS
from services.web import create_app
from shared.accounts import DEMO_PASSWORD, Accounts
from shared.config import load_settings
from shared.demo import seed_demo

pytestmark = pytest.mark.e2e

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def site(tmp_path: Path) -> Iterator[str]:
    from waitress.server import create_server

    settings = load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path)})
    accounts = Accounts(settings)
    seed_demo(settings, accounts)
    server = create_server(create_app(settings, accounts=accounts), host="127.0.0.1", port=free_port())
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()


@pytest.fixture
def page(site: str):  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is niet geïnstalleerd (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(base_url=site, viewport={"width": 390, "height": 844})  # a phone
        yield context.new_page()
        browser.close()


def test_a_handler_works_through_an_incident(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/")
    page.get_by_label("Gebruikersnaam").fill("behandelaar.dewilg")
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()

    page.get_by_role("link", name="Nieuwe melding openen").click()
    page.get_by_label("Een naaktfoto of seksvideo van een leerling gaat rond").check()
    page.get_by_label("Hoe kwam de school erachter?").fill("Een klasgenoot vertelde het aan de mentor.")
    page.get_by_role("button", name="Melding openen").click()
    expect(page.get_by_text("De melding is geopend.")).to_be_visible()

    # Step 1, first with a forgotten field: a Dutch message, and what was typed stays.
    page.get_by_role("link", name="Omvang en impact bepalen").first.click()
    page.get_by_label("Foto", exact=True).check()
    page.get_by_label("WhatsApp").check()
    page.get_by_role("button", name="Vastleggen").click()
    expect(page.get_by_text("Niet opgeslagen")).to_be_visible()
    expect(page.get_by_text("Vul dit veld in.").first).to_be_visible()
    assert page.get_by_label("Foto", exact=True).is_checked()
    page.locator("fieldset", has_text="Is een leerling of bekende").get_by_label("Ja").check()
    page.locator("fieldset", has_text="Gaat het om een leerling").get_by_label("Ja").check()
    page.locator("fieldset", has_text="andere school").get_by_label("Nee").check()
    page.get_by_role("button", name="Vastleggen").click()
    expect(page.get_by_text("Vastgelegd: De omvang en de impact zijn bepaald.")).to_be_visible()
    assert "Gedaan" in page.locator("#stap-1").inner_text()

    # Step 3: the police, with the keyboard only.
    page.get_by_role("link", name="Contact met de wijkagent of politie vastleggen").click()
    page.get_by_label("Wijkagent").focus()
    page.keyboard.press("Space")
    page.get_by_label("Afgesproken plan: wie doet wat?").fill("De wijkagent spreekt de verspreiders.")
    page.get_by_label("Afgesproken plan: wie doet wat?").press("Tab")
    page.get_by_role("button", name="Vastleggen").press("Enter")
    page.wait_for_url("**/meldingen/*")
    assert "Gedaan" in page.locator("#stap-3").inner_text()
    # No URL known and the police did not ask: step 4 does not apply (yet).
    assert "Niet van toepassing" in page.locator("#stap-4").inner_text()

    # A note that carries an image is refused.
    page.get_by_role("link", name="Notitie toevoegen").click()
    page.get_by_label("Notitie").fill("data:image/png;base64," + "A" * 200)
    page.get_by_role("button", name="Vastleggen").click()
    expect(page.get_by_text("Het beeldmateriaal zelf mag nooit in Zorgvuldig komen")).to_be_visible()

    page.get_by_role("link", name="← Terug naar de melding").click()
    timeline = page.locator("#tijdlijn + ol").inner_text()
    assert "De omvang en de impact zijn bepaald." in timeline
    assert "Anna de Vries" in timeline
    assert "data:image" not in page.content()


def sign_in_and_open(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/")
    page.get_by_label("Gebruikersnaam").fill("behandelaar.dewilg")
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_role("link", name="Nieuwe melding openen").click()
    page.get_by_label("Een naaktfoto of seksvideo van een leerling gaat rond").check()
    page.get_by_label("Hoe kwam de school erachter?").fill("Een klasgenoot vertelde het aan de mentor.")
    page.get_by_role("button", name="Melding openen").click()


def test_a_handler_walks_the_police_questions_word_for_word(page) -> None:  # type: ignore[no-untyped-def]
    sign_in_and_open(page)
    page.get_by_role("link", name="Gesprek met het slachtoffer vastleggen").click()

    # The checklist's guidance is open the first time, and the rule stands above the questions.
    guidance = page.locator("details.conversation-guidance")
    assert guidance.get_attribute("open") is not None
    assert "geen beloftes van geheimhouding" in guidance.inner_text()
    assert (
        "Vraag 7 tot en met 14 zijn in samenwerking met de Nationale Politie opgesteld"
        in page.locator(".reminder:not(.reminder-first)").inner_text()
    )
    assert "Het is niet jouw schuld." in page.locator(".reminder-first").inner_text()

    # Every question as the checklist words it, with its guidance; 7 to 13 say not to ask further.
    for question in QUESTIONS:
        field = page.locator(".field", has_text=question.label).first
        assert field.is_visible(), question.number
        if question.guidance:
            assert question.guidance in field.inner_text(), question.number
        assert ("Niet verder doorvragen." in field.inner_text()) is question.ask_no_further, question.number

    page.get_by_label("1. Hoe gaat het met je?").fill("Geschrokken.")
    page.locator(".field", has_text="4. Heb je het").get_by_label("Ja").check()
    page.locator(".field", has_text="7. Kun je me vertellen").get_by_label("Bijna naakt").check()
    page.locator(".field", has_text="8. Kunnen mensen").get_by_label("Ja").check()
    page.locator(".field", has_text="10. Weet je waar").get_by_label("WhatsApp").check()
    page.locator(".field", has_text="11. Heb je de foto").get_by_label("Nee", exact=True).check()
    typed = "Via een groep en toen " * 12
    page.get_by_label("12. Heb je een idee hoe het kan dat de foto rondgaat en/of online staat?").fill(typed)
    page.get_by_role("button", name="Vastleggen").click()

    # Too long for a short answer: refused, the rule repeated, what was typed kept.
    expect(page.get_by_text("Niet opgeslagen")).to_be_visible()
    expect(page.get_by_text("Vraag bij een antwoord niet verder door").first).to_be_visible()
    short = page.get_by_label("12. Heb je een idee hoe het kan dat de foto rondgaat en/of online staat?")
    assert short.input_value() == typed.strip()
    short.fill("Nee")
    page.get_by_role("button", name="Vastleggen").click()
    expect(page.get_by_text("Vastgelegd: Het gesprek met het slachtoffer is gevoerd.")).to_be_visible()

    # Q11 "nee": the checklist prompts criminal steps with the wijkagent on step 3.
    assert "Zeden" in page.locator("#stap-3").inner_text()


def test_agreements_with_the_pupil_and_a_risk_at_home_bind_who_is_informed(page) -> None:  # type: ignore[no-untyped-def]
    sign_in_and_open(page)

    # What was agreed with the pupil, at the top of the incident.
    page.get_by_role("link", name="Afspraken met het slachtoffer vastleggen").click()
    page.get_by_label("ouders van andere klassen of alle ouders").check()
    page.get_by_label("Het tempo: wat gebeurt wanneer?").fill("Eerst een week rust.")
    page.get_by_role("button", name="Vastleggen").click()
    agreements = page.locator("#afspraken").inner_text()
    assert "ouders van andere klassen of alle ouders" in agreements and "Eerst een week rust." in agreements

    # Informing all parents goes against it: the form shows the agreement and asks a reason.
    page.get_by_role("link", name="Informeren van een groep vastleggen").first.click()
    expect(page.locator("#afspraken")).to_be_visible()
    page.get_by_label("Alle ouders").check()
    page.get_by_label("Hoe?").fill("brief")
    page.get_by_role("button", name="Vastleggen").click()
    expect(page.get_by_text("Dit wijkt af van een afspraak met de leerling")).to_be_visible()
    page.get_by_label("Reden om toch door te gaan").fill("De wijkagent vraagt alle ouders nu te informeren.")
    page.get_by_role("button", name="Vastleggen").click()
    page.wait_for_url("**/meldingen/*")
    assert "Afgeweken van een afspraak met het slachtoffer" in page.locator("#tijdlijn + ol").inner_text()

    # A risk at home: the parents of the class are held back, and the checklist points to Veilig Thuis.
    page.get_by_role("link", name="Signaal van eerwraak of huiselijk geweld vastleggen").click()
    page.get_by_label("De leerling zelf").check()
    page.get_by_label("Wat is er bekend?").fill("De leerling is bang voor de reactie thuis.")
    page.get_by_role("button", name="Vastleggen").click()
    expect(page.locator("#risico-thuis")).to_be_visible()
    expect(
        page.locator("li", has_text="Raadpleeg eerst Veilig Thuis (stap 2 van de Meldcode")
    ).to_be_visible()
    page.get_by_role("link", name="Informeren van een groep vastleggen").first.click()
    page.get_by_label("Ouders van de klas").check()
    page.get_by_label("Hoe?").fill("brief")
    page.get_by_role("button", name="Vastleggen").click()
    expect(page.get_by_text("kan de leerling thuis in gevaar brengen").first).to_be_visible()
    page.get_by_role("link", name="← Terug naar de melding").click()
    assert "Ouders van de klas" not in page.locator("#tijdlijn + ol").inner_text()
