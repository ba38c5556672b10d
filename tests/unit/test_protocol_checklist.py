"""The protocol as data: the checklist a case handler works through, and its warnings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from services.case.domain.incident import Incident
from services.case.domain.protocol import (
    PROTOCOL_FOLDER,
    InvalidProtocol,
    StepState,
    checklist,
    load_protocol,
    warnings,
)
from tests.examples import ACTIONS, HANDLER, OPENING

KINDANTE = load_protocol()


def incident_with(*actions: str | tuple[str, dict[str, Any]]) -> Incident:
    incident = Incident.open(school_id="de-wilg", board_id="kindante", actor=HANDLER.id, **OPENING)
    for action in actions:
        name, changes = action if isinstance(action, tuple) else (action, {})
        incident.record(name, actor=HANDLER.id, **{**ACTIONS[name], **changes})
    return incident


def state_of(incident: Incident, key: str) -> StepState:
    steps = {status.step.key: status for status in checklist(KINDANTE, incident.effective_actions())}
    return steps[key].state


def warning_keys(incident: Incident) -> list[str]:
    return [w.key for w in warnings(KINDANTE, incident.effective_actions())]


def test_kindante_protocol_has_nine_steps_and_six_phases() -> None:
    assert [s.number for s in KINDANTE.steps] == list(range(1, 10))
    assert [p.number for p in KINDANTE.phases] == list(range(1, 7))


def test_new_incident_has_every_step_open_but_reporting_without_a_url() -> None:
    states = {s.key: state_of(incident_with(), s.key) for s in KINDANTE.steps}
    assert states.pop("melden") is StepState.NOT_APPLICABLE
    assert set(states.values()) == {StepState.OPEN}


def test_victim_step_not_applicable_when_no_pupil_is_visible() -> None:
    incident = incident_with(("ScopeAssessed", {"pupil_visible": "nee"}))
    assert state_of(incident, "slachtoffer") is StepState.NOT_APPLICABLE
    assert state_of(incident, "omvang") is StepState.DONE


def test_victim_step_applies_while_scope_is_unknown() -> None:
    """When in doubt the victim has priority: step 2 starts while step 1 continues."""
    assert state_of(incident_with(), "slachtoffer") is StepState.OPEN


def test_correcting_pupil_visible_makes_the_victim_step_not_applicable() -> None:
    incident = incident_with("ScopeAssessed")
    assert state_of(incident, "slachtoffer") is StepState.OPEN
    incident.correct(
        actor=HANDLER.id, corrects=2, reason="verkeerd begrepen", changes={"pupil_visible": "nee"}
    )
    assert state_of(incident, "slachtoffer") is StepState.NOT_APPLICABLE


def test_step_is_done_with_when_and_by_whom_once_every_group_is_recorded() -> None:
    incident = incident_with("VictimConversationHeld", "VictimParentsConversationHeld")
    assert state_of(incident, "slachtoffer") is StepState.OPEN
    incident.record("HelpArranged", actor=HANDLER.id, **ACTIONS["HelpArranged"])
    status = next(s for s in checklist(KINDANTE, incident.effective_actions()) if s.step.key == "slachtoffer")
    assert status.state is StepState.DONE
    assert status.done_by == HANDLER.id
    assert status.done_at == incident.actions[-1].at


def test_withdrawn_action_no_longer_completes_its_step() -> None:
    incident = incident_with("PoliceContacted")
    incident.correct(actor=HANDLER.id, corrects=2, reason="verkeerde melding", withdraws=True)
    assert state_of(incident, "politie") is StepState.OPEN


def test_deletion_call_before_report_is_flagged() -> None:
    incident = incident_with("DeletionCalled", "MaterialReported")
    assert "volgorde_DeletionCalled" in warning_keys(incident)


def test_deletion_call_after_report_is_not_flagged() -> None:
    incident = incident_with("MaterialReported", "DeletionCalled")
    assert "volgorde_DeletionCalled" not in warning_keys(incident)


def test_pupil_conversation_before_police_plan_is_flagged() -> None:
    flagged = incident_with("PupilConversationHeld", "PoliceContacted")
    assert "volgorde_PupilConversationHeld" in warning_keys(flagged)
    fine = incident_with("PoliceContacted", "PupilConversationHeld")
    assert "volgorde_PupilConversationHeld" not in warning_keys(fine)


def test_report_to_meldpunt_without_public_url_is_flagged() -> None:
    incident = incident_with(("MaterialReported", {"reported_to": "meldpunt", "public_url": False}))
    found = [w for w in warnings(KINDANTE, incident.effective_actions()) if w.key == "meldpunt_zonder_url"]
    assert len(found) == 1 and found[0].version == 2
    assert "politie" in found[0].message


def test_report_to_meldpunt_with_public_url_is_not_flagged() -> None:
    incident = incident_with(("MaterialReported", {"reported_to": "meldpunt", "public_url": True}))
    assert "meldpunt_zonder_url" not in warning_keys(incident)


def test_every_warning_is_a_dutch_sentence() -> None:
    incident = incident_with(
        "DeletionCalled",
        "PupilConversationHeld",
        "SourceUrlRecorded",
        ("MaterialReported", {"reported_to": "meldpunt", "public_url": False}),
    )
    found = warnings(KINDANTE, incident.effective_actions())
    assert len(found) >= 4
    assert all(w.message.endswith(".") for w in found)


BOARD_PROTOCOL = """
id = "ander-bestuur-2025"
name = "Protocol van een ander bestuur"
version = "1"
checks = ["meldpunt_alleen_openbare_url"]

