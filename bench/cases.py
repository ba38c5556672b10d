"""Benchmarks of the case service.

1. Actions recorded per second through CaseManagement, beside a bare eventsourcing Application
   saving a trivial aggregate in the same way on the same kind of store (target: ratio >= 0.8),
   on SQLite and, when a PostgreSQL URL is configured, on PostgreSQL; an incident of each in
   turn, so that other work on the machine weighs on both alike.
2. p50/p95 latency of the record-action HTTP endpoint under 20 concurrent clients.
3. Time to render an incident page with 1,000 events (target: under 100 ms).
4. Long incidents: one action on an incident of 10, 100 and 1,000 events (target: 1,000 at most
   2x 10), steady state in a running process and the first action after a start.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from itertools import cycle, islice
from typing import Any
from urllib.parse import urlparse, urlunparse

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

from bench import heading, line, median, timed, verdict
from services.case.application import CaseManagement
from shared.config import load_settings
from tests.examples import ACTIONS, HANDLER, OPENING

INCIDENTS = 20
ACTIONS_PER_INCIDENT = 15
ROUNDS = 3
RATIO_TARGET = 0.8
PAGE_EVENTS = 1_000
PAGE_TARGET_MS = 100.0

# Actions a handler records on an open incident, in the order of the examples.
RECORDABLE = [a for a in ACTIONS if a not in ("LetterSent", "LetterFailed")]


class Tally(Aggregate):
    """The trivial aggregate of the bare-library baseline."""

    def __init__(self, owner: str) -> None:
        self.owner = owner
        self.count = 0

    @event("Counted")
    def count_one(self, actor: str, text: str) -> None:
        self.count += 1


class BareApplication(Application[uuid.UUID]):
    name = "bench"


# ------------------------------------------------------------------------ stores


@contextmanager
def sqlite_store() -> Iterator[Callable[[str], dict[str, str]]]:
    with tempfile.TemporaryDirectory(prefix="zorgvuldig-bench-") as folder:
        settings = load_settings({"ZORGVULDIG_DATA_DIR": folder})
        yield lambda name: settings.event_store_env(name)


@contextmanager
def postgres_store(server_url: str) -> Iterator[Callable[[str], dict[str, str]]]:
    """Fresh databases on the server, one per measurement, dropped afterwards."""
    import psycopg

    made: list[str] = []

    def fresh(name: str) -> dict[str, str]:
        database = f"zorgvuldig_bench_{name}_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(server_url, autocommit=True) as db:
            db.execute(f'CREATE DATABASE "{database}"')
        made.append(database)
        url = urlunparse(urlparse(server_url)._replace(path=f"/{database}"))
        return load_settings({"ZORGVULDIG_DATABASE_URL": url}).event_store_env()

    try:
        yield fresh
    finally:
        with psycopg.connect(server_url, autocommit=True) as db:
            for database in made:
                db.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def postgres_server_url() -> str:
    """The configured PostgreSQL server, if any: the application's own, or the tests'."""
    return load_settings().database_url or os.environ.get("ZORGVULDIG_TEST_DATABASE_URL", "")


# ------------------------------------------------------------------- throughput


def incident_through_case_management(cases: CaseManagement) -> int:
    """Opens an incident and records its actions as a handler does; returns the events stored."""
    incident_id, _ = cases.open_incident(HANDLER, **OPENING)
    for action in islice(cycle(RECORDABLE), ACTIONS_PER_INCIDENT):
        cases.record_action(HANDLER, incident_id, action, ACTIONS[action])
    return 1 + ACTIONS_PER_INCIDENT


def incident_through_bare_library(app: BareApplication) -> int:
    """The same number of saves on a trivial aggregate: load, one event, save."""
    tally = Tally(HANDLER.id)
    app.save(tally)
    for _ in range(ACTIONS_PER_INCIDENT):
        loaded: Tally = app.repository.get(tally.id)
        loaded.count_one(actor=HANDLER.id, text="notitie")
        app.save(loaded)
    return 1 + ACTIONS_PER_INCIDENT


def throughput(store_name: str, fresh_env: Callable[[str], dict[str, str]]) -> None:
    """Both on fresh stores of the same kind, an incident of ours and one of the bare library's in
    turn, so that a machine busy with other work slows both alike."""
    ours, bare = [], []
    for round_number in range(ROUNDS):
        cases = CaseManagement(env=fresh_env(f"ours{round_number}"))
        app = BareApplication(
            env={k: v for k, v in fresh_env(f"bare{round_number}").items() if k != "CHAIN_KEY"}
        )
        try:
            incident_through_case_management(cases)  # warm: tables, connections, keys
            incident_through_bare_library(app)
            counts, seconds = [0, 0], [0.0, 0.0]
            sides = (
                partial(incident_through_case_management, cases),
                partial(incident_through_bare_library, app),
            )
            for _ in range(INCIDENTS):
                for side, work in enumerate(sides):
                    recorded, took = timed(work)
                    counts[side] += recorded
                    seconds[side] += took
        finally:
            cases.close()
            app.close()
        ours.append(counts[0] / seconds[0])
        bare.append(counts[1] / seconds[1])
    ours_rate, bare_rate = median(ours), median(bare)
    ratio = ours_rate / bare_rate
    per = f"{INCIDENTS} meldingen x {ACTIONS_PER_INCIDENT} acties, om en om, mediaan van {ROUNDS}"
    line(f"{store_name}: CaseManagement (acties/s)", f"{ours_rate:,.0f}", per)
    line(f"{store_name}: kale eventsourcing Application (acties/s)", f"{bare_rate:,.0f}")
    target = f"doel >= {RATIO_TARGET} ({verdict(ratio >= RATIO_TARGET)})"
    line(f"{store_name}: verhouding", f"{ratio:.2f}", target)


# ---------------------------------------------------------------- long incidents

LONG_SIZES = (10, 100, 1_000)
LONG_ACTIONS = 60
LONG_TARGET = 2.0


def action_cost_ms(env: dict[str, str], events: int) -> tuple[float, float]:
    """The first action on an incident of `events` events in a fresh process (it reads the
    whole stream), and the median of the next ones (from the process's working copy)."""
    builder = CaseManagement(env=env)
    incident_id = incident_with_events(builder, events)
    builder.close()
    cases = CaseManagement(env=env)
    try:
        samples = []
        for action in islice(cycle(RECORDABLE), LONG_ACTIONS + 1):
            data = ACTIONS[action]
            samples.append(timed(lambda: cases.record_action(HANDLER, incident_id, action, data))[1])  # noqa: B023
        return samples[0] * 1000, median(samples[1:]) * 1000
    finally:
        cases.close()


def long_incidents(store_name: str, fresh_env: Callable[[str], dict[str, str]]) -> None:
    costs = {}
    for events in LONG_SIZES:
        first, steady = action_cost_ms(fresh_env(f"lang{events}"), events)
        costs[events] = steady
        line(f"{store_name}: actie op een melding van {events:,} gebeurtenissen (ms)".replace(",", "."),
             f"{steady:.2f}", f"eerste actie in een nieuw proces {first:.1f} ms")  # fmt: skip
    ratio = costs[LONG_SIZES[-1]] / costs[LONG_SIZES[0]]
    line(f"{store_name}: 1.000 tegen 10 gebeurtenissen", f"{ratio:.2f}x",
         f"doel <= {LONG_TARGET:.0f}x ({verdict(ratio <= LONG_TARGET)})")  # fmt: skip


# ------------------------------------------------------------------ page render


def incident_with_events(cases: CaseManagement, count: int) -> uuid.UUID:
    incident_id, _ = cases.open_incident(HANDLER, **OPENING)
    for action in islice(cycle(RECORDABLE), count - 1):
        cases.record_action(HANDLER, incident_id, action, ACTIONS[action])
    return incident_id


def page_data(cases: CaseManagement, incident_id: uuid.UUID) -> Any:
    """What the incident page shows: the incident, its checklist and warnings, its trail."""
    incident = cases.incident(HANDLER, incident_id)
    return incident, cases.progress(incident), cases.audit_trail(HANDLER, incident_id)


def page_render() -> None:
    with tempfile.TemporaryDirectory(prefix="zorgvuldig-bench-") as folder:
        settings = load_settings({"ZORGVULDIG_DATA_DIR": folder})
        cases = CaseManagement(env=settings.event_store_env())
        incident_id = incident_with_events(cases, PAGE_EVENTS)
        samples = [timed(lambda: page_data(cases, incident_id))[1] * 1000 for _ in range(10)]
        line(
            f"Gegevens van een meldingpagina met {PAGE_EVENTS} gebeurtenissen (ms)",
            f"{median(samples):.1f}",
            "laden, checklist en audittrail; SQLite",
        )
        web = web_bench_module()
        if web is None:
            line("Meldingpagina renderen (ms)", "overgeslagen", "webapplicatie nog niet aanwezig")
        else:
            web.page_render(settings, cases, incident_id, PAGE_EVENTS, PAGE_TARGET_MS)
        cases.close()


def web_bench_module() -> Any:
    """The web benchmarks, once the web application exists."""
    try:
        from bench import web as web_cases
    except ImportError:
        return None
    return web_cases if web_cases.web_available() else None


def http_latency() -> None:
    web = web_bench_module()
    if web is None:
        line("Record-action endpoint p50/p95 (ms)", "overgeslagen", "webapplicatie nog niet aanwezig")
        return
    web.http_latency()


def main() -> None:
    heading("Acties per seconde: CaseManagement naast de kale bibliotheek")
    with sqlite_store() as fresh:
        throughput("SQLite", fresh)
    server = postgres_server_url()
    if server:
        with postgres_store(server) as fresh:
            throughput("PostgreSQL", fresh)
    else:
        line("PostgreSQL", "overgeslagen", "zet ZORGVULDIG_DATABASE_URL of ZORGVULDIG_TEST_DATABASE_URL")

    heading("Lange meldingen: een actie vastleggen bij 10, 100 en 1.000 gebeurtenissen")
    with sqlite_store() as fresh:
        long_incidents("SQLite", fresh)
    if server:
        with postgres_store(server) as fresh:
            long_incidents("PostgreSQL", fresh)

    heading("Meldingpagina met 1.000 gebeurtenissen")
    page_render()

    heading("HTTP: actie vastleggen onder 20 gelijktijdige clients")
    http_latency()


if __name__ == "__main__":
    main()
