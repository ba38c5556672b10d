"""Backup and restore, and moving from SQLite to PostgreSQL (issue 6): order intact, chains
verified, erased incidents stay erased, reports rebuilt, letters never sent again."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.case.application import CaseManagement
from services.case.backup import RestoreRefused, make, read, records, restore
from services.case.personal_data import ERASED
from services.case.relay import NAME as RELAY
from services.reporting.store import ReportStore
from shared.accounts import DEMO_PASSWORD, Accounts, seed_demo
from shared.config import Settings, load_settings
from shared.positions import Positions
from shared.recipients import RecipientGroups
from tests.examples import ACTIONS, BOARD_MEMBER, HANDLER, OPENING

SECRET = {"ZORGVULDIG_SECRET_KEY": "dezelfde-geheime-sleutel-op-beide-plekken"}


def installation(tmp_path: Path, name: str, **extra: str) -> Settings:
    return load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path / name), **SECRET, **extra})


def trial(settings: Settings):  # type: ignore[no-untyped-def]
    seed_demo(settings)
    RecipientGroups(settings).save("de-wilg", "Ouders groep 7", ["een@voorbeeld.nl", "twee@voorbeeld.nl"])
    cases = CaseManagement(env=settings.event_store_env())
    kept, _ = cases.open_incident(HANDLER, **OPENING)
    for action in ("ScopeAssessed", "PoliceContacted", "LetterRequested", "NoteAdded"):
        cases.record_action(HANDLER, kept, action, ACTIONS[action])
    erased, _ = cases.open_incident(HANDLER, **OPENING)
    cases.record_action(HANDLER, erased, "ScopeAssessed", ACTIONS["ScopeAssessed"])
    cases.erase_personal_data(erased, actor_id="bewaartermijn", reason="bewaartermijn verstreken")
    return cases, kept, erased


def check_restored(source: CaseManagement, target: Settings, kept, erased) -> None:  # type: ignore[no-untyped-def]
    restored = CaseManagement(env=target.event_store_env())
    assert restored.all_incident_ids() == source.all_incident_ids()
    for incident_id in (kept, erased):
        before = [(e.version, e.event_type, e.at) for e in source.audit_trail(HANDLER, incident_id)]
        after = [(e.version, e.event_type, e.at) for e in restored.audit_trail(HANDLER, incident_id)]
        assert after == before
        assert restored.verify_chain(BOARD_MEMBER, incident_id).intact
    assert restored.incident(HANDLER, kept).action_at(2).data["shared_by"] == ["Kevin Brouwersma"]
    assert restored.incident(HANDLER, erased).action_at(2).data["shared_by"] == [ERASED]
    assert ReportStore(target).position()[0] == restored.recorder.max_notification_id()
    assert Positions(target).get(RELAY) == restored.recorder.max_notification_id()
    assert Accounts(target).authenticate("behandelaar.dewilg", DEMO_PASSWORD).school_id == "de-wilg"
    group = RecipientGroups(target).get("de-wilg", "Ouders groep 7")
    assert group is not None and group.addresses == ("een@voorbeeld.nl", "twee@voorbeeld.nl")


def test_a_backup_restores_into_an_empty_installation(tmp_path: Path) -> None:
    source_settings = installation(tmp_path, "bron")
    source, kept, erased = trial(source_settings)
    made = make(source_settings, tmp_path / "backup.jsonl.gz")
    assert made.events == source.recorder.max_notification_id()
    assert made.accounts == len(Accounts(source_settings).all())  # both demo boards
    target = installation(tmp_path, "doel")
    summary = restore(target, read(tmp_path / "backup.jsonl.gz"))
    assert summary.broken == () and summary.incidents_verified == 2
    check_restored(source, target, kept, erased)
    with pytest.raises(RestoreRefused):
        restore(target, read(tmp_path / "backup.jsonl.gz"))


def test_a_file_that_is_not_a_backup_is_refused(tmp_path: Path) -> None:
    import gzip

    with gzip.open(tmp_path / "iets.gz", "wt") as f:
        f.write('{"formaat": "iets anders"}\n')
    with pytest.raises(RestoreRefused):
        list(read(tmp_path / "iets.gz"))


@pytest.mark.integration
def test_a_trial_installation_moves_to_postgresql(tmp_path: Path, postgres_url: str) -> None:
    source_settings = installation(tmp_path, "proef")
    source, kept, erased = trial(source_settings)
    target = installation(tmp_path, "pg", ZORGVULDIG_DATABASE_URL=postgres_url)
    summary = restore(target, records(source_settings))
    assert summary.broken == ()
    check_restored(source, target, kept, erased)


@pytest.mark.integration
def test_a_postgresql_backup_restores_on_postgresql(tmp_path: Path, postgres_url: str) -> None:
    source_settings = installation(tmp_path, "a", ZORGVULDIG_DATABASE_URL=postgres_url)
    source, kept, erased = trial(source_settings)
    make(source_settings, tmp_path / "pg.jsonl.gz")
    import uuid

    import psycopg

    name = f"zorgvuldig_herstel_{uuid.uuid4().hex[:8]}"
    server = postgres_url.rsplit("/", 1)[0]
    with psycopg.connect(f"{server}/postgres", autocommit=True) as db:
        db.execute(f'CREATE DATABASE "{name}"')
    try:
        target = installation(tmp_path, "b", ZORGVULDIG_DATABASE_URL=f"{server}/{name}")
        assert restore(target, read(tmp_path / "pg.jsonl.gz")).broken == ()
        check_restored(source, target, kept, erased)
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
