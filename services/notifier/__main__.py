"""Composition root of the notifier: `python -m services.notifier`."""

from __future__ import annotations

import logging
import signal
import sys
import threading

from services.case.application import CaseManagement
from services.notifier.ledger import Ledger
from services.notifier.letters import LetterHandler
from services.notifier.sending import Sender
from services.notifier.worker import Worker
from shared import messaging
from shared.config import ConfigurationError, load_settings
from shared.logging import configure as configure_logging


def main() -> int:
    try:
        settings = load_settings()
    except ConfigurationError as error:
        print(f"Configuratiefout: {error}", file=sys.stderr)
        return 2
    configure_logging(settings, "notifier")
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    handler = LetterHandler(
        settings, CaseManagement(env=settings.event_store_env()), Ledger(settings), Sender(settings)
    )
    worker = Worker(handler, lambda: messaging.connect(settings))
    worker.pause = stop
    logging.getLogger("notifier").info("Notifier wacht op brieven.")
    worker.run(stop)
    logging.getLogger("notifier").info("Notifier gestopt.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
