"""Hard rule 3: personal data is sealed per incident and erasable without breaking the trail."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.case.application import CaseManagement
from services.case.personal_data import ERASED
from tests.examples import ACTIONS, HANDLER, OPENING, PLANTED_NAMES


def _stores(tmp_path: Path) -> dict[str, dict[str, str]]:
    return {
        "geheugen": {"PERSISTENCE_MODULE": "eventsourcing.popo"},
        "sqlite": {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(tmp_path / "events.sqlite"),
        },
    }


@pytest.fixture(params=["geheugen", "sqlite"])
def env(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    return _stores(tmp_path)[request.param]


def _reopened(env: dict[str, str], cases: CaseManagement) -> CaseManagement:
    """A fresh application on the same store; the in-memory store lives in its instance."""
    if env["PERSISTENCE_MODULE"].endswith("popo"):
        return cases
    return CaseManagement(env=env)


def _worked_incident(cases: CaseManagement):
    incident_id, _ = cases.open_incident(HANDLER, **OPENING)
    for action, data in ACTIONS.items():
        cases.record_action(HANDLER, incident_id, action, data)
    cases.correct(
        HANDLER,
        incident_id,
        corrects=2,
        reason="naam van Kevin Brouwersma verkeerd gespeld",
        changes={"shared_by": ["Kevin Brouwersma"], "pupil_visible": "nee"},
    )
    return incident_id


def test_personal_fields_are_never_stored_in_plain_text(tmp_path: Path) -> None:
    env = _stores(tmp_path)["sqlite"]
    cases = CaseManagement(env=env)
    _worked_incident(cases)
    stored = (tmp_path / "events.sqlite").read_bytes()
    for name in PLANTED_NAMES:
        assert name.encode() not in stored


def test_sealed_fields_read_back_while_the_key_exists(env: dict[str, str]) -> None:
    cases = CaseManagement(env=env)
    incident_id = _worked_incident(cases)
    incident = _reopened(env, cases).incident(HANDLER, incident_id)
    assert incident.action_at(2).data["shared_by"] == ["Kevin Brouwersma"]
    assert incident.learned_how == OPENING["learned_how"]


def test_erasure_keeps_the_trail_and_the_process_figures(env: dict[str, str]) -> None:
    cases = CaseManagement(env=env)
    incident_id = _worked_incident(cases)
    before_steps, before_warnings = cases.progress(cases.incident(HANDLER, incident_id))
    trail_before = cases.audit_trail(HANDLER, incident_id)

    cases.erase_personal_data(incident_id, actor_id="bewaartermijn", reason="bewaartermijn verstreken")

    after = _reopened(env, cases)
    incident = after.incident(HANDLER, incident_id)
    trail_after = after.audit_trail(HANDLER, incident_id)
    assert [e.event_type for e in trail_after[:-1]] == [e.event_type for e in trail_before]
    assert trail_after[-1].event_type == "PersonalDataErased"
    text = repr([e.data for e in trail_after])
    for name in PLANTED_NAMES:
        assert name not in text
    assert incident.action_at(2).data["shared_by"] == [ERASED]
    assert incident.action_at(2).data["pupil_visible"] == "nee"
    after_steps, after_warnings = after.progress(incident)
    assert [(s.step.number, s.state, s.done_at) for s in after_steps] == [
        (s.step.number, s.state, s.done_at) for s in before_steps
    ]
    assert after_warnings == before_warnings


def test_actions_after_erasure_keep_nothing_personal(env: dict[str, str]) -> None:
    cases = CaseManagement(env=env)
    incident_id = _worked_incident(cases)
    cases.erase_personal_data(incident_id, actor_id="bewaartermijn", reason="bewaartermijn verstreken")
    cases.record_action(HANDLER, incident_id, "NoteAdded", {"text": "Noor Wijnaldum belde nog"})
    incident = _reopened(env, cases).incident(HANDLER, incident_id)
    assert incident.actions[-1].data["text"] == ERASED


def test_erasure_makes_every_conversation_answer_and_evaluation_text_unreadable(env: dict[str, str]) -> None:
    cases = CaseManagement(env=env)
    incident_id = _worked_incident(cases)
    cases.erase_personal_data(incident_id, actor_id="bewaartermijn", reason="bewaartermijn verstreken")
    incident = _reopened(env, cases).incident(HANDLER, incident_id)
    by_action = {a.action: a.data for a in incident.actions}
    conversation = by_action["VictimConversationHeld"]
    for field, value in ACTIONS["VictimConversationHeld"].items():
        if field == "wording":
            assert conversation[field] == "checklist"
        elif value:
            assert conversation[field] in (ERASED, [ERASED]), field
    for field in ("went_well", "could_be_better", "protocol_improvements", "prevention"):
        assert by_action["EvaluationHeld"][field] == ERASED
    assert by_action["AftercareHeld"]["notes"] == ERASED
    assert by_action["StepNotNeeded"]["step"] == "informeren"
