"""Letters state only what the incident records: a claim appears only with its fact."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from services.case.domain.incident import Incident
from services.case.domain.letters import FACTS, recorded_facts
from shared.letters import FACT_FIELDS, RenderedLetter
from tests.examples import ACTIONS, HANDLER, OPENING

Write = Callable[..., RenderedLetter]

# letter → (fact, the sentence that fact allows)
CLAIMS = [
    ("internetfilter", "reported_to_police", "al bij de politie gemeld"),
    ("internetfilter", "reported_to_hotline", "al gemeld bij het landelijke meldpunt"),
    ("oproep_verwijderen", "police_contacted", "De school werkt hierin samen met de politie."),
    ("medewerkers", "police_contacted", "ermee bezig is, samen met de politie"),
    ("uitnodiging_ouderavond", "police_at_meeting", "Ook de wijkagent is uitgenodigd."),
    ("otv_advies", "otv_advice_requested", "ziet u de melding met de namen van de betrokkenen"),
]


def text(letter: RenderedLetter) -> str:
    return f"{letter.text}\n{letter.html}".replace("\n", " ").replace("  ", " ")


def test_the_case_service_and_the_templates_know_the_same_facts() -> None:
    assert tuple(FACTS) == FACT_FIELDS


@pytest.mark.parametrize(("key", "fact", "sentence"), CLAIMS)
def test_a_claim_appears_only_when_its_fact_is_recorded(
    key: str, fact: str, sentence: str, write: Write
) -> None:
    assert sentence not in text(write(key))
    assert sentence not in text(write(key, **{fact: "nee"}))
    assert sentence in text(write(key, **{fact: "ja"}))


def test_the_facts_come_from_the_recorded_actions() -> None:
    incident = Incident.open(school_id="de-wilg", board_id="kindante", actor=HANDLER.id, **OPENING)
    assert not any(recorded_facts(incident.effective_actions()).values())
    incident.record(
        "PoliceContacted", actor=HANDLER.id, **{**ACTIONS["PoliceContacted"], "outcomes": ["bijeenkomst"]}
    )
    incident.record("MaterialReported", actor=HANDLER.id, **ACTIONS["MaterialReported"])
    facts = recorded_facts(incident.effective_actions())
    assert facts["police_contacted"] and facts["police_at_meeting"]
    assert facts["reported_to_police"] == (ACTIONS["MaterialReported"]["reported_to"] == "politie")
