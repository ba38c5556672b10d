"""Composition root of backup, restore and moving: `python -m services.backup`.

    python -m services.backup maak <bestand>              a backup of this installation
    python -m services.backup herstel <bestand>           into an EMPTY installation
    python -m services.backup verhuis --naar <postgres-url>  SQLite → PostgreSQL

The backup itself is the case's (services/case/backup.py): the events, keys, accounts and
recipient groups. A restore rebuilds the reports from the restored events too; they are
another service's, so they are registered here, where the services meet.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

from services.case import backup
from services.case.application import CaseManagement
from services.case.backup import FORMAT, VERSION, RestoreRefused, Summary, make, read, records
from services.reporting.projector import Projector
from services.reporting.store import ReportStore
from shared.config import Settings

__all__ = ["FORMAT", "VERSION", "RestoreRefused", "Summary", "main", "make", "read", "records", "restore"]


def rebuild_reports(settings: Settings, cases: CaseManagement) -> int:
    """The reports rebuilt from every restored event; how many events they read."""
    return Projector(cases, ReportStore(settings)).rebuild()


def restore(settings: Settings, source: Iterator[dict[str, Any]]) -> Summary:
    """Into an empty installation; then verifies every chain and rebuilds the lists and reports."""
    return backup.restore(settings, source, rebuild_reports=rebuild_reports)


def main(argv: list[str] | None = None) -> int:
    return backup.main(argv, rebuild_reports=rebuild_reports)


if __name__ == "__main__":
    sys.exit(main())
