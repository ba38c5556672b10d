"""The board's and the OTV's overview at a size a person can read: few marks per chart at a
thousand schools, every figure in a table paged by school, names instead of codes, Dutch dates
and durations, and a sentence wherever there is nothing to show."""

from __future__ import annotations

import logging
import re
from collections import Counter
from pathlib import Path

import pytest
from flask import Flask

from services.case.application import CaseManagement
from services.reporting import charts
from services.reporting.board_view import (
    OTHERS,
    SCHOOLS_PER_PAGE,
    TOP_SCHOOLS,
    BoardCounts,
    board_view,
    quarters_of_months,
)
from services.reporting.names import Names
from services.reporting.overview import MONTH_AND_SCHOOL, QUARTER_AND_SCHOOL, SCHOOL, TOTAL
from services.reporting.projector import Projector
from services.reporting.store import REPORTS_VERSION, Batch, ReportStore
from services.web import create_app
from shared.accounts import Accounts
from shared.config import Settings, load_settings
from shared.demo import seed_demo
from tests.examples import ACTIONS, OPENING
from tests.web.conftest import Browser

BAR = re.compile(r"<rect [^>]*(?:fill=\"#|stroke-dasharray)")


def every_quarter() -> dict[str, Counter[str]]:
    return {
        f"{2023 + q // 4}-{q % 4 + 1}": Counter({f"school-{s:04d}": (s + q) % 9 for s in range(1000)})
        for q in range(12)
    }


def thousand_schools() -> BoardCounts:
    return BoardCounts.of(every_quarter())


def test_the_board_chart_has_a_few_dozen_bars_at_a_thousand_schools() -> None:
    view = board_view(thousand_schools(), Names("bestuur-zonder-bestand"))
    chart = charts.incidents_per_period(view.chart_rows, view.series, "g", "Meldingen per kwartaal en school")
    assert chart is not None
    assert len(view.series) == TOP_SCHOOLS + 1 and view.series[-1] == OTHERS
    assert len(BAR.findall(str(chart.svg))) <= 8 * (TOP_SCHOOLS + 1) + len(view.series)  # bars and legend
    assert len(str(chart.svg)) < 20_000


def test_overige_scholen_counts_every_school_outside_the_top() -> None:
    counts = thousand_schools()
    view = board_view(counts, Names("bestuur-zonder-bestand"))
    newest_label = view.quarter_labels[-1]
    shown = view.chart_rows[newest_label]
    expected = sum(counts.per_quarter[view.quarters[-1]].values())
    assert sum(int(v) for v in shown.values() if not v.startswith("<")) == expected


def test_the_table_shows_every_school_a_page_at_a_time() -> None:
    counts = thousand_schools()
    first = board_view(counts, Names("bestuur-zonder-bestand"))
    last = board_view(counts, Names("bestuur-zonder-bestand"), page=first.pages)
    assert first.pages == 1000 // SCHOOLS_PER_PAGE and len(first.rows) == SCHOOLS_PER_PAGE
    assert last.rows[-1].school_id == "school-0999"
    assert first.all_schools.total == f"{sum(c.total() for c in every_quarter().values()):,}".replace(
        ",", "."
    )
    assert last.rows[-1].earlier == str(
        sum(every_quarter()[q]["school-0999"] for q in ("2023-1", "2023-2", "2023-3", "2023-4"))
    )
    found = board_view(counts, Names("bestuur-zonder-bestand"), search="school-0042")
    assert [row.school_id for row in found.rows] == ["school-0042"]


def test_a_period_or_school_without_figures_is_said_in_a_sentence() -> None:
    counts = thousand_schools()
    names = Names("bestuur-zonder-bestand")
    empty_period = board_view(counts, names, until="2001-2")
    assert empty_period.notice == "Van jul-sep 1999 tot en met apr-jun 2001 zijn er geen meldingen gedaan."
    assert empty_period.chart_rows == {}
    assert empty_period.others_heading == "Andere kwartalen"
    assert board_view(counts, names).others_heading == "Eerder"
    assert "Geen school met 'vlinder'" in board_view(counts, names, search="vlinder").notice
    assert "Pagina 99 bestaat niet" in board_view(counts, names, page=99).notice
    assert (
        board_view(BoardCounts.of({}), names).notice
        == "Er zijn nog geen meldingen bij de scholen van dit bestuur."
    )