[[steps]]
number = 1
key = "politie_eerst"
title = "Bel eerst de politie"
requires = [["PoliceContacted"]]
actions = ["PoliceContacted"]

[[steps]]
number = 2
key = "melden"
title = "Meld het materiaal"
applies_when = "openbare_url"
requires = [["MaterialReported"]]
actions = ["MaterialReported"]

[[order_rules]]
action = "ScopeAssessed"
after = ["PoliceContacted"]
message = "Bij dit bestuur belt u eerst de politie."
"""


def test_a_board_loads_its_own_protocol_from_a_folder(tmp_path: Path) -> None:
    (tmp_path / "ander-bestuur-2025.toml").write_text(BOARD_PROTOCOL, encoding="utf-8")
    protocol = load_protocol("ander-bestuur-2025", folder=tmp_path)
    assert protocol.name == "Protocol van een ander bestuur"
    assert [s.key for s in protocol.steps] == ["politie_eerst", "melden"]

    incident = incident_with("ScopeAssessed")
    actions = incident.effective_actions()
    states = {s.step.key: s.state for s in checklist(protocol, actions)}
    assert states == {"politie_eerst": StepState.OPEN, "melden": StepState.NOT_APPLICABLE}
    assert [w.message for w in warnings(protocol, actions)] == ["Bij dit bestuur belt u eerst de politie."]


@pytest.mark.parametrize(
    ("broken", "complaint"),
    [
        ('actions = ["PoliceContacted"]', 'actions = ["PhotoUploaded"]'),
        ('applies_when = "openbare_url"', 'applies_when = "als_het_regent"'),
        ('checks = ["meldpunt_alleen_openbare_url"]', 'checks = ["onbekende_controle"]'),
    ],
)
def test_an_invalid_protocol_file_is_refused(tmp_path: Path, broken: str, complaint: str) -> None:
    assert broken in BOARD_PROTOCOL
    (tmp_path / "kapot.toml").write_text(BOARD_PROTOCOL.replace(broken, complaint, 1), encoding="utf-8")
    with pytest.raises(InvalidProtocol):
        load_protocol("kapot", folder=tmp_path)


def test_a_protocol_file_that_is_not_toml_is_refused(tmp_path: Path) -> None:
    (tmp_path / "kapot.toml").write_text("id = \n[[steps", encoding="utf-8")
    with pytest.raises(ValueError):
        load_protocol("kapot", folder=tmp_path)


def test_the_default_protocol_file_ships_with_the_package() -> None:
    assert (PROTOCOL_FOLDER / f"{KINDANTE.id}.toml").is_file()
