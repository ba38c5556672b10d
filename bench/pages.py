"""Benchmark of every page each role opens, as the store grows.

The store holds 200, 3,000 and 10,000 incidents of other schools (10 events each, two of them
tasks, one overdue, so that every home page lists tasks; spread over
500 schools of one board); the handler's own school keeps the same 30 incidents at every size,
so what grows is the rest of the store. Two systems run side by side, one on SQLite and one on
PostgreSQL (when a server is configured: ZORGVULDIG_BENCH_DATABASE_URL or
ZORGVULDIG_TEST_DATABASE_URL), and their requests are interleaved, so that a busy machine
slows both alike. ZORGVULDIG_BENCH_LANGZAAM=1 adds 100,000 incidents on PostgreSQL (a million
events; about ten minutes). ZORGVULDIG_BENCH_GROOTTES=50,100 measures other sizes (a quick try).

First, on both stores side by side: the incident page and its trail page of one incident of 1,000
events (target: p50 < 50 ms), as shown again and as shown right after a new event.

Every page goes through the whole Flask stack (session, access log, read models, template) as
the handler, a staff member, the OTV, the board and the administrator open it. Printed per size:
p50/p95 per page and store; at the end per page the p95 at each size and the growth from the
smallest to the largest store. Targets: p95 < 50 ms, growth <= 1.3x.
"""

from __future__ import annotations

import os
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import cycle, islice
from pathlib import Path
from typing import Any

from bench import heading, line, median, percentile, settle, timed, verdict
from bench.web import signed_in_client
from services.case.application import CaseManagement
from services.case.domain.incident import Incident
from services.case.domain.tasks import Colleague
from services.case.lists import IncidentLists
from services.case.worklists import Worklists
from services.reporting.projector import Projector
from services.reporting.store import ReportStore
from services.web import create_app
from shared.accounts import DEMO_PASSWORD, Accounts
from shared.config import Settings, load_settings
from shared.identity import Actor, Role
from tests.examples import ACTIONS, OPENING

SIZES = [int(n) for n in os.environ.get("ZORGVULDIG_BENCH_GROOTTES", "200,3000,10000").split(",")]
SLOW_SIZE = 100_000  # PostgreSQL only, with ZORGVULDIG_BENCH_LANGZAAM=1
SLOW = os.environ.get("ZORGVULDIG_BENCH_LANGZAAM") == "1"
SAMPLES = int(os.environ.get("ZORGVULDIG_BENCH_MONSTERS", "40"))  # per page and store and size
SECONDS_PER_SIZE = 60.0  # the sampling stops earlier when a size takes longer
SCHOOLS = 500
BOARD = "bestuur-groot"
EVENTS_PER_INCIDENT = 10
TARGET_MS = 50.0
FLAT_WITHIN = 1.3
SCRIPT = [a for a in ACTIONS if a not in ("LetterSent", "LetterFailed", "StaffAccessRevoked")]
# Two of each incident's ten events are tasks: one overdue for the handler, one for a staff member.
TASKS = [("behandelaar", "De mentor bellen", -1), ("medewerker", "Gesprek met de klas voorbereiden", 7)]

LONG_EVENTS = 1_000
LONG_SAMPLES = 30
LONG_TARGET_MS = 50.0

HANDLER_SCHOOL = "school-007"
HANDLER_INCIDENTS = 30
PERSONAS = {
    "behandelaar": ("bench.behandelaar", Role.CASE_HANDLER, HANDLER_SCHOOL),
    "medewerker": ("bench.medewerker", Role.STAFF, HANDLER_SCHOOL),
    "otv": ("bench.otv", Role.OTV, ""),
    "bestuur": ("bench.bestuur", Role.BOARD, ""),
    "beheerder": ("bench.beheerder", Role.ADMINISTRATOR, ""),
}


