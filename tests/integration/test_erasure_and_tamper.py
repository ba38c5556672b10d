"""Erasure and tamper evidence on both real stores (issue 5): after erasure the personal data
is unreadable and the process figures are unchanged; an altered stored event is found."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from services.case.application import CaseManagement
from services.case.personal_data import ERASED
from tests.examples import ACTIONS, BOARD_MEMBER, HANDLER, OPENING, PLANTED_NAMES
from tests.integration.stores import STORES, store_env


def worked_incident(cases: CaseManagement):  # type: ignore[no-untyped-def]
    incident_id, _ = cases.open_incident(HANDLER, **OPENING)
    for action, data in ACTIONS.items():
        cases.record_action(HANDLER, incident_id, action, data)
    return incident_id


def connect(env: dict[str, str]):  # type: ignore[no-untyped-def]
    if env["PERSISTENCE_MODULE"].endswith("sqlite"):
        return sqlite3.connect(env["SQLITE_DBNAME"]), "?", lambda i: i.hex
    import psycopg

    connection = psycopg.connect(
        dbname=env["POSTGRES_DBNAME"], host=env["POSTGRES_HOST"], user=env["POSTGRES_USER"], autocommit=True
    )
    return connection, "%s", lambda i: i


def raw_states(cases: CaseManagement, env: dict[str, str], incident_id) -> list[bytes]:  # type: ignore[no-untyped-def]
    db, mark, key = connect(env)
    table = cases.recorder.events_table_name
    with db:
        rows = db.execute(f"SELECT state FROM {table} WHERE originator_id = {mark}", (key(incident_id),))
        return [bytes(r[0]) for r in rows]


def alter(
    cases: CaseManagement, env: dict[str, str], incident_id, version: int, old: bytes, new: bytes
) -> None:  # type: ignore[no-untyped-def]
    db, mark, key = connect(env)
    table = cases.recorder.events_table_name
    where = f"WHERE originator_id = {mark} AND originator_version = {mark}"
    with db:
        (state,) = db.execute(f"SELECT state FROM {table} {where}", (key(incident_id), version)).fetchone()
        assert old in bytes(state)
        db.execute(
            f"UPDATE {table} SET state = {mark} {where}",
            (bytes(state).replace(old, new), key(incident_id), version),
        )


@pytest.mark.parametrize("kind", STORES)
def test_erased_data_is_unreadable_and_the_figures_stay(kind: str, request, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    env = store_env(kind, request, tmp_path)
    cases = CaseManagement(env=env)
    incident_id = worked_incident(cases)
    before = cases.progress(cases.incident(HANDLER, incident_id))
    for state in raw_states(cases, env, incident_id):
        for name in PLANTED_NAMES:
            assert name.encode() not in state  # sealed, also before erasure

    cases.erase_personal_data(incident_id, actor_id="bewaartermijn", reason="bewaartermijn verstreken")
    later = CaseManagement(env=env)
    incident = later.incident(HANDLER, incident_id)
    assert incident.action_at(2).data["shared_by"] == [ERASED]
    assert all(name not in repr(later.audit_trail(HANDLER, incident_id)) for name in PLANTED_NAMES)
    after = later.progress(incident)
    assert [(s.step.number, s.state, s.done_at) for s in after[0]] == [
        (s.step.number, s.state, s.done_at) for s in before[0]
    ]
    assert later.verify_chain(BOARD_MEMBER, incident_id).intact


@pytest.mark.parametrize("kind", STORES)
def test_an_altered_event_is_found(kind: str, request, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    env = store_env(kind, request, tmp_path)
    cases = CaseManagement(env=env)
    incident_id = worked_incident(cases)
    assert cases.verify_chain(BOARD_MEMBER, incident_id).intact
    alter(cases, env, incident_id, 5, b"zorgcoordinator", b"directeur")
    report = CaseManagement(env=env).verify_chain(BOARD_MEMBER, incident_id)
    assert not report.intact and report.first_broken_version == 5
