"""Event topics are stored forever: every event class keeps the topic it was stored under.

The list below was generated from main before the Incident's events moved out of
incident.py into modules by what they are about. A stored event names its class by this
topic; if one stops resolving, or a class starts writing another, old and new stores no
longer read alike. A new event class adds its topic here.
"""

from __future__ import annotations

import importlib
import pkgutil

from eventsourcing.domain import Aggregate, CanMutateAggregate
from eventsourcing.utils import get_topic, resolve_topic

import services.case.domain
from services.case.domain.incident import Incident
from tests.examples import ACTIONS, HANDLER, OPENING, SECOND_HANDLER

AGGREGATES = (
    "services.case.domain.access:AccessLog",
    "services.case.domain.incident:Incident",
    "services.case.domain.letter_request:LetterRequest",
    "services.case.domain.rights:RightsRequest",
)

TOPICS = (
    "services.case.domain.access:AccessLog.Started",
    "services.case.domain.access:AccessLog.Viewed",
    "services.case.domain.access:AccessLog.HandoverSheetDownloaded",
    "services.case.domain.incident:Incident.CareTeamAlerted",
    "services.case.domain.incident:Incident.ColleagueAdded",
    "services.case.domain.incident:Incident.TaskCreated",
    "services.case.domain.incident:Incident.TaskReassigned",
    "services.case.domain.incident:Incident.TaskDone",
    "services.case.domain.incident:Incident.TaskReopened",
    "services.case.domain.incident:Incident.OtherSchoolRecorded",
    "services.case.domain.incident:Incident.OtherSchoolNotified",
    "services.case.domain.incident:Incident.OtherSchoolConfirmed",
    "services.case.domain.incident:Incident.OtherSchoolNoticeFailed",
    "services.case.domain.incident:Incident.OtherSchoolWithdrawn",
    "services.case.domain.incident:Incident.Opened",
    "services.case.domain.incident:Incident.ScopeAssessed",
    "services.case.domain.incident:Incident.SourceUrlRecorded",
    "services.case.domain.incident:Incident.ActionPlanMade",
    "services.case.domain.incident:Incident.CultureSensitivityConsidered",
    "services.case.domain.incident:Incident.InternetFilterRequested",
    "services.case.domain.incident:Incident.CareTeamInvolved",
    "services.case.domain.incident:Incident.OtvAdviceRequested",
    "services.case.domain.incident:Incident.OtvAdviceReceived",
    "services.case.domain.incident:Incident.VictimConversationHeld",
    "services.case.domain.incident:Incident.VictimParentsConversationHeld",
    "services.case.domain.incident:Incident.HelpArranged",
    "services.case.domain.incident:Incident.ParentHelpInventoried",
    "services.case.domain.incident:Incident.AlternativeInterventionsConsidered",
    "services.case.domain.incident:Incident.AgreementsRecorded",
    "services.case.domain.incident:Incident.AgreementSetAside",
    "services.case.domain.incident:Incident.SafetyRiskFlagged",
    "services.case.domain.incident:Incident.NoRiskAtHomeFound",
    "services.case.domain.incident:Incident.SafetyRiskLifted",
    "services.case.domain.incident:Incident.VictimRestArranged",
    "services.case.domain.incident:Incident.BuddiesChosen",
    "services.case.domain.incident:Incident.PoliceContacted",
    "services.case.domain.incident:Incident.ReportDecided",
    "services.case.domain.incident:Incident.OtherSchoolsInformed",
    "services.case.domain.incident:Incident.MaterialReported",
    "services.case.domain.incident:Incident.DeletionCalled",
    "services.case.domain.incident:Incident.TakedownRequested",
    "services.case.domain.incident:Incident.TakedownOutcomeRecorded",
    "services.case.domain.incident:Incident.DeletionConfirmed",
    "services.case.domain.incident:Incident.MeetingPlanned",
    "services.case.domain.incident:Incident.MeetingHeld",
    "services.case.domain.incident:Incident.PupilConversationHeld",
    "services.case.domain.incident:Incident.PerpetratorParentsHelped",
    "services.case.domain.incident:Incident.StaffSupported",
    "services.case.domain.incident:Incident.CommunicationStatementWritten",
    "services.case.domain.incident:Incident.ClassInterventionHeld",
    "services.case.domain.incident:Incident.PupilMessageDecided",
    "services.case.domain.incident:Incident.GroupInformed",
    "services.case.domain.incident:Incident.MediaPrepared",
    "services.case.domain.incident:Incident.MediaStatementWritten",
    "services.case.domain.incident:Incident.StepNotNeeded",
    "services.case.domain.incident:Incident.VeiligThuisConsulted",
    "services.case.domain.incident:Incident.MeldcodeDecided",
    "services.case.domain.incident:Incident.AftercarePlanned",
    "services.case.domain.incident:Incident.AftercareHeld",
    "services.case.domain.incident:Incident.EvaluationHeld",
    "services.case.domain.incident:Incident.PerpetratorSchoolFeedbackAsked",
    "services.case.domain.incident:Incident.NoteAdded",
    "services.case.domain.incident:Incident.StaffAccessGranted",
    "services.case.domain.incident:Incident.StaffAccessRevoked",
    "services.case.domain.incident:Incident.Corrected",
    "services.case.domain.incident:Incident.Closed",
    "services.case.domain.incident:Incident.Reopened",
    "services.case.domain.incident:Incident.PersonalDataErased",
    "services.case.domain.incident:Incident.LetterComposed",
    "services.case.domain.incident:Incident.LetterRequested",
    "services.case.domain.incident:Incident.LetterSent",
    "services.case.domain.incident:Incident.LetterFailed",
    "services.case.domain.incident:Incident.LetterProposed",
    "services.case.domain.incident:Incident.LetterApproved",
    "services.case.domain.incident:Incident.LetterRefused",
    "services.case.domain.incident:Incident.ImprovementProposed",
    "services.case.domain.incident:Incident.ImprovementShared",
    "services.case.domain.incident:Incident.ImprovementRefused",
    "services.case.domain.incident:Incident.PupilRecorded",
    "services.case.domain.letter_request:LetterRequest.Requested",
    "services.case.domain.letter_request:LetterRequest.Approved",
    "services.case.domain.letter_request:LetterRequest.Rejected",
    "services.case.domain.letter_request:LetterRequest.Sent",
    "services.case.domain.letter_request:LetterRequest.Failed",
    "services.case.domain.letter_request:LetterRequest.Bounced",
    "services.case.domain.rights:RightsRequest.Received",
    "services.case.domain.rights:RightsRequest.Answered",
    "services.case.domain.rights:RightsRequest.ErasureDecided",
    "services.case.domain.rights:RightsRequest.IncidentErased",
)