def test_an_unknown_school_or_channel_is_shown_as_its_code_with_a_log_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "eigen.toml").write_text(
        'naam = "Eigen bestuur"\n[scholen.de-eik]\nnaam = "De Eik"\n[kanalen]\nbereal = "BeReal"\n',
        encoding="utf-8",
    )
    names = Names("eigen", str(tmp_path))
    with caplog.at_level(logging.WARNING, logger="rapportage"):
        assert names.school("de-eik") == "De Eik"
        assert names.channel("bereal") == "BeReal" and names.channel("snapchat") == "Snapchat"
        assert names.school("de-beuk") == "de-beuk"
        assert names.channel("discord") == "discord"
    logged = caplog.text
    assert "noemt geen school 'de-beuk'" in logged and "noemt geen kanaal 'discord'" in logged


def test_a_broken_board_file_gives_codes_not_an_error_page(tmp_path: Path, caplog) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "kapot.toml").write_text("naam = \n", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="rapportage"):
        names = Names("kapot", str(tmp_path))
        assert names.school("de-eik") == "de-eik"
    assert "kapot.toml klopt niet" in caplog.text


# ------------------------------------------------------------------ the pages


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    settings = load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path)})
    accounts = Accounts(settings)
    seed_demo(settings, accounts)
    return create_app(settings, accounts=accounts, report_wait=0.0)


def signed_in(app: Flask, username: str) -> Browser:
    return Browser(app.test_client()).sign_in(username)


def record_incidents(app: Flask, count: int) -> str:
    cases: CaseManagement = app.extensions["zorgvuldig.cases"]
    accounts: Accounts = app.extensions["zorgvuldig.accounts"]
    handler = accounts.get("behandelaar.dewilg").actor  # type: ignore[union-attr]
    incident_id = None
    for _ in range(count):
        incident_id, _ = cases.open_incident(handler, **OPENING)
        cases.record_action(handler, incident_id, "ScopeAssessed", ACTIONS["ScopeAssessed"])
        cases.record_action(handler, incident_id, "PoliceContacted", ACTIONS["PoliceContacted"])
    Projector(cases, ReportStore(app.extensions["zorgvuldig.settings"])).catch_up()
    return str(incident_id)


def test_the_board_page_names_schools_and_channels_in_dutch(app: Flask) -> None:
    record_incidents(app, 5)
    page = signed_in(app, "bestuur").get("/rapportage/").text
    assert "Basisschool De Wilg" in page and ">de-wilg<" not in page
    assert "WhatsApp: 5" in page and "whatsapp" not in page.replace("WhatsApp", "")
    assert 'id="grafiek-per-kwartaal"' in page and "Meldingen per school en kwartaal" in page
    assert "de helft van de meldingen binnen minder dan een uur" in page  # not "0.0 uur"
    assert re.search(r"Bijgewerkt met alle vastgelegde gebeurtenissen \(\d+ \w+ \d{4}, \d\d:\d\d\)", page)


def test_the_board_page_without_incidents_says_so(app: Flask) -> None:
    page = signed_in(app, "otv").get("/rapportage/").text
    assert "Er zijn nog geen meldingen bij de scholen van dit bestuur." in page
    assert "<svg" not in page


def test_the_board_page_for_a_period_without_incidents_says_so(app: Flask) -> None:
    record_incidents(app, 1)
    page = signed_in(app, "bestuur").get("/rapportage/?kwartaal=2001-1").text
    assert "Van apr-jun 1999 tot en met jan-mrt 2001 zijn er geen meldingen gedaan." in page
    assert 'id="grafiek-per-kwartaal"' not in page


def test_the_school_without_incidents_reads_a_sentence_not_an_empty_chart(app: Flask) -> None:
    page = signed_in(app, "behandelaar.hetanker").get("/rapportage/").text
    assert "Rapportage van Basisschool Het Anker" in page
    assert "Uw school heeft nog geen meldingen" in page and "<svg" not in page


