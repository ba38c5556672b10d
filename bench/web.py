"""Benchmarks of the case service's web app, plugged into bench/cases.py.

1. p50/p95 latency of the record-action HTTP endpoint (`POST /api/meldingen/<id>/acties/<actie>`)
   under 20 concurrent clients, each a case handler working on an incident of their own, served
   by waitress on a loopback port as in production.
2. Time to render an incident page (and its timeline) with 1,000 events, through the whole
   Flask stack: login session, access log, checklist, template (target: under 100 ms).

`python -m bench.web` runs both on its own; `python -m bench` runs them from bench/cases.py.
"""

from __future__ import annotations

import http.client
import json
import logging
import tempfile
import threading
import time
import uuid
from itertools import cycle, islice
from typing import Any
from urllib.parse import urlparse

from bench import csrf_token, heading, line, median, percentile, served, timed, verdict
from services.case.application import CaseManagement
from services.web import create_app
from shared.accounts import DEMO_PASSWORD, Accounts
from shared.config import Settings, load_settings
from shared.demo import seed_demo
from shared.privacy import NameFinder
from tests.examples import ACTIONS, OPENING

CLIENTS = 20
REQUESTS_PER_CLIENT = 20
TIME_LIMIT_SECONDS = 60.0
SERVER_THREADS = 8  # as `python -m services.case.web` serves
RENDERS = 10
HANDLER_LOGIN = "behandelaar.dewilg"

OPENING_BY_API = {k: v for k, v in OPENING.items() if k != "protocol_id"}  # the settings choose it

# Actions a handler records on an open incident, in the order of the examples.
RECORDABLE = [a for a in ACTIONS if a not in ("LetterSent", "LetterFailed")]


def web_available() -> bool:
    return True


# ------------------------------------------------------------------ page render


def signed_in_client(app: Any, username: str) -> Any:
    """A Flask test client signed in through the login form, as a person would be."""
    client = app.test_client()
    page = client.get("/inloggen")
    answer = client.post(
        "/inloggen",
        data={"gebruikersnaam": username, "wachtwoord": DEMO_PASSWORD, "csrf_token": csrf_token(page.text)},
    )
    if answer.status_code != 302:
        raise RuntimeError(f"inloggen als {username} mislukte (HTTP {answer.status_code})")
    return client


def render_ms(client: Any, path: str) -> list[float]:
    samples = []
    for _ in range(RENDERS):
        answer, seconds = timed(lambda: client.get(path))
        if answer.status_code != 200:
            raise RuntimeError(f"{path} gaf HTTP {answer.status_code}")
        samples.append(seconds * 1000)
    return samples


def page_render(
    settings: Settings, cases: CaseManagement, incident_id: uuid.UUID, events: int, target_ms: float
) -> None:
    """Renders the incident page and its timeline; `cases` holds an incident of `events` events
    opened by the demo school's handler (tests.examples.HANDLER, school de-wilg)."""
    accounts = Accounts(settings)
    seed_demo(settings, accounts)
    app = create_app(settings, cases=cases, accounts=accounts, report_wait=0.0)
    # The pages as a running web process serves them: the privacy guard loads once at start-up,
    # in the background; measured while it loads, every page paid for its seconds of work.
    NameFinder.shared(wait=True)
    client = signed_in_client(app, HANDLER_LOGIN)
    for what, path in (
        ("Meldingpagina", f"/meldingen/{incident_id}"),
        ("Tijdlijnpagina", f"/meldingen/{incident_id}/tijdlijn"),
    ):
        client.get(path)  # warm: templates compiled, caches filled
        samples = render_ms(client, path)
        p50 = median(samples)
        line(
            f"{what} renderen, {events} gebeurtenissen, p50 (ms)",
            f"{p50:.1f}",
            f"max {max(samples):.1f}; doel < {target_ms:.0f} ({verdict(p50 < target_ms)})",
        )


# ------------------------------------------------------------------ HTTP latency


