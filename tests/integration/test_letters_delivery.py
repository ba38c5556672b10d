"""Letters through real RabbitMQ and a real SMTP server (aiosmtpd on 127.0.0.1)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from uuid import UUID

import pytest
from aiosmtpd.controller import Controller

from services.case.application import CaseManagement
from services.case.outcomes import OutcomeConsumer
from services.case.relay import NAME, Relay
from services.notifier.ledger import REPORTED, Ledger
from services.notifier.letters import LetterHandler
from services.notifier.sending import Sender
from services.notifier.worker import Worker
from shared import messaging
from shared.config import Settings, load_settings
from shared.contracts import LetterOutcome, encode
from shared.positions import Positions
from tests.examples import ACTIONS, HANDLER, OPENING, PLANTED_NAMES

pytestmark = pytest.mark.integration


class ScriptedSmtp:
    """An SMTP server's DATA handler that answers from a script, then 250, and keeps mail."""

    def __init__(self, script: list[str] | None = None) -> None:
        self.script = list(script or [])
        self.received: list[bytes] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # type: ignore[no-untyped-def]
        if self.script:
            return self.script.pop(0)
        self.received.append(envelope.content)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[Callable[..., tuple[ScriptedSmtp, int]]]:
    controllers = []

    def start(script: list[str] | None = None) -> tuple[ScriptedSmtp, int]:
        handler = ScriptedSmtp(script)
        port = free_port()
        controller = Controller(handler, hostname="127.0.0.1", port=port)
        controller.start()
        controllers.append(controller)
        return handler, port

    yield start
    for controller in controllers:
        controller.stop()


def settings_for(tmp_path: Path, broker_url: str, smtp_port: int) -> Settings:
    return load_settings(
        {
            "ZORGVULDIG_DATA_DIR": str(tmp_path),
            "ZORGVULDIG_BROKER_URL": broker_url,
            "ZORGVULDIG_SMTP_PORT": str(smtp_port),
        }
    )


def purge(settings: Settings) -> None:
    with messaging.connect(settings) as connection:
        for queue in messaging.queues(connection):
            bound = queue(connection.default_channel)
            bound.declare()
            bound.purge()


def request_letter(cases: CaseManagement, recipients: list[str]) -> UUID:
    incident_id, _ = cases.open_incident(HANDLER, **OPENING)
    cases.record_action(HANDLER, incident_id, "ScopeAssessed", ACTIONS["ScopeAssessed"])
    cases.record_action(
        HANDLER,
        incident_id,
        "LetterRequested",
        {
            "letter": "ouders_klas",
            "group": "Ouders",
            "recipients": recipients,
            "statement": ACTIONS["CommunicationStatementWritten"],
        },
    )
    return incident_id


def run_worker_until(
    settings: Settings, cases: CaseManagement, done: Callable[[], bool], seconds: float = 20
) -> None:
    handler = LetterHandler(settings, Ledger(settings), Sender(settings))
    worker = Worker(handler, lambda: messaging.connect(settings))
    outcomes = outcome_consumer(settings, cases)
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop,), daemon=True)
    thread.start()
    deadline = time.monotonic() + seconds
    while not done() and time.monotonic() < deadline:
        outcomes.drain()
        time.sleep(0.1)
    stop.set()
    thread.join(10)
    outcomes.drain()
    assert done(), "de notifier maakte het niet af binnen de tijd"


def outcome_consumer(settings: Settings, cases: CaseManagement) -> OutcomeConsumer:
    """What the relay's process does beside the relay: record the outcomes the notifier sends back."""
    return OutcomeConsumer(cases, settings.letters_key, lambda: messaging.connect(settings))


def trail_types(cases: CaseManagement, incident_id: UUID) -> list[str]:
    return [e.event_type for e in cases.audit_trail(HANDLER, incident_id)]


