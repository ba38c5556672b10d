"""The Stappenplan Sexting complete: its Analyseer and Reageer items as actions with the
Stappenplan's own guidance, the message's approach, a meeting with the police's support; and a
board's own protocol file can carry them, or change them."""

from __future__ import annotations

import tomllib

import pytest

from services.case.domain.incident import Incident
from services.case.domain.protocol import InvalidProtocol, load_protocol, parse_protocol, phases
from tests.examples import ACTIONS, HANDLER, OPENING

KINDANTE = load_protocol()

OWN = """
id = "eigen"
name = "Eigen protocol"
version = "1"

[[steps]]
number = 1
key = "slachtoffer"
title = "Sta het slachtoffer bij"
requires = [["VictimConversationHeld"]]
open_zolang = ["zorg_thuis_zonder_besluit"]
actions = ["VictimConversationHeld", "NoRiskAtHomeFound", "CultureSensitivityConsidered"]

[[phases]]
number = 1
key = "analyseer"
title = "Analyseer"
actions = ["CultureSensitivityConsidered", "AlternativeInterventionsConsidered"]

[phases.uitleg]
CultureSensitivityConsidered = "Vraag de intern begeleider wat gevoelig ligt."
"""


def guidance_of(phase_key: str) -> dict[str, str]:
    phase = next(p for p in KINDANTE.phases if p.key == phase_key)
    return dict(phase.guidance)


def test_analyseer_and_reageer_carry_the_missing_items_with_the_stappenplans_words() -> None:
    analyse, react = guidance_of("analyseer"), guidance_of("reageer")
    assert "cultuursensitief" in analyse["CultureSensitivityConsidered"]
    assert "Inventariseer vooraf welke hulp" in react["ParentHelpInventoried"]
    assert "alternatieve interventies" in react["AlternativeInterventionsConsidered"]
    assert "problematiseren of normaliseren" in guidance_of("faciliteer")["PupilMessageDecided"]
    meeting = guidance_of("communiceer")["MeetingPlanned"]
    assert "leerlingenbijeenkomst" in meeting and "wijkagent of politie kan ondersteunen" in meeting


def test_every_new_action_belongs_to_a_step_so_its_form_is_offered() -> None:
    new = ("CultureSensitivityConsidered", "ParentHelpInventoried", "AlternativeInterventionsConsidered",
           "MeetingPlanned", "NoRiskAtHomeFound")  # fmt: skip
    for action in new:
        assert KINDANTE.step_of(action) is not None, action


def test_the_phases_view_shows_what_is_done_with_the_guidance_beside_each_action() -> None:
    incident = Incident.open(school_id="de-wilg", board_id="kindante", actor=HANDLER.id, **OPENING)
    incident.record(
        "CultureSensitivityConsidered", actor=HANDLER.id, **ACTIONS["CultureSensitivityConsidered"]
    )
    analyse = next(p for p in phases(KINDANTE, incident.effective_actions()) if p.phase.key == "analyseer")
    item = next(a for a in analyse.actions if a.action == "CultureSensitivityConsidered")
    assert item.done is not None and "wat ligt gevoelig" in item.guidance


def test_a_boards_own_file_carries_the_new_actions_guidance_and_conditions() -> None:
    own = parse_protocol(tomllib.loads(OWN))
    assert own.steps[0].open_while == ("zorg_thuis_zonder_besluit",)
    assert (
        own.phases[0].guidance_for("CultureSensitivityConsidered")
        == "Vraag de intern begeleider wat gevoelig ligt."
    )
    assert own.phases[0].guidance_for("AlternativeInterventionsConsidered") == ""


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (("CultureSensitivityConsidered = ", "Gevoeligheid = "), "Onbekende acties"),
        (('open_zolang = ["zorg_thuis_zonder_besluit"]', 'open_zolang = ["zorg"]'), "Onbekende voorwaarden"),
    ],
)
def test_a_misspelt_action_or_condition_in_a_boards_file_is_refused(
    change: tuple[str, str], why: str
) -> None:
    with pytest.raises(InvalidProtocol, match=why):
        parse_protocol(tomllib.loads(OWN.replace(*change)))


def test_a_message_decided_before_the_choice_reads_as_without_an_approach() -> None:
    state: dict[str, object] = {}
    Incident.PupilMessageDecided.upcast_v1_v2(state)  # type: ignore[attr-defined]
    assert state["approach"] == ""