class Client(threading.Thread):
    """One case handler recording actions on their own incident over a keep-alive connection."""

    def __init__(self, base_url: str, token: str, incident_id: str, start: threading.Event, deadline: float):
        super().__init__(daemon=True)
        address = urlparse(base_url)
        self.connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.incident_id = incident_id
        self.start_signal = start
        self.deadline = deadline
        self.samples: list[float] = []
        self.statuses: dict[int, int] = {}

    def run(self) -> None:
        self.start_signal.wait()
        for action in islice(cycle(RECORDABLE), REQUESTS_PER_CLIENT):
            if time.monotonic() > self.deadline:
                break
            body = json.dumps({"data": ACTIONS[action]})
            path = f"/api/meldingen/{self.incident_id}/acties/{action}"
            began = time.perf_counter()
            self.connection.request("POST", path, body=body, headers=self.headers)
            answer = self.connection.getresponse()
            answer.read()
            self.samples.append((time.perf_counter() - began) * 1000)
            self.statuses[answer.status] = self.statuses.get(answer.status, 0) + 1
        self.connection.close()


def open_incident(base_url: str, token: str) -> str:
    address = urlparse(base_url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    try:
        connection.request(
            "POST",
            "/api/meldingen",
            body=json.dumps(OPENING_BY_API),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        answer = connection.getresponse()
        body = json.loads(answer.read())
        if answer.status != 201:
            raise RuntimeError(f"melding openen gaf HTTP {answer.status}: {body}")
        return str(body["id"])
    finally:
        connection.close()


def http_latency() -> None:
    # Twenty clients on eight threads queue on purpose; waitress would warn about every request.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory(prefix="zorgvuldig-bench-") as folder:
        settings = load_settings({"ZORGVULDIG_DATA_DIR": folder})
        accounts = Accounts(settings)
        seed_demo(settings, accounts)
        cases = CaseManagement(env=settings.event_store_env())
        app = create_app(settings, cases=cases, accounts=accounts, report_wait=0.0)
        token = accounts.issue_token(HANDLER_LOGIN)
        try:
            with served(app, threads=SERVER_THREADS) as base_url:
                incidents = [open_incident(base_url, token) for _ in range(CLIENTS)]
                start = threading.Event()
                deadline = time.monotonic() + TIME_LIMIT_SECONDS
                clients = [Client(base_url, token, i, start, deadline) for i in incidents]
                for client in clients:
                    client.start()
                began = time.perf_counter()
                start.set()
                for client in clients:
                    client.join()
                elapsed = time.perf_counter() - began
        finally:
            cases.close()
    samples = [s for c in clients for s in c.samples]
    statuses: dict[int, int] = {}
    for client in clients:
        for status, count in client.statuses.items():
            statuses[status] = statuses.get(status, 0) + count
    answers = ", ".join(f"{count}x HTTP {status}" for status, count in sorted(statuses.items()))
    note = f"{CLIENTS} clients, {len(samples)} verzoeken; SQLite; waitress {SERVER_THREADS} threads"
    line("Actie vastleggen via de API, p50 (ms)", f"{percentile(samples, 0.50):.1f}", note)
    line("Actie vastleggen via de API, p95 (ms)", f"{percentile(samples, 0.95):.1f}", answers)
    line("Actie vastleggen via de API (verzoeken/s)", f"{len(samples) / elapsed:,.0f}")


# --------------------------------------------------------------------- on its own


def run() -> None:
    """Both measurements without the rest of bench/cases.py (`python -m bench.web`)."""
    from bench.cases import PAGE_EVENTS, PAGE_TARGET_MS, incident_with_events

    heading(f"Meldingpagina met {PAGE_EVENTS} gebeurtenissen")
    with tempfile.TemporaryDirectory(prefix="zorgvuldig-bench-") as folder:
        settings = load_settings({"ZORGVULDIG_DATA_DIR": folder})
        cases = CaseManagement(env=settings.event_store_env())
        try:
            incident_id = incident_with_events(cases, PAGE_EVENTS)
            page_render(settings, cases, incident_id, PAGE_EVENTS, PAGE_TARGET_MS)
        finally:
            cases.close()
    heading(f"HTTP: actie vastleggen onder {CLIENTS} gelijktijdige clients")
    http_latency()


if __name__ == "__main__":
    run()