def test_a_letter_arrives_once_and_the_outcome_is_in_the_trail(tmp_path, broker_server_url, smtp) -> None:
    server, port = smtp()
    settings = settings_for(tmp_path, broker_server_url, port)
    purge(settings)
    cases = CaseManagement(env=settings.event_store_env())
    incident_id = request_letter(cases, ["ouder.een@voorbeeld.nl", "geen-adres", "ouder.twee@voorbeeld.nl"])
    relay = Relay(cases, Positions(settings), lambda: messaging.connect(settings))
    assert relay.run_once() == 1
    ledger = Ledger(settings)
    message_id = relay.message_for(
        cases.recorder.select_notifications(start=1, limit=10, topics=relay_topics())[0]
    ).message_id
    run_worker_until(settings, cases, lambda: ledger.state(message_id) == REPORTED)

    assert len(server.received) == 2
    text = b"\n".join(server.received).decode("utf-8", "replace")
    assert "Wij werken samen met de politie." in text
    for name in PLANTED_NAMES:
        assert name not in text
    trail = cases.audit_trail(HANDLER, incident_id)
    sent = next(e for e in trail if e.event_type == "LetterSent")
    failed = next(e for e in trail if e.event_type == "LetterFailed")
    assert sent.data["recipient_count"] == 2 and sent.actor == "notifier"
    assert "1 van de 3 ontvangers niet bereikt" in failed.data["reason"]

    # The relay publishes the same event again (as after a crash before saving its position):
    Positions(settings).save(NAME, 0)
    assert relay.run_once() == 1
    time.sleep(0.2)
    run_worker_until(settings, cases, lambda: True, seconds=2)
    assert len(server.received) == 2
    assert trail_types(cases, incident_id).count("LetterSent") == 1


def relay_topics() -> list[str]:
    from services.case.relay import TOPICS

    return TOPICS


def test_a_4xx_then_2xx_delivers_once(tmp_path, broker_server_url, smtp) -> None:
    server, port = smtp(["451 Probeer het later nog eens"])
    settings = settings_for(tmp_path, broker_server_url, port)
    purge(settings)
    cases = CaseManagement(env=settings.event_store_env())
    incident_id = request_letter(cases, ["ouder@voorbeeld.nl"])
    Relay(cases, Positions(settings), lambda: messaging.connect(settings)).run_once()
    run_worker_until(settings, cases, lambda: "LetterSent" in trail_types(cases, incident_id))
    assert len(server.received) == 1
    assert "LetterFailed" not in trail_types(cases, incident_id)


def test_a_5xx_dead_letters_and_shows_in_the_trail(tmp_path, broker_server_url, smtp) -> None:
    server, port = smtp(["550 Mailbox bestaat niet"] * 3)
    settings = settings_for(tmp_path, broker_server_url, port)
    purge(settings)
    cases = CaseManagement(env=settings.event_store_env())
    incident_id = request_letter(cases, ["ouder@voorbeeld.nl"])
    Relay(cases, Positions(settings), lambda: messaging.connect(settings)).run_once()
    run_worker_until(settings, cases, lambda: "LetterFailed" in trail_types(cases, incident_id))
    assert server.received == []
    failed = next(e for e in cases.audit_trail(HANDLER, incident_id) if e.event_type == "LetterFailed")
    assert "550" in failed.data["reason"]
    with messaging.connect(settings) as connection:
        _, dead = messaging.queues(connection)
        message = dead(connection.default_channel).get(no_ack=True)
    assert message is not None and message.headers["reden"]


def test_a_malformed_message_goes_to_the_dead_letter_queue(tmp_path, broker_server_url, smtp) -> None:
    _, port = smtp()
    settings = settings_for(tmp_path, broker_server_url, port)
    purge(settings)
    with messaging.connect(settings) as connection:
        messaging.publish(connection, '{"type": "onbekend"}', message_id="kapot-1")
    cases = CaseManagement(env=settings.event_store_env())

    reasons: list[str] = []

    def dead_letter() -> bool:
        with messaging.connect(settings) as connection:
            _, dead = messaging.queues(connection)
            found = dead(connection.default_channel).get(no_ack=True)
        if found is not None:
            reasons.append(found.headers["reden"])
        return any("onbekend berichttype" in reason for reason in reasons)

    run_worker_until(settings, cases, dead_letter)