def test_the_incident_report_writes_dates_and_durations_the_dutch_way(app: Flask) -> None:
    incident_id = record_incidents(app, 1)
    page = signed_in(app, "behandelaar.dewilg").get(f"/rapportage/meldingen/{incident_id}").text
    assert 'id="mijlpaal-politie">na minder dan een uur<' in page
    assert "0.0 uur" not in page
    assert re.search(r"<h1>Rapportage: melding van \d{1,2} (januari|februari|maart|april|mei|juni|juli"
                     r"|augustus|september|oktober|november|december) \d{4}</h1>", page)  # fmt: skip


def test_the_counts_are_read_for_the_quarters_shown_only(settings_on_each_store) -> None:  # type: ignore[no-untyped-def]
    store = ReportStore(settings_on_each_store)
    months = {
        f"{year}-{month:02d}|{school}": (month * 7 + len(school)) % 5
        for year in (2024, 2025, 2026)
        for month in range(1, 13)
        for school in ("de-wilg", "het-anker", "school-0042")
    }
    totals = {("kindante", MONTH_AND_SCHOOL, item): count for item, count in months.items()}
    every = quarters_of_months((MONTH_AND_SCHOOL, item, count) for item, count in months.items())
    for quarter, counts in every.items():
        for school, count in counts.items():
            totals[("kindante", QUARTER_AND_SCHOOL, f"{quarter}|{school}")] = count
            totals[("kindante", SCHOOL, school)] = totals.get(("kindante", SCHOOL, school), 0) + count
    totals[("kindante", TOTAL, "")] = sum(months.values())
    totals[("ander-bestuur", QUARTER_AND_SCHOOL, "2027-1|de-linde")] = 3
    store.commit(Batch({}, [], 1, "2026-12-06T00:00:00", 0, totals))

    newest = BoardCounts.read(store, "kindante")
    assert newest.newest == "2026-4" and newest.total == sum(months.values())
    assert newest.per_quarter == {q: every[q] for q in every if q >= "2025-1"}
    earlier = BoardCounts.read(store, "kindante", until="2025-2")
    assert earlier.per_quarter == {q: every[q] for q in every if q <= "2025-2"}
    assert earlier.per_school == newest.per_school


def built(settings: Settings, version: int | None) -> ReportStore:
    """A report store with one incident's facts and totals, as built by `version` of the reports
    (None: by code from before the version was kept)."""
    store = ReportStore(settings)
    facts = {"incident_id": "i", "board_id": "kindante", "school_id": "de-wilg"}
    months = {("kindante", MONTH_AND_SCHOOL, "2026-11|de-wilg"): 1, ("kindante", TOTAL, ""): 1}
    months[("kindante", QUARTER_AND_SCHOOL, "2026-4|de-wilg")] = 1  # all an older version counted
    store.commit(Batch({"i": facts}, [], 7, "2026-12-06T00:00:00", 0, months, {"i": "[]"}))
    with store.db.connect() as db:
        db.execute("DELETE FROM report_position WHERE name = 'opbouwversie'")
        if version is not None:
            db.execute(
                store.db.sql(
                    "INSERT INTO report_position (name, position, updated_at) VALUES ('opbouwversie', ?, '')"
                ),
                (version,),
            )
    return store


@pytest.mark.parametrize("version", [None, REPORTS_VERSION - 1])
def test_reports_built_by_an_older_version_are_rebuilt_from_zero(settings_on_each_store, version) -> None:  # type: ignore[no-untyped-def]
    built(settings_on_each_store, version)
    again = ReportStore(settings_on_each_store)
    assert again.position()[0] == 0  # the follower starts again and counts what is new
    assert again.board_totals("kindante") == []
    assert ReportStore(settings_on_each_store).built_by() == REPORTS_VERSION


def test_reports_of_this_version_are_kept_also_after_a_rebuild(settings_on_each_store) -> None:  # type: ignore[no-untyped-def]
    built(settings_on_each_store, REPORTS_VERSION)
    assert ReportStore(settings_on_each_store).position()[0] == 7
    ReportStore(settings_on_each_store).reset()  # as a rebuild begins
    assert ReportStore(settings_on_each_store).built_by() == REPORTS_VERSION
