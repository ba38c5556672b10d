"""Composition root of the web process: `python -m services.case.web`."""

from __future__ import annotations

import logging
import signal
import sys

from waitress.server import create_server

from services.case.application import CaseManagement
from services.case.web import create_app
from shared.accounts import Accounts
from shared.process import start


def main() -> int:
    settings, _ = start("web")
    app = create_app(
        settings,
        cases=CaseManagement(env=settings.event_store_env()),
        accounts=Accounts(settings),
    )
    server = create_server(app, host=settings.web_host, port=settings.web_port, threads=8, ident="Zorgvuldig")
    print(f"Webapplicatie op http://{settings.web_host}:{settings.web_port}", flush=True)

    def stop(*_: object) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    try:
        server.run()
    except (SystemExit, KeyboardInterrupt):
        server.close()
        logging.getLogger("web").info("Webapplicatie gestopt.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
