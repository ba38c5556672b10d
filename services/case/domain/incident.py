"""The Incident aggregate: one sexting or abuse-material case at one school.

Every action a school takes is a nested event, named in the past tense. The docstring of
each event is the sentence the audit trail shows. Events are never changed: a mistake is
corrected by a later `Corrected` event that names the version it corrects.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from enum import Enum
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from services.case.domain import other_schools, tasks
from services.case.domain.aftercare import NOT_A_ROLE, is_role
from services.case.domain.errors import (
    AgreementConflict,
    DeletionCallTooEarly,
    HeldBackForSafety,
    IncidentAlreadyOpen,
    IncidentClosed,
    NotAChannel,
    NotARole,
    NothingToCorrect,
    NothingToDecide,
    ReasonRequired,
    SecondReviewerRequired,
    UnknownAction,
)
from services.case.domain.guards import refuse_material
from services.case.domain.letters import DELETION_CALL_WAITS, LETTER_STEPS, deletion_call_ready
from services.case.domain.safeguards import (
    AUDIENCES,
    SAFETY_EXPLANATION,
    audiences_of,
    conflicting_audiences,
    current_agreements,
    held_back_for_safety,
    safety_risk,
)
from services.case.domain.takedown import NOT_A_CHANNEL, is_channel


class Status(Enum):
    OPEN = "open"
    CLOSED = "gesloten"


@dataclass
class RecordedAction:
    """One action as it stands now: the event's data with later corrections applied."""

    version: int
    action: str
    actor: str
    at: datetime
    data: dict[str, Any]
    corrected_by: list[int] = field(default_factory=list)
    withdrawn: bool = False


