"""Processes that start together on one PostgreSQL database all come up: creating the tables
of the small stores is done one process at a time (two web processes once collided here)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from services.case.outbox import Outbox
from services.notifier.ledger import Ledger
from services.reporting.store import ReportStore
from shared.accounts import Accounts
from shared.config import Settings, load_settings
from shared.positions import Positions
from shared.recipients import RecipientGroups

pytestmark = pytest.mark.integration

STORES: list[Callable[[Settings], Any]] = [ReportStore, Accounts, RecipientGroups, Ledger, Positions, Outbox]


@pytest.mark.parametrize("store", STORES, ids=lambda s: s.__name__)
def test_eight_processes_creating_the_same_tables_at_once_all_succeed(
    store: Callable[[Settings], Any], postgres_url: str, tmp_path: Path
) -> None:
    settings = load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path), "ZORGVULDIG_DATABASE_URL": postgres_url})
    start = threading.Barrier(8)
    errors: list[str] = []

    def come_up() -> None:
        start.wait()
        try:
            store(settings)
        except Exception as error:  # what would stop a process at its start
            errors.append(f"{type(error).__name__}: {error}")

    threads = [threading.Thread(target=come_up) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_eight_processes_creating_the_event_store_at_once_all_succeed(
    postgres_url: str, tmp_path: Path
) -> None:
    from services.case.application import CaseManagement

    settings = load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path), "ZORGVULDIG_DATABASE_URL": postgres_url})
    start = threading.Barrier(8)
    errors: list[str] = []

    def come_up() -> None:
        start.wait()
        try:
            CaseManagement(env=settings.event_store_env())
        except Exception as error:
            errors.append(f"{type(error).__name__}: {error}")

    threads = [threading.Thread(target=come_up) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
