"""RabbitMQ restarted in the middle of a run: the relay and the notifier wait, reconnect and
go on; every letter arrives exactly once. Uses the machine's RabbitMQ (rabbitmqctl)."""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest

from services.case.application import CaseManagement
from services.case.relay import Relay
from services.notifier.ledger import Ledger
from services.notifier.letters import LetterHandler
from services.notifier.sending import Sender
from services.notifier.worker import Worker
from shared import messaging
from shared.positions import Positions
from tests.integration.test_letters_delivery import (
    outcome_consumer,
    purge,
    request_letter,
    settings_for,
    smtp,
    trail_types,
)

pytestmark = pytest.mark.integration
__all__ = ["smtp"]  # the SMTP server fixture, shared with the delivery tests


def rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=60)


def test_a_broker_restart_loses_and_duplicates_nothing(tmp_path: Path, broker_server_url: str, smtp) -> None:  # type: ignore[no-untyped-def]
    if shutil.which("rabbitmqctl") is None or "127.0.0.1" not in broker_server_url:
        pytest.skip("rabbitmqctl van de lokale RabbitMQ is nodig om de broker te herstarten")
    server, port = smtp()
    settings = settings_for(tmp_path, broker_server_url, port)
    purge(settings)
    cases = CaseManagement(env=settings.event_store_env())
    stop = threading.Event()
    relay = Relay(cases, Positions(settings), lambda: messaging.connect(settings))
    worker = Worker(
        LetterHandler(settings, Ledger(settings), Sender(settings)), lambda: messaging.connect(settings)
    )
    outcomes = outcome_consumer(settings, CaseManagement(env=settings.event_store_env()))
    threads = [
        threading.Thread(target=relay.run, args=(stop,), daemon=True),
        threading.Thread(target=worker.run, args=(stop,), daemon=True),
        threading.Thread(target=outcomes.run, args=(stop,), daemon=True),
    ]
    for thread in threads:
        thread.start()
    incidents = [request_letter(cases, [f"ouder{i}@voorbeeld.nl"]) for i in range(3)]
    try:
        deadline = time.monotonic() + 30
        while len(server.received) < 3 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(server.received) == 3
        rabbitmqctl("stop_app")
        try:
            incidents += [request_letter(cases, [f"ouder{i}@voorbeeld.nl"]) for i in range(3, 6)]
            time.sleep(2)  # the relay meets a closed broker and waits
        finally:
            rabbitmqctl("start_app")
            rabbitmqctl("await_startup")
        incidents += [request_letter(cases, [f"ouder{i}@voorbeeld.nl"]) for i in range(6, 8)]
        deadline = time.monotonic() + 90
        while len(server.received) < 8 and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(1)
    finally:
        stop.set()
        for thread in threads:
            thread.join(15)
    assert len(server.received) == 8
    recipients = sorted(b.split(b"To: ")[1].split(b"\n")[0].strip() for b in server.received)
    assert recipients == sorted(f"ouder{i}@voorbeeld.nl".encode() for i in range(8))
    outcomes.drain()  # what the stopped consumer had fetched and not yet recorded
    for incident_id in incidents:
        assert trail_types(cases, incident_id).count("LetterSent") == 1
