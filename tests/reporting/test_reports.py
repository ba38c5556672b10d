"""The reports, built from scripted incidents: figures, crash-safety, anonymity, pages."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from uuid import uuid4

import pytest
from eventsourcing.persistence import StoredEvent

from services.case.application import CaseManagement
from services.case.domain.protocol import StepState
from services.reporting.board_view import BoardCounts, quarters_of_months
from services.reporting.overview import overview_from_totals
from services.reporting.projections import (
    BoardOverview,
    aftercare,
    board_overview,
    evaluation,
    improvements,
    involved_other_schools,
    progress,
    recorded_actions,
)
from services.reporting.projector import Projector
from services.reporting.store import Batch, PositionMoved, ReportStore
from shared.config import Settings, load_settings
from tests.examples import ACTIONS, BOARD_MEMBER, HANDLER, OPENING, OTHER_SCHOOL_HANDLER, PLANTED_NAMES

SCRIPT = ["ScopeAssessed", "PoliceContacted", "MaterialReported", "DeletionCalled", "GroupInformed",
          "AftercarePlanned", "EvaluationHeld", "NoteAdded"]  # fmt: skip


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path)})


@pytest.fixture
def cases(settings: Settings) -> CaseManagement:
    return CaseManagement(env=settings.event_store_env())


def scripted_incident(cases: CaseManagement, handler=HANDLER, actions=SCRIPT):  # type: ignore[no-untyped-def]
    incident_id, _ = cases.open_incident(handler, **OPENING)
    for action in actions:
        cases.record_action(handler, incident_id, action, ACTIONS[action])
    return incident_id


def test_each_report_gives_the_expected_figures(settings, cases) -> None:
    incident_id = scripted_incident(cases)
    projector = Projector(cases, ReportStore(settings))
    projector.catch_up()
    facts = projector.store.facts([str(incident_id)])[str(incident_id)]
    protocol = cases.protocol(facts["protocol_id"])
    later = date.fromisoformat(ACTIONS["AftercarePlanned"]["due_on"]) + timedelta(days=1)

    result = progress(facts, protocol, later)
    assert all(hours is not None and hours >= 0 for hours in result.hours_to.values())
    assert result.current_step == "Stap 2. Sta het slachtoffer bij"
    # Aftercare is planned for the victim only: the other roles it touched are named.
    assert [w.key for w in result.warnings] == ["volgorde_GroupInformed", "nazorg_voor_iedereen"]
    (moment,) = aftercare(facts, later)
    assert moment.overdue and not moment.held and moment.for_whom == "slachtoffer"
    assert evaluation(facts)["with_whom"] == ACTIONS["EvaluationHeld"]["with_whom"]
    assert "went_well" not in evaluation(facts)  # sealed: the report holds no personal data
    assert [i["incident_id"] for i in improvements([facts])] == [str(incident_id)]
    assert projector.lag() == 0

    cases.record_action(HANDLER, incident_id, "AftercareHeld", ACTIONS["AftercareHeld"])
    projector.catch_up()
    facts = projector.store.facts([str(incident_id)])[str(incident_id)]
    assert aftercare(facts, later)[0].held


def test_the_reports_hold_no_personal_data(settings, cases) -> None:
    scripted_incident(cases, actions=list(ACTIONS))
    projector = Projector(cases, ReportStore(settings))
    projector.catch_up()
    stored = (settings.data_dir / "rapportage.sqlite").read_bytes()
    for name in PLANTED_NAMES:
        assert name.encode() not in stored


def test_an_unknown_event_type_is_skipped_and_the_projection_goes_on(settings, cases) -> None:
    scripted_incident(cases, actions=["ScopeAssessed"])
    cases.recorder.insert_events(
        [StoredEvent(uuid4(), 1, "services.case.domain.incident:Incident.IetsNieuws", b'{"x": 1}')]
    )
    later = scripted_incident(cases, actions=["PoliceContacted"])
    projector = Projector(cases, ReportStore(settings))
    projector.catch_up()
    assert [topic for _, topic, _ in projector.store.skipped()] == [
        "services.case.domain.incident:Incident.IetsNieuws"
    ]
    assert str(later) in projector.store.facts([str(later)])


class CrashingStore(ReportStore):
    """A store whose process dies while committing its second batch."""

    commits = 0

    def commit(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        CrashingStore.commits += 1
        if CrashingStore.commits == 2:
            raise SystemExit("het proces stopt midden in een batch")
        super().commit(*args, **kwargs)


def test_a_crash_during_a_rebuild_gives_the_same_figures_as_an_uninterrupted_run(tmp_path, cases) -> None:
    for handler in (HANDLER, OTHER_SCHOOL_HANDLER, HANDLER):
        scripted_incident(cases, handler)
    uninterrupted = Projector(cases, ReportStore(load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path / "a")})))
    uninterrupted.rebuild()

    crashed_settings = load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path / "b")})
    crashing = Projector(cases, CrashingStore(crashed_settings))
    with pytest.raises(SystemExit):
        while crashing.run_once(limit=7):
            pass
    resumed = Projector(cases, ReportStore(crashed_settings))
    resumed.catch_up()

    ids = [str(i) for i in cases.all_incident_ids()]
    assert resumed.store.facts(ids) == uninterrupted.store.facts(ids)
    board = HANDLER.board_id
    assert sorted(resumed.store.board_totals(board)) == sorted(uninterrupted.store.board_totals(board))
    assert resumed.store.position()[0] == uninterrupted.store.position()[0]


def test_the_board_overview_suppresses_small_counts_and_names(settings, cases) -> None:
    for _ in range(5):
        scripted_incident(cases, HANDLER, ["ScopeAssessed", "PoliceContacted"])
    scripted_incident(cases, OTHER_SCHOOL_HANDLER, ["ScopeAssessed"])
    projector = Projector(cases, ReportStore(settings))
    projector.catch_up()
    facts = projector.store.all_facts(board_id=BOARD_MEMBER.board_id)
    overview = board_overview(facts, cases.protocol(OPENING["protocol_id"]), date.today())
    (month,) = overview.per_month_and_school.values()
    assert month == {"de-wilg": "5", "het-anker": "<5"}
    assert overview.channels == {"snapchat": "6", "whatsapp": "6"}
    assert overview.median_hours["politie"] is not None
    assert overview.median_hours["gemeld"] is None
    for name in PLANTED_NAMES:
        assert name not in repr(overview)


def both_overviews(projector: Projector, cases: CaseManagement) -> tuple[BoardOverview, BoardOverview]:
    """The board's overview from its running totals and, to compare it with, from every
    incident's facts, once the projector has caught up."""
    projector.catch_up()
    facts = projector.store.all_facts(board_id=BOARD_MEMBER.board_id)
    from_every_incident = board_overview(facts, cases.protocol(OPENING["protocol_id"]), date.today())
    return overview_from_totals(projector.store.board_totals(BOARD_MEMBER.board_id)), from_every_incident


