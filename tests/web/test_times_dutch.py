"""Every time a person reads is Amsterdam time, written the Dutch way, the same on the incident
page, the hand-over PDF and the trail's CSV; stored times stay UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import eventsourcing.domain
import pytest
from flask import Flask

from services.case.application import CaseManagement
from services.reporting.projector import Projector
from services.reporting.store import ReportStore
from services.web import create_app
from shared import formatting
from shared.accounts import Accounts
from shared.config import load_settings
from shared.demo import seed_demo
from tests.examples import ACTIONS
from tests.web.conftest import Browser
from tests.web.test_handover import fill, pdf_text


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    settings = load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path)})
    accounts = Accounts(settings)
    seed_demo(settings, accounts)
    return create_app(settings, accounts=accounts, report_wait=0.0)


def stopped_clock(monkeypatch: pytest.MonkeyPatch, at: datetime) -> None:
    """Every event recorded from now on carries this moment as its timestamp."""
    monkeypatch.setattr(eventsourcing.domain, "datetime_now_with_tzinfo", lambda: at)


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        (datetime(2026, 12, 6, 23, 30, tzinfo=UTC), "7 december 2026, 00:30"),  # CET, UTC+1
        (datetime(2026, 7, 15, 23, 30, tzinfo=UTC), "16 juli 2026, 01:30"),  # CEST, UTC+2
    ],
)
def test_an_event_late_at_night_shows_the_same_amsterdam_time_on_page_pdf_and_csv(
    app: Flask, monkeypatch: pytest.MonkeyPatch, stored: datetime, shown: str
) -> None:
    handler = Browser(app.test_client()).sign_in("behandelaar.dewilg")
    stopped_clock(monkeypatch, stored)
    page = handler.open_incident()
    fill(handler, page, "MaterialReported", ACTIONS["MaterialReported"])
    cases: CaseManagement = app.extensions["zorgvuldig.cases"]
    Projector(cases, ReportStore(app.extensions["zorgvuldig.settings"])).catch_up()
    incident_id = page.rsplit("/", 1)[1]

    html = handler.get(page).text
    sheet = " ".join(pdf_text(handler.get(f"{page}/overdrachtsblad.pdf").data).split())
    csv = handler.get(f"/rapportage/meldingen/{incident_id}/logboek.csv").text

    assert f"Melding van {shown}" in html and f"Gedaan op {shown}" in html
    assert f"Geopend op: {shown}" in sheet and f"{shown}: Het materiaal is gemeld" in sheet
    assert f";{shown}:00;2026-" in csv  # the readable column, then the machine column in UTC
    assert stored.isoformat(timespec="seconds") in csv
    wrong = stored.strftime("%H:%M")
    assert wrong not in html and wrong not in sheet  # no UTC time shown without saying so


def test_dates_times_and_durations_read_the_dutch_way() -> None:
    assert formatting.moment(datetime(2026, 12, 6, 2, 29, tzinfo=UTC)) == "6 december 2026, 03:29"
    assert formatting.moment("2026-03-29T00:59:00+00:00") == "29 maart 2026, 01:59"
    assert formatting.moment("2026-03-29T01:00:00+00:00") == "29 maart 2026, 03:00"  # clocks go forward
    assert formatting.day("2026-11-20") == "20 november 2026"
    assert formatting.after(3) == "na 3 uur" and formatting.after(timedelta(days=2)) == "na 2 dagen"
    assert formatting.after(0.2) == "na minder dan een uur"
    assert formatting.number(1234) == "1.234" and formatting.number(2.5, 1) == "2,5"
    assert [formatting.yes_no(v) for v in (True, False, "ja", "nee")] == ["ja", "nee", "ja", "nee"]
