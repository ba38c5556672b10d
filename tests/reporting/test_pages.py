"""The reporting pages, signed in as the school and as the board."""

from __future__ import annotations

import re
from pathlib import Path
from uuid import UUID

import pytest
from flask import Flask

from services.case.application import CaseManagement
from services.reporting import exports
from services.reporting.projector import Projector
from services.reporting.store import ReportStore
from services.web import create_app
from shared.accounts import Accounts
from shared.config import load_settings
from shared.demo import seed_demo
from tests.examples import ACTIONS, PLANTED_NAMES
from tests.web.conftest import Browser


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    settings = load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path)})
    accounts = Accounts(settings)
    seed_demo(settings, accounts)
    return create_app(settings, accounts=accounts, report_wait=0.0)


@pytest.fixture
def browser(app: Flask):  # type: ignore[no-untyped-def]
    return lambda username: Browser(app.test_client()).sign_in(username)


def catch_up(app: Flask) -> None:
    cases: CaseManagement = app.extensions["zorgvuldig.cases"]
    Projector(cases, ReportStore(app.extensions["zorgvuldig.settings"])).catch_up()


def worked_incident(handler: Browser) -> str:
    page = handler.open_incident()
    handler.post(
        f"{page}/acties/ScopeAssessed",
        {
            "material_kind": "foto",
            "pupil_visible": "ja",
            "pupil_of_school": "ja",
            "other_schools_involved": "nee",
            "channels": ["whatsapp"],
            "shared_by": "Kevin Brouwersma",
        },
    )
    handler.post(
        f"{page}/acties/EvaluationHeld",
        {**{k: v for k, v in ACTIONS["EvaluationHeld"].items() if k != "with_whom"}, "with_whom": ["ouders"]},
    )
    return page.rsplit("/", 1)[1]


def test_the_school_sees_its_incidents_with_freshness(app, browser) -> None:
    handler = browser("behandelaar.dewilg")
    incident_id = worked_incident(handler)
    catch_up(app)
    page = handler.get("/rapportage/").text
    assert "Bijgewerkt met alle vastgelegde gebeurtenissen" in page
    assert "Stap 2. Sta het slachtoffer bij" in page
    assert "statement-sjabloon klaar hebben" in page  # its own evaluation, read from the incident
    report = handler.get(f"/rapportage/meldingen/{incident_id}")
    assert report.status_code == 200 and "snel contact met politie" in report.text


def test_exports_of_the_trail_and_the_evaluation(app, browser) -> None:
    handler = browser("behandelaar.dewilg")
    incident_id = worked_incident(handler)
    catch_up(app)
    csv = handler.get(f"/rapportage/meldingen/{incident_id}/logboek.csv")
    assert csv.status_code == 200 and csv.text.startswith("#;Wanneer;Tijdstip (UTC);Wie;Gebruikersnaam;Wat")
    assert "De omvang en de impact zijn bepaald." in csv.text
    for path in ("logboek.pdf", "evaluatie.pdf"):
        pdf = handler.get(f"/rapportage/meldingen/{incident_id}/{path}")
        assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    filtered = handler.get(f"/rapportage/meldingen/{incident_id}/logboek?stap=1&versie=2").text
    assert "Checklist na gebeurtenis 2" in filtered


def test_unknown_and_foreign_incidents_are_404(app, browser) -> None:
    handler = browser("behandelaar.dewilg")
    incident_id = worked_incident(handler)
    catch_up(app)
    other = browser("behandelaar.hetanker")
    assert other.get(f"/rapportage/meldingen/{incident_id}").status_code == 404
    assert other.get(f"/rapportage/meldingen/{incident_id}/logboek.csv").status_code == 404
    assert handler.get("/rapportage/meldingen/00000000-0000-0000-0000-000000000000").status_code == 404


def test_the_board_page_reads_the_totals_not_every_incident(app, browser, monkeypatch) -> None:
    handler = browser("behandelaar.dewilg")
    for _ in range(5):
        incident_id = worked_incident(handler)
        handler.post(
            f"/meldingen/{incident_id}/acties/PoliceContacted", {"contact": "wijkagent", "plan": "overleg"}
        )
    catch_up(app)

    def every_incident(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("de bestuurspagina las alle meldingen")

    monkeypatch.setattr(ReportStore, "all_facts", every_incident)
    page = browser("bestuur").get("/rapportage/").text
    assert 'id="grafiek-tijden"' in page and "mediaan" in page


def test_the_board_sees_an_anonymous_overview(app, browser) -> None:
    handler = browser("behandelaar.dewilg")
    worked_incident(handler)
    catch_up(app)
    page = browser("bestuur").get("/rapportage/").text
    assert "Overzicht van alle scholen" in page and '<strong id="totaal">&lt;5</strong>' in page
    for name in PLANTED_NAMES:
        assert name not in page
    assert "evaluatie bij" in page and "statement-sjabloon" not in page  # evaluation texts are sealed


def test_the_trail_and_its_exports_read_the_stream_without_replaying_the_incident_again(
    app, browser, monkeypatch
) -> None:
    handler = browser("behandelaar.dewilg")
    incident_id = worked_incident(handler)
    catch_up(app)

    def replayed(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("het logboek las de melding nog een keer helemaal")

    monkeypatch.setattr(CaseManagement, "incident", replayed)
    for path in ("logboek", "logboek?versie=2", "logboek.csv", "logboek.pdf"):
        assert handler.get(f"/rapportage/meldingen/{incident_id}/{path}").status_code == 200


def test_the_evaluation_pdf_writes_its_dates_the_dutch_way(app, browser, monkeypatch) -> None:
    handler = browser("behandelaar.dewilg")
    incident_id = worked_incident(handler)
    catch_up(app)
    written: list[str] = []
    pdf = exports.pdf

    def kept(title, sections, footer):  # type: ignore[no-untyped-def]
        written.extend(line for _, lines in sections for line in lines)
        return pdf(title, sections, footer)

    monkeypatch.setattr(exports, "pdf", kept)
    assert handler.get(f"/rapportage/meldingen/{incident_id}/evaluatie.pdf").status_code == 200
    dated = [line for line in written if "De omvang en de impact zijn bepaald" in line]
    assert dated and re.match(r"\d{1,2} [a-z]+ \d{4}, \d\d:\d\d  ", dated[0]), dated


def test_the_checklist_at_an_earlier_version_keeps_step_one_open_for_an_unsettled_school(
    app, browser
) -> None:
    """The trail's checklist after an event reads step 1 as the incident page did then: open
    while a recorded other school neither confirmed receipt nor was called."""
    handler = browser("behandelaar.dewilg")
    incident_id = worked_incident(handler)
    page = f"/meldingen/{incident_id}"
    handler.post(f"{page}/andere-scholen", {"naam": "De Linde", "adres": "info@x.invalid", "rol": "dader"})
    version = app.extensions["zorgvuldig.cases"].stored_incident(UUID(incident_id)).version
    catch_up(app)
    shown = handler.get(f"/rapportage/meldingen/{incident_id}/logboek?reden=controle&versie={version}").text
    earlier = shown.split(f"Checklist na gebeurtenis {version}", 1)[1].split("</section>", 1)[0]
    assert "Stap 1. Bepaal de omvang en de impact: open" in earlier
