"""Composition root of the notifier: `python -m services.notifier`."""

from __future__ import annotations

import logging
import sys

from services.case.application import CaseManagement
from services.notifier.ledger import Ledger
from services.notifier.letters import LetterHandler
from services.notifier.sending import Sender
from services.notifier.worker import Worker
from shared import messaging
from shared.privacy import NameFinder, PrivacyGuard
from shared.process import start


def main() -> int:
    settings, stop = start("notifier")
    log = logging.getLogger("notifier")
    # No letter leaves without the privacy guard: load it before taking the first message.
    finder = NameFinder.shared(wait=True)
    if not finder.ready:
        log.error("Privacycontrole niet geladen (%s); de brieven wachten in de wachtrij.", finder.error)
        return 3
    sender = Sender(settings)
    cases = CaseManagement(env=settings.event_store_env())
    handler = LetterHandler(settings, cases, Ledger(settings), sender, guard=PrivacyGuard(finder))
    worker = Worker(handler, lambda: messaging.connect(settings))
    worker.pause = stop
    log.info("Notifier wacht op brieven.")
    worker.run(stop)
    sender.close()
    log.info("Notifier gestopt.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
