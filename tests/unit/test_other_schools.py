"""Other schools (issue 24, item 3): recorded with a role, told, and confirming receipt once
through a signed one-time link; a reused, forged, expired or erased link is refused in Dutch."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

import pytest

from services.case.application import CaseManagement, IncidentNotFound
from services.case.domain.errors import IncidentClosed, SecondPersonRequired
from services.case.domain.incident import Incident
from services.case.domain.other_schools import (
    LinkExpired,
    LinkInvalid,
    LinkUsed,
    NoticeAlreadyApproved,
    OtherSchoolAlreadyRecorded,
    OtherSchoolIncomplete,
    school_days_between,
)
from services.case.domain.protocol import StepState, StepStatus
from services.case.other_schools import confirmation_token
from services.case.web.next_steps import next_step
from tests.examples import ACTIONS, HANDLER, OPENING, OTHER_SCHOOL_HANDLER, SECOND_HANDLER

TODAY = date.today()


@pytest.fixture
def cases() -> CaseManagement:
    return CaseManagement(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})


@pytest.fixture
def incident_id(cases: CaseManagement) -> UUID:
    incident_id, _ = cases.open_incident(HANDLER, **OPENING)
    cases.record_other_school(
        HANDLER, incident_id, name="Basisschool De Linde", contact="info@delinde.invalid", role="dader"
    )
    return incident_id


def token(cases: CaseManagement, incident_id: UUID, number: int = 2) -> str:
    return cases.confirmation_link(incident_id, number).rsplit("/", 1)[1]


def test_a_school_confirms_once_with_its_feedback_as_an_event(
    cases: CaseManagement, incident_id: UUID
) -> None:
    cases.confirm_receipt(
        token(cases, incident_id), today=TODAY, feedback="Wij spreken de leerling en de ouders."
    )
    school = cases.incident(HANDLER, incident_id).other_schools[2]
    assert school.confirmed_at is not None and school.feedback == "Wij spreken de leerling en de ouders."
    trail = cases.audit_trail(HANDLER, incident_id)[-1]
    assert (trail.event_type, trail.actor) == ("OtherSchoolConfirmed", "andere school")


def test_a_second_use_says_it_was_already_used(cases: CaseManagement, incident_id: UUID) -> None:
    cases.confirm_receipt(token(cases, incident_id), today=TODAY)
    with pytest.raises(LinkUsed, match="Deze link is al gebruikt"):
        cases.confirm_receipt(token(cases, incident_id), today=TODAY)
    with pytest.raises(LinkUsed):
        cases.check_confirmation(token(cases, incident_id), today=TODAY)


def test_a_forged_or_altered_link_is_refused(cases: CaseManagement, incident_id: UUID) -> None:
    genuine = token(cases, incident_id)
    forged = confirmation_token(b"een andere sleutel", incident_id, 2)
    for bad in (forged, genuine[:-2] + ("AA" if not genuine.endswith("AA") else "BB"), "verzonnen", ""):
        with pytest.raises(LinkInvalid, match="Deze link is niet geldig"):
            cases.confirm_receipt(bad, today=TODAY)
    with pytest.raises(LinkInvalid):  # genuinely signed, but no school of that number
        cases.confirm_receipt(token(cases, incident_id, 99), today=TODAY)


def test_a_link_expires_after_thirty_days(cases: CaseManagement, incident_id: UUID) -> None:
    with pytest.raises(LinkExpired, match="Deze link is verlopen"):
        cases.confirm_receipt(token(cases, incident_id), today=TODAY + timedelta(days=31))
    cases.confirm_receipt(token(cases, incident_id), today=TODAY + timedelta(days=30))


def test_a_link_after_the_incident_was_erased_is_refused(cases: CaseManagement, incident_id: UUID) -> None:
    cases.erase_personal_data(incident_id, actor_id="bewaartermijn", reason="bewaartermijn verstreken")
    with pytest.raises(LinkExpired):
        cases.confirm_receipt(token(cases, incident_id), today=TODAY)


def test_only_the_own_school_records_other_schools(cases: CaseManagement, incident_id: UUID) -> None:
    with pytest.raises(IncidentNotFound):
        cases.record_other_school(
            OTHER_SCHOOL_HANDLER, incident_id, name="X", contact="x@x.invalid", role="dader"
        )
    with pytest.raises(OtherSchoolIncomplete):
        cases.record_other_school(HANDLER, incident_id, name="", contact="geen adres", role="onbekend")


def test_a_call_needs_a_reason_and_a_notice_waits_two_school_days(
    cases: CaseManagement, incident_id: UUID
) -> None:
    with pytest.raises(OtherSchoolIncomplete):
        cases.other_school_notified(HANDLER, incident_id, number=2, how="gebeld", on=TODAY)
    friday = date(2026, 12, 4)
    cases.other_school_notified(HANDLER, incident_id, number=2, how="bericht", on=friday)
    school = cases.incident(HANDLER, incident_id).other_schools[2]
    assert not school.waiting_too_long(date(2026, 12, 8))  # Monday and Tuesday: two school days
    assert school.waiting_too_long(date(2026, 12, 9))
    assert school_days_between(friday, date(2026, 12, 7)) == 1


def test_step_one_counts_a_school_settled_once_it_confirmed_or_was_called(
    cases: CaseManagement, incident_id: UUID
) -> None:
    cases.record_other_school(
        HANDLER, incident_id, name="De Wilgen", contact="info@wilgen.invalid", role="bereikt"
    )
    assert cases.incident(HANDLER, incident_id).other_schools_settled() == (0, 2)
    cases.confirm_receipt(token(cases, incident_id), today=TODAY)
    cases.other_school_notified(HANDLER, incident_id, number=3, how="bericht", on=TODAY)
    assert cases.incident(HANDLER, incident_id).other_schools_settled() == (1, 2)  # a notice alone is not
    cases.other_school_notified(HANDLER, incident_id, number=3, how="gebeld", on=TODAY, reason="geen reactie")
    assert cases.incident(HANDLER, incident_id).other_schools_settled() == (2, 2)


def test_a_notice_waits_for_its_letters_review_and_one_recorded_before_did_not(
    cases: CaseManagement, incident_id: UUID
) -> None:
    cases.other_school_notified(HANDLER, incident_id, number=2, how="bericht", on=TODAY)
    school = cases.incident(HANDLER, incident_id).other_schools[2]
    letter = cases.letter_request(UUID(school.notice_letter))
    assert letter.awaiting_review and letter.recipients == ["info@delinde.invalid"]
    with pytest.raises(OtherSchoolIncomplete, match="wacht al op goedkeuring"):
        cases.other_school_notified(HANDLER, incident_id, number=2, how="bericht", on=TODAY)
    with pytest.raises(SecondPersonRequired):
        cases.decide_letter(HANDLER, incident_id, letter_id=letter.id, approve=True)
    cases.decide_letter(SECOND_HANDLER, incident_id, letter_id=letter.id, approve=True)
    assert cases.letter_request(letter.id).cleared_for_sending

    state = {"actor": HANDLER.id, "number": 2, "how": "bericht", "on": "2026-12-01", "reason": ""}
    Incident.OtherSchoolNotified.upcast_v1_v2(state)  # type: ignore[attr-defined]
    assert state["letter_id"] == ""  # went out unreviewed, as notices did then


def test_step_one_is_done_only_once_every_recorded_school_confirmed_or_was_called(
    cases: CaseManagement, incident_id: UUID
) -> None:
    cases.record_action(HANDLER, incident_id, "ScopeAssessed", ACTIONS["ScopeAssessed"])
    cases.record_other_school(
        HANDLER, incident_id, name="De Wilgen", contact="info@wilgen.invalid", role="bereikt"
    )
    number = max(cases.incident(HANDLER, incident_id).other_schools)

    def step_one() -> StepStatus:
        steps, _ = cases.progress(cases.incident(HANDLER, incident_id))
        return next(s for s in steps if s.step.key == "omvang")

    assert step_one().state is StepState.OPEN
    shown = next_step(step_one())
    assert shown is not None and "van elke andere school een bevestiging van ontvangst" in shown.missing
    cases.confirm_receipt(token(cases, incident_id), today=TODAY)
    assert step_one().state is StepState.OPEN  # one school of two
    cases.other_school_notified(
        HANDLER, incident_id, number=number, how="gebeld", on=TODAY, reason="geen e-mail"
    )
    assert step_one().state is StepState.DONE


def test_step_one_without_other_schools_is_done_as_before(cases: CaseManagement) -> None:
    incident_id, _ = cases.open_incident(HANDLER, **OPENING)
    cases.record_action(HANDLER, incident_id, "ScopeAssessed", ACTIONS["ScopeAssessed"])
    steps, _ = cases.progress(cases.incident(HANDLER, incident_id))
    assert next(s for s in steps if s.step.key == "omvang").state is StepState.DONE


def test_an_approved_notice_is_not_asked_for_again_and_a_rejected_one_may_be(
    cases: CaseManagement, incident_id: UUID
) -> None:
    """A school's notice goes out once, under one message id: a second notice approved after the
    first would send nothing, and the first would go out under the second letter's name (its
    bounces and outcome recorded on a letter that may have been rejected)."""
    cases.other_school_notified(HANDLER, incident_id, number=2, how="bericht", on=TODAY)
    rejected = UUID(cases.incident(HANDLER, incident_id).other_schools[2].notice_letter)
    cases.decide_letter(
        SECOND_HANDLER, incident_id, letter_id=rejected, approve=False, reason="Eerst bellen."
    )
    cases.other_school_notified(HANDLER, incident_id, number=2, how="bericht", on=TODAY)  # asked again
    approved = UUID(cases.incident(HANDLER, incident_id).other_schools[2].notice_letter)
    cases.decide_letter(SECOND_HANDLER, incident_id, letter_id=approved, approve=True)
    with pytest.raises(NoticeAlreadyApproved, match="Bel de school en leg dat hier vast"):
        cases.other_school_notified(HANDLER, incident_id, number=2, how="bericht", on=TODAY)
    assert cases.incident(HANDLER, incident_id).other_schools[2].notice_letter == str(approved)
    cases.other_school_notified(HANDLER, incident_id, number=2, how="gebeld", on=TODAY, reason="kwam terug")


def test_the_same_school_recorded_twice_is_refused_another_is_not(
    cases: CaseManagement, incident_id: UUID
) -> None:
    """A form sent twice (a double click) would record the school twice and send it two notices."""
    with pytest.raises(OtherSchoolAlreadyRecorded, match="staat al bij deze melding"):
        cases.record_other_school(
            HANDLER, incident_id, name=" basisschool  De Linde", contact="Info@DeLinde.invalid ", role="dader"
        )
    cases.record_other_school(
        HANDLER, incident_id, name="Basisschool De Linde", contact="zorg@delinde.invalid", role="dader"
    )
    assert len(cases.incident(HANDLER, incident_id).other_schools) == 2


def test_a_link_lasts_thirty_days_from_the_day_the_school_was_told(
    cases: CaseManagement, incident_id: UUID
) -> None:
    """The notice promises the school 30 days; a school told weeks after it was recorded gets them."""
    told = TODAY + timedelta(days=25)
    cases.other_school_notified(
        HANDLER, incident_id, number=2, how="gebeld", on=told, reason="link doorgegeven"
    )
    cases.check_confirmation(token(cases, incident_id), today=TODAY + timedelta(days=40))
    with pytest.raises(LinkExpired):
        cases.confirm_receipt(token(cases, incident_id), today=told + timedelta(days=31))
    cases.confirm_receipt(token(cases, incident_id), today=told + timedelta(days=30))


def test_no_other_school_is_recorded_on_a_closed_incident_but_it_may_still_confirm(
    cases: CaseManagement, incident_id: UUID
) -> None:
    """Like a task, a school is new work: a closed incident is reopened first. A school already
    told may still confirm afterwards."""
    cases.close_incident(HANDLER, incident_id, reason="afgerond")
    with pytest.raises(IncidentClosed):
        cases.record_other_school(
            HANDLER, incident_id, name="De Wilgen", contact="info@wilgen.invalid", role="bereikt"
        )
    cases.confirm_receipt(token(cases, incident_id), today=TODAY)


def test_a_school_recorded_by_mistake_is_withdrawn_with_a_reason_and_step_one_can_be_done(
    cases: CaseManagement, incident_id: UUID
) -> None:
    """Without a withdrawal, a wrong school kept step 1 open until a call that never happened
    was recorded. The record stays in the trail; the school no longer counts, gets no notice,
    and its link no longer works."""
    cases.record_action(HANDLER, incident_id, "ScopeAssessed", ACTIONS["ScopeAssessed"])

    def step_one() -> StepState:
        steps, _ = cases.progress(cases.incident(HANDLER, incident_id))
        return next(s.state for s in steps if s.step.key == "omvang")

    assert step_one() is StepState.OPEN
    with pytest.raises(OtherSchoolIncomplete, match="Zeg waarom"):
        cases.withdraw_other_school(HANDLER, incident_id, number=2, reason=" ")
    cases.withdraw_other_school(HANDLER, incident_id, number=2, reason="verkeerde school")
    assert step_one() is StepState.DONE
    assert cases.incident(HANDLER, incident_id).other_schools_settled() == (0, 0)
    with pytest.raises(LinkInvalid):
        cases.check_confirmation(token(cases, incident_id), today=TODAY)
    with pytest.raises(OtherSchoolIncomplete, match="ingetrokken"):
        cases.other_school_notified(HANDLER, incident_id, number=2, how="bericht", on=TODAY)
    with pytest.raises(OtherSchoolIncomplete, match="ingetrokken"):
        cases.withdraw_other_school(HANDLER, incident_id, number=2, reason="nog eens")
    trail = cases.audit_trail(HANDLER, incident_id)[-1]
    assert (trail.event_type, trail.actor) == ("OtherSchoolWithdrawn", HANDLER.id)
    # the right school, recorded again with the same name, counts as any other
    cases.record_other_school(
        HANDLER, incident_id, name="Basisschool De Linde", contact="info@delinde.invalid", role="dader"
    )
    assert step_one() is StepState.OPEN


def test_a_school_whose_notice_waits_for_review_is_withdrawn_only_after_a_rejection(
    cases: CaseManagement, incident_id: UUID
) -> None:
    cases.other_school_notified(HANDLER, incident_id, number=2, how="bericht", on=TODAY)
    letter_id = UUID(cases.incident(HANDLER, incident_id).other_schools[2].notice_letter)
    with pytest.raises(OtherSchoolIncomplete, match="Laat het eerst afkeuren"):
        cases.withdraw_other_school(HANDLER, incident_id, number=2, reason="verkeerd adres")
    cases.decide_letter(
        SECOND_HANDLER, incident_id, letter_id=letter_id, approve=False, reason="Verkeerd adres."
    )
    cases.withdraw_other_school(HANDLER, incident_id, number=2, reason="verkeerd adres")
