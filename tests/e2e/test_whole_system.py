"""The four processes as separate OS processes on PostgreSQL, RabbitMQ and a real SMTP
server: one incident worked through to a delivered letter and an updated report; each
process stopped with SIGTERM and started again; nothing lost, nothing sent twice."""

from __future__ import annotations

import email
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests
from aiosmtpd.controller import Controller

from shared.accounts import DEMO_PASSWORD, Accounts
from shared.config import load_settings
from shared.demo import seed_demo

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

ROOT = Path(__file__).resolve().parents[2]
PROCESSES = ("services.web", "services.case.relay", "services.notifier", "services.followers")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(
    condition: Callable[[], bool], seconds: float, what: str, logs: Callable[[], str] = str
) -> None:
    """Waits for the condition; the failure names what did not happen and, read at that
    moment, the processes' logs."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"Niet binnen {seconds:.0f} s: {what}\n{logs()}")


class Inbox:
    def __init__(self) -> None:
        self.mails: list[bytes] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # type: ignore[no-untyped-def]
        self.mails.append(envelope.content)
        return "250 OK"


class System:
    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env = env
        self.logs = logs
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, module: str) -> None:
        log = (self.logs / f"{module}.log").open("ab")
        self.processes[module] = subprocess.Popen(
            [sys.executable, "-m", module], cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )

    def stop(self, module: str) -> int:
        process = self.processes[module]
        process.send_signal(signal.SIGTERM)
        return process.wait(timeout=30)

    def output(self) -> str:
        return "\n".join(
            f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in self.logs.glob("*.log")
        )


@pytest.fixture
def system(tmp_path: Path, postgres_url: str, broker_server_url: str) -> Iterator[tuple[System, Inbox, str]]:
    inbox = Inbox()
    smtp_port, web_port = free_port(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    env = {
        **os.environ,
        "ZORGVULDIG_DATA_DIR": str(tmp_path / "data"),
        "ZORGVULDIG_DATABASE_URL": postgres_url,
        "ZORGVULDIG_BROKER_URL": broker_server_url,
        "ZORGVULDIG_SMTP_PORT": str(smtp_port),
        "ZORGVULDIG_WEB_PORT": str(web_port),
    }
    settings = load_settings({k: v for k, v in env.items() if k.startswith("ZORGVULDIG_")})
    seed_demo(settings, Accounts(settings))
    from shared import messaging

    with messaging.connect(settings) as connection:
        for queue in messaging.queues(connection):
            queue(connection.default_channel).declare()
            queue(connection.default_channel).purge()
    running = System(env, tmp_path)
    for module in PROCESSES:
        running.start(module)
    try:
        yield running, inbox, f"http://127.0.0.1:{web_port}"
    finally:
        for process in running.processes.values():
            if process.poll() is None:
                process.kill()
                process.wait(10)
        controller.stop()


def signed_in(url: str, username: str = "behandelaar.dewilg") -> requests.Session:
    session = requests.Session()
    page = session.get(f"{url}/inloggen", timeout=10)
    token = CSRF.search(page.text).group(1)  # type: ignore[union-attr]
    response = session.post(
        f"{url}/inloggen",
        data={"csrf_token": token, "gebruikersnaam": username, "wachtwoord": DEMO_PASSWORD},
        timeout=10,
    )
    assert response.ok and "Uitloggen" in response.text
    return session


def post_form(session: requests.Session, url: str, data: dict[str, object]) -> requests.Response:
    token = CSRF.search(session.get(url, timeout=10).text).group(1)  # type: ignore[union-attr]
    return session.post(url, data={"csrf_token": token, **data}, timeout=10)


STATEMENT = {
    "what_is_happening": "Er gaat beeldmateriaal van een leerling rond.",
    "what_we_think": "Wij vinden dit ernstig.",
    "what_we_do": "Wij werken samen met de politie.",
    "why": "Zodat de rust terugkeert.",
    "contact_person": "de intern begeleider",
}


def open_with_statement(session: requests.Session, url: str) -> str:
    """Opens an incident and records its communication statement, as a handler does; returns
    the incident's path."""
    opened = post_form(
        session,
        f"{url}/meldingen/nieuw",
        {"situation": "beeld_leerling", "learned_how": "Een leerling vertelde het aan de mentor."},
    )
    incident = re.search(r"/meldingen/[0-9a-f-]{36}", opened.url).group(0)  # type: ignore[union-attr]
    post_form(session, f"{url}{incident}/acties/CommunicationStatementWritten", STATEMENT)
    return incident


