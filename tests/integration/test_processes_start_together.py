"""Processes that start together on one PostgreSQL database all come up: creating tables is
done one process at a time (two web processes once collided here, on pg_type)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from services.case.application import CaseManagement
from services.case.outbox import Outbox
from services.notifier.ledger import Ledger
from services.reporting.store import ReportStore
from shared.accounts import Accounts
from shared.config import Settings, load_settings
from shared.positions import Positions
from shared.recipients import RecipientGroups

pytestmark = pytest.mark.integration

STORES: list[Callable[[Settings], Any]] = [ReportStore, Accounts, RecipientGroups, Ledger, Positions, Outbox]


def failures_when_eight_start_at_once(come_up: Callable[[], Any]) -> list[str]:
    """What would stop each of eight processes that run `come_up` at the same moment."""
    start = threading.Barrier(8)
    errors: list[str] = []

    def one() -> None:
        start.wait()
        try:
            come_up()
        except Exception as error:
            errors.append(f"{type(error).__name__}: {error}")

    threads = [threading.Thread(target=one) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def settings_for(postgres_url: str, tmp_path: Path) -> Settings:
    return load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path), "ZORGVULDIG_DATABASE_URL": postgres_url})


@pytest.mark.parametrize("store", STORES, ids=lambda s: s.__name__)
def test_eight_processes_creating_the_same_tables_at_once_all_succeed(
    store: Callable[[Settings], Any], postgres_url: str, tmp_path: Path
) -> None:
    settings = settings_for(postgres_url, tmp_path)
    assert failures_when_eight_start_at_once(lambda: store(settings)) == []


def test_eight_processes_creating_the_event_store_at_once_all_succeed(
    postgres_url: str, tmp_path: Path
) -> None:
    settings = settings_for(postgres_url, tmp_path)
    assert failures_when_eight_start_at_once(lambda: CaseManagement(env=settings.event_store_env())) == []
