"""Conditions as data: when a step applies, which step may be 'niet nodig', which order the
protocol asks, and the warnings that follow from recorded facts. A board's file changes them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from services.case.application import CaseManagement
from services.case.domain.errors import StepAlwaysNeeded
from services.case.domain.incident import Incident
from services.case.domain.protocol import StepState, checklist, load_protocol, warnings
from tests.examples import ACTIONS, HANDLER, OPENING

KINDANTE = load_protocol()
OWN_BOARD = load_protocol("eigen-bestuur-2026", folder=Path(__file__).resolve().parents[1] / "protocols")


def incident_with(*actions: str | tuple[str, dict[str, Any]], situation: str = "beeld_leerling") -> Incident:
    incident = Incident.open(
        school_id="de-wilg", board_id="kindante", actor=HANDLER.id, **{**OPENING, "situation": situation}
    )
    for action in actions:
        name, changes = action if isinstance(action, tuple) else (action, {})
        incident.record(name, actor=HANDLER.id, **{**ACTIONS[name], **changes})
    return incident


def states(protocol: Any, incident: Incident) -> dict[str, StepState]:
    return {s.step.key: s.state for s in checklist(protocol, incident.effective_actions())}


def warned(protocol: Any, incident: Incident) -> dict[str, str]:
    return {w.key: w.step for w in warnings(protocol, incident.effective_actions(), incident.situation)}


# ------------------------------------------------------------------ step 4 applies when


def test_reporting_does_not_apply_while_no_url_is_known_and_the_police_did_not_ask() -> None:
    assert states(KINDANTE, incident_with("PoliceContacted"))["melden"] is StepState.NOT_APPLICABLE


def test_reporting_applies_once_a_url_is_known() -> None:
    assert states(KINDANTE, incident_with("SourceUrlRecorded"))["melden"] is StepState.OPEN


def test_reporting_applies_when_the_police_ask_for_it() -> None:
    asked = incident_with(("PoliceContacted", {"outcomes": ["gesprekken", "melden"]}))
    assert states(KINDANTE, asked)["melden"] is StepState.OPEN


def test_a_report_made_anyway_counts_as_done() -> None:
    assert states(KINDANTE, incident_with("MaterialReported"))["melden"] is StepState.DONE


# ------------------------------------------------------------- step 8 may be 'niet nodig'


def test_informing_can_be_closed_as_not_needed_with_the_reason() -> None:
    incident = incident_with("StepNotNeeded")
    (status,) = [s for s in checklist(KINDANTE, incident.effective_actions()) if s.step.key == "informeren"]
    assert status.state is StepState.NOT_NEEDED
    assert status.not_needed_because == ACTIONS["StepNotNeeded"]["reason"]
    assert status.done_by == HANDLER.id


def test_a_withdrawn_not_needed_opens_the_step_again() -> None:
    incident = incident_with("StepNotNeeded")
    incident.correct(actor=HANDLER.id, corrects=2, reason="toch nodig", withdraws=True)
    assert states(KINDANTE, incident)["informeren"] is StepState.OPEN


@pytest.fixture
def cases() -> CaseManagement:
    return CaseManagement(
        env={"PERSISTENCE_MODULE": "eventsourcing.popo"},
        protocols={
            KINDANTE.id: KINDANTE,
            OWN_BOARD.id: OWN_BOARD,
        },
    )


def test_the_application_refuses_not_needed_for_a_step_that_is_always_needed(cases: CaseManagement) -> None:
    incident_id, _ = cases.open_incident(HANDLER, **OPENING)
    with pytest.raises(StepAlwaysNeeded):
        cases.record_action(HANDLER, incident_id, "StepNotNeeded", {"step": "politie", "reason": "geen tijd"})
    cases.record_action(HANDLER, incident_id, "StepNotNeeded", ACTIONS["StepNotNeeded"])


def test_a_board_file_decides_which_step_may_be_not_needed(cases: CaseManagement) -> None:
    incident_id, _ = cases.open_incident(HANDLER, **{**OPENING, "protocol_id": OWN_BOARD.id})
    with pytest.raises(StepAlwaysNeeded):
        cases.record_action(HANDLER, incident_id, "StepNotNeeded", ACTIONS["StepNotNeeded"])
    cases.record_action(
        HANDLER, incident_id, "StepNotNeeded", {"step": "gesprekken", "reason": "niemand anders"}
    )
    steps, _ = cases.progress(cases.incident(HANDLER, incident_id))
    assert {s.step.key: s.state for s in steps}["gesprekken"] is StepState.NOT_NEEDED


def test_a_board_file_changes_when_reporting_applies() -> None:
    assert states(OWN_BOARD, incident_with())["melden"] is StepState.OPEN


# ------------------------------------------------------------ the order rule for deletion


def test_deletion_after_police_contact_is_in_order() -> None:
    assert "volgorde_DeletionCalled" not in warned(
        KINDANTE, incident_with("PoliceContacted", "DeletionCalled")
    )
    assert "volgorde_DeletionCalled" not in warned(
        KINDANTE, incident_with("MaterialReported", "DeletionCalled")
    )


def test_deletion_before_police_contact_or_report_is_flagged_on_step_5() -> None:
    assert warned(KINDANTE, incident_with("DeletionCalled", "PoliceContacted"))[
        "volgorde_DeletionCalled"
    ] == ("verwijderen")


def test_a_board_file_can_ask_for_the_report_before_deletion() -> None:
    flagged = warned(OWN_BOARD, incident_with("PoliceContacted", "DeletionCalled"))
    assert "volgorde_DeletionCalled" in flagged


# ---------------------------------------------------------------- prompts from facts


def test_a_public_url_not_yet_reported_is_warned_on_step_4() -> None:
    assert warned(KINDANTE, incident_with("SourceUrlRecorded"))["openbare_url_niet_gemeld"] == "melden"
    assert "openbare_url_niet_gemeld" not in warned(
        KINDANTE, incident_with("SourceUrlRecorded", "MaterialReported")
    )
    private = incident_with(("SourceUrlRecorded", {"public": False}))
    assert "openbare_url_niet_gemeld" not in warned(KINDANTE, private)


def test_abuse_material_shared_prompts_criminal_steps_with_the_wijkagent_on_step_3() -> None:
    incident = incident_with(situation="kinderporno_gedeeld")
    assert warned(KINDANTE, incident)["strafrechtelijke_stappen_bespreken"] == "politie"
    message = next(w.message for w in warnings(KINDANTE, [], "kinderporno_gedeeld"))
    assert "Zeden" in message and "wijkagent" in message


def test_a_picture_the_pupil_did_not_make_prompts_criminal_steps() -> None:
    incident = incident_with(("VictimConversationHeld", {"made_self": "nee"}))
    assert "strafrechtelijke_stappen_bespreken" in warned(KINDANTE, incident)
    assert "strafrechtelijke_stappen_bespreken" not in warned(
        KINDANTE, incident_with("VictimConversationHeld")
    )


def test_the_criminal_steps_prompt_ends_when_they_were_discussed_with_the_police() -> None:
    discussed = incident_with(
        ("VictimConversationHeld", {"made_self": "nee"}),
        ("PoliceContacted", {"outcomes": ["strafrechtelijk"]}),
    )
    assert "strafrechtelijke_stappen_bespreken" not in warned(KINDANTE, discussed)
    assert "strafrechtelijke_stappen_bespreken" not in warned(
        KINDANTE, incident_with("ReportDecided", situation="kinderporno_gedeeld")
    )


def test_other_schools_involved_are_warned_until_they_are_informed() -> None:
    involved = ("ScopeAssessed", {"other_schools_involved": True, "other_schools": "De Klimop"})
    assert warned(KINDANTE, incident_with(involved))["andere_scholen_niet_geinformeerd"] == "politie"
    assert "andere_scholen_niet_geinformeerd" not in warned(
        KINDANTE, incident_with(involved, "OtherSchoolsInformed")
    )


def test_the_default_protocol_file_loads_with_every_new_condition_and_check() -> None:
    melden = next(s for s in KINDANTE.steps if s.key == "melden")
    assert melden.applies_when == ("url_bekend", "politie_vraagt_melding", "al_gemeld")
    assert [s.key for s in KINDANTE.steps if s.may_be_not_needed] == ["informeren"]
    assert {"openbare_url_melden", "dwang_naar_zeden", "andere_scholen_informeren"} <= set(KINDANTE.checks)
