"""Benchmark of the pages that list incidents, as the store grows.

Stores of 10,000 and 100,000 events (set ZORGVULDIG_BENCH_MILJOEN=1 for 1,000,000 as well),
incidents of 10 events spread over 500 schools of one board, on SQLite and, when a server is
configured (ZORGVULDIG_BENCH_DATABASE_URL or ZORGVULDIG_TEST_DATABASE_URL), on PostgreSQL.
The handler's own school keeps the same 30 incidents at every size: what grows is the rest of
the store, so the handler's list shows what a page at one school among a thousand costs.
For each size: p50/p95 through the whole Flask stack (session, read model, template) of

- a handler's incident list (`/`, one school),
- the OTV's incident list (`/`, every school of the board, the newest 50),
- the board: its incident list (`/`) and its anonymous overview (`/rapportage/`),

and the time the list read model needs to catch up with the added events. On PostgreSQL each
fill is followed by VACUUM ANALYZE (bench.settle). Target: p95 < 50 ms,
and flat: the largest store's p95 at most 1.3x the smallest's. For comparison, the handler's
list as it was made before the read model (every opening event scanned, each visible incident
replayed) is timed a few times per size.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import cycle, islice
from typing import Any

from bench import heading, line, median, percentile, settle, timed, verdict
from bench.web import signed_in_client
from services.case.application import CaseManagement
from services.case.domain.incident import Incident
from services.case.lists import IncidentLists
from services.case.web import create_app
from services.reporting.projector import Projector
from services.reporting.store import ReportStore
from shared.accounts import DEMO_PASSWORD, Accounts
from shared.config import Settings, load_settings
from shared.identity import Role
from tests.examples import ACTIONS, OPENING

SCHOOLS = 500
BOARD = "bestuur-groot"
EVENTS_PER_INCIDENT = 10
SIZES = [10_000, 100_000] + ([1_000_000] if os.environ.get("ZORGVULDIG_BENCH_MILJOEN") == "1" else [])
SAMPLES = 300  # p95 is then the 15th slowest: one hiccup of the machine does not decide it
OLD_WAY_SAMPLES = 3
TARGET_MS = 50.0
FLAT_WITHIN = 1.3
SCRIPT = [a for a in ACTIONS if a not in ("LetterSent", "LetterFailed")]

HANDLER_SCHOOL = "school-007"
HANDLER_INCIDENTS = 30
PERSONAS = {
    "behandelaar": ("bench.behandelaar", Role.CASE_HANDLER, HANDLER_SCHOOL),
    "otv": ("bench.otv", Role.OTV, ""),
    "bestuur": ("bench.bestuur", Role.BOARD, ""),
}
PAGES = {
    "Lijst van een behandelaar (één school, 30 meldingen)": ("behandelaar", "/"),
    "Lijst van het OTV (alle scholen, nieuwste 50)": ("otv", "/"),
    "Lijst van het bestuur": ("bestuur", "/"),
    "Bestuursoverzicht (anoniem, /rapportage/)": ("bestuur", "/rapportage/"),
}


@contextmanager
def stores() -> Iterator[tuple[str, Settings]]:
    """A fresh SQLite data folder, then a fresh PostgreSQL database if a server is configured."""
    with tempfile.TemporaryDirectory(prefix="zorgvuldig-bench-lijsten-") as folder:
        yield "SQLite", load_settings({"ZORGVULDIG_DATA_DIR": folder})


@contextmanager
def postgres(folder: str) -> Iterator[Settings | None]:
    server = os.environ.get("ZORGVULDIG_BENCH_DATABASE_URL") or os.environ.get("ZORGVULDIG_TEST_DATABASE_URL")
    if not server:
        yield None
        return
    from urllib.parse import urlparse, urlunparse

    import psycopg

    name = f"zorgvuldig_bench_lijsten_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server, autocommit=True) as db:
        db.execute(f'CREATE DATABASE "{name}"')
    try:
        url = urlunparse(urlparse(server)._replace(path=f"/{name}"))
        yield load_settings({"ZORGVULDIG_DATA_DIR": folder, "ZORGVULDIG_DATABASE_URL": url})
    finally:
        with psycopg.connect(server, autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def fill(cases: CaseManagement, events: int, first_school: int) -> int:
    """Adds about `events` events: incidents of 10 events at schools in turn, saved 100 at once.
    The handler's school gets its HANDLER_INCIDENTS in the first fill and nothing after."""
    stored, number = 0, first_school
    while stored < events:
        batch = []
        for _ in range(min(100, (events - stored) // EVENTS_PER_INCIDENT)):
            school = f"school-{number % SCHOOLS:03d}"
            if school == HANDLER_SCHOOL:
                number += 1
                school = f"school-{number % SCHOOLS:03d}"
            if first_school == 0 and len(batch) < HANDLER_INCIDENTS and not stored:
                school = HANDLER_SCHOOL
            incident = Incident.open(
                school_id=school,
                board_id=BOARD,
                actor="bench.behandelaar",
                situation=OPENING["situation"],
                learned_how=OPENING["learned_how"],
                protocol_id=OPENING["protocol_id"],
            )
            for action in islice(cycle(SCRIPT), EVENTS_PER_INCIDENT - 1):
                incident.record(action, actor="bench.behandelaar", **ACTIONS[action])
            batch.append(incident)
            number += 1
        if not batch:
            break
        cases.save(*batch)
        stored += len(batch) * EVENTS_PER_INCIDENT
    return number


def page_ms(client: Any, path: str, samples: int = SAMPLES) -> list[float]:
    """Up to `samples` timings; a slow page stops after about ten seconds (at least 5 samples)."""
    client.get(path)  # warm
    found: list[float] = []
    while len(found) < samples and (len(found) < 5 or sum(found) < 10_000):
        answer, seconds = timed(lambda: client.get(path))
        if answer.status_code != 200:
            raise RuntimeError(f"{path} gaf HTTP {answer.status_code}")
        found.append(seconds * 1000)
    return found


def measure_store(store_name: str, settings: Settings) -> None:
    accounts = Accounts(settings)
    for username, role, school in PERSONAS.values():
        accounts.create(username, name=username, role=role, board_id=BOARD, school_id=school,
                        password=DEMO_PASSWORD)  # fmt: skip
    cases = CaseManagement(env=settings.event_store_env())
    lists = IncidentLists(settings, cases)
    projector = Projector(cases, ReportStore(settings))
    app = create_app(settings, cases=cases, accounts=accounts, lists=lists, report_wait=0.0)
    clients = {name: signed_in_client(app, PERSONAS[name][0]) for name in PERSONAS}
    handler = accounts.get("bench.behandelaar")
    assert handler is not None
    p95s: dict[str, list[float]] = {title: [] for title in PAGES}
    stored, school = 0, 0
    for size in SIZES:
        added = size - stored
        next_school, fill_seconds = timed(lambda: fill(cases, added, school))  # noqa: B023 - called at once
        school, stored = next_school, size
        if settings.uses_postgres:
            settle(settings.database_url)
        caught, list_seconds = timed(lists.catch_up)
        projector.catch_up()
        label = f"{store_name}, {size:,} gebeurtenissen".replace(",", ".")
        heading(label)
        line("Opslaan (gebeurtenissen/s)", f"{added / fill_seconds:,.0f}")
        line("Meldingenlijst bijwerken (gebeurtenissen/s)", f"{caught / list_seconds:,.0f}")
        for title, (persona, path) in PAGES.items():
            samples = page_ms(clients[persona], path)
            p50, p95 = median(samples), percentile(samples, 0.95)
            p95s[title].append(p95)
            target = f"doel p95 < {TARGET_MS:.0f} ({verdict(p95 < TARGET_MS)})"
            line(f"{title} p50/p95 (ms)", f"{p50:.1f} / {p95:.1f}", target)
        old = [timed(lambda: cases.incidents(handler.actor))[1] * 1000 for _ in range(OLD_WAY_SAMPLES)]
        line("Ter vergelijking: lijst zoals vroeger, alles scannen (ms)", f"{median(old):.1f}")
    heading(f"{store_name}: vlak van {SIZES[0]:,} tot {SIZES[-1]:,} gebeurtenissen".replace(",", "."))
    for title, values in p95s.items():
        growth = values[-1] / values[0] if values[0] else 0.0
        target = f"doel <= {FLAT_WITHIN}x ({verdict(growth <= FLAT_WITHIN)})"
        line(f"{title}: p95 grootste / kleinste", f"{growth:.2f}x", target)
    cases.close()


def main() -> None:
    with stores() as (name, settings):
        measure_store(name, settings)
    with tempfile.TemporaryDirectory(prefix="zorgvuldig-bench-lijsten-pg-") as folder, postgres(folder) as pg:
        if pg is None:
            heading("PostgreSQL")
            line("PostgreSQL", "overgeslagen", "zet ZORGVULDIG_BENCH_DATABASE_URL of _TEST_DATABASE_URL")
        else:
            measure_store("PostgreSQL", pg)


if __name__ == "__main__":
    main()
