"""The agreements with the pupil and the risk at home, in the Incident itself."""

from __future__ import annotations

from uuid import uuid4

import pytest

from services.case.domain.errors import AgreementConflict, HeldBackForSafety
from services.case.domain.incident import Incident
from services.case.domain.protocol import load_protocol, warnings
from tests.examples import ACTIONS, HANDLER, OPENING

AGREED = {**ACTIONS["AgreementsRecorded"], "not_yet_told": ["ouders_alle"]}


def opened() -> Incident:
    return Incident.open(school_id="de-wilg", board_id="kindante", actor=HANDLER.id, **OPENING)


def test_the_latest_agreements_count_and_a_correction_changes_them() -> None:
    incident = opened()
    incident.record("AgreementsRecorded", actor=HANDLER.id, **AGREED)
    incident.correct(
        actor=HANDLER.id,
        corrects=2,
        reason="leerling is van gedachten veranderd",
        changes={"not_yet_told": ["leerlingen"]},
    )
    assert incident.agreements().data["not_yet_told"] == ["leerlingen"]
    assert incident.agreement_conflicts("GroupInformed", {"group": "ouders_alle"}) == []
    assert incident.agreement_conflicts("LetterRequested", {"letter": "oproep_verwijderen"}) == ["leerlingen"]


def test_going_against_an_agreement_records_the_reason_before_the_action() -> None:
    incident = opened()
    incident.record("AgreementsRecorded", actor=HANDLER.id, **AGREED)
    with pytest.raises(AgreementConflict):
        incident.record("GroupInformed", actor=HANDLER.id, group="ouders_alle", how="brief")
    incident.record(
        "GroupInformed",
        actor=HANDLER.id,
        group="ouders_alle",
        how="brief",
        override_reason="politie vraagt het",
    )
    set_aside, informed = incident.actions[-2:]
    assert set_aside.action == "AgreementSetAside" and set_aside.data["reason"] == "politie vraagt het"
    assert set_aside.data["agreement_version"] == 2 and set_aside.data["audiences"] == ["ouders_alle"]
    assert informed.action == "GroupInformed"


def test_a_risk_at_home_holds_back_the_parents_until_it_is_lifted() -> None:
    incident = opened()
    incident.record("SafetyRiskFlagged", actor=HANDLER.id, **ACTIONS["SafetyRiskFlagged"])
    for action, data in (
        ("VictimParentsConversationHeld", {"summary": "gesprek", "agreements": ""}),
        ("GroupInformed", {"group": "ouders_klas", "how": "brief"}),
    ):
        with pytest.raises(HeldBackForSafety, match="Veilig Thuis"):
            incident.record(action, actor=HANDLER.id, **data)
    with pytest.raises(HeldBackForSafety, match="Veilig Thuis"):
        incident.compose_letter(
            actor=HANDLER.id, letter_id=uuid4(), letter="ouders_klas", awaiting_review=False
        )
    incident.record("GroupInformed", actor=HANDLER.id, group="medewerkers", how="briefing")
    protocol = load_protocol()
    assert "veilig_thuis_eerst" in [w.key for w in warnings(protocol, incident.effective_actions())]
    incident.record("SafetyRiskLifted", actor=HANDLER.id, **ACTIONS["SafetyRiskLifted"])
    incident.record("GroupInformed", actor=HANDLER.id, group="ouders_klas", how="brief")
    assert "veilig_thuis_eerst" not in [w.key for w in warnings(protocol, incident.effective_actions())]


def test_a_proposed_parent_letter_is_not_approved_while_the_risk_is_set() -> None:
    incident = opened()
    incident.compose_letter(actor=HANDLER.id, letter_id=uuid4(), letter="ouders_alle", awaiting_review=True)
    incident.record("SafetyRiskFlagged", actor=HANDLER.id, **ACTIONS["SafetyRiskFlagged"])
    with pytest.raises(HeldBackForSafety):
        incident.letter_approved(actor="u-tweede", letter="ouders_alle")
