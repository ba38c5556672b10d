"""Benchmark of the letters: stored LetterRequested event → mail accepted by a local SMTP server.

1. Letters delivered per second end to end (relay + notifier, on the embedded folder broker or on
   RabbitMQ when ZORGVULDIG_BENCH_BROKER_URL is set), beside a bare aiosmtplib send loop to the
   same server; target ratio >= 0.5.
   The letters are stored first; the clock runs from starting the relay and notifier to the last
   accepted mail.
2. p95 delay from the stored action to the accepted mail (target < 2 s), letters requested at a
   steady pace (10 a second) while the pipeline runs.
"""

from __future__ import annotations

import asyncio
import email
import os
import tempfile
import threading
import time
from email.message import EmailMessage
from pathlib import Path

import aiosmtplib
from aiosmtpd.controller import Controller

from bench import free_port, heading, line, percentile, verdict
from services.case.application import CaseManagement
from services.case.relay import Relay
from services.notifier.ledger import Ledger
from services.notifier.letters import LetterHandler, recipient_key
from services.notifier.sending import Sender
from services.notifier.worker import Worker
from shared import messaging
from shared.config import load_settings
from shared.contracts import message_id
from shared.positions import Positions
from tests.examples import ACTIONS, HANDLER, OPENING

LETTERS = int(os.environ.get("ZORGVULDIG_BENCH_LETTERS", "150"))
STEADY = 60
STEADY_PER_SECOND = 10
LETTER = {
    **ACTIONS["LetterRequested"],
    "recipients": ["ouder@voorbeeld.nl"],
    "statement": ACTIONS["CommunicationStatementWritten"],
}
RATIO_TARGET = 0.5
DELAY_TARGET_S = 2.0


class Counting:
    def __init__(self) -> None:
        self.accepted: dict[str, float] = {}

    async def handle_DATA(self, server, session, envelope) -> str:  # type: ignore[no-untyped-def]
        message = email.message_from_bytes(envelope.content)
        self.accepted[str(message.get("X-Zorgvuldig-Bericht", "")).strip()] = time.perf_counter()
        return "250 OK"


def wait_for(inbox: Counting, count: int, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while len(inbox.accepted) < count and time.monotonic() < deadline:
        time.sleep(0.02)


def bare_loop(port: int, count: int) -> float:
    async def run() -> None:
        for i in range(count):
            message = EmailMessage()
            message["From"], message["To"], message["Subject"] = "a@b.nl", f"o{i}@b.nl", "Kale meting"
            message.set_content("Beste ouder(s)/verzorger(s),\n" * 20)
            await aiosmtplib.send(message, hostname="127.0.0.1", port=port)

    start = time.perf_counter()
    asyncio.run(run())
    return count / (time.perf_counter() - start)


def main() -> None:
    heading("Brieven: van opgeslagen actie tot geaccepteerde e-mail")
    inbox = Counting()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with tempfile.TemporaryDirectory() as folder:
            settings = load_settings(
                {
                    "ZORGVULDIG_DATA_DIR": str(Path(folder)),
                    "ZORGVULDIG_SMTP_PORT": str(port),
                    "ZORGVULDIG_BROKER_URL": os.environ.get("ZORGVULDIG_BENCH_BROKER_URL", ""),
                }
            )
            settings.data_dir.mkdir(parents=True, exist_ok=True)
            cases = CaseManagement(env=settings.event_store_env())
            incidents = [cases.open_incident(HANDLER, **OPENING)[0] for _ in range(LETTERS + STEADY)]

            def request(incident_id: object) -> str:
                notification_id = cases.record_action(HANDLER, incident_id, "LetterRequested", LETTER)  # type: ignore[arg-type]
                return recipient_key(message_id("brief", notification_id), "ouder@voorbeeld.nl")

            # 1. Throughput: the letters are stored first, then the relay and notifier deliver them.
            for incident_id in incidents[:LETTERS]:
                request(incident_id)
            stop = threading.Event()
            relay = Relay(cases, Positions(settings), lambda: messaging.connect(settings))
            handler = LetterHandler(
                settings, CaseManagement(env=settings.event_store_env()), Ledger(settings), Sender(settings)
            )
            worker = Worker(handler, lambda: messaging.connect(settings))
            threads = [
                threading.Thread(target=relay.run, args=(stop,), kwargs={"interval": 0.02}, daemon=True),
                threading.Thread(target=worker.run, args=(stop,), daemon=True),
            ]
            start = time.perf_counter()
            for thread in threads:
                thread.start()
            wait_for(inbox, LETTERS)
            elapsed = max(inbox.accepted.values(), default=start) - start
            delivered = len(inbox.accepted)

            # 2. Delay: letters requested at a steady pace while the pipeline runs.
            requested: dict[str, float] = {}
            for incident_id in incidents[LETTERS:]:
                requested[request(incident_id)] = time.perf_counter()
                time.sleep(1 / STEADY_PER_SECOND)
            wait_for(inbox, LETTERS + STEADY)
            stop.set()
            for thread in threads:
                thread.join(10)
        ours = delivered / elapsed if elapsed > 0 else 0.0
        delays = [inbox.accepted[k] - requested[k] for k in inbox.accepted if k in requested]
        bare = bare_loop(port, LETTERS)
        broker = "RabbitMQ" if os.environ.get("ZORGVULDIG_BENCH_BROKER_URL") else "map (ingebouwd)"
        line(f"afgeleverd ({broker})", f"{delivered}/{LETTERS}")
        line("brieven per seconde, van actie tot mailserver", f"{ours:.1f}")
        line("kale aiosmtplib-lus naar dezelfde server", f"{bare:.1f}")
        ratio = ours / bare if bare else 0.0
        line("verhouding (doel >= 0,5)", f"{ratio:.2f}", verdict(ratio >= RATIO_TARGET))
        if delays:
            p95 = percentile(delays, 0.95)
            line("p95 vertraging actie → e-mail (doel < 2 s)", f"{p95:.2f} s", verdict(p95 < DELAY_TARGET_S))
            line("mediaan vertraging", f"{percentile(delays, 0.5):.2f} s")
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
