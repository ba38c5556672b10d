"""Every query a page makes on the read models and small stores uses an index: each page every
role opens is requested once while its statements are recorded, and each recorded statement is
explained (SQLite: EXPLAIN QUERY PLAN; PostgreSQL: EXPLAIN with sequential scans made
expensive, so that the planner of a tiny test table still shows which index it would use).
A full scan of a table that grows with the store fails the test: at 100,000 incidents the one
unindexed query (the handler's report) took two seconds where the others took 30 ms."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import cycle, islice
from typing import Any

import pytest

from services.case.application import CaseManagement
from services.case.domain.incident import Incident
from services.case.lists import IncidentLists
from services.reporting.projector import Projector
from services.reporting.store import ReportStore
from services.web import create_app
from shared.accounts import Accounts
from shared.config import Settings
from shared.database import Database
from shared.demo import seed_demo
from tests.examples import ACTIONS, LETTER_REQUESTS, OPENING
from tests.web.conftest import Browser

# Tables that do not grow with the incidents: one row per follower; a row per event the
# reports could not read (the chain check reports those); the accounts grow with the people.
BOUNDED = frozenset(
    {"report_position", "incident_list_position", "follower_positions", "report_skipped", "accounts"}
)
# The Incident itself records no letter: those are LetterRequests of their own.
SCRIPT = [a for a in ACTIONS if a not in (*LETTER_REQUESTS, "StaffAccessRevoked")]
EXPLAINED = re.compile(r"^\s*(SELECT|UPDATE|DELETE|WITH)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Statement:
    database: Database
    sql: str
    params: Any


class Recording:
    """A connection that notes every statement it is given, and otherwise is the connection."""

    def __init__(self, connection: Any, database: Database, seen: list[Statement]) -> None:
        self._connection = connection
        self._database = database
        self._seen = seen

    def execute(self, sql: str, params: Any = None) -> Any:
        self._seen.append(Statement(self._database, sql, params))
        return self._connection.execute(sql, params) if params is not None else self._connection.execute(sql)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._connection, name)


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> list[Statement]:
    seen: list[Statement] = []
    connect = Database.connect

    @contextmanager
    def recording(self: Database) -> Iterator[Any]:
        with connect(self) as connection:
            yield Recording(connection, self, seen)

    monkeypatch.setattr(Database, "connect", recording)
    return seen


def incidents(cases: CaseManagement, count: int, school: str) -> list[str]:
    made = []
    for _ in range(count):
        incident = Incident.open(
            school_id=school,
            board_id="kindante",
            actor=f"behandelaar.{school.replace('-', '')}",
            situation=OPENING["situation"],
            learned_how=OPENING["learned_how"],
            protocol_id=OPENING["protocol_id"],
        )
        for action in islice(cycle(SCRIPT), len(SCRIPT)):
            data = dict(ACTIONS[action])
            if action == "StaffAccessGranted":
                data["staff_id"] = "medewerker.dewilg"
            incident.record(action, actor=incident.opened_by, **data)
        made.append(incident)
    cases.save(*made)
    return [str(i.id) for i in made]


def pages(incident_id: str) -> dict[str, list[str]]:
    """Every page each role opens, as a person would walk through them."""
    report = f"/rapportage/meldingen/{incident_id}"
    return {
        "behandelaar.dewilg": [
            "/",
            "/?pagina=2",
            f"/meldingen/{incident_id}",
            f"/meldingen/{incident_id}/tijdlijn",
            "/rapportage/",
            report,
            f"{report}/logboek",
            "/avg",
        ],
        "medewerker.dewilg": ["/", f"/meldingen/{incident_id}"],
        "otv": ["/", "/rapportage/", f"{report}?reden=advies", f"/meldingen/{incident_id}?reden=advies"],
        "bestuur": ["/", "/rapportage/", "/avg"],
        "beheerder": ["/beheer/accounts", "/beheer/"],  # "/" only sends the administrator here
    }


def full_scans(statement: Statement) -> list[str]:
    """The tables the statement reads from beginning to end."""
    database = statement.database
    with database.connect() as db:
        if database.postgres:
            db.execute("SET LOCAL enable_seqscan = off")
            plan = db.execute("EXPLAIN (FORMAT JSON) " + statement.sql, statement.params).fetchone()[0]
            return sorted(set(_scanned_in_postgres(plan[0]["Plan"])))
        rows = db.execute("EXPLAIN QUERY PLAN " + statement.sql, statement.params or ()).fetchall()
    scanned = [re.match(r"SCAN (\w+)", str(row[-1])) for row in rows]
    return sorted({found.group(1) for found in scanned if found})


def _scanned_in_postgres(node: dict[str, Any]) -> Iterator[str]:
    kind = node.get("Node Type", "")
    if kind == "Seq Scan" or (kind in ("Index Scan", "Index Only Scan") and "Index Cond" not in node):
        yield node["Relation Name"]
    for child in node.get("Plans", []):
        yield from _scanned_in_postgres(child)


def test_no_page_reads_a_growing_table_from_end_to_end(
    settings_on_each_store: Settings, recorded: list[Statement]
) -> None:
    settings = settings_on_each_store
    accounts = Accounts(settings)
    seed_demo(settings, accounts)
    cases = CaseManagement(env=settings.event_store_env())
    lists = IncidentLists(settings, cases)
    shown = incidents(cases, 3, "de-wilg")[0]
    incidents(cases, 3, "het-anker")
    reports = ReportStore(settings)
    Projector(cases, reports).catch_up()
    lists.catch_up()
    app = create_app(settings, cases=cases, accounts=accounts, lists=lists, reports=reports, report_wait=0.0)
    browsers = {}
    for username in pages(shown):
        browsers[username] = Browser(app.test_client()).sign_in(username)
    recorded.clear()  # signing in is not a page

    opened: list[tuple[str, str, int]] = []
    for username, paths in pages(shown).items():
        for path in paths:
            before = len(recorded)
            answer = browsers[username].get(path)
            assert answer.status_code == 200, f"{username} {path}: HTTP {answer.status_code}"
            opened.append((username, path, len(recorded) - before))
    assert sum(count for *_, count in opened) > 0

    found = []
    for statement in {(s.database.sqlite_file, s.sql): s for s in recorded}.values():
        if not EXPLAINED.match(statement.sql):
            continue
        growing = [table for table in full_scans(statement) if table not in BOUNDED]
        if growing:
            found.append(f"{', '.join(growing)}: {statement.sql}")
    assert not found, "Volledige scan van een tabel die met de opslag groeit:\n" + "\n".join(found)
    cases.close()
