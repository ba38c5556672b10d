"""The trail reads as Dutch sentences: every event type's fields with their Dutch labels, codes
as their answers, lists as lists, long recipient lists folded behind a count; the CSV keeps the
machine columns beside them, under Dutch headers."""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import Flask

from services.case.application import CaseManagement
from services.case.domain.incident import Incident
from services.case.domain.safeguards import AUDIENCES
from services.case.web import forms, labels
from services.reporting.projector import Projector
from services.reporting.store import ReportStore
from services.web import create_app
from shared.accounts import Accounts
from shared.config import load_settings
from shared.demo import seed_demo
from shared.letters import CATALOGUE
from tests.examples import HANDLER
from tests.integration.test_event_store_roundtrip import event_classes, work_through_every_event
from tests.integration.test_task_events_roundtrip import work_through_coordination
from tests.web.conftest import Browser

SNAKE_CASE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")
ENVELOPE = {"originator_id", "originator_version", "timestamp", "originator_topic", "actor"}
# Field names and codes that are Dutch words too, and so may stand in a Dutch sentence.
ALSO_DUTCH = {
    "school", "feedback", "ja", "nee", "anders", "foto", "video", "onbekend", "ouders", "leerlingen",
    "medewerkers", "politie", "wijkagent", "zeden", "melding", "aangifte", "geen", "melden", "huisarts",
    "slachtofferhulp", "leerling", "ouder", "medewerker", "slachtoffer", "dader", "klas", "directeur",
    "vertrouwenspersoon", "maker", "deler", "ontvanger", "verspreider", "getuige", "beide", "website",
    "platform", "niet", "gesprekken", "bijeenkomst", "brief", "en", "nl", "zat", "leerkrachten",
    "anderen", "meerdere", "herschreven", "checklist", "contact", "informeren", "internetfilter",
    "meldpunt", "naakt", "omvang", "opvolgen", "plan", "statement", "verwijderen",
    "klasgenoten", "problematiseren", "normaliseren", "herstelgesprek", "begeleiding", "hulpverlening",
    "klassengesprek", "account", "groepschat", "verwijderd", "geweigerd",
}  # fmt: skip


def code_words() -> set[str]:
    """Every field name and every code a value may be stored as, that is not Dutch as well."""
    names = {
        f.name
        for name in event_classes(Incident)
        for f in dataclasses.fields(getattr(Incident, name))
        if f.name not in ENVELOPE
    }
    codes = {code for specs in forms.FIELDS.values() for spec in specs for code, _ in spec.choices}
    codes |= {code for code, _ in forms.SITUATIONS} | set(AUDIENCES) | set(CATALOGUE)
    return {word for word in names | codes if word not in ALSO_DUTCH}


class _Text(HTMLParser):
    """The text a person reads in <main>: no tags, attributes or ids."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.depth += tag == "main"

    def handle_endtag(self, tag: str) -> None:
        self.depth -= tag == "main"

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.parts.append(data)


def readable(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def code_in(text: str) -> list[str]:
    found = SNAKE_CASE.findall(text)
    found += [word for word in code_words() if re.search(rf"(?<![\w@.-]){re.escape(word)}(?![\w@.-])", text)]
    return sorted(set(found))


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    settings = load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path)})
    accounts = Accounts(settings)
    seed_demo(settings, accounts)
    return create_app(settings, accounts=accounts, report_wait=0.0)


def test_every_event_type_in_the_trail_reads_without_a_code_key_or_value(app: Flask) -> None:
    cases: CaseManagement = app.extensions["zorgvuldig.cases"]
    incident_id = work_through_every_event(cases)
    work_through_coordination(cases, incident_id)
    cases.erase_personal_data(incident_id, actor_id=HANDLER.id, reason="bewaartermijn verstreken")
    kinds = {entry.event_type for entry in cases.audit_trail(HANDLER, incident_id)}
    # every event type is on the page below; a letter's events (its own stream) under the names the
    # incident's letter events had, in place of the incident's reference to the letter
    assert kinds == event_classes(Incident) - {"LetterComposed"} | {"LetterBounced"}
    handler = Browser(app.test_client()).sign_in("behandelaar.dewilg")

    for path in (f"/meldingen/{incident_id}/tijdlijn", f"/meldingen/{incident_id}"):
        text = readable(handler.get(path).text)
        assert code_in(text) == [], path
    assert labels.UNLABELLED not in readable(handler.get(f"/meldingen/{incident_id}/tijdlijn").text)


def test_values_read_as_their_answers_and_lists_as_lists(app: Flask) -> None:
    cases: CaseManagement = app.extensions["zorgvuldig.cases"]
    incident_id = work_through_every_event(cases)
    html = (
        Browser(app.test_client())
        .sign_in("behandelaar.dewilg")
        .get(f"/meldingen/{incident_id}/tijdlijn")
        .text
    )

    assert "<dt>Situatie</dt><dd>Een naaktfoto of seksvideo van een leerling gaat rond</dd>" in html
    assert "<li>WhatsApp</li>" in html  # a list of channels is a list
    assert "<dt>Brief</dt><dd>Informatie voor ouders van andere klassen of alle ouders</dd>" in html
    # 31 addresses folded behind their count, all of them still there to open
    assert re.search(
        r"<details><summary>31 ontvangers</summary><ul class=\"values\">(<li>[^<]+</li>){31}</ul>", html
    )
    assert "Wat doen wij?: Wij werken samen met de politie." in html  # the statement, labelled


def test_the_csv_keeps_machine_columns_under_dutch_headers(app: Flask) -> None:
    cases: CaseManagement = app.extensions["zorgvuldig.cases"]
    incident_id = work_through_every_event(cases)
    Projector(cases, ReportStore(app.extensions["zorgvuldig.settings"])).catch_up()
    handler = Browser(app.test_client()).sign_in("behandelaar.dewilg")
    rows = list(
        csv.DictReader(
            io.StringIO(handler.get(f"/rapportage/meldingen/{incident_id}/logboek.csv").text), delimiter=";"
        )
    )

    headers = list(rows[0])
    assert not [h for h in headers if SNAKE_CASE.search(h) or h in code_words()]
    assert "Soort gebeurtenis" in headers and "Gegevens (machineleesbaar)" in headers
    scope = next(r for r in rows if r["Soort gebeurtenis"] == "ScopeAssessed")
    assert '"material_kind": "foto"' in scope["Gegevens (machineleesbaar)"]  # the machine's own
    assert "Soort materiaal: Foto" in scope["Gegevens"]  # what a person reads
    assert scope["Gebruikersnaam"] == HANDLER.id
    for row in rows:
        assert code_in(f"{row['Wat']} {row['Gegevens']}") == [], row["Soort gebeurtenis"]
