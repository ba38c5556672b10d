"""Benchmark of the letters: stored LetterRequested event → mail accepted by a local SMTP server.

1. Mails accepted per second end to end (relay + notifier, on the embedded folder broker or on
   RabbitMQ when ZORGVULDIG_BENCH_BROKER_URL is set), with one notifier and with two, beside a
   bare pooled aiosmtplib loop (as many open connections as one notifier may use) of the same
   number of mails to the same server; target ratio >= 0.5 with one notifier. Two shapes: one
   letter to WHOLE_SCHOOL parents (target: all within 5 s), and LETTERS letters to PARENTS.
   A letter goes to a class: LETTERS requests of PARENTS parents each (40 × 25 = 1,000 mails),
   as a school sends them; each parent gets a mail of their own, and the letter is composed
   and checked by the privacy guard once per request. (Until issue 10 this bench sent letters
   to one parent each, which measured the guard more than the sending.) The guard is loaded
   before the clock starts, as the notifier process does before it takes a letter.
   The letters are stored first; the clock runs from starting the relay and notifier(s) to the
   last accepted mail. Each notifier is the real Worker with its pool of ZORGVULDIG_NOTIFIER_
   PARALLEL handlers, one SMTP connection each; two notifiers run as two Workers in this
   process, sharing the ledger (and the interpreter: the figure shows that they share the work
   without sending twice, not what a second machine adds). Mails accepted twice are counted.
2. p95 delay from the stored action to the accepted mail (target < 2 s), one-parent letters
   requested at a steady pace (10 a second) while the pipeline runs.
"""

from __future__ import annotations

import asyncio
import email
import os
import tempfile
import threading
import time
from collections import Counter
from email.message import EmailMessage
from pathlib import Path

import aiosmtplib
from aiosmtpd.controller import Controller

from bench import free_port, heading, line, percentile, verdict
from services.case.application import CaseManagement
from services.case.outcomes import OutcomeConsumer
from services.case.relay import Relay
from services.notifier.__main__ import hand_over_often
from services.notifier.ledger import Ledger
from services.notifier.letters import LetterHandler, recipient_key
from services.notifier.sending import ConnectionBudget, Sender
from services.notifier.worker import Worker
from shared import messaging
from shared.config import Settings, load_settings
from shared.contracts import letter_message_id
from shared.positions import Positions
from shared.privacy import NameFinder, PrivacyGuard
from tests.examples import ACTIONS, HANDLER, OPENING

LETTERS = int(os.environ.get("ZORGVULDIG_BENCH_LETTERS", "40"))
PARENTS = 25
WHOLE_SCHOOL = 1000  # one letter to every parent of a large school
WHOLE_SCHOOL_SECONDS = 5.0
STEADY = 60
STEADY_PER_SECOND = 10
STATEMENT = ACTIONS["CommunicationStatementWritten"]
RATIO_TARGET = 0.5
# The notifier's connections: its default, unless ZORGVULDIG_NOTIFIER_PARALLEL says otherwise.
PARALLEL = {k: v for k, v in os.environ.items() if k == "ZORGVULDIG_NOTIFIER_PARALLEL"}
DELAY_TARGET_S = 2.0


class Counting:
    """The mail server's DATA handler: when each mail was accepted, and how often."""

    def __init__(self) -> None:
        self.accepted: dict[str, float] = {}
        self.times: Counter[str] = Counter()

    async def handle_DATA(self, server, session, envelope) -> str:  # type: ignore[no-untyped-def]
        message = email.message_from_bytes(envelope.content)
        key = str(message.get("X-Zorgvuldig-Bericht", "")).strip()
        self.accepted[key] = time.perf_counter()
        self.times[key] += 1
        return "250 OK"

    def duplicates(self) -> int:
        return sum(n - 1 for n in self.times.values())


