"""A handler records the conversation with the victim in a real browser, downloads the
hand-over sheet for the police and reads it back with pdftotext (issue 12)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from services.case.web import handover_sheet, labels
from shared.accounts import DEMO_PASSWORD
from tests.e2e.test_browser_incident import page, site  # noqa: F401 - the fixtures

pytestmark = pytest.mark.e2e

ANSWERS = {
    "knows_who_saw": "twee meisjes uit groep acht",
    "knows_how_spread": "via een groepsapp",
    "how_found_out": "een vriendin stuurde een bericht",
    "help_wanted": "dat het zo snel mogelijk offline gaat",
}


def test_the_handover_sheet_downloads_and_reads_as_recorded(page) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext ontbreekt (Debian-pakket poppler-utils; .ci/run installeert het)")
    page.goto("/")
    page.get_by_label("Gebruikersnaam").fill("behandelaar.dewilg")
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_role("link", name="Nieuwe melding openen").click()
    page.get_by_label("Een naaktfoto of seksvideo van een leerling gaat rond").check()
    page.get_by_label("Hoe kwam de school erachter?").fill("Een klasgenoot vertelde het aan de mentor.")
    page.get_by_role("button", name="Melding openen").click()
    incident = page.url

    page.goto(f"{incident}/acties/VictimConversationHeld")
    page.locator('[name="how_are_you"]').fill("geschrokken")
    for name, value in (("told_adult", "ja"), ("naked", "bijna_naakt"), ("recognisable", "ja"),
                        ("made_self", "nee"), ("where_seen", "snapchat")):  # fmt: skip
        page.locator(f'input[name="{name}"][value="{value}"]').check()
    for name, value in ANSWERS.items():
        page.locator(f'[name="{name}"]').fill(value)
    page.get_by_role("button", name="Vastleggen").click()
    page.wait_for_url(f"{incident}*")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="PDF", exact=True).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    text = subprocess.run(
        ["pdftotext", download.path(), "-"], capture_output=True, check=True
    ).stdout.decode()
    flat = " ".join(text.split())
    recorded = {"naked": "bijna_naakt", "recognisable": "ja", "made_self": "nee", "where_seen": ["snapchat"]}
    for name, value in {**recorded, **ANSWERS}.items():
        label = labels.label("VictimConversationHeld", name)
        answer = labels.show("VictimConversationHeld", name, value).plain()
        assert " ".join(handover_sheet.latin(f"{label}: {answer}").split()) in flat
    assert "Gedownload door Anna de Vries (behandelaar.dewilg)" in flat
    assert "geschrokken" not in flat  # question 1 is not for the police
    assert "data:" not in flat

    page.goto(f"{incident}/toegang")
    assert "overdrachtsblad politie (pdf)" in page.content()
