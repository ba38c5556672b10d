"""The reports on PostgreSQL: killing the reporting process in the middle of catching up and
starting it again gives the same figures as an uninterrupted rebuild."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from services.case.application import CaseManagement
from services.case.domain.incident import Incident
from services.reporting.projector import Projector
from services.reporting.store import ReportStore
from shared.config import load_settings
from tests.examples import ACTIONS, HANDLER, LETTER_REQUESTS, OPENING, PLANTED_NAMES

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
SCRIPT = [a for a in ACTIONS if a not in LETTER_REQUESTS]  # the Incident itself records no letter


def many_incidents(cases: CaseManagement, count: int) -> None:
    for _ in range(count // 50):
        batch = []
        for _ in range(50):
            incident = Incident.open(
                school_id=HANDLER.school_id,
                board_id=HANDLER.board_id,
                actor=HANDLER.id,
                situation=OPENING["situation"],
                learned_how=OPENING["learned_how"],
                protocol_id=OPENING["protocol_id"],
            )
            for action in SCRIPT:
                incident.record(action, actor=HANDLER.id, **ACTIONS[action])
            batch.append(incident)
        cases.save(*batch)


def test_killed_while_catching_up_then_restarted_gives_the_same_figures(
    tmp_path: Path, postgres_url: str
) -> None:
    env = {"ZORGVULDIG_DATA_DIR": str(tmp_path), "ZORGVULDIG_DATABASE_URL": postgres_url}
    settings = load_settings(env)
    cases = CaseManagement(env=settings.event_store_env())
    many_incidents(cases, 500)  # more than two batches of the projector
    newest = cases.recorder.max_notification_id()
    store = ReportStore(settings)
    Projector(cases, store).rebuild()
    ids = [str(i) for i in cases.all_incident_ids()]
    uninterrupted = store.facts(ids)
    assert not any(name in repr(uninterrupted) for name in PLANTED_NAMES)

    store.reset()
    process_env = {**os.environ, **env}
    runner = subprocess.Popen([sys.executable, "-m", "services.followers"], cwd=ROOT, env=process_env)
    killed_at = 0
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        killed_at = store.position()[0]
        if killed_at > 0:
            runner.send_signal(signal.SIGKILL)
            break
        time.sleep(0.005)
    runner.wait(10)
    assert 0 < killed_at < newest, "het proces was al klaar voordat het werd gestopt"

    runner = subprocess.Popen([sys.executable, "-m", "services.followers"], cwd=ROOT, env=process_env)
    try:
        deadline = time.monotonic() + 60
        while store.position()[0] < newest and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        runner.send_signal(signal.SIGTERM)
        assert runner.wait(20) == 0
    assert store.position()[0] == newest
    assert store.facts(ids) == uninterrupted
