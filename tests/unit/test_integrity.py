"""Tamper evidence: an altered stored event breaks the incident's chain from that event on."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from services.case.application import CaseManagement
from tests.examples import ACTIONS, HANDLER, OPENING


def _env(tmp_path: Path) -> dict[str, str]:
    return {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": str(tmp_path / "events.sqlite"),
        "CHAIN_KEY": "test-sleutel",
    }


def _incident_with_actions(cases: CaseManagement, count: int = 5):
    incident_id, _ = cases.open_incident(HANDLER, **OPENING)
    for action in list(ACTIONS)[:count]:
        cases.record_action(HANDLER, incident_id, action, ACTIONS[action])
    return incident_id


def test_untouched_chain_verifies(tmp_path: Path) -> None:
    cases = CaseManagement(env=_env(tmp_path))
    incident_id = _incident_with_actions(cases)
    report = CaseManagement(env=_env(tmp_path)).verify_chain(HANDLER, incident_id)
    assert report.intact and report.events_checked == 6 and len(report.head) == 64


def test_altered_event_is_reported_as_the_first_broken_link(tmp_path: Path) -> None:
    cases = CaseManagement(env=_env(tmp_path))
    incident_id = _incident_with_actions(cases)
    with sqlite3.connect(tmp_path / "events.sqlite") as db:
        (state,) = db.execute(
            "SELECT state FROM stored_events WHERE originator_id = ? AND originator_version = 5",
            (incident_id.hex,),
        ).fetchone()
        assert b"zorgcoordinator" in state
        db.execute(
            "UPDATE stored_events SET state = ? WHERE originator_id = ? AND originator_version = 5",
            (state.replace(b"zorgcoordinator", b"directeur"), incident_id.hex),
        )
    report = CaseManagement(env=_env(tmp_path)).verify_chain(HANDLER, incident_id)
    assert not report.intact
    assert report.first_broken_version == 5


def test_removed_event_breaks_the_chain(tmp_path: Path) -> None:
    cases = CaseManagement(env=_env(tmp_path))
    incident_id = _incident_with_actions(cases)
    with sqlite3.connect(tmp_path / "events.sqlite") as db:
        db.execute(
            "DELETE FROM stored_events WHERE originator_id = ? AND originator_version = 3", (incident_id.hex,)
        )
    report = CaseManagement(env=_env(tmp_path)).verify_chain(HANDLER, incident_id)
    assert report.first_broken_version == 3


def test_erased_incident_still_verifies(tmp_path: Path) -> None:
    cases = CaseManagement(env=_env(tmp_path))
    incident_id = _incident_with_actions(cases, count=len(ACTIONS))
    before = cases.incident(HANDLER, incident_id).version  # a letter's step is an event of its own
    cases.erase_personal_data(incident_id, actor_id="bewaartermijn", reason="bewaartermijn verstreken")
    report = CaseManagement(env=_env(tmp_path)).verify_chain(HANDLER, incident_id)
    assert report.intact and report.events_checked == before + 1


def test_another_key_does_not_verify(tmp_path: Path) -> None:
    incident_id = _incident_with_actions(CaseManagement(env=_env(tmp_path)))
    other = CaseManagement(env={**_env(tmp_path), "CHAIN_KEY": "andere-sleutel"})
    assert other.verify_chain(HANDLER, incident_id).first_broken_version == 1


def test_retention_erases_only_incidents_closed_long_enough_ago(tmp_path: Path) -> None:
    from datetime import timedelta

    from services.case.maintenance import expired

    cases = CaseManagement(env=_env(tmp_path))
    closed_id = _incident_with_actions(cases, count=2)
    open_id = _incident_with_actions(cases, count=2)
    cases.close_incident(HANDLER, closed_id, reason="afgerond")
    closed_at = cases.incident(HANDLER, closed_id).actions[-1].at

    assert expired(cases, days=30, now=closed_at + timedelta(days=29)) == []
    found = expired(cases, days=30, now=closed_at + timedelta(days=31))
    assert [i.id for i in found] == [closed_id]
    assert open_id not in [i.id for i in found]


def test_the_board_exports_a_signed_chain_head_that_shows_later_alteration() -> None:
    from services.case.application import CaseManagement
    from tests.examples import BOARD_MEMBER, HANDLER, OPENING

    cases = CaseManagement(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    incident_id, _ = cases.open_incident(HANDLER, **OPENING)
    cases.record_action(HANDLER, incident_id, "NoteAdded", {"text": "eerste notitie"})
    head = cases.chain_head(BOARD_MEMBER, incident_id)
    assert head["intact"] is True and head["gebeurtenissen"] == 2
    assert cases.chain_head_valid(head)
    assert not cases.chain_head_valid({**head, "gebeurtenissen": 1})
    later = cases.chain_head(BOARD_MEMBER, incident_id)
    assert later["kop"] == head["kop"]


def test_retention_can_differ_per_board(tmp_path: Path) -> None:
    from datetime import timedelta

    from services.case.maintenance import expired
    from shared.config import load_settings

    settings = load_settings({"ZORGVULDIG_RETENTION_DAYS_PER_BOARD": "kindante=10, ander-bestuur=365"})
    assert settings.retention_per_board == {"kindante": 10, "ander-bestuur": 365}
    cases = CaseManagement(env=_env(tmp_path))
    closed_id = _incident_with_actions(cases, count=1)
    cases.close_incident(HANDLER, closed_id, reason="afgerond")
    closed_at = cases.incident(HANDLER, closed_id).actions[-1].at
    later = closed_at + timedelta(days=11)
    assert expired(cases, days=730, now=later) == []
    found = expired(cases, days=730, now=later, per_board=settings.retention_per_board)
    assert [i.id for i in found] == [closed_id]
