"""Composition root of the notifier: `python -m services.notifier`.

The process loads the privacy guard once (deduce: seconds and a gigabyte) and then forks a
worker that sends. A worker that dies, however hard, is replaced at once by a new fork that
shares the loaded guard, instead of a new process loading it all again; what the dead worker
was sending is finished by the next (the ledger and the relay's copies see to that).
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import sys
import threading

from services.notifier.bounces import BounceFolder, BounceReader, read_in_background
from services.notifier.ledger import Ledger
from services.notifier.letters import LetterHandler
from services.notifier.outcomes import OutcomePublisher
from services.notifier.sending import ConnectionBudget, Sender
from services.notifier.worker import Worker
from shared import messaging
from shared.config import Settings
from shared.privacy import NameFinder, PrivacyGuard
from shared.process import start

log = logging.getLogger("notifier")
SWITCH_INTERVAL = 0.0005  # seconds a thread may keep the interpreter while another waits


def main() -> int:
    settings, stop = start("notifier")
    # No letter leaves without the privacy guard: load it before taking the first message.
    finder = NameFinder.shared(wait=True)
    if not finder.ready:
        log.error("Privacycontrole niet geladen (%s); de brieven wachten in de wachtrij.", finder.error)
        return 3
    if not hasattr(os, "fork"):
        return work(settings, stop, finder)
    return supervise(settings, stop, finder)


def work(settings: Settings, stop: threading.Event, finder: NameFinder) -> int:
    hand_over_often()
    ledger, guard = Ledger(settings), PrivacyGuard(finder)
    if recovered := ledger.recover():
        log.info(
            "%d aanname(s) uit het journaal van een gestopt werkproces in het grootboek gezet.", recovered
        )
    # Each sending thread has a connection of its own; a large letter borrows the others'
    # share of the pool while they are free (as many again as there are threads).
    budget = ConnectionBudget(settings.notifier_parallel)
    senders = [Sender(settings, budget=budget) for _ in range(settings.notifier_parallel)]
    handlers = [LetterHandler(settings, ledger, sender, guard=guard) for sender in senders]
    worker = Worker(handlers, lambda: messaging.connect(settings))
    worker.pause = stop
    bounces = BounceReader(
        BounceFolder(settings.bounce_dir),
        ledger,
        OutcomePublisher(lambda: messaging.connect(settings)),
        settings.letters_key,
    )
    read_in_background(bounces, stop)
    log.info("Notifier wacht op brieven.")
    worker.run(stop)
    for sender in senders:
        sender.close()
    log.info("Notifier gestopt.")
    return 0


def hand_over_often() -> None:
    """The sending threads mostly wait for the mail server. When its 250 comes, the thread must
    run at once and write the acceptance: until then a killed worker leaves a second copy.
    Python lets a busy thread (the privacy check of the next letter) keep the interpreter for
    5 ms before it hands over; a tenth of that cut the mean time from 250 to the ledger's
    note from 4.6 to 1.8 ms in the kill test (docs/metingen.md)."""
    sys.setswitchinterval(SWITCH_INTERVAL)


def supervise(settings: Settings, stop: threading.Event, finder: NameFinder) -> int:
    while not stop.is_set():
        pid = os.fork()
        if pid == 0:  # the worker: its own stop event, and it ends when this process ends
            _die_with_parent()
            code = 1
            try:
                code = work(settings, stop, finder)
            finally:
                os._exit(code)
        while not stop.is_set():
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                log.warning("Werkproces gestopt (status %d); een nieuw neemt het over.", status)
                stop.wait(0.2)
                break
            stop.wait(0.2)
        else:
            os.kill(pid, signal.SIGTERM)
            os.waitpid(pid, 0)
    return 0


def _die_with_parent() -> None:
    try:
        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG (Linux)
    except (AttributeError, OSError):
        pass


if __name__ == "__main__":
    sys.exit(main())
