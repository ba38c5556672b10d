"""A new incident's key: on PostgreSQL written in the same transaction as the incident's first
events (both commit or neither does), on SQLite in the vault's own file without reading first;
either way a second process reads the incident's personal data with it, and an erased incident
never gets a second key."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from eventsourcing.persistence import IntegrityError

from services.case.application import CaseManagement
from services.case.domain.incident import Incident
from services.case.keyed_store import KeyedPostgresRecorder
from services.case.personal_data import SQLiteKeyVault
from tests.examples import HANDLER, OPENING
from tests.integration.stores import STORES, store_env


@pytest.mark.parametrize("kind", STORES)
def test_a_second_process_reads_a_new_incident_with_its_key(kind, request, tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = store_env(kind, request, tmp_path)
    first = CaseManagement(env=env)
    incident_id, _ = first.open_incident(HANDLER, **OPENING)
    first.record_action(HANDLER, incident_id, "NoteAdded", {"text": "Kevin Brouwersma is geschorst"})
    second = CaseManagement(env=env)
    shown = second.incident(HANDLER, incident_id)
    assert shown.learned_how == OPENING["learned_how"]
    assert shown.actions[-1].data["text"] == "Kevin Brouwersma is geschorst"
    assert isinstance(first.recorder, KeyedPostgresRecorder) == (kind == "postgres")


@pytest.mark.integration
def test_on_postgres_a_failed_save_leaves_no_key_of_the_new_incident(postgres_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from shared.config import load_settings

    env = load_settings({"ZORGVULDIG_DATABASE_URL": postgres_url}).event_store_env()
    cases = CaseManagement(env=env)
    existing, _ = cases.open_incident(HANDLER, **OPENING)
    stale = cases.stored_incident(existing)
    cases.record_action(HANDLER, existing, "NoteAdded", {"text": "eerst"})
    stale.record("NoteAdded", actor=HANDLER.id, text="op een oude kopie")
    new = Incident.open(school_id="de-wilg", board_id="kindante", actor=HANDLER.id, **OPENING)

    with pytest.raises(IntegrityError):
        cases.save(new, stale)  # one transaction: the stale copy fails it whole
    assert new.id not in dict(cases.key_vault.export())
    assert cases.recorder.select_events(new.id) == []
    assert [a.data["text"] for a in cases.stored_incident(existing).actions][-1] == "eerst"


def test_an_erased_incident_never_gets_a_second_key(tmp_path: Path) -> None:
    vault = SQLiteKeyVault(str(tmp_path / "sleutels.sqlite"))
    kept, erased = uuid.uuid4(), uuid.uuid4()
    kept_key = vault.new_key(kept)
    vault.new_key(erased)
    vault.erase(erased)
    assert vault.new_key(kept) == kept_key  # never a second key for the same incident
    assert vault.new_key(erased) is None
    assert SQLiteKeyVault(str(tmp_path / "sleutels.sqlite")).key_for(erased, create=True) is None