def request_letter(session: requests.Session, url: str, incident: str, recipients: list[str]) -> None:
    response = post_form(
        session,
        f"{url}{incident}/brieven",
        {
            "letter": "ouders_klas",
            "group": "Ouders groep 7",
            "recipients": "\n".join(recipients),
            "bevestigd": "ja",
            **STATEMENT,
        },
    )
    assert response.ok and "wacht op goedkeuring" in response.text, response.text[-2000:]
    approved_by_director(url, incident)


REVIEW = re.compile(r"/brieven/([0-9a-f-]{36})/beoordelen")


def approved_by_director(url: str, incident: str) -> None:
    """Four eyes: the school's director approves every letter of the incident that waits."""
    director = signed_in(url, "directeur.dewilg")
    waiting = set(REVIEW.findall(director.get(f"{url}{incident}", timeout=10).text))
    assert waiting, "geen brief die op goedkeuring wacht"
    for letter_id in waiting:
        token = CSRF.search(director.get(f"{url}{incident}/brieven/{letter_id}/beoordelen", timeout=10).text)
        response = director.post(
            f"{url}{incident}/brieven/{letter_id}/goedkeuren",
            data={"csrf_token": token.group(1)},  # type: ignore[union-attr]
            timeout=10,
        )
        assert response.ok and "De brief is goedgekeurd" in response.text, response.text[-2000:]


def to_parents(inbox: Inbox) -> list[bytes]:
    """The mails to parents (voorbeeld.nl); an approver's own notice goes to the school."""
    return [m for m in inbox.mails if str(email.message_from_bytes(m)["To"]).endswith("@voorbeeld.nl")]


def test_one_incident_through_four_processes_that_are_stopped_and_started(system) -> None:  # type: ignore[no-untyped-def]
    running, inbox, url = system
    wait_until(lambda: _answers(url), 120, "de webapplicatie is gereed")
    session = signed_in(url)
    incident = open_with_statement(session, url)

    request_letter(session, url, incident, ["ouder.een@voorbeeld.nl", "ouder.twee@voorbeeld.nl"])
    wait_until(lambda: len(to_parents(inbox)) == 2, 60, "twee brieven afgeleverd", running.output)
    wait_until(
        lambda: "Een standaardbrief is afgeleverd" in session.get(f"{url}{incident}", timeout=10).text,
        30,
        "de aflevering staat in de tijdlijn",
    )
    report = session.get(f"{url}/rapportage{incident}", timeout=10).text
    assert 'id="mijlpaal-ouders">na' in report, report[-3000:]

    for module in PROCESSES:
        assert running.stop(module) == 0, f"{module} stopte niet netjes\n{running.output()}"
    for module in PROCESSES:
        running.start(module)
    wait_until(lambda: _answers(url), 120, "de webapplicatie is weer gereed")

    session = signed_in(url)
    request_letter(session, url, incident, ["ouder.drie@voorbeeld.nl"])
    wait_until(lambda: len(to_parents(inbox)) == 3, 60, "de derde brief afgeleverd", running.output)
    time.sleep(1.0)
    assert len(to_parents(inbox)) == 3
    page = session.get(f"{url}{incident}", timeout=10).text
    assert page.count("Een standaardbrief is afgeleverd bij de mailserver.</strong>") == 2
    for module in PROCESSES:
        assert running.stop(module) == 0


def _answers(url: str) -> bool:
    """Ready: the store answers and the privacy guard has loaded (letters wait until then)."""
    try:
        return requests.get(f"{url}/gereed", timeout=2).ok
    except requests.RequestException:
        return False