class Incident(tasks.Coordination, other_schools.OtherSchools, Aggregate):
    """A melding: what happened, and every action the school took since."""

    # Tasks, colleagues and the care team's alert: rules and events in domain/tasks.py.
    CareTeamAlerted, ColleagueAdded, TaskCreated, TaskReassigned, TaskDone, TaskReopened = tasks.EVENTS
    # Other schools the image reached, told and confirming: domain/other_schools.py.
    OtherSchoolRecorded, OtherSchoolNotified, OtherSchoolConfirmed, OtherSchoolNoticeFailed = (
        other_schools.EVENTS
    )

    class Opened(Aggregate.Created):
        """De melding is geopend."""

        school_id: str
        board_id: str
        actor: str
        situation: str
        learned_how: str
        protocol_id: str

        personal: ClassVar[tuple[str, ...]] = ("learned_how",)

    def __init__(
        self,
        school_id: str,
        board_id: str,
        actor: str,
        situation: str,
        learned_how: str,
        protocol_id: str,
    ) -> None:
        self.school_id = school_id
        self.board_id = board_id
        self.opened_by = actor
        self.situation = situation
        self.learned_how = learned_how
        self.protocol_id = protocol_id
        self.status = Status.OPEN
        self.actions: list[RecordedAction] = []

    @classmethod
    def open(
        cls,
        *,
        school_id: str,
        board_id: str,
        actor: str,
        situation: str,
        learned_how: str,
        protocol_id: str,
    ) -> Incident:
        """Opens an incident for a school of a board."""
        refuse_material({"learned_how": learned_how})
        return cls._create(
            cls.Opened,
            school_id=school_id,
            board_id=board_id,
            actor=actor,
            situation=situation,
            learned_how=learned_how,
            protocol_id=protocol_id,
        )

    # ------------------------------------------------------------------ actions

    class ActionRecorded(Aggregate.Event):
        """Er is een actie vastgelegd."""

        actor: str

        personal: ClassVar[tuple[str, ...]] = ()
        # Personal fields that hold fixed answers (codes such as "nee"), never a name.
        coded: ClassVar[tuple[str, ...]] = ()
        # Fields that state how the action was recorded, not what was found: never corrected.
        not_correctable: ClassVar[tuple[str, ...]] = ()
        allowed_when_closed: ClassVar[bool] = False
        # Fields that must hold text: the action sets something aside and says why.
        needs_reason: ClassVar[tuple[str, ...]] = ()
        without_reason: ClassVar[str] = ReasonRequired.message
        # Fields that name people by role only (an aftercare moment's "for whom"), never by name.
        by_role: ClassVar[tuple[str, ...]] = ()

        def apply(self, incident: Incident) -> None:
            data = {f.name: getattr(self, f.name) for f in fields(self)}
            for common in ("originator_id", "originator_version", "timestamp", "actor"):
                data.pop(common)
            incident.actions.append(
                RecordedAction(
                    version=self.originator_version,
                    action=type(self).__name__,
                    actor=self.actor,
                    at=self.timestamp,
                    data=data,
                )
            )

    def record(self, action: str, *, actor: str, override_reason: str = "", **data: Any) -> None:
        """Records one protocol action, by the name of its event class.

        Informing an audience is held back (HeldBackForSafety) when it could reach the
        victim's parents while a risk at home is set, and needs a reason to go ahead
        (AgreementConflict) when the agreements with the pupil say it may not be told yet;
        that reason is recorded first, as its own event."""
        event_class = self._recordable(action, {**data, "override_reason": override_reason})
        self._check_safeguards(action, data)
        self._set_aside_agreements(action, data, actor=actor, reason=override_reason)
        self.trigger_event(event_class, actor=actor, **data)

    def _recordable(self, action: str, values: dict[str, Any]) -> type[Incident.ActionRecorded]:
        event_class = self.action_class(action)
        if self.status is Status.CLOSED and not event_class.allowed_when_closed:
            raise IncidentClosed()
        if any(not str(values.get(name, "")).strip() for name in event_class.needs_reason):
            raise ReasonRequired(event_class.without_reason)
        if any(not is_role(values.get(name)) for name in event_class.by_role):
            raise NotARole(NOT_A_ROLE)
        refuse_material(values)
        self._check_takedown(event_class, values)
        return event_class

    @staticmethod
    def _check_takedown(event_class: type[Incident.ActionRecorded], values: dict[str, Any]) -> None:
        """A takedown names its channel by a URL or a short reference, never the material.
        (An outcome that names no request is kept in the trail but counts for no channel.)"""
        if event_class is Incident.TakedownRequested:
            if not is_channel(str(values.get("channel_kind", "")), str(values.get("channel", ""))):
                raise NotAChannel(NOT_A_CHANNEL)

    def _set_aside_agreements(self, action: str, data: dict[str, Any], *, actor: str, reason: str) -> None:
        """Records the reason to go against the agreements, or raises AgreementConflict."""
        conflicts = self.agreement_conflicts(action, data)
        if not conflicts:
            return
        if not reason.strip():
            raise AgreementConflict([AUDIENCES.get(a, a) for a in conflicts])
        agreements = current_agreements(self.effective_actions())
        assert agreements is not None
        self.trigger_event(
            self.AgreementSetAside,
            actor=actor,
            agreement_version=agreements.version,
            for_action=action,
            audiences=conflicts,
            reason=reason.strip(),
        )

    def agreement_conflicts(self, action: str, data: dict[str, Any]) -> list[str]:
        """The audiences this action informs that the agreements with the pupil hold back."""
        return conflicting_audiences(self.effective_actions(), audiences_of(action, data))

    def held_back(self, action: str, data: dict[str, Any]) -> bool:
        """True when this action may not happen while the risk at home is set."""
        return held_back_for_safety(self.effective_actions(), audiences_of(action, data))

    def _check_safeguards(self, action: str, data: dict[str, Any]) -> None:
        if self.held_back(action, data):
            raise HeldBackForSafety(SAFETY_EXPLANATION)

    def agreements(self) -> RecordedAction | None:
        """The agreements with the pupil as they stand now, if any were recorded."""
        return current_agreements(self.effective_actions())

    def safety_risk(self) -> RecordedAction | None:
        """The recorded risk of honour-related or domestic violence, while it is set."""
        return safety_risk(self.effective_actions())

    @classmethod
    def action_class(cls, action: str) -> type[Incident.ActionRecorded]:
        """Returns the event class of a recordable action, or raises UnknownAction."""
        event_class = cls.action_classes().get(action)
        if event_class is None:
            raise UnknownAction()
        return event_class

    @classmethod
    def action_classes(cls) -> dict[str, type[Incident.ActionRecorded]]:
        """Every action a case handler can record, by event class name."""
        return {
            name: value
            for name, value in vars(cls).items()
            if isinstance(value, type)
            and issubclass(value, cls.ActionRecorded)
            and value
            not in (
                cls.ActionRecorded,
                cls.Corrected,
                cls.Closed,
                cls.Reopened,
                cls.PersonalDataErased,
                cls.ImprovementProposed,
                cls.ImprovementShared,
                cls.ImprovementRefused,
                *cls.legacy_letter_classes(),
            )
        }

    @classmethod
    def legacy_letter_classes(cls) -> tuple[type[Incident.ActionRecorded], ...]:
        """The incident's own letter events of before letters had a stream of their own, and
        the reference to a letter: none is recorded through `record`."""
        return (
            cls.LetterRequested, cls.LetterProposed, cls.LetterApproved, cls.LetterRefused,
            cls.LetterSent, cls.LetterFailed, cls.LetterComposed,
        )  # fmt: skip

    # Step 1 — omvang en impact
    class ScopeAssessed(ActionRecorded):
        """De omvang en de impact zijn bepaald."""

        material_kind: str
        pupil_visible: str
        pupil_of_school: bool
        shared_by: list[str]
        possessed_by: list[str]
        seen_by: str
        channels: list[str]
        other_schools_involved: bool
        other_schools: str
        personal: ClassVar[tuple[str, ...]] = ("shared_by", "seen_by", "other_schools")

    class SourceUrlRecorded(ActionRecorded):
        """De bronsite of URL van het materiaal is vastgelegd."""

        url: str
        public: bool
        personal: ClassVar[tuple[str, ...]] = ("url",)

    class ActionPlanMade(ActionRecorded):
        """De acties zijn op een rij gezet: wie, wat, wanneer, waar en hoe."""

        who: str
        what: str
        when: str
        where: str
        how: str
        personal: ClassVar[tuple[str, ...]] = ("who", "what", "when", "where", "how")

    class CultureSensitivityConsidered(ActionRecorded):
        """Besproken wat voor de betrokkenen cultureel gevoelig ligt en hoe de school hen benadert."""

        sensitive: str
        approach: str
        personal: ClassVar[tuple[str, ...]] = ("sensitive", "approach")

    class InternetFilterRequested(ActionRecorded):
        """De IT-servicedesk is gevraagd de URL in het internetfilter te blokkeren."""

        url: str
        service_desk: str
        personal: ClassVar[tuple[str, ...]] = ("url",)

    class CareTeamInvolved(ActionRecorded):
        """De zorgcoördinator of vertrouwenspersoon is betrokken."""

        roles: list[str]

    class OtvAdviceRequested(ActionRecorded):
        """Advies gevraagd aan het Ondersteuningsteam Veiligheid (OTV)."""

        question: str
        personal: ClassVar[tuple[str, ...]] = ("question",)

    class OtvAdviceReceived(ActionRecorded):
        """Advies van het OTV ontvangen."""

        advice: str
        personal: ClassVar[tuple[str, ...]] = ("advice",)

    # Step 2 — het slachtoffer bijstaan
    class VictimConversationHeld(ActionRecorded):
        """Het gesprek met het slachtoffer is gevoerd."""

        how_are_you: str
        friends_reaction: str
        others_remarks: str
        told_adult: str
        how_that_went: str
        why_not_told: str
        naked: str
        recognisable: str
        knows_who_saw: str
        where_seen: list[str]
        made_self: str
        knows_how_spread: str
        how_found_out: str
        help_wanted: str
        anything_else: str
        agreements: str
        wording: str
        # The answers to question 4 or 6 the handler marked as a worry about home ("vraag_4",
        # "vraag_6"): each asks for a decision on the risk at home before step 2 is done.
        worry_at_home: list[str]
        # Every answer is personal: the facts questions (naked, recognisable, made it self)
        # most of all. Only `wording`, which questions were asked, is not.
        personal: ClassVar[tuple[str, ...]] = (
            "how_are_you", "friends_reaction", "others_remarks", "told_adult", "how_that_went",
            "why_not_told", "naked", "recognisable", "knows_who_saw", "where_seen", "made_self",
            "knows_how_spread", "how_found_out", "help_wanted", "anything_else", "agreements",
            "worry_at_home",
        )  # fmt: skip
        coded: ClassVar[tuple[str, ...]] = (
            "told_adult", "naked", "recognisable", "where_seen", "made_self", "worry_at_home",
        )  # fmt: skip
        not_correctable: ClassVar[tuple[str, ...]] = ("wording",)
        class_version: ClassVar[int] = 3

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Version 1 was recorded with reworded questions, not the checklist's own."""
            state["wording"] = "herschreven"

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            """Version 2 had no way to mark an answer as a worry about home."""
            state["worry_at_home"] = []

    class VictimParentsConversationHeld(ActionRecorded):
        """Het gesprek met de ouders van het slachtoffer is gevoerd."""

        summary: str
        agreements: str
        personal: ClassVar[tuple[str, ...]] = ("summary", "agreements")

    class HelpArranged(ActionRecorded):
        """Passende hulp is ingeschakeld."""

        kinds: list[str]
        other: str
        for_whom: str
        personal: ClassVar[tuple[str, ...]] = ("other",)

    class ParentHelpInventoried(ActionRecorded):
        """Vooraf geïnventariseerd welke hulp er voor ouders beschikbaar is."""

        for_parents_of: list[str]
        help: list[str]
        notes: str
        personal: ClassVar[tuple[str, ...]] = ("notes",)

    class AlternativeInterventionsConsidered(ActionRecorded):
        """Alternatieve interventies zijn overwogen, naast of in plaats van straf."""

        options: list[str]
        chosen: str
        why: str
        personal: ClassVar[tuple[str, ...]] = ("chosen", "why")

    class AgreementsRecorded(ActionRecorded):
        """De afspraken met het slachtoffer zijn vastgelegd (wie het weet, wat nog niet, tempo, buddy's)."""

        not_yet_told: list[str]
        who_may_know: str
        pace: str
        buddies: str
        other: str
        personal: ClassVar[tuple[str, ...]] = ("who_may_know", "pace", "buddies", "other")

    class AgreementSetAside(ActionRecorded):
        """Afgeweken van een afspraak met het slachtoffer; de behandelaar gaf de reden."""

        agreement_version: int
        for_action: str
        audiences: list[str]
        reason: str
        personal: ClassVar[tuple[str, ...]] = ("reason",)
        allowed_when_closed: ClassVar[bool] = True

    class SafetyRiskFlagged(ActionRecorded):
        """Een risico op eerwraak of huiselijk geweld is vastgelegd, met de bron."""

        source: str
        explanation: str
        personal: ClassVar[tuple[str, ...]] = ("explanation",)

    class NoRiskAtHomeFound(ActionRecorded):
        """Na een zorg over thuis: geen aanwijzing voor eerwraak of huiselijk geweld, met de reden."""

        reason: str
        personal: ClassVar[tuple[str, ...]] = ("reason",)
        needs_reason: ClassVar[tuple[str, ...]] = ("reason",)
        without_reason: ClassVar[str] = (
            "Een zorg over thuis wordt niet zonder reden terzijde gelegd: schrijf op waarom er geen "
            "aanwijzing is voor eerwraak of huiselijk geweld, of leg het risico vast."
        )

    class SafetyRiskLifted(ActionRecorded):
        """Het risico op eerwraak of huiselijk geweld is opgeheven."""

        reason: str
        personal: ClassVar[tuple[str, ...]] = ("reason",)
        allowed_when_closed: ClassVar[bool] = True

    class VictimRestArranged(ActionRecorded):
        """Rust en steun voor het slachtoffer zijn geregeld (rustperiode, buddy's)."""

        rest_period: str
        buddies_chosen: bool
        personal: ClassVar[tuple[str, ...]] = ("rest_period",)

    class BuddiesChosen(ActionRecorded):
        """Het slachtoffer heeft zelf buddy's gekozen die hem of haar in de klas steunen."""

        buddies: list[str]
        chosen_by_victim: bool
        agreements: str
        personal: ClassVar[tuple[str, ...]] = ("buddies", "agreements")

    # Step 3 — politie
    class PoliceContacted(ActionRecorded):
        """Contact met de wijkagent of politie; samen een plan afgesproken."""

        contact: str
        plan: str
        outcomes: list[str]
        personal: ClassVar[tuple[str, ...]] = ("plan",)

    class ReportDecided(ActionRecorded):
        """Met de politie besloten over een melding of aangifte."""

        decision: str
        rationale: str
        personal: ClassVar[tuple[str, ...]] = ("rationale",)

    class OtherSchoolsInformed(ActionRecorded):
        """Scholen in de omgeving of de school van de dader zijn geïnformeerd."""

        which: str
        summary: str
        personal: ClassVar[tuple[str, ...]] = ("which", "summary")

    # Step 4 — het materiaal melden
    class MaterialReported(ActionRecorded):
        """Het materiaal is gemeld bij de politie of het Meldpunt Kinderporno."""

        reported_to: str
        public_url: bool
        reported_on: str
        reference: str
        personal: ClassVar[tuple[str, ...]] = ("reference",)

    # Step 5 — de beelden verwijderen
    class DeletionCalled(ActionRecorded):
        """Iedereen die het materiaal heeft, is opgeroepen het te verwijderen."""

        addressed: list[str]
        how: str
        personal: ClassVar[tuple[str, ...]] = ("how",)

    class TakedownRequested(ActionRecorded):
        """Gevraagd het materiaal op een kanaal of platform offline te halen (waar, wanneer, kenmerk)."""

        channel_kind: str
        channel: str  # the URL, account or group chat: a reference, never the material
        platform: str
        route: str
        reference: str
        reported_on: str
        personal: ClassVar[tuple[str, ...]] = ("channel", "reference")

    class TakedownOutcomeRecorded(ActionRecorded):
        """De uitkomst van een verzoek om het materiaal offline te halen is vastgelegd."""

        request_version: int
        outcome: str
        notes: str
        personal: ClassVar[tuple[str, ...]] = ("notes",)

    class DeletionConfirmed(ActionRecorded):
        """Verwijdering is bevestigd voor een groep of kanaal."""

        party: str
        channel: str

    class MeetingPlanned(ActionRecorded):
        """Een ouder- en/of leerlingenbijeenkomst is gepland, met of zonder steun van de politie."""

        audience: str
        planned_on: str
        police_support: bool
        why: str
        personal: ClassVar[tuple[str, ...]] = ("why",)

    class MeetingHeld(ActionRecorded):
        """Een ouder- of leerlingenbijeenkomst is gehouden."""

        audience: str
        police_present: bool
        summary: str
        personal: ClassVar[tuple[str, ...]] = ("summary",)

    # Step 6 — gesprekken met betrokken leerlingen en ouders
    class PupilConversationHeld(ActionRecorded):
        """Een gesprek met betrokken leerlingen en hun ouders is gevoerd (politie leidend)."""

        involvement: str
        with_parents: bool
        aligned_with_police: bool
        summary: str
        personal: ClassVar[tuple[str, ...]] = ("summary",)

    class PerpetratorParentsHelped(ActionRecorded):
        """Met de ouders van de dader is gesproken; hulp voor hen is geadviseerd of geregeld."""

        talked_with: bool
        help: list[str]
        notes: str
        personal: ClassVar[tuple[str, ...]] = ("notes",)

    # Step 7 — leerkrachten en medewerkers
    class StaffSupported(ActionRecorded):
        """Leerkrachten en betrokken medewerkers zijn ondersteund."""

        how: str
        personal: ClassVar[tuple[str, ...]] = ("how",)

    class CommunicationStatementWritten(ActionRecorded):
        """Het communicatiestatement is opgesteld."""

        what_is_happening: str
        what_we_think: str
        what_we_do: str
        why: str
        contact_person: str
        language: str = "nl"  # the language it is written in: letters in that language use it
        class_version: ClassVar[int] = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Version 1 statements were all written in Dutch."""
            state["language"] = "nl"

    class ClassInterventionHeld(ActionRecorded):
        """Er is in een klas aandacht besteed aan wat er gebeurde."""

        scope: str
        what: str
        personal: ClassVar[tuple[str, ...]] = ("what",)

    class PupilMessageDecided(ActionRecorded):
        """Besloten welke boodschap de leerlingen krijgen, en wie die brengt."""

        message: str
        who_tells: str
        # The Stappenplan's choice: problematise ("problematiseren"), normalise ("normaliseren")
        # or both ("beide"); "" for a message decided before the choice was asked.
        approach: str
        personal: ClassVar[tuple[str, ...]] = ("message", "who_tells")
        class_version: ClassVar[int] = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Version 1 did not ask whether the message problematises or normalises."""
            state["approach"] = ""

    # Step 8 — ouders en leerlingen informeren
    class GroupInformed(ActionRecorded):
        """Een groep ouders, leerlingen of medewerkers is algemeen geïnformeerd."""

        group: str
        how: str
        personal: ClassVar[tuple[str, ...]] = ("how",)

    class MediaPrepared(ActionRecorded):
        """De school is voorbereid op media-aandacht."""

        spokesperson: str
        approach: str
        personal: ClassVar[tuple[str, ...]] = ("spokesperson", "approach")

    class MediaStatementWritten(ActionRecorded):
        """Een korte verklaring voor de media is opgesteld."""

        statement: str
        published: str
        personal: ClassVar[tuple[str, ...]] = ("statement",)

    class StepNotNeeded(ActionRecorded):
        """Een stap die alleen indien nodig geldt, is als niet nodig afgesloten, met de reden."""

        step: str
        reason: str
        personal: ClassVar[tuple[str, ...]] = ("reason",)

    # Step 9 — opvolgen
    class VeiligThuisConsulted(ActionRecorded):
        """Veilig Thuis is geraadpleegd."""

        anonymous: bool
        advice: str
        personal: ClassVar[tuple[str, ...]] = ("advice",)

    class MeldcodeDecided(ActionRecorded):
        """Volgens de Meldcode besloten over een melding bij Veilig Thuis."""

        decision: str
        rationale: str
        personal: ClassVar[tuple[str, ...]] = ("rationale",)

    class AftercarePlanned(ActionRecorded):
        """Een nazorgmoment is gepland."""

        for_whom: str
        due_on: str
        by_role: ClassVar[tuple[str, ...]] = ("for_whom",)
        allowed_when_closed: ClassVar[bool] = True

    class AftercareHeld(ActionRecorded):
        """Een nazorgmoment heeft plaatsgevonden."""

        for_whom: str
        notes: str
        personal: ClassVar[tuple[str, ...]] = ("notes",)
        by_role: ClassVar[tuple[str, ...]] = ("for_whom",)
        allowed_when_closed: ClassVar[bool] = True

    class EvaluationHeld(ActionRecorded):
        """De casus is geëvalueerd."""

        with_whom: list[str]
        went_well: str
        could_be_better: str
        protocol_improvements: str
        prevention: str
        personal: ClassVar[tuple[str, ...]] = (
            "went_well", "could_be_better", "protocol_improvements", "prevention",
        )  # fmt: skip
        allowed_when_closed: ClassVar[bool] = True

    class PerpetratorSchoolFeedbackAsked(ActionRecorded):
        """De school van de dader is om feedback gevraagd."""

        school: str
        feedback: str
        personal: ClassVar[tuple[str, ...]] = ("school", "feedback")
        allowed_when_closed: ClassVar[bool] = True

    class NoteAdded(ActionRecorded):
        """Een notitie is toegevoegd."""

        text: str
        personal: ClassVar[tuple[str, ...]] = ("text",)
        allowed_when_closed: ClassVar[bool] = True

    # Who else may read the case
    class StaffAccessGranted(ActionRecorded):
        """Een medewerker heeft leesrecht op deze melding gekregen."""

        staff_id: str
        allowed_when_closed: ClassVar[bool] = True

    class StaffAccessRevoked(ActionRecorded):
        """Het leesrecht van een medewerker op deze melding is ingetrokken."""

        staff_id: str
        allowed_when_closed: ClassVar[bool] = True

    # ---------------------------------------------------- corrections and closing

    class Corrected(ActionRecorded):
        """Een eerdere actie is gecorrigeerd; de oorspronkelijke blijft zichtbaar."""

        corrects: int
        reason: str
        changes: dict[str, Any]
        withdraws: bool
        allowed_when_closed: ClassVar[bool] = True
        personal: ClassVar[tuple[str, ...]] = ("reason", "changes")

        def apply(self, incident: Incident) -> None:
            super().apply(incident)
            target = incident.action_at(self.corrects)
            assert target is not None
            target.data.update(self.changes)
            target.corrected_by.append(self.originator_version)
            target.withdrawn = target.withdrawn or self.withdraws

    def correct(
        self,
        *,
        actor: str,
        corrects: int,
        reason: str,
        changes: dict[str, Any] | None = None,
        withdraws: bool = False,
    ) -> None:
        """Corrects an earlier action; raises NothingToCorrect for an unknown version."""
        target = self.action_at(corrects)
        if target is None or target.action == "Corrected":
            raise NothingToCorrect()
        changes = changes or {}
        unknown = set(changes) - set(target.data)
        unknown |= set(changes) & set(getattr(getattr(Incident, target.action, None), "not_correctable", ()))
        if unknown or not (changes or withdraws):
            raise NothingToCorrect()
        refuse_material({"reason": reason, **changes})
        self.trigger_event(
            self.Corrected,
            actor=actor,
            corrects=corrects,
            reason=reason,
            changes=changes,
            withdraws=withdraws,
        )

    class Closed(ActionRecorded):
        """De melding is afgesloten."""

        reason: str
        personal: ClassVar[tuple[str, ...]] = ("reason",)

        def apply(self, incident: Incident) -> None:
            super().apply(incident)
            incident.status = Status.CLOSED

    def close(self, *, actor: str, reason: str) -> None:
        """Closes the incident; raises IncidentClosed when it already is."""
        if self.status is Status.CLOSED:
            raise IncidentClosed("De melding is al afgesloten.")
        refuse_material({"reason": reason})
        self.trigger_event(self.Closed, actor=actor, reason=reason)

    class Reopened(ActionRecorded):
        """De melding is heropend."""

        reason: str
        personal: ClassVar[tuple[str, ...]] = ("reason",)
        allowed_when_closed: ClassVar[bool] = True

        def apply(self, incident: Incident) -> None:
            super().apply(incident)
            incident.status = Status.OPEN

    def reopen(self, *, actor: str, reason: str) -> None:
        """Reopens a closed incident; raises IncidentAlreadyOpen otherwise."""
        if self.status is Status.OPEN:
            raise IncidentAlreadyOpen()
        refuse_material({"reason": reason})
        self.trigger_event(self.Reopened, actor=actor, reason=reason)

    class PersonalDataErased(ActionRecorded):
        """De persoonsgegevens van deze melding zijn gewist; het verloop blijft bewaard."""

        reason: str
        allowed_when_closed: ClassVar[bool] = True

    def erase_personal_data(self, *, actor: str, reason: str) -> None:
        """Records that the incident's personal data is erased (its key is destroyed next)."""
        refuse_material({"reason": reason})
        self.trigger_event(self.PersonalDataErased, actor=actor, reason=reason)

    # ------------------------------------------------------------------- letters

    class LetterComposed(ActionRecorded):
        """Een standaardbrief is opgesteld; wat ermee gebeurt, staat bij de brief zelf."""

        letter_id: str
        letter: str
        allowed_when_closed: ClassVar[bool] = False

    def compose_letter(
        self,
        *,
        actor: str,
        letter_id: UUID,
        letter: str,
        awaiting_review: bool,
        override_reason: str = "",
    ) -> None:
        """Records that a letter was composed (the letter itself is a LetterRequest of its
        own). A letter that needs no review records the step it carries out in the same
        command (deletion call, group informed); one awaiting review does so when approved.

        Raises DeletionCallTooEarly, HeldBackForSafety, AgreementConflict or IncidentClosed."""
        if letter in LETTER_STEPS and LETTER_STEPS[letter][0] == "DeletionCalled":
            if not deletion_call_ready(self.effective_actions()):
                raise DeletionCallTooEarly(DELETION_CALL_WAITS)
        if self.status is Status.CLOSED:
            raise IncidentClosed()
        refuse_material({"override_reason": override_reason})
        reaches = {"letter": letter}
        self._check_safeguards("LetterRequested", reaches)
        self._set_aside_agreements("LetterRequested", reaches, actor=actor, reason=override_reason)
        if not awaiting_review:
            self._complete_step_of(letter, actor=actor)
        self.trigger_event(self.LetterComposed, actor=actor, letter_id=str(letter_id), letter=letter)

    def letter_approved(self, *, actor: str, letter: str) -> None:
        """Records the step an approved letter carries out; raises HeldBackForSafety when a
        risk at home was set since the letter was composed."""
        self._check_safeguards("LetterRequested", {"letter": letter})
        self._complete_step_of(letter, actor=actor)

    def _complete_step_of(self, letter: str, *, actor: str) -> None:
        if letter in LETTER_STEPS:
            action, data = LETTER_STEPS[letter]
            self.trigger_event(self.action_class(action), actor=actor, **data)

    def letter_ids(self) -> list[UUID]:
        """The letters composed for this incident, oldest first."""
        return [UUID(a.data["letter_id"]) for a in self.actions if a.action == "LetterComposed"]

    # The incident's own letter events before letters had a stream of their own: kept so that
    # stored incidents load and their trail reads as it did. Nothing records them any more.

    class LetterRequested(ActionRecorded):
        """Een standaardbrief is klaargezet voor verzending."""

        letter: str
        group: str
        recipients: list[str]
        statement: dict[str, str]
        language: str = "nl"  # the language the letter is sent in
        personal: ClassVar[tuple[str, ...]] = ("recipients",)
        class_version: ClassVar[int] = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Version 1 letters were all sent in Dutch."""
            state["language"] = "nl"

    class LetterSent(ActionRecorded):
        """Een standaardbrief is afgeleverd bij de mailserver."""

        request_version: int
        recipient_count: int
        allowed_when_closed: ClassVar[bool] = True

    class LetterFailed(ActionRecorded):
        """Een standaardbrief kon niet worden verzonden."""

        request_version: int
        reason: str
        # The guard's reason can quote the part of a recorded name it found: sealed.
        personal: ClassVar[tuple[str, ...]] = ("reason",)
        allowed_when_closed: ClassVar[bool] = True

    class LetterProposed(ActionRecorded):
        """Een standaardbrief aan veel ontvangers wacht op goedkeuring door een tweede persoon."""

        letter: str
        group: str
        recipients: list[str]
        statement: dict[str, str]
        language: str = "nl"  # the language the letter is sent in
        personal: ClassVar[tuple[str, ...]] = ("recipients",)
        class_version: ClassVar[int] = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Version 1 letters were all sent in Dutch."""
            state["language"] = "nl"

    class LetterApproved(ActionRecorded):
        """Een tweede persoon heeft de brief goedgekeurd; hij wordt verzonden."""

        proposal_version: int
        allowed_when_closed: ClassVar[bool] = True

    class LetterRefused(ActionRecorded):
        """Een tweede persoon heeft de brief afgekeurd; hij wordt niet verzonden."""

        proposal_version: int
        reason: str
        personal: ClassVar[tuple[str, ...]] = ("reason",)  # typed by a person: may name a pupil
        allowed_when_closed: ClassVar[bool] = True

    # ------------------------------------- improvements for the protocol, shared with the board

    class ImprovementProposed(ActionRecorded):
        """Een verbetering voor het protocol is voorgesteld om met het bestuur te delen."""

        step: str
        text: str
        # Sealed until a second person shares it: a refused text stays erasable with the incident.
        personal: ClassVar[tuple[str, ...]] = ("text",)
        allowed_when_closed: ClassVar[bool] = True

    class ImprovementShared(ActionRecorded):
        """Een tweede persoon heeft de verbetering beoordeeld en met het bestuur gedeeld."""

        proposal_version: int
        step: str
        text: str  # unsealed on purpose: the board reads it; it passed the letters' guard twice
        allowed_when_closed: ClassVar[bool] = True

    class ImprovementRefused(ActionRecorded):
        """Een tweede persoon heeft de verbetering niet gedeeld, met de reden."""

        proposal_version: int
        reason: str
        personal: ClassVar[tuple[str, ...]] = ("reason",)
        allowed_when_closed: ClassVar[bool] = True

    def propose_improvement(self, *, actor: str, step: str, text: str) -> None:
        """Proposes an improvement for the board; the text was checked by the letters' guard.
        Raises ReasonRequired for an empty text."""
        if not text.strip():
            raise ReasonRequired("Schrijf de verbetering voor het protocol op.")
        refuse_material({"step": step, "text": text})
        self.trigger_event(self.ImprovementProposed, actor=actor, step=step, text=text.strip())

    def improvements_awaiting_review(self) -> list[RecordedAction]:
        """Proposed improvements that no second person shared or refused yet."""
        decided = {
            a.data["proposal_version"]
            for a in self.actions
            if a.action in ("ImprovementShared", "ImprovementRefused")
        }
        return [
            a
            for a in self.effective_actions()
            if a.action == "ImprovementProposed" and a.version not in decided
        ]

    def decide_improvement(self, *, actor: str, proposal_version: int, share: bool, reason: str = "") -> None:
        """Shares a proposed improvement with the board, or refuses it with a reason; the one who
        proposed it cannot. Raises NothingToDecide, SecondReviewerRequired or ReasonRequired."""
        proposal = next(
            (a for a in self.improvements_awaiting_review() if a.version == proposal_version), None
        )
        if proposal is None:
            raise NothingToDecide()
        if proposal.actor == actor:
            raise SecondReviewerRequired()
        if share:
            self.trigger_event(
                self.ImprovementShared,
                actor=actor,
                proposal_version=proposal_version,
                step=proposal.data["step"],
                text=proposal.data["text"],
            )
            return
        if not reason.strip():
            raise ReasonRequired("Geef de reden waarom de verbetering niet wordt gedeeld.")
        refuse_material({"reason": reason})
        self.trigger_event(
            self.ImprovementRefused, actor=actor, proposal_version=proposal_version, reason=reason.strip()
        )

    # ------------------------------------------------------------- pupils involved

    class PupilRecorded(ActionRecorded):
        """Een betrokken leerling is vastgelegd (naam en kenmerken versleuteld)."""

        role: str
        name: str
        nickname: str
        class_label: str
        accounts: list[str]
        personal: ClassVar[tuple[str, ...]] = ("name", "nickname", "class_label", "accounts")
        allowed_when_closed: ClassVar[bool] = True

    def pupils(self) -> list[RecordedAction]:
        """The pupils involved as recorded now (corrections applied, withdrawn ones left out):
        entered once, referred to by role elsewhere, and what every letter is checked against."""
        return [a for a in self.effective_actions() if a.action == "PupilRecorded"]

    # ------------------------------------------------------------------- queries

    def action_at(self, version: int) -> RecordedAction | None:
        """The recorded action at an event version, if any."""
        for action in self.actions:
            if action.version == version:
                return action
        return None

    def staff_with_access(self) -> set[str]:
        """Staff members a handler granted read access, minus those revoked since."""
        granted: set[str] = set()
        for action in self.effective_actions():
            if action.action == "StaffAccessGranted":
                granted.add(action.data["staff_id"])
            elif action.action == "StaffAccessRevoked":
                granted.discard(action.data["staff_id"])
        return granted

    @property
    def otv_advice_requested(self) -> bool:
        """True once the school asked the OTV for advice on this incident."""
        return any(a.action == "OtvAdviceRequested" for a in self.effective_actions())

    def effective_actions(self) -> list[RecordedAction]:
        """Actions that count: not withdrawn, and not themselves corrections."""
        return [
            a
            for a in self.actions
            if not a.withdrawn and a.action not in ("Corrected", "Closed", "Reopened", "PersonalDataErased")
        ]

    @property
    def incident_id(self) -> UUID:
        return self.id


def sentence(event_class: type) -> str:
    """The audit-trail sentence of an event class: its own docstring.

    The library re-creates nested event classes as dataclasses, whose generated docstring
    is the signature; the written one sits one step up the class hierarchy.
    """
    for klass in event_class.__mro__:
        doc = vars(klass).get("__doc__") or ""
        if doc and not doc.startswith(f"{klass.__name__}("):
            return doc.strip()
    return event_class.__name__
