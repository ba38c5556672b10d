"""Backup and restore, and moving from SQLite to PostgreSQL (issue 6): order intact, chains
verified, erased incidents stay erased, reports rebuilt, letters never sent again."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.backup import RestoreRefused, make, read, records, restore
from services.case.application import CaseManagement
from services.case.personal_data import ERASED
from services.case.relay import NAME as RELAY
from services.reporting.store import ReportStore
from shared.accounts import DEMO_PASSWORD, Accounts
from shared.config import Settings, load_settings
from shared.demo import seed_demo
from shared.positions import Positions
from shared.recipients import RecipientGroups
from tests.examples import ACTIONS, BOARD_MEMBER, HANDLER, OPENING

SECRET = {
    "ZORGVULDIG_SECRET_KEY": "dezelfde-geheime-sleutel-op-beide-plekken",
    "ZORGVULDIG_BACKUP_KEY": "een-back-upsleutel-apart-bewaard-van-de-back-ups",
}


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
    summary = restore(target, read(tmp_path / "backup.jsonl.gz", source_settings.backup_key))
    assert summary.broken == () and summary.incidents_verified == 2
    check_restored(source, target, kept, erased)
    with pytest.raises(RestoreRefused):
        restore(target, read(tmp_path / "backup.jsonl.gz", source_settings.backup_key))


def test_a_file_that_is_not_a_backup_is_refused(tmp_path: Path) -> None:
    import gzip

    with gzip.open(tmp_path / "iets.gz", "wt") as f:
        f.write('{"formaat": "iets anders"}\n')
    with pytest.raises(RestoreRefused):
        list(read(tmp_path / "iets.gz", b"\0" * 32))


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
        assert restore(target, read(tmp_path / "pg.jsonl.gz", source_settings.backup_key)).broken == ()
        check_restored(source, target, kept, erased)
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# ------------------------------------------------ sealed with a key kept apart (issue 23, item 7)

PARENTS = ("een@voorbeeld.nl", "twee@voorbeeld.nl")
PUPIL = "Kevin Brouwersma"  # recorded as who shared it, sealed per incident


def plain_views(data: bytes) -> list[bytes]:
    """The bytes as they are, and unzipped where they are a gzip stream."""
    import gzip

    views = [data]
    try:
        views.append(gzip.decompress(data))
    except (OSError, EOFError):
        pass
    return views


def test_a_backup_holds_no_address_pupil_name_or_key_in_plain_text(tmp_path: Path) -> None:
    settings = installation(tmp_path, "bron")
    trial(settings)
    path = tmp_path / "backup.jsonl.gz"
    make(settings, path)
    data = path.read_bytes()
    for view in plain_views(data):
        for secret in (*PARENTS, PUPIL, "behandelaar.dewilg", "de-wilg"):
            assert secret.encode() not in view
    restored = [r for r in read(path, settings.backup_key) if "ontvangers" in r]
    assert restored and restored[0]["ontvangers"][2] == list(PARENTS)


def test_a_backup_opens_only_with_its_own_key_and_whole(tmp_path: Path) -> None:
    settings = installation(tmp_path, "bron")
    trial(settings)
    path = tmp_path / "backup.jsonl.gz"
    make(settings, path)
    other = installation(
        tmp_path, "ander", ZORGVULDIG_BACKUP_KEY="een-heel-andere-sleutel-van-32-tekens-of-meer"
    )
    with pytest.raises(RestoreRefused, match="andere sleutel"):
        list(read(path, other.backup_key))
    cut = tmp_path / "afgekapt.jsonl.gz"
    cut.write_bytes(path.read_bytes()[:-20])
    with pytest.raises(RestoreRefused):
        list(read(cut, settings.backup_key))
    changed = bytearray(path.read_bytes())
    changed[-40] ^= 1
    (tmp_path / "gewijzigd.jsonl.gz").write_bytes(bytes(changed))
    with pytest.raises(RestoreRefused):
        list(read(tmp_path / "gewijzigd.jsonl.gz", settings.backup_key))


def test_a_backup_from_before_sealing_is_still_restored(tmp_path: Path) -> None:
    import gzip
    import json

    from services.backup import FORMAT, VERSION

    source_settings = installation(tmp_path, "bron")
    source, kept, erased = trial(source_settings)
    old = tmp_path / "oud.jsonl.gz"
    with gzip.open(old, "wt", encoding="utf-8") as out:
        out.write(json.dumps({"formaat": FORMAT, "versie": VERSION}) + "\n")
        for record in records(source_settings):
            out.write(json.dumps(record) + "\n")
    target = installation(tmp_path, "doel")
    assert restore(target, read(old, target.backup_key)).broken == ()
    check_restored(source, target, kept, erased)


def test_making_a_backup_in_production_needs_its_own_key(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from services.backup import main

    monkeypatch.setenv("ZORGVULDIG_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ZORGVULDIG_ENVIRONMENT", "production")
    monkeypatch.setenv("ZORGVULDIG_SECRET_KEY", "een-lange-geheime-sleutel-voor-de-test")
    monkeypatch.delenv("ZORGVULDIG_BACKUP_KEY", raising=False)
    assert main(["maak", str(tmp_path / "b.jsonl.gz")]) == 2
    assert not (tmp_path / "b.jsonl.gz").exists()


def test_no_file_in_the_data_folder_holds_an_address_or_a_pupils_name(tmp_path: Path) -> None:
    """Events, keys, accounts, saved groups and a backup made into the data folder. The relay's
    outbox and the notifier's ledger, after letters went out, belong to the outbox's own test."""
    settings = installation(tmp_path, "data")
    trial(settings)
    make(settings, settings.data_dir / "backup.jsonl.gz")
    found = []
    for path in sorted(settings.data_dir.rglob("*")):
        if path.is_file() and settings.mail_dir not in path.parents:
            for view in plain_views(path.read_bytes()):
                found += [f"{path.name}: {s}" for s in (*PARENTS, PUPIL, "Brouwersma") if s.encode() in view]
    assert found == []
