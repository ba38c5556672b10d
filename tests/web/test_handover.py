"""The hand-over sheet for the police, through the web form and the JSON API (issue 12)."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from uuid import UUID

import pytest
from flask import Flask

from services.case.web import forms, handover_sheet, labels
from shared.accounts import Accounts
from tests.examples import ACTIONS
from tests.web.conftest import Browser

CONVERSATION = {
    **{k: v for k, v in ACTIONS["VictimConversationHeld"].items()},
    "knows_who_saw": "een paar jongens uit de klas",
    "knows_how_spread": "doorgestuurd in een groepsapp",
    "how_found_out": "een vriendin liet het zien",
    "help_wanted": "dat het offline gaat",
}


def fill(browser: Browser, page: str, action: str, data: dict) -> None:
    posted = {
        name: ("ja" if value else "nee")
        if isinstance(value, bool)
        else ("\n".join(value) if spec.kind == "lines" else value)
        for spec in forms.FIELDS[action]
        for name, value in [(spec.name, data[spec.name])]
    }
    response = browser.post(f"{page}/acties/{action}", posted)
    assert response.status_code == 302, response.text


def worked_incident(handler: Browser) -> str:
    page = handler.open_incident()
    fill(handler, page, "ScopeAssessed", ACTIONS["ScopeAssessed"])
    fill(handler, page, "VictimConversationHeld", CONVERSATION)
    fill(handler, page, "SourceUrlRecorded", ACTIONS["SourceUrlRecorded"])
    fill(handler, page, "PoliceContacted", ACTIONS["PoliceContacted"])
    fill(handler, page, "MaterialReported", ACTIONS["MaterialReported"])
    fill(handler, page, "DeletionCalled", ACTIONS["DeletionCalled"])
    return page


def pdf_text(body: bytes) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext ontbreekt (Debian-pakket poppler-utils; .ci/run installeert het)")
    return subprocess.run(
        ["pdftotext", "-", "-"], input=body, capture_output=True, check=True
    ).stdout.decode()


def police_answers() -> list[tuple[str, str]]:
    return [
        (labels.label("VictimConversationHeld", name),
         labels.show("VictimConversationHeld", name, CONVERSATION[name]).plain())
        for name in handover_sheet.POLICE_QUESTIONS
    ]  # fmt: skip


def log_of(app: Flask, page: str) -> list[dict]:
    return app.extensions["zorgvuldig.cases"]._access_log(UUID(page.rsplit("/", 1)[1])).entries


def test_the_incident_page_offers_the_sheet_to_the_school_handler(handler: Browser) -> None:
    page = handler.open_incident()
    html = handler.get(page).text
    assert f"{page}/overdrachtsblad.pdf" in html and f"{page}/overdrachtsblad.txt" in html


def test_the_text_sheet_holds_questions_7_to_14_as_recorded_and_the_steps(handler: Browser) -> None:
    page = worked_incident(handler)
    response = handler.get(f"{page}/overdrachtsblad.txt")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"  # the charset once
    assert "attachment" in response.headers["Content-Disposition"]
    sheet = response.text
    for label, answer in police_answers():
        assert f"{label}: {answer}" in sheet
    assert (
        labels.label("VictimConversationHeld", "how_are_you") not in sheet
    )  # question 1 is not for the police
    assert labels.label("VictimConversationHeld", "anything_else") not in sheet  # nor question 15
    assert "https://voorbeeld.invalid/pagina" in sheet
    assert "WhatsApp, Snapchat" in sheet
    assert "PL-2026-001" in sheet and "20 november 2026" in sheet
    assert "brief en klassengesprek" in sheet
    assert "Anna de Vries" in sheet and "Basisschool De Wilg" in sheet
    assert re.search(
        r"Gedownload door Anna de Vries \(behandelaar\.dewilg\) op \d{1,2} [a-z]+ \d{4}, \d\d:\d\d", sheet
    )


def test_the_pdf_is_one_page_of_text_without_images_or_data_uris(handler: Browser) -> None:
    page = worked_incident(handler)
    response = handler.get(f"{page}/overdrachtsblad.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    body = response.data
    assert body.startswith(b"%PDF")
    assert b"/Subtype /Image" not in body and b"/XObject" not in body  # text only, no picture at all
    assert b"/Count 1\n" in body  # one page
    text = " ".join(pdf_text(body).split())
    assert "data:" not in text.lower()
    for label, answer in police_answers():
        assert " ".join(handover_sheet.latin(f"{label}: {answer}").split()) in text
    assert "Gedownload door Anna de Vries" in text


def test_every_download_is_in_the_access_log_with_its_watermark(app: Flask, handler: Browser) -> None:
    page = worked_incident(handler)
    handler.get(f"{page}/overdrachtsblad.pdf")
    handler.get(f"{page}/overdrachtsblad.txt")
    downloads = [e for e in log_of(app, page) if str(e["what"]).startswith("overdrachtsblad")]
    assert [e["what"] for e in downloads] == [
        "overdrachtsblad politie (pdf)",
        "overdrachtsblad politie (tekst)",
    ]
    assert all(e["actor"] == "behandelaar.dewilg" and "Gedownload door" in e["reason"] for e in downloads)
    assert "overdrachtsblad politie (pdf)" in handler.get(f"{page}/toegang").text


def test_only_the_schools_own_handlers_get_the_sheet(
    app: Flask, handler: Browser, browser: Callable[[str], Browser]
) -> None:
    page = handler.open_incident()
    assert browser("behandelaar.hetanker").get(f"{page}/overdrachtsblad.pdf").status_code == 404
    assert browser("otv").get(f"{page}/overdrachtsblad.txt?reden=x").status_code == 403
    assert browser("medewerker.dewilg").get(f"{page}/overdrachtsblad.txt").status_code == 403
    assert not [e for e in log_of(app, page) if str(e["what"]).startswith("overdrachtsblad")]


def test_a_sheet_that_cannot_be_made_is_a_dutch_error_and_no_download(
    app: Flask, handler: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = worked_incident(handler)

    def broken(*_: object) -> None:
        raise RuntimeError("lettertype kapot")

    monkeypatch.setattr(handover_sheet, "_render", broken)
    response = handler.get(f"{page}/overdrachtsblad.pdf")
    assert response.status_code == 500
    assert response.mimetype == "text/html"
    assert "Het overdrachtsblad kon niet worden gemaakt" in response.text
    assert not [e for e in log_of(app, page) if str(e["what"]).startswith("overdrachtsblad")]


def test_the_api_downloads_the_sheet_with_a_token(app: Flask, handler: Browser) -> None:
    page = worked_incident(handler)
    incident_id = page.rsplit("/", 1)[1]
    accounts: Accounts = app.extensions["zorgvuldig.accounts"]
    client = app.test_client()
    headers = {"Authorization": f"Bearer {accounts.issue_token('behandelaar.dewilg')}"}
    text = client.get(f"/api/meldingen/{incident_id}/overdrachtsblad.txt", headers=headers)
    assert text.status_code == 200
    for label, answer in police_answers():
        assert f"{label}: {answer}" in text.text
    pdf = client.get(f"/api/meldingen/{incident_id}/overdrachtsblad.pdf", headers=headers)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert client.get(f"/api/meldingen/{incident_id}/overdrachtsblad.pdf").status_code == 401
    other = {"Authorization": f"Bearer {accounts.issue_token('behandelaar.hetanker')}"}
    refused = client.get(f"/api/meldingen/{incident_id}/overdrachtsblad.pdf", headers=other)
    assert refused.status_code == 404 and "fout" in refused.json
    assert [e["what"] for e in log_of(app, page) if str(e["what"]).startswith("overdrachtsblad")] == [
        "overdrachtsblad politie (tekst)",
        "overdrachtsblad politie (pdf)",
    ]


def test_a_sheet_too_long_for_one_page_is_refused_whole() -> None:
    lines = tuple((f"Regel {n}", "tekst " * 60) for n in range(200))
    sheet = handover_sheet.HandoverSheet("Overdrachtsblad voor de politie", (("Veel", lines),), "merk")
    with pytest.raises(handover_sheet.HandoverSheetUnavailable):
        handover_sheet.as_pdf(sheet)
    short = handover_sheet.HandoverSheet("Overdrachtsblad voor de politie", (("Weinig", lines[:40]),), "merk")
    assert handover_sheet.as_pdf(short).count(b"/Count 1\n") == 1
