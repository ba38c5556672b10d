"""Improvements for the protocol shared with the board: the letters' guard reads the text, a
second person reviews it, and the board's overview lists it per step, naming a school only
from five incidents on."""

from __future__ import annotations

import re

import pytest

from services.case.domain.errors import ReasonRequired, SecondReviewerRequired
from services.case.domain.incident import Incident
from tests.examples import HANDLER, OPENING, SECOND_HANDLER
from tests.reporting.test_pages import app, browser, catch_up  # noqa: F401 — the fixtures

IMPROVEMENT = "Leg bij het bellen van de wijkagent vast binnen welke tijd die terugbelt."


def propose(handler, page: str, text: str = IMPROVEMENT, step: str = "politie"):  # type: ignore[no-untyped-def]
    return handler.post(f"{page}/verbeteringen", {"step": step, "text": text})


def test_a_name_from_the_incident_in_the_improvement_is_refused_like_in_a_letter(browser) -> None:  # noqa: F811
    handler = browser("behandelaar.dewilg")
    page = handler.open_incident()
    pupil = {"role": "slachtoffer", "name": "Noor Wijnaldum", "nickname": "", "class_label": "groep 8b"}
    handler.post(f"{page}/acties/PupilRecorded", pupil)
    refused = propose(handler, page, "Bij Noor ging het bellen te traag.")
    assert refused.status_code == 422 and "Noor" in refused.text
    refused = propose(handler, page, "In groep 8b ging het bellen te traag.")
    assert refused.status_code == 422
    assert "Wacht op beoordeling" in refused.text and "Geen verbeteringen die wachten." in refused.text


def test_the_proposer_cannot_share_it_and_refusing_needs_a_reason() -> None:
    incident = Incident.open(school_id="de-wilg", board_id="kindante", actor=HANDLER.id, **OPENING)
    incident.propose_improvement(actor=HANDLER.id, step="politie", text=IMPROVEMENT)
    version = incident.actions[-1].version
    with pytest.raises(SecondReviewerRequired):
        incident.decide_improvement(actor=HANDLER.id, proposal_version=version, share=True)
    with pytest.raises(ReasonRequired):
        incident.decide_improvement(
            actor=SECOND_HANDLER.id, proposal_version=version, share=False, reason=" "
        )
    incident.decide_improvement(actor=SECOND_HANDLER.id, proposal_version=version, share=True)
    shared = incident.actions[-1]
    assert shared.action == "ImprovementShared" and shared.data["text"] == IMPROVEMENT
    assert incident.improvements_awaiting_review() == []


def test_the_board_reads_shared_improvements_per_step_without_a_small_schools_name(app, browser) -> None:  # noqa: F811
    handler, director = browser("behandelaar.dewilg"), browser("directeur.dewilg")
    page = handler.open_incident()
    assert propose(handler, page).status_code == 302
    propose(handler, page, "Dit hoeft het bestuur niet te zien.", step="omvang")
    waiting = director.get(f"{page}/verbeteringen").text
    versions = [int(v) for v in re.findall(r'id="voorstel-(\d+)"', waiting)]
    assert len(versions) == 2 and "Delen met het bestuur" in waiting
    assert "Delen met het bestuur</button>" not in handler.get(f"{page}/verbeteringen").text
    director.post(f"{page}/verbeteringen/{versions[0]}/besluit", {"besluit": "delen"})
    director.post(f"{page}/verbeteringen/{versions[1]}/besluit", {"besluit": "niet", "reden": "intern"})
    catch_up(app)

    board = browser("bestuur").get("/rapportage/").text
    part = board.split('id="gedeelde-verbeteringen"')[1]
    assert "Stap 3. Schakel met de politie" in part and IMPROVEMENT in part
    assert "Dit hoeft het bestuur niet te zien." not in part
    assert "een school van het bestuur" in part and "De Wilg" not in part

    for _ in range(4):  # from five incidents on, the school is named
        handler.open_incident()
    catch_up(app)
    part = browser("bestuur").get("/rapportage/").text.split('id="gedeelde-verbeteringen"')[1]
    assert "Basisschool De Wilg" in part