def test_an_outcome_on_the_letters_queue_goes_to_the_dead_letter_queue_once(
    tmp_path, broker_server_url, smtp
) -> None:
    _, port = smtp()
    settings = settings_for(tmp_path, broker_server_url, port)
    purge(settings)
    outcome = LetterOutcome.of(
        "brief-1", letter_id="brief-1", incident_id="melding-1", sent=1, failed=0, sealed=""
    )
    with messaging.connect(settings) as connection:
        messaging.publish(connection, encode(outcome), message_id=outcome.message_id)
    cases = CaseManagement(env=settings.event_store_env())

    reasons: list[str] = []

    def dead_letter() -> bool:
        with messaging.connect(settings) as connection:
            _, dead = messaging.queues(connection)
            found = dead(connection.default_channel).get(no_ack=True)
        if found is not None:
            reasons.append(found.headers["reden"])
        return any("niet voor de notifier" in reason for reason in reasons)

    run_worker_until(settings, cases, dead_letter)
    assert len(reasons) == 1


def test_killing_the_worker_before_its_ack_neither_loses_nor_duplicates(
    tmp_path, broker_server_url, smtp
) -> None:
    server, port = smtp(["451 Even geduld"] * 2)
    settings = settings_for(tmp_path, broker_server_url, port)
    purge(settings)
    cases = CaseManagement(env=settings.event_store_env())
    incident_id = request_letter(cases, ["ouder@voorbeeld.nl"])
    Relay(cases, Positions(settings), lambda: messaging.connect(settings)).run_once()
    env = {
        **os.environ,
        "ZORGVULDIG_DATA_DIR": str(tmp_path),
        "ZORGVULDIG_BROKER_URL": broker_server_url,
        "ZORGVULDIG_SMTP_PORT": str(port),
    }
    notifier = subprocess.Popen([sys.executable, "-m", "services.notifier"], env=env)
    try:
        deadline = time.monotonic() + 60
        while server.script and time.monotonic() < deadline:  # it received the message and met a 4xx
            time.sleep(0.05)
        (worker,) = Path(f"/proc/{notifier.pid}/task/{notifier.pid}/children").read_text().split()
        os.kill(int(worker), signal.SIGKILL)  # the process that sends, between receive and ack
        assert server.received == []
        deadline = time.monotonic() + 60  # the notifier forks a new worker, which gets it again
        outcomes = outcome_consumer(settings, cases)
        while "LetterSent" not in trail_types(cases, incident_id) and time.monotonic() < deadline:
            outcomes.drain()
            time.sleep(0.2)
    finally:
        notifier.send_signal(signal.SIGTERM)
        assert notifier.wait(15) == 0
    assert len(server.received) == 1
    assert trail_types(cases, incident_id).count("LetterSent") == 1


def test_after_letters_went_out_no_file_in_the_data_folder_holds_an_address_or_a_name(tmp_path, smtp) -> None:  # type: ignore[no-untyped-def]
    """Issue 23, item 7: on the embedded defaults (the broker's queue files, the relay's outbox,
    the notifier's ledger, the event store, the keys) and in a backup made into the data folder,
    no parent's address and no pupil's name lie in plain text; only the mail catcher keeps mail."""
    import gzip

    from services.case.backup import make
    from services.case.outbox import Outbox

    server, port = smtp()
    settings = load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path), "ZORGVULDIG_SMTP_PORT": str(port)})
    cases = CaseManagement(env=settings.event_store_env())
    parents = ["ouder.jansen@voorbeeld.nl", "fam.brouwersma@voorbeeld.nl"]
    request_letter(cases, parents)
    outbox = Outbox(settings)
    relay = Relay(cases, Positions(settings), lambda: messaging.connect(settings), outbox)
    assert relay.run_once() == 1
    run_worker_until(settings, cases, lambda: len(server.received) == 2)
    relay.run_once()  # the recorded outcome lets the outbox forget the letter
    make(settings, settings.data_dir / "backup.jsonl.gz")

    found = []
    for path in sorted(settings.data_dir.rglob("*")):
        if not path.is_file() or settings.mail_dir in path.parents:
            continue
        data = path.read_bytes()
        views = [data]
        try:
            views.append(gzip.decompress(data))
        except (OSError, EOFError):
            pass
        for secret in (*parents, "voorbeeld.nl", *PLANTED_NAMES, "Brouwersma"):
            found += [
                f"{path.relative_to(settings.data_dir)}: {secret}" for v in views if secret.encode() in v
            ]
    assert found == []
