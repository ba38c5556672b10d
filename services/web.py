"""Composition root of the web process: `python -m services.web`.

The case's web app (services/case/web/) with the report pages mounted beside it. The
services do not import each other (the import contract in pyproject.toml); this module is
where they meet: the report pages get the report store and what they ask of the case service
(services/case/web/for_reports.py), at the same URLs (/rapportage) and with the case's access
rules and access log.
"""

from __future__ import annotations

import logging
import signal
import sys
from typing import Any

from flask import Flask
from waitress.server import create_server

from services.case.application import CaseManagement
from services.case.web import create_app as create_case_app
from services.case.web.for_reports import RecordsForReports
from services.reporting import web as reporting_web
from services.reporting.store import ReportStore
from shared.accounts import Accounts
from shared.config import Settings, load_settings
from shared.process import start


def create_app(settings: Settings | None = None, *, report_wait: float = 2.0, **collaborators: Any) -> Flask:
    """The web app of the installation: the case's pages and API, and the report pages.
    Tests pass their own collaborators, as to the case's factory; `reports` is the report
    store, `report_wait` how long a report page waits for the reports to catch up."""
    settings = settings or load_settings()
    reports = collaborators.pop("reports", None) or ReportStore(settings)

    def mount_reports(app: Flask) -> None:
        app.extensions["zorgvuldig.reports"] = (
            reports  # the health check and the status page read its position
        )
        records = RecordsForReports(app.extensions["zorgvuldig.cases"])
        app.register_blueprint(reporting_web.create_blueprint(reports, records, wait_seconds=report_wait))

    return create_case_app(settings, registrations=[mount_reports], **collaborators)


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