def every_page(incident_id: str) -> list[tuple[str, str, str]]:
    """(what, who, path) for every page a role opens; the incident is one of the handler's."""
    incident, report = f"/meldingen/{incident_id}", f"/rapportage/meldingen/{incident_id}"
    return [
        ("Behandelaar: lijst", "behandelaar", "/"),
        ("Behandelaar: melding", "behandelaar", incident),
        ("Behandelaar: tijdlijn", "behandelaar", f"{incident}/tijdlijn"),
        ("Behandelaar: rapportage", "behandelaar", "/rapportage/"),
        ("Behandelaar: rapportage melding", "behandelaar", report),
        ("Behandelaar: logboek", "behandelaar", f"{report}/logboek"),
        ("Behandelaar: AVG-verzoeken", "behandelaar", "/avg"),
        ("Medewerker: lijst", "medewerker", "/"),
        ("Medewerker: melding", "medewerker", incident),
        ("OTV: lijst", "otv", "/"),
        ("OTV: overzicht", "otv", "/rapportage/"),
        ("OTV: melding (met reden)", "otv", f"{incident}?reden=advies"),
        ("OTV: rapportage melding", "otv", f"{report}?reden=advies"),
        ("Bestuur: lijst", "bestuur", "/"),
        ("Bestuur: overzicht", "bestuur", "/rapportage/"),
        ("Bestuur: AVG-verzoeken", "bestuur", "/avg"),
        ("Beheerder: status", "beheerder", "/beheer/"),
    ]


