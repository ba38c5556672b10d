"""Working copies of long incidents: an action reads only the events stored since this process
saved the incident, stays correct beside a second process, and keeps nothing erased."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.case.application import CaseManagement, ConcurrentEdit
from services.case.personal_data import ERASED
from shared.config import load_settings
from tests.examples import ACTIONS, BOARD_MEMBER, HANDLER, OPENING


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path)}).event_store_env()


def note(cases: CaseManagement, incident_id, text: str, **kwargs) -> int:  # type: ignore[no-untyped-def]
    return cases.record_action(HANDLER, incident_id, "NoteAdded", {"text": text}, **kwargs)


def test_a_second_process_sees_and_builds_on_the_other_ones_actions(env) -> None:
    first, second = CaseManagement(env=env), CaseManagement(env=env)
    incident_id, _ = first.open_incident(HANDLER, **OPENING)
    note(first, incident_id, "een")
    note(second, incident_id, "twee")
    note(first, incident_id, "drie")  # from its working copy, brought up to date with "twee"
    for cases in (first, second, CaseManagement(env=env)):
        texts = [a.data["text"] for a in cases.incident(HANDLER, incident_id).actions]
        assert texts == ["een", "twee", "drie"]
    assert first.verify_chain(BOARD_MEMBER, incident_id).intact


def test_a_stale_form_is_still_refused_with_a_working_copy(env) -> None:
    first, second = CaseManagement(env=env), CaseManagement(env=env)
    incident_id, _ = first.open_incident(HANDLER, **OPENING)
    note(first, incident_id, "een")
    seen = first.incident(HANDLER, incident_id).version
    note(second, incident_id, "intussen")
    with pytest.raises(ConcurrentEdit):
        note(first, incident_id, "op een oud formulier", expected_version=seen)
    assert len(first.incident(HANDLER, incident_id).actions) == 2


def test_a_lost_race_leaves_no_half_changed_copy(env) -> None:
    cases = CaseManagement(env=env)
    incident_id, _ = cases.open_incident(HANDLER, **OPENING)
    note(cases, incident_id, "een")
    copy = cases.working_copies.take(incident_id)
    assert copy is not None
    copy.record("NoteAdded", actor=HANDLER.id, text="nooit opgeslagen")  # the copy changed, not saved
    assert cases.working_copies.take(incident_id) is None  # taken out while a command works
    note(cases, incident_id, "twee")
    assert [a.data["text"] for a in cases.incident(HANDLER, incident_id).actions] == ["een", "twee"]


def test_no_working_copy_survives_erasure(env) -> None:
    first, second = CaseManagement(env=env), CaseManagement(env=env)
    incident_id, _ = first.open_incident(HANDLER, **OPENING)
    cases_action = "ScopeAssessed"
    first.record_action(HANDLER, incident_id, cases_action, ACTIONS[cases_action])
    note(second, incident_id, "van het tweede proces")
    first.erase_personal_data(incident_id, actor_id="bewaartermijn", reason="bewaartermijn voorbij")
    assert first.working_copies.take(incident_id) is None
    second.key_vault.erase(incident_id)  # its key cache may lag a little; the key is gone for good
    note(second, incident_id, "na het wissen")
    assert second.working_copies.take(incident_id) is None
    shown = CaseManagement(env=env).incident(HANDLER, incident_id)
    assert shown.actions[0].data["shared_by"] == [ERASED]
    assert shown.actions[1].data["text"] == ERASED
