"""Four eyes in a real browser (issue 28), on the whole system as `python -m services` runs it:
a letter to 5 parents waits; its author cannot approve it; the director finds it on the home
page (a count, no name), reads it as parents will with what was typed highlighted, and rejects
it with a reason; the author sees the reason beside the field, fixes it and sends it again;
the director approves; 5 mails arrive, and the director's own mail names no one."""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from shared.accounts import DEMO_PASSWORD
from tests.e2e.test_browser_incident import CHROMIUM, CHROMIUM_ARGS
from tests.e2e.test_system_runs import System, system, wait_until  # noqa: F401 - the fixture
from tests.examples import PLANTED_NAMES

pytestmark = pytest.mark.e2e

PARENTS = [f"ouder{n}@voorbeeld.nl" for n in range(1, 6)]
RECOGNISABLE = "Wij denken vooral aan de enige tweeling van de school."
REASON = "De enige tweeling is zo te herkennen; schrijf het zonder kenmerk."
QUESTION = "Kan een ouder hieruit een leerling herkennen?"


@pytest.fixture
def browser(system: System) -> Iterator[Any]:  # noqa: F811 - the fixture imported above
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is niet geïnstalleerd (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()


def signed_in(browser: Any, system: System, username: str) -> Any:  # noqa: F811
    page = browser.new_context(base_url=system.url.rstrip("/")).new_page()
    page.goto("/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    return page


def mails(system: System) -> list[EmailMessage]:  # noqa: F811
    folder = system.data_dir / "mail"
    found = []
    for path in sorted(folder.glob("*.eml")) if folder.is_dir() else []:
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        found.append(message)
    return found


def text_of(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    return f"{message['Subject']}\n{body.get_content() if body else ''}"


def test_a_letter_to_five_parents_waits_for_the_director_who_rejects_then_approves(
    system: System,  # noqa: F811
    browser: Any,
) -> None:
    wait_until(system.ready, 180, "de webapplicatie is gereed (privacycontrole geladen)")

    # The author opens a melding and writes the statement; one field with a vetted sentence.
    anna = signed_in(browser, system, "behandelaar.dewilg")
    anna.get_by_role("link", name="Nieuwe melding openen").click()
    anna.get_by_label("Een naaktfoto of seksvideo van een leerling gaat rond").check()
    anna.get_by_label("Hoe kwam de school erachter?").fill("Een klasgenoot vertelde het aan de mentor.")
    anna.get_by_role("button", name="Melding openen").click()
    incident = anna.url.split("#")[0]
    anna.goto(incident + "/acties/CommunicationStatementWritten")
    anna.get_by_label("Wat is er aan de hand? (op procesniveau)").fill("Er gaat beeldmateriaal rond.")
    anna.get_by_label("Wat vinden wij daarvan?").fill(f"Wij vinden dit ernstig. {RECOGNISABLE}")
    anna.get_by_label("Wat doen wij?").fill("Wij praten met de klas.")
    anna.get_by_label("Waarom doen wij dat?").fill("Zodat de rust terugkeert.")
    anna.get_by_role("button", name="+ de intern begeleider").click()  # one click, no typing
    assert anna.get_by_label("Bij wie kunt u terecht?").input_value() == "de intern begeleider"
    anna.get_by_role("button", name="Vastleggen", exact=True).last.click()
    expect(anna.get_by_text("Vastgelegd:").first).to_be_visible()

    # A letter to 5 parents waits; the author cannot approve it.
    anna.goto(incident + "/brieven")
    anna.get_by_label(re.compile("naam van de (nieuwe )?groep", re.IGNORECASE)).fill("Ouders groep 7")
    anna.get_by_label("E-mailadressen").fill("\n".join(PARENTS))
    anna.get_by_role("button", name="Voorbeeld bekijken").click()
    anna.get_by_role("button", name="Versturen aan 5 ontvanger(s)").click()
    expect(anna.get_by_text("wacht op goedkeuring").first).to_be_visible()
    expect(anna.locator("#brieven-wachten").get_by_text("u kunt hem niet zelf goedkeuren")).to_be_visible()
    anna.locator("#brieven-wachten").get_by_role("link", name="Bekijken").click()
    expect(anna.get_by_text("U hebt deze brief zelf opgesteld")).to_be_visible()
    assert anna.get_by_role("button", name="Goedkeuren en versturen").count() == 0

    # The director is mailed that a letter waits: a link, no name.
    def approval_mails() -> list[EmailMessage]:
        return [m for m in mails(system) if m["To"] == "directeur.dewilg@school.voorbeeld.invalid"]

    wait_until(lambda: bool(approval_mails()), 60, "de goedkeurder kreeg bericht\n" + system.output())
    for message in approval_mails():
        text = text_of(message)
        assert "Er wacht een brief op uw goedkeuring" in text and "/beoordelen" in text
        for name in ("Anna", "Vries", "Jet", "tweeling", *PARENTS):
            assert name not in text

    # The director: a count on the home page, without a name; the letter as parents read it.
    jet = signed_in(browser, system, "directeur.dewilg")
    waiting = jet.locator("#wacht-op-goedkeuring")
    assert "1 brief wacht op uw goedkeuring" in waiting.inner_text()
    for name in ("Anna", "Vries", "tweeling", *PARENTS):
        assert name not in waiting.inner_text()
    waiting.get_by_role("link").first.click()
    expect(jet.get_by_text(QUESTION)).to_be_visible()
    letter = jet.locator("article.letter-rendered")
    assert "Beste ouder(s)/verzorger(s)" in letter.inner_text()
    typed = letter.locator('.getypt[data-veld="what_we_think"]')
    assert RECOGNISABLE in typed.inner_text()
    assert letter.locator(".getypt").count() == 5  # each field a person typed, apart from the template
    assert "Beste ouder" not in " ".join(letter.locator(".getypt").all_inner_texts())
    assert "ouder1@voorbeeld.nl" not in jet.content()
    approve = jet.get_by_role("button", name="Goedkeuren en versturen")
    reject = jet.get_by_role("button", name="Afkeuren en terugsturen")
    assert approve.evaluate("b => getComputedStyle(b).backgroundColor") != reject.evaluate(
        "b => getComputedStyle(b).backgroundColor"
    )
    reject.click()  # without a reason: asked for one
    expect(jet.get_by_text("schrijf een reden").first).to_be_visible()
    jet.get_by_label("Over welk deel gaat het?").select_option("what_we_think")
    jet.get_by_label("Waarom kan de brief zo niet weg?").fill(REASON)
    jet.get_by_role("button", name="Afkeuren en terugsturen").click()
    expect(jet.get_by_text("De brief is afgekeurd")).to_be_visible()

    # The author reads the reason beside the field, fixes it and sends it again.
    anna.goto(incident)
    anna.get_by_role("link", name="Aanpassen en opnieuw versturen").click()
    assert REASON in anna.locator("#afgekeurd-what_we_think").inner_text()
    fixed = anna.get_by_label("Wat de school ervan vindt")
    fixed.fill(fixed.input_value().replace(RECOGNISABLE, "").strip())
    anna.get_by_role("button", name="Voorbeeld bekijken").click()
    anna.get_by_role("button", name="Versturen aan 5 ontvanger(s)").click()
    expect(anna.get_by_text("wacht op goedkeuring").first).to_be_visible()

    # The director approves; 5 mails arrive, one per parent, without the recognisable sentence.
    jet.goto("/")
    jet.locator("#wacht-op-goedkeuring").get_by_role("link").first.click()
    assert "tweeling" not in jet.locator("article.letter-rendered").inner_text()
    jet.get_by_role("button", name="Goedkeuren en versturen").click()
    expect(jet.get_by_text("De brief is goedgekeurd")).to_be_visible()

    def to_parents() -> list[EmailMessage]:
        return [m for m in mails(system) if m["To"] in PARENTS]

    wait_until(lambda: len(to_parents()) >= 5, 90, "vijf brieven aan ouders afgeleverd\n" + system.output())
    letters = to_parents()
    assert sorted(m["To"] for m in letters) == PARENTS
    for message in letters:
        text = text_of(message)
        assert "Wij vinden dit ernstig." in text and "tweeling" not in text
        for name in (*PLANTED_NAMES, "Anna", "Jet Bos"):
            assert name not in text