LIBRARY_BASES = ("Event", "Created", "ActionRecorded")


def aggregates() -> set[type]:
    """Every aggregate class the case domain defines."""
    found: set[type] = set()
    for info in pkgutil.iter_modules(services.case.domain.__path__):
        module = importlib.import_module(f"services.case.domain.{info.name}")
        found |= {
            value
            for value in vars(module).values()
            if isinstance(value, type)
            and issubclass(value, Aggregate)
            and value.__module__ == module.__name__
        }
    return found


def event_classes(aggregate: type) -> dict[str, type]:
    return {
        name: value
        for name, value in vars(aggregate).items()
        if isinstance(value, type) and issubclass(value, CanMutateAggregate) and name not in LIBRARY_BASES
    }


def test_every_stored_topic_resolves_to_the_event_class_of_that_name() -> None:
    for topic in TOPICS:
        event_class = resolve_topic(topic)
        assert event_class.__name__ == topic.rpartition(".")[2], topic
        assert get_topic(event_class) == topic


def test_every_event_class_writes_the_topic_it_wrote_before() -> None:
    written = {get_topic(c) for a in aggregates() for c in event_classes(a).values()}
    assert set(TOPICS) <= written
    assert {get_topic(a) for a in aggregates()} == set(AGGREGATES)


def test_an_event_class_is_named_after_its_aggregate_wherever_its_code_lives() -> None:
    """An event written beside the aggregate (a mixin's module) is registered on it: its topic
    is the aggregate's module and name, so a later move of its code changes nothing stored."""
    for aggregate in aggregates():
        for name, event_class in event_classes(aggregate).items():
            assert get_topic(event_class) == f"{get_topic(aggregate)}.{name}"
            assert event_class.__name__ == name
            # The class as written, which the library's re-created class extends, has the name too
            # (one made from a decorated method extends the base event): a name bound to another
            # module's class (a swap in an unpacking) shows here.
            written = event_class.__bases__[0].__name__
            assert written in (name, *LIBRARY_BASES), f"{get_topic(aggregate)}.{name}"
            assert resolve_topic(get_topic(event_class)) is event_class


def test_events_a_part_of_the_incident_triggers_are_stored_as_the_incident_s_own() -> None:
    """The commands written beside their events (safeguards, improvements, people) trigger the
    class registered on the incident, never the class as written there."""
    incident = Incident.open(school_id="de-wilg", board_id="kindante", actor=HANDLER.id, **OPENING)
    agreed = {**ACTIONS["AgreementsRecorded"], "not_yet_told": ["ouders_alle"]}
    incident.record("AgreementsRecorded", actor=HANDLER.id, **agreed)
    incident.record(
        "GroupInformed", actor=HANDLER.id, group="ouders_alle", how="brief", override_reason="politie"
    )
    incident.record("PupilRecorded", actor=HANDLER.id, **ACTIONS["PupilRecorded"])
    incident.propose_improvement(actor=HANDLER.id, step="politie", text="Bel de wijkagent eerder.")
    incident.decide_improvement(actor=SECOND_HANDLER.id, proposal_version=incident.version, share=True)
    written = [get_topic(type(event)) for event in incident.collect_events()]
    assert [topic.rpartition(".")[2] for topic in written] == [
        "Opened", "AgreementsRecorded", "AgreementSetAside", "GroupInformed", "PupilRecorded",
        "ImprovementProposed", "ImprovementShared",
    ]  # fmt: skip
    assert set(written) <= set(TOPICS)