def test_the_board_overview_from_running_totals_equals_the_one_from_every_incident(settings, cases) -> None:
    for _ in range(6):
        scripted_incident(cases, HANDLER, ["ScopeAssessed", "PoliceContacted", "MaterialReported"])
    corrected = scripted_incident(cases, OTHER_SCHOOL_HANDLER, ["ScopeAssessed", "PoliceContacted"])
    closed = scripted_incident(cases)
    projector = Projector(cases, ReportStore(settings))

    got, expected = both_overviews(projector, cases)
    assert got == expected and expected.total == "8"
    cases.correct(OTHER_SCHOOL_HANDLER, corrected, corrects=3, reason="vergissing", withdraws=True)
    cases.correct(OTHER_SCHOOL_HANDLER, corrected, corrects=2, reason="ander kanaal",
                  changes={"channels": ["instagram"]})  # fmt: skip
    cases.close_incident(HANDLER, closed, reason="klaar")
    got, expected = both_overviews(projector, cases)
    assert got == expected and expected.skipped_steps and "instagram" in expected.channels
    cases.reopen_incident(HANDLER, closed, reason="toch niet klaar")
    got, expected = both_overviews(projector, cases)
    assert got == expected and not expected.skipped_steps
    per_quarter = BoardCounts.read(projector.store, BOARD_MEMBER.board_id).per_quarter
    assert per_quarter == quarters_of_months(projector.store.board_totals(BOARD_MEMBER.board_id))
    assert [i["text"] for i in projector.store.board_improvements(BOARD_MEMBER.board_id)] == [""]  # sealed


def test_the_board_counts_incidents_that_involved_other_schools_without_names(settings, cases) -> None:
    def with_a_school(handler) -> None:  # type: ignore[no-untyped-def]
        incident_id = scripted_incident(cases, handler, ["ScopeAssessed"])
        for name in ("De Linde", "Het Veld"):  # two schools: still one incident
            cases.record_other_school(
                handler, incident_id, name=name, contact="info@x.invalid", role="bereikt"
            )

    for _ in range(4):
        with_a_school(HANDLER)
    scope = {**ACTIONS["ScopeAssessed"], "other_schools_involved": True}
    cases.record_action(HANDLER, scripted_incident(cases, HANDLER, []), "ScopeAssessed", scope)
    scripted_incident(cases, OTHER_SCHOOL_HANDLER, ["ScopeAssessed"])  # no other school
    projector = Projector(cases, ReportStore(settings))

    got, expected = both_overviews(projector, cases)
    assert got == expected and expected.with_other_schools == "5"
    assert "De Linde" not in repr(got)
    with_a_school(OTHER_SCHOOL_HANDLER)
    got, expected = both_overviews(projector, cases)
    assert got == expected and expected.with_other_schools == "6"