def wait_for(inbox: Counting, count: int, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while len(inbox.accepted) < count and time.monotonic() < deadline:
        time.sleep(0.02)


def bare_loop(port: int, count: int, connections: int) -> float:
    """The same number of mails over a pool of open aiosmtplib connections, as fast as they go."""

    async def run() -> None:
        waiting = list(range(count))

        async def lane() -> None:
            client = aiosmtplib.SMTP(hostname="127.0.0.1", port=port)
            await client.connect()
            while waiting:
                i = waiting.pop()
                message = EmailMessage()
                message["From"], message["To"], message["Subject"] = "a@b.nl", f"o{i}@b.nl", "Kale meting"
                message.set_content("Beste ouder(s)/verzorger(s),\n" * 20)
                await client.send_message(message)
            await client.quit()

        await asyncio.gather(*(lane() for _ in range(connections)))

    start = time.perf_counter()
    asyncio.run(run())
    return count / (time.perf_counter() - start)


def bare(port: int, count: int, connections: int) -> float:
    """The bare pooled loop against a fresh server of the same kind."""
    controller = Controller(Counting(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        return bare_loop(port, count, connections)
    finally:
        controller.stop()


class Installation:
    """One data folder with its store, relay and notifier(s), on the bench's mail server."""

    def __init__(self, folder: str, port: int, guard: PrivacyGuard) -> None:
        self.settings = load_settings(
            {
                "ZORGVULDIG_DATA_DIR": str(Path(folder)),
                "ZORGVULDIG_SMTP_PORT": str(port),
                "ZORGVULDIG_BROKER_URL": os.environ.get("ZORGVULDIG_BENCH_BROKER_URL", ""),
                **PARALLEL,
            }
        )
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.guard = guard
        self.cases = CaseManagement(env=self.settings.event_store_env())
        self.stop = threading.Event()
        self.threads: list[threading.Thread] = []
        self.senders: list[Sender] = []
        purge(self.settings)

    def request(self, recipients: list[str]) -> list[str]:
        """A letter request on a new incident; the ledger keys of its mails."""
        incident_id, _ = self.cases.open_incident(HANDLER, **OPENING)
        letter = {
            "letter": "ouders_klas",
            "group": "Ouders",
            "recipients": recipients,
            "statement": STATEMENT,
        }
        self.cases.record_action(HANDLER, incident_id, "LetterRequested", letter)
        (letter_id,) = self.cases.incident(HANDLER, incident_id).letter_ids()
        return [recipient_key(letter_message_id(str(letter_id)), r) for r in recipients]

    def start(self, notifiers: int) -> None:
        s = self.settings
        relay = Relay(self.cases, Positions(s), lambda: messaging.connect(s))
        self.threads.append(
            threading.Thread(target=relay.run, args=(self.stop,), kwargs={"interval": 0.02}, daemon=True)
        )
        outcomes = OutcomeConsumer(
            CaseManagement(env=s.event_store_env()), s.letters_key, lambda: messaging.connect(s)
        )
        self.threads.append(threading.Thread(target=outcomes.run, args=(self.stop,), daemon=True))
        for _ in range(notifiers):  # each as the notifier process builds it
            ledger = Ledger(s)
            budget = ConnectionBudget(s.notifier_parallel)
            senders = [Sender(s, budget=budget) for _ in range(s.notifier_parallel)]
            handlers = [LetterHandler(s, ledger, sender, guard=self.guard) for sender in senders]
            self.senders += senders
            worker = Worker(handlers, lambda: messaging.connect(s))
            worker.pause = self.stop
            self.threads.append(threading.Thread(target=worker.run, args=(self.stop,), daemon=True))
        for thread in self.threads:
            thread.start()

    def close(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(15)
        for sender in self.senders:
            sender.close()


def purge(settings: Settings) -> None:
    if not settings.broker_url:
        return
    with messaging.connect(settings) as connection:
        for queue in messaging.queues(connection):
            bound = queue(connection.default_channel)
            bound.declare()
            bound.purge()


def throughput(
    port: int, guard: PrivacyGuard, notifiers: int, letters: int, parents: int, steady: bool = False
) -> tuple[float, float, int, int, list[float]]:
    """(mails per second, seconds to the last mail, accepted, accepted twice, delays of the
    steady phase)."""
    inbox = Counting()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    delays: list[float] = []
    try:
        with tempfile.TemporaryDirectory() as folder:
            setup = Installation(folder, port, guard)
            for number in range(letters):
                setup.request([f"ouder{number}.{n}@voorbeeld.nl" for n in range(parents)])
            mails = letters * parents
            start = time.perf_counter()
            setup.start(notifiers)
            wait_for(inbox, mails)
            elapsed = max(inbox.accepted.values(), default=start) - start
            delivered = len(inbox.accepted)
            if steady:  # the delay: one-parent letters at a steady pace
                requested: dict[str, float] = {}
                for number in range(STEADY):
                    (key,) = setup.request([f"vast{number}@voorbeeld.nl"])
                    requested[key] = time.perf_counter()
                    time.sleep(1 / STEADY_PER_SECOND)
                wait_for(inbox, mails + STEADY, 60)
                delays = [inbox.accepted[k] - requested[k] for k in requested if k in inbox.accepted]
            setup.close()
    finally:
        controller.stop()
    rate = min(delivered, mails) / elapsed if elapsed > 0 else 0.0
    return rate, elapsed, delivered, inbox.duplicates(), delays


def main() -> None:
    heading("Brieven: van opgeslagen actie tot geaccepteerde e-mail")
    hand_over_often()  # as the notifier's process does (the bare loop shares the setting)
    finder = NameFinder.shared(wait=True)
    guard = PrivacyGuard(finder)
    port = free_port()
    parallel = load_settings(PARALLEL).notifier_parallel
    broker = "RabbitMQ" if os.environ.get("ZORGVULDIG_BENCH_BROKER_URL") else "map (ingebouwd)"
    # The bare loop gets the connections one notifier may use: its threads' own and as many borrowed.
    pool = 2 * parallel
    line("SMTP-verbindingen: per notifier / kale lus", f"{pool} / {pool}")
    delays: list[float] = []
    for letters, parents in ((1, WHOLE_SCHOOL), (LETTERS, PARENTS)):
        mails = letters * parents
        before = bare(port, mails, pool)
        one, seconds, delivered_one, twice_one, steady = throughput(
            port, guard, 1, letters, parents, steady=letters > 1
        )
        delays = steady or delays
        two, _, delivered_two, twice_two, _ = throughput(port, guard, 2, letters, parents)
        bare_rate = max(before, bare(port, mails, pool))  # the faster: a busy moment must not flatter us
        line(f"{letters} brief/brieven aan {parents} ontvangers ({broker})", f"{mails} mails")
        line("  afgeleverd met één / twee notifiers", f"{delivered_one} / {delivered_two}")
        line(
            "  dubbel afgeleverd (doel 0)", f"{twice_one} / {twice_two}", verdict(twice_one + twice_two == 0)
        )
        line("  mails per seconde, één / twee notifiers", f"{one:.1f} / {two:.1f}")
        line("  kale gepoolde aiosmtplib-lus (de snelste van twee)", f"{bare_rate:.1f}")
        ratio = one / bare_rate if bare_rate else 0.0
        line("  verhouding één notifier (doel >= 0,5)", f"{ratio:.2f}", verdict(ratio >= RATIO_TARGET))
        line("  verhouding twee notifiers", f"{two / bare_rate if bare_rate else 0.0:.2f}")
        if letters == 1:
            line(
                f"  {parents} ouders binnen 5 s na het verzoek (één notifier)",
                f"{seconds:.1f} s",
                verdict(seconds <= WHOLE_SCHOOL_SECONDS),
            )
    if delays:
        p95 = percentile(delays, 0.95)
        line("p95 vertraging actie → e-mail (doel < 2 s)", f"{p95:.2f} s", verdict(p95 < DELAY_TARGET_S))
        line("mediaan vertraging", f"{percentile(delays, 0.5):.2f} s")


if __name__ == "__main__":
    main()