@contextmanager
def postgres_settings(folder: str, prefix: str, boards: str = "") -> Iterator[Settings | None]:
    """Settings on a fresh PostgreSQL database (dropped afterwards), or None without a server."""
    server = os.environ.get("ZORGVULDIG_BENCH_DATABASE_URL") or os.environ.get("ZORGVULDIG_TEST_DATABASE_URL")
    if not server:
        yield None
        return
    from urllib.parse import urlparse, urlunparse

    import psycopg

    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server, autocommit=True) as db:
        db.execute(f'CREATE DATABASE "{name}"')
    try:
        url = urlunparse(urlparse(server)._replace(path=f"/{name}"))
        yield load_settings(
            {"ZORGVULDIG_DATA_DIR": folder, "ZORGVULDIG_DATABASE_URL": url, "ZORGVULDIG_BOARDS_DIR": boards}
        )
    finally:
        with psycopg.connect(server, autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def board_file(folder: str) -> str:
    """A board file that names the bench's schools, as a real board's would; returns its folder."""
    Path(folder).mkdir(parents=True, exist_ok=True)
    schools = "".join(
        f'[scholen.school-{n:03d}]\nnaam = "Basisschool De Linde {n:03d}"\n' for n in [*range(SCHOOLS), 999]
    )
    (Path(folder) / f"{BOARD}.toml").write_text(f'naam = "Groot bestuur"\n{schools}', encoding="utf-8")
    return folder


def incidents_at(cases: CaseManagement, schools: list[str]) -> list[str]:
    """Opens an incident of 10 events at each school (the handler's school's with a staff
    member's grant), saved at once."""
    made = []
    for school in schools:
        incident = Incident.open(
            school_id=school,
            board_id=BOARD,
            actor="bench.behandelaar",
            situation=OPENING["situation"],
            learned_how=OPENING["learned_how"],
            protocol_id=OPENING["protocol_id"],
        )
        script = list(islice(cycle(SCRIPT), EVENTS_PER_INCIDENT - 1 - len(TASKS)))
        if school == HANDLER_SCHOOL:
            script[-1] = "StaffAccessGranted"
        for action in script:
            data = dict(ACTIONS[action])
            if action == "StaffAccessGranted":
                data["staff_id"] = "bench.medewerker"
            incident.record(action, actor="bench.behandelaar", **data)
        for owner, what, due_in in TASKS:  # the action plan: every home page lists its owner's tasks
            owner_id = PERSONAS[owner][0] if school == HANDLER_SCHOOL else f"{owner}.{school}"
            incident.create_task(
                actor="bench.behandelaar",
                step="omvang",
                suggestion="",
                what=what,
                owner=Colleague(owner_id, BOARD, school),
                due_on=date.today() + timedelta(days=due_in),
            )
        made.append(incident)
    cases.save(*made)
    return [str(incident.id) for incident in made]


@dataclass
class System:
    """One installation: its store, read models, web app and a signed-in client per role."""

    name: str
    settings: Settings
    cases: CaseManagement = field(init=False)
    lists: IncidentLists = field(init=False)
    worklists: Worklists = field(init=False)
    clients: dict[str, Any] = field(init=False)
    projector: Projector = field(init=False)
    incident_id: str = ""
    handler: Actor | None = None
    others: int = 0  # incidents of other schools stored so far
    next_school: int = 0

    def __post_init__(self) -> None:
        accounts = Accounts(self.settings)
        for username, role, school in PERSONAS.values():
            accounts.create(username, name=username, role=role, board_id=BOARD, school_id=school,
                            password=DEMO_PASSWORD)  # fmt: skip
        self.cases = CaseManagement(env=self.settings.event_store_env())
        self.lists = IncidentLists(self.settings, self.cases)
        self.worklists = Worklists(self.settings, self.cases)
        self.projector = Projector(self.cases, ReportStore(self.settings))
        app = create_app(self.settings, cases=self.cases, accounts=accounts, lists=self.lists,
                         worklists=self.worklists, report_wait=0.0)  # fmt: skip
        self.clients = {
            persona: signed_in_client(app, username) for persona, (username, *_) in PERSONAS.items()
        }
        self.incident_id = incidents_at(self.cases, [HANDLER_SCHOOL] * HANDLER_INCIDENTS)[0]

    def grow(self, incidents: int) -> tuple[float, float]:
        """Adds incidents of other schools up to `incidents`; returns the seconds the store took
        and those the read models took to catch up."""
        began = time.perf_counter()
        while self.others < incidents:
            schools = []
            for _ in range(min(100, incidents - self.others)):
                school = f"school-{self.next_school % SCHOOLS:03d}"
                self.next_school += 1
                schools.append(school if school != HANDLER_SCHOOL else "school-999")
                self.others += 1
            incidents_at(self.cases, schools)
        stored = time.perf_counter() - began
        if self.settings.uses_postgres:
            settle(self.settings.database_url)
        # The read models catch up as their followers would in the background; what a page
        # then still catches up itself is what the other pages added since.
        _, caught = timed(
            lambda: (self.lists.catch_up(), self.worklists.catch_up(), self.projector.catch_up())
        )
        return stored, caught

    def long_incident(self, events: int) -> str:
        """An incident of the handler's school with `events` events, recorded one action at a time
        as a handler records them (letters included, each on its own stream)."""
        handler = Actor("bench.behandelaar", "bench.behandelaar", Role.CASE_HANDLER, BOARD, HANDLER_SCHOOL)
        incident_id, _ = self.cases.open_incident(handler, **OPENING)
        for action in islice(cycle(SCRIPT), events - 1):
            self.cases.record_action(handler, incident_id, action, dict(ACTIONS[action]))
        self.handler = handler
        return str(incident_id)

    def note(self, incident_id: str) -> None:
        """A new event on the incident, as from another request."""
        self.cases.record_action(
            self.handler, uuid.UUID(incident_id), "NoteAdded", {"text": "nog een notitie"}
        )

    def get(self, persona: str, path: str) -> float:
        answer, seconds = timed(lambda: self.clients[persona].get(path))
        if answer.status_code != 200:
            raise RuntimeError(f"{self.name}: {path} als {persona} gaf HTTP {answer.status_code}")
        return seconds * 1000

    def close(self) -> None:
        self.cases.close()


Samples = dict[tuple[str, str], list[float]]  # (page, system) -> milliseconds


def interleaved(systems: list[System], pages: list[tuple[str, str, str]], samples: int = SAMPLES) -> Samples:
    """Each page on each system in turn, round after round, so both meet the same machine."""
    found: Samples = {(title, s.name): [] for title, *_ in pages for s in systems}
    for _, persona, path in pages:  # warm: templates compiled, caches filled
        for system in systems:
            system.get(persona, path.replace("{incident}", system.incident_id))
    deadline = time.monotonic() + SECONDS_PER_SIZE
    for round_number in range(samples):
        if round_number >= 5 and time.monotonic() > deadline:
            break
        for title, persona, path in pages:
            for system in systems:
                found[(title, system.name)].append(
                    system.get(persona, path.replace("{incident}", system.incident_id))
                )
    return found


def report_size(size: int, systems: list[System], pages: list[tuple[str, str, str]], found: Samples) -> None:
    heading(f"{size:,} meldingen van andere scholen".replace(",", "."))
    for title, *_ in pages:
        cells = []
        for system in systems:
            values = found[(title, system.name)]
            cells.append(f"{system.name} {median(values):.1f}/{percentile(values, 0.95):.1f}")
        line(f"{title}, p50/p95 (ms)", "", "  ".join(cells))


def report_growth(p95s: dict[tuple[str, str], dict[int, float]], pages: list[tuple[str, str, str]]) -> None:
    heading("Groei van de p95 van de kleinste tot de grootste opslag")
    for title, *_ in pages:
        for (page, store), by_size in p95s.items():
            if page != title or not by_size:
                continue
            sizes = sorted(by_size)
            largest = by_size[sizes[-1]]
            growth = largest / by_size[sizes[0]] if by_size[sizes[0]] else 0.0
            shown = " / ".join(f"{by_size[s]:.1f}" for s in sizes)
            ok = growth <= FLAT_WITHIN and largest < TARGET_MS
            line(f"{title}, {store}", f"{growth:.2f}x", f"p95 {shown} ms; {verdict(ok)}")


def side_by_side(stack: ExitStack, name: str) -> list[System]:
    """A system on SQLite and, when a server is configured, one on PostgreSQL, with the same
    board file; both closed (and the PostgreSQL database dropped) when `stack` closes."""
    folder = stack.enter_context(tempfile.TemporaryDirectory(prefix=f"zorgvuldig-bench-{name}-"))
    boards = board_file(f"{folder}/besturen")
    systems = [System("SQLite", load_settings({"ZORGVULDIG_DATA_DIR": f"{folder}/sqlite",
                                               "ZORGVULDIG_BOARDS_DIR": boards}))]  # fmt: skip
    pg = stack.enter_context(postgres_settings(f"{folder}/pg", f"zorgvuldig_bench_{name}", boards))
    if pg is None:
        line("PostgreSQL", "overgeslagen", "zet ZORGVULDIG_BENCH_DATABASE_URL of _TEST_DATABASE_URL")
    else:
        systems.append(System("PostgreSQL", pg))
    for system in systems:
        stack.callback(system.close)
    return systems


def run(pages_of: Any, title: str, after_size: Any = None) -> None:
    """Grows both systems through SIZES (and the slow size on PostgreSQL), measuring `pages_of`
    (the incident id -> pages) at each size; `after_size(system)` measures more there."""
    heading(title)
    with ExitStack() as stack:
        systems = side_by_side(stack, "paginas")
        pg = next((s.settings for s in systems if s.settings.uses_postgres), None)
        pages = pages_of("{incident}")
        p95s: dict[tuple[str, str], dict[int, float]] = {(t, s.name): {} for t, *_ in pages for s in systems}
        for size in SIZES + ([SLOW_SIZE] if SLOW and pg is not None else []):
            growing = [s for s in systems if size <= SIZES[-1] or s.settings.uses_postgres]
            for system in growing:
                stored, caught = system.grow(size)
                line(f"{system.name}: opslaan / bijwerken tot {size:,} meldingen (s)".replace(",", "."),
                     f"{stored:.1f} / {caught:.1f}")  # fmt: skip
            found = interleaved(growing, pages)
            report_size(size, growing, pages, found)
            for system in growing if after_size else ():
                after_size(system)
            for (page, store), values in found.items():
                p95s[(page, store)][size] = percentile(values, 0.95)
        report_growth(p95s, pages)


def long_incident() -> None:
    """The incident page and its trail at 1,000 events of one incident, on both stores side by
    side: shown again (p50/p95 over rounds that interleave the stores), and shown right after a
    new event, when what the process kept of the incident must be brought up to date first."""
    heading(f"Meldingpagina en logboek bij {LONG_EVENTS:,} gebeurtenissen".replace(",", "."))
    with ExitStack() as stack:
        systems = side_by_side(stack, "lang")
        for system in systems:
            system.incident_id, seconds = timed(lambda: system.long_incident(LONG_EVENTS))  # noqa: B023
            recorded = f"{system.name}: melding met {LONG_EVENTS:,} gebeurtenissen vastgelegd (s)"
            line(recorded.replace(",", "."), f"{seconds:.1f}")
        pages = [
            ("Behandelaar: melding", "behandelaar", "/meldingen/{incident}"),
            ("Behandelaar: logboek (tijdlijn)", "behandelaar", "/meldingen/{incident}/tijdlijn"),
        ]
        again = interleaved(systems, pages, LONG_SAMPLES)
        after: Samples = {key: [] for key in again}
        for _ in range(LONG_SAMPLES // 3):
            for system in systems:
                system.note(system.incident_id)
                for title, persona, path in pages:
                    after[(title, system.name)].append(
                        system.get(persona, path.replace("{incident}", system.incident_id))
                    )
        for (title, store), values in again.items():
            p50, p95 = median(values), percentile(values, 0.95)
            fresh = after[(title, store)]
            line(f"{title}, {store}, p50/p95 (ms)", f"{p50:.1f}/{p95:.1f}",
                 f"doel p50 < {LONG_TARGET_MS:.0f} ({verdict(p50 < LONG_TARGET_MS)}); na een nieuwe "
                 f"gebeurtenis p50/p95 {median(fresh):.1f}/{percentile(fresh, 0.95):.1f}")  # fmt: skip


def main() -> None:
    long_incident()
    run(every_page, "Elke pagina van elke rol, SQLite en PostgreSQL naast elkaar")


if __name__ == "__main__":
    main()