def test_the_reports_keep_step_one_open_until_every_other_school_confirmed_or_was_called(
    settings, cases
) -> None:
    incident_id = scripted_incident(cases, HANDLER, ["ScopeAssessed"])
    cases.record_other_school(HANDLER, incident_id, name="De Linde", contact="info@x.invalid", role="dader")
    number = max(cases.incident(HANDLER, incident_id).other_schools)
    projector = Projector(cases, ReportStore(settings))
    protocol = cases.protocol(OPENING["protocol_id"])

    def step_one() -> StepState:
        projector.catch_up()
        facts = projector.store.facts([str(incident_id)])[str(incident_id)]
        return next(s.state for s in progress(facts, protocol, date.today()).steps if s.step.key == "omvang")

    assert step_one() is StepState.OPEN
    cases.other_school_notified(
        HANDLER, incident_id, number=number, how="gebeld", on=date.today(), reason="spoed"
    )
    assert step_one() is StepState.DONE


def test_the_page_and_the_reports_stop_warning_once_every_other_school_was_told(settings, cases) -> None:
    """Step 1 is done once each recorded school confirmed or was called; the warning that the
    other schools were not informed goes on the same rule, on the incident page and in the
    reports, without the older action 'andere scholen geïnformeerd' recorded as well."""
    scope = {**ACTIONS["ScopeAssessed"], "other_schools_involved": True, "other_schools": "De Linde"}
    incident_id, _ = cases.open_incident(HANDLER, **OPENING)
    cases.record_action(HANDLER, incident_id, "ScopeAssessed", scope)
    cases.record_other_school(HANDLER, incident_id, name="De Linde", contact="info@x.invalid", role="dader")
    number = max(cases.incident(HANDLER, incident_id).other_schools)
    projector = Projector(cases, ReportStore(settings))
    protocol = cases.protocol(OPENING["protocol_id"])

    def warned() -> tuple[bool, bool]:
        projector.catch_up()
        facts = projector.store.facts([str(incident_id)])[str(incident_id)]
        reports = progress(facts, protocol, date.today()).warnings
        page = cases.progress(cases.incident(HANDLER, incident_id))[1]
        key = "andere_scholen_niet_geinformeerd"
        return any(w.key == key for w in page), any(w.key == key for w in reports)

    assert warned() == (True, True)
    cases.other_school_notified(
        HANDLER, incident_id, number=number, how="gebeld", on=date.today(), reason="spoed"
    )
    assert warned() == (False, False)


def test_a_withdrawn_school_neither_keeps_step_one_open_nor_counts_in_the_reports(settings, cases) -> None:
    incident_id = scripted_incident(cases, HANDLER, ["ScopeAssessed"])
    cases.record_other_school(HANDLER, incident_id, name="De Linde", contact="info@x.invalid", role="dader")
    number = max(cases.incident(HANDLER, incident_id).other_schools)
    cases.withdraw_other_school(HANDLER, incident_id, number=number, reason="verkeerde school")
    projector = Projector(cases, ReportStore(settings))
    projector.catch_up()
    facts = projector.store.facts([str(incident_id)])[str(incident_id)]
    protocol = cases.protocol(OPENING["protocol_id"])
    steps = progress(facts, protocol, date.today()).steps
    assert next(s.state for s in steps if s.step.key == "omvang") is StepState.DONE
    assert not involved_other_schools(recorded_actions(facts))


def test_few_incidents_with_other_schools_are_suppressed(settings, cases) -> None:
    incident_id = scripted_incident(cases, HANDLER, [])
    cases.record_other_school(HANDLER, incident_id, name="De Linde", contact="info@x.invalid", role="dader")
    projector = Projector(cases, ReportStore(settings))
    projector.catch_up()
    overview = overview_from_totals(projector.store.board_totals(BOARD_MEMBER.board_id))
    assert overview.with_other_schools == "<5"


class NoKeys:
    """A key vault that refuses every key: the reports must not need one."""

    def key_for(self, incident_id, *, create):  # type: ignore[no-untyped-def]
        raise AssertionError("de rapportage vroeg een sleutel")


def test_the_reports_are_built_without_opening_any_personal_field(settings, cases) -> None:
    incident_id = scripted_incident(cases)
    with_keys = Projector(cases, ReportStore(settings))
    with_keys.rebuild()
    expected = with_keys.store.facts([str(incident_id)])
    keyless = CaseManagement(env=settings.event_store_env(), key_vault=NoKeys())  # type: ignore[arg-type]
    without_keys = Projector(keyless, ReportStore(settings))
    without_keys.rebuild()
    assert without_keys.store.facts([str(incident_id)]) == expected
    assert without_keys.store.skipped() == []


def test_a_second_reporting_process_that_lost_the_race_adds_nothing(settings, cases) -> None:
    scripted_incident(cases)
    first = Projector(cases, ReportStore(settings))
    second = Projector(cases, ReportStore(settings))
    notifications = cases.recorder.select_notifications(start=1, limit=100)  # what both read
    first.catch_up()
    totals = sorted(first.store.board_totals(HANDLER.board_id))
    stale = Batch({}, [], notifications[-1].id, "2026-01-01T00:00:00", start=0,
                  totals={(HANDLER.board_id, "totaal", ""): 1})  # fmt: skip
    with pytest.raises(PositionMoved):
        second.store.commit(stale)
    assert sorted(second.store.board_totals(HANDLER.board_id)) == totals
