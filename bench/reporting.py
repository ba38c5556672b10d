"""Benchmark of the reporting service (on PostgreSQL).

1. Rebuild speed in events per second for N stored events (default 20,000; set
   ZORGVULDIG_BENCH_EVENTS=1000000 for the issue's million), beside a bare sequential read of
   the same notifications from the store; target ratio >= 0.5.
2. Catch-up delay p95 under steady load: actions recorded at a steady pace while the projector
   runs; the delay is from the stored action to the report having processed it (target < 1 s).

Needs PostgreSQL: ZORGVULDIG_BENCH_DATABASE_URL or ZORGVULDIG_TEST_DATABASE_URL (a temporary
database is made on that server and dropped afterwards).
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlparse, urlunparse

from bench import heading, line, percentile, settle, timed, verdict
from services.case.application import CaseManagement
from services.case.domain.incident import Incident
from services.case.lists import IncidentLists
from services.reporting.projector import Projector
from services.reporting.store import ReportStore
from shared.config import Settings, load_settings
from tests.examples import ACTIONS, HANDLER, OPENING

EVENTS = int(os.environ.get("ZORGVULDIG_BENCH_EVENTS", "20000"))
RATIO_TARGET = 0.5
DELAY_TARGET_S = 1.0
STEADY_SECONDS = 8
STEADY_PER_SECOND = 20
SCRIPT = [a for a in ACTIONS if a not in ("LetterSent", "LetterFailed")]


@contextmanager
def temporary_postgres() -> Iterator[str | None]:
    server = os.environ.get("ZORGVULDIG_BENCH_DATABASE_URL") or os.environ.get("ZORGVULDIG_TEST_DATABASE_URL")
    if not server:
        yield None
        return
    import psycopg

    name = f"zorgvuldig_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server, autocommit=True) as db:
        db.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunparse(urlparse(server)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(server, autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def fill(cases: CaseManagement, events: int) -> int:
    """Stores about `events` events: incidents of ~30 actions, saved in batches."""
    stored = 0
    while stored < events:
        batch = []
        for _ in range(50):
            incident = Incident.open(
                school_id=HANDLER.school_id,
                board_id=HANDLER.board_id,
                actor=HANDLER.id,
                situation=OPENING["situation"],
                learned_how=OPENING["learned_how"],
                protocol_id=OPENING["protocol_id"],
            )
            for action in SCRIPT:
                incident.record(action, actor=HANDLER.id, **ACTIONS[action])
            batch.append(incident)
            stored += len(SCRIPT) + 1
        cases.save(*batch)
    return stored


def bare_read(cases: CaseManagement) -> int:
    start, read = 1, 0
    while page := cases.recorder.select_notifications(start=start, limit=500):
        read += len(page)
        start = page[-1].id + 1
    return read


def steady_delays(settings: Settings, cases: CaseManagement) -> list[float]:
    store = ReportStore(settings)
    projector = Projector(CaseManagement(env=settings.event_store_env()), store)
    projector.catch_up()
    stop = threading.Event()
    runner = threading.Thread(target=projector.run, args=(stop,), kwargs={"interval": 0.05}, daemon=True)
    runner.start()
    incident_id, _ = cases.open_incident(HANDLER, **OPENING)
    pending: list[tuple[int, float]] = []
    delays: list[float] = []

    def watch() -> None:
        while not stop.is_set() or pending:
            position = store.position()[0]
            now = time.perf_counter()
            while pending and pending[0][0] <= position:
                delays.append(now - pending.pop(0)[1])
            time.sleep(0.01)
            if stop.is_set() and time.perf_counter() > deadline:
                break

    deadline = time.perf_counter() + STEADY_SECONDS + 10
    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    for _ in range(STEADY_SECONDS * STEADY_PER_SECOND):
        notification_id = cases.record_action(HANDLER, incident_id, "NoteAdded", {"text": "notitie"})
        pending.append((notification_id, time.perf_counter()))
        time.sleep(1 / STEADY_PER_SECOND)
    stop.set()
    watcher.join(15)
    runner.join(10)
    return delays


def main() -> None:
    heading("Rapportage: herbouwen en bijblijven (PostgreSQL)")
    with temporary_postgres() as url, tempfile.TemporaryDirectory() as folder:
        if url is None:
            line("overgeslagen", "-", "zet ZORGVULDIG_BENCH_DATABASE_URL of ZORGVULDIG_TEST_DATABASE_URL")
            return
        settings = load_settings({"ZORGVULDIG_DATA_DIR": folder, "ZORGVULDIG_DATABASE_URL": url})
        cases = CaseManagement(env=settings.event_store_env())
        stored, fill_seconds = timed(lambda: fill(cases, EVENTS))
        line("gebeurtenissen opgeslagen", f"{stored}", f"in {fill_seconds:.0f} s")
        settle(url)
        read, bare_seconds = timed(lambda: bare_read(cases))
        projector = Projector(CaseManagement(env=settings.event_store_env()), ReportStore(settings))
        rebuilt, rebuild_seconds = timed(projector.rebuild)
        bare = read / bare_seconds
        ours = rebuilt / rebuild_seconds
        line("kaal sequentieel lezen (gebeurtenissen/s)", f"{bare:,.0f}")
        line("herbouwen van de rapportage (gebeurtenissen/s)", f"{ours:,.0f}")
        ratio = ours / bare
        line("verhouding (doel >= 0,5)", f"{ratio:.2f}", verdict(ratio >= RATIO_TARGET))
        lists = IncidentLists(settings, CaseManagement(env=settings.event_store_env()))
        listed, list_seconds = timed(lists.rebuild)
        list_ratio = listed / list_seconds / bare
        line("herbouwen van de meldingenlijst (gebeurtenissen/s)", f"{listed / list_seconds:,.0f}")
        line("verhouding (doel >= 0,5)", f"{list_ratio:.2f}", verdict(list_ratio >= RATIO_TARGET))
        delays = steady_delays(settings, cases)
        if delays:
            p95 = percentile(delays, 0.95)
            line(
                f"p95 achterstand bij {STEADY_PER_SECOND} acties/s (doel < 1 s)",
                f"{p95:.2f} s",
                verdict(p95 < DELAY_TARGET_S),
            )


if __name__ == "__main__":
    main()
