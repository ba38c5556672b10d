"""The victim conversation guides: a worry about home marked at question 4 or 6 asks for a
recorded decision on the risk at home before step 2 is done, and is never set aside silently."""

from __future__ import annotations

import pytest

from services.case.domain.errors import ReasonRequired
from services.case.domain.incident import Incident
from services.case.domain.protocol import StepState, checklist, load_protocol, warnings
from tests.examples import ACTIONS, HANDLER, OPENING

KINDANTE = load_protocol()


def victim_step_done_but_for_the_worry(worry: list[str]) -> Incident:
    incident = Incident.open(school_id="de-wilg", board_id="kindante", actor=HANDLER.id, **OPENING)
    conversation = {**ACTIONS["VictimConversationHeld"], "worry_at_home": worry}
    incident.record("VictimConversationHeld", actor=HANDLER.id, **conversation)
    incident.record(
        "VictimParentsConversationHeld", actor=HANDLER.id, **ACTIONS["VictimParentsConversationHeld"]
    )
    incident.record("HelpArranged", actor=HANDLER.id, **ACTIONS["HelpArranged"])
    return incident


def victim_step(incident: Incident) -> StepState:
    return next(
        s.state for s in checklist(KINDANTE, incident.effective_actions()) if s.step.key == "slachtoffer"
    )


def worry_warned(incident: Incident) -> bool:
    return any(w.key == "zorg_thuis_besluiten" for w in warnings(KINDANTE, incident.effective_actions()))


def test_without_a_worry_step_2_is_done_as_before() -> None:
    incident = victim_step_done_but_for_the_worry([])
    assert victim_step(incident) is StepState.DONE and not worry_warned(incident)


def test_a_worry_at_question_6_keeps_step_2_open_and_says_what_to_decide() -> None:
    incident = victim_step_done_but_for_the_worry(["vraag_6"])
    assert victim_step(incident) is StepState.OPEN and worry_warned(incident)


def test_no_sign_of_risk_with_a_reason_completes_step_2() -> None:
    incident = victim_step_done_but_for_the_worry(["vraag_4"])
    incident.record("NoRiskAtHomeFound", actor=HANDLER.id, **ACTIONS["NoRiskAtHomeFound"])
    assert victim_step(incident) is StepState.DONE and not worry_warned(incident)


def test_recording_the_risk_is_the_other_decision() -> None:
    incident = victim_step_done_but_for_the_worry(["vraag_4", "vraag_6"])
    incident.record("SafetyRiskFlagged", actor=HANDLER.id, **ACTIONS["SafetyRiskFlagged"])
    assert victim_step(incident) is StepState.DONE and not worry_warned(incident)


@pytest.mark.parametrize("reason", ["", "   \n"])
def test_a_worry_cannot_be_dismissed_without_a_reason(reason: str) -> None:
    incident = victim_step_done_but_for_the_worry(["vraag_6"])
    with pytest.raises(ReasonRequired, match="niet zonder reden"):
        incident.record("NoRiskAtHomeFound", actor=HANDLER.id, reason=reason)
    assert victim_step(incident) is StepState.OPEN


def test_a_decision_before_the_worry_was_marked_does_not_count() -> None:
    incident = Incident.open(school_id="de-wilg", board_id="kindante", actor=HANDLER.id, **OPENING)
    incident.record("NoRiskAtHomeFound", actor=HANDLER.id, **ACTIONS["NoRiskAtHomeFound"])
    incident.record("VictimConversationHeld", actor=HANDLER.id,
                    **{**ACTIONS["VictimConversationHeld"], "worry_at_home": ["vraag_4"]})  # fmt: skip
    assert worry_warned(incident)


def test_conversations_recorded_before_the_worry_mark_read_as_without_worry() -> None:
    state: dict[str, object] = {}
    Incident.VictimConversationHeld.upcast_v2_v3(state)  # type: ignore[attr-defined]
    assert state["worry_at_home"] == []
