"""The Incident aggregate: one sexting or abuse-material case at one school.

Every action a school takes is an event of the incident, named in the past tense. The docstring
of each event is the sentence the audit trail shows. Events are never changed: a mistake is
corrected by a later `Corrected` event that names the version it corrects.

The actions are written beside what they are about (conversations.py, material.py, letters.py,
...) and named in the class body below, step by step: that registers each as the incident's own
(`Incident.PoliceContacted`), with the topic it has always been stored under (see actions.py).
"""

from __future__ import annotations

from enum import Enum
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from services.case.domain import (
    actions,
    agreements,
    assessment,
    communication,
    conversations,
    improvements,
    letters,
    material,
    other_schools,
    partners,
    people,
    support,
    tasks,
)
from services.case.domain.actions import RecordedAction
from services.case.domain.aftercare import NOT_A_ROLE, is_role
from services.case.domain.errors import (
    DeletionCallTooEarly,
    IncidentAlreadyOpen,
    IncidentClosed,
    NotAChannel,
    NotARole,
    NothingToCorrect,
    ReasonRequired,
    UnknownAction,
)
from services.case.domain.guards import refuse_material
from services.case.domain.letters import DELETION_CALL_WAITS, LETTER_STEPS, deletion_call_ready
from services.case.domain.takedown import NOT_A_CHANNEL, is_channel

__all__ = ["Incident", "RecordedAction", "Status", "sentence"]


class Status(Enum):
    OPEN = "open"
    CLOSED = "gesloten"


class Incident(
    agreements.Safeguards,
    people.People,
    improvements.Improvements,
    tasks.Coordination,
    other_schools.OtherSchools,
    Aggregate,
):
    """A melding: what happened, and every action the school took since."""

    # Tasks, colleagues and the care team's alert: rules and events in domain/tasks.py.
    CareTeamAlerted = tasks.CareTeamAlerted
    ColleagueAdded = tasks.ColleagueAdded
    TaskCreated = tasks.TaskCreated
    TaskReassigned = tasks.TaskReassigned
    TaskDone = tasks.TaskDone
    TaskReopened = tasks.TaskReopened
    # Other schools the image reached, told and confirming: domain/other_schools.py.
    OtherSchoolRecorded = other_schools.OtherSchoolRecorded
    OtherSchoolNotified = other_schools.OtherSchoolNotified
    OtherSchoolConfirmed = other_schools.OtherSchoolConfirmed
    OtherSchoolNoticeFailed = other_schools.OtherSchoolNoticeFailed
    OtherSchoolWithdrawn = other_schools.OtherSchoolWithdrawn

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

    # Every action shares this event: it appends the action, as recorded, to `actions`.
    ActionRecorded = actions.ActionRecorded

    # Step 1 — omvang en impact
    ScopeAssessed = assessment.ScopeAssessed
    SourceUrlRecorded = material.SourceUrlRecorded
    ActionPlanMade = assessment.ActionPlanMade
    CultureSensitivityConsidered = assessment.CultureSensitivityConsidered
    InternetFilterRequested = material.InternetFilterRequested
    CareTeamInvolved = support.CareTeamInvolved
    OtvAdviceRequested = partners.OtvAdviceRequested
    OtvAdviceReceived = partners.OtvAdviceReceived
    # Step 2 — het slachtoffer bijstaan
    VictimConversationHeld = conversations.VictimConversationHeld
    VictimParentsConversationHeld = conversations.VictimParentsConversationHeld
    HelpArranged = support.HelpArranged
    ParentHelpInventoried = support.ParentHelpInventoried
    AlternativeInterventionsConsidered = support.AlternativeInterventionsConsidered
    AgreementsRecorded = agreements.AgreementsRecorded
    AgreementSetAside = agreements.AgreementSetAside
    SafetyRiskFlagged = agreements.SafetyRiskFlagged
    NoRiskAtHomeFound = agreements.NoRiskAtHomeFound
    SafetyRiskLifted = agreements.SafetyRiskLifted
    VictimRestArranged = support.VictimRestArranged
    BuddiesChosen = support.BuddiesChosen
    # Step 3 — politie
    PoliceContacted = partners.PoliceContacted
    ReportDecided = partners.ReportDecided
    OtherSchoolsInformed = communication.OtherSchoolsInformed
    # Step 4 — het materiaal melden
    MaterialReported = material.MaterialReported
    # Step 5 — de beelden verwijderen
    DeletionCalled = material.DeletionCalled
    TakedownRequested = material.TakedownRequested
    TakedownOutcomeRecorded = material.TakedownOutcomeRecorded
    DeletionConfirmed = material.DeletionConfirmed
    MeetingPlanned = conversations.MeetingPlanned
    MeetingHeld = conversations.MeetingHeld
    # Step 6 — gesprekken met betrokken leerlingen en ouders
    PupilConversationHeld = conversations.PupilConversationHeld
    PerpetratorParentsHelped = conversations.PerpetratorParentsHelped
    # Step 7 — leerkrachten en medewerkers
    StaffSupported = support.StaffSupported
    CommunicationStatementWritten = communication.CommunicationStatementWritten
    ClassInterventionHeld = conversations.ClassInterventionHeld
    PupilMessageDecided = communication.PupilMessageDecided
    # Step 8 — ouders en leerlingen informeren
    GroupInformed = communication.GroupInformed
    MediaPrepared = communication.MediaPrepared
    MediaStatementWritten = communication.MediaStatementWritten
    StepNotNeeded = assessment.StepNotNeeded
    # Step 9 — opvolgen
    VeiligThuisConsulted = partners.VeiligThuisConsulted
    MeldcodeDecided = partners.MeldcodeDecided
    AftercarePlanned = support.AftercarePlanned
    AftercareHeld = support.AftercareHeld
    EvaluationHeld = assessment.EvaluationHeld
    PerpetratorSchoolFeedbackAsked = assessment.PerpetratorSchoolFeedbackAsked

    class NoteAdded(actions.ActionRecorded):
        """Een notitie is toegevoegd."""

        text: str
        personal: ClassVar[tuple[str, ...]] = ("text",)
        allowed_when_closed: ClassVar[bool] = True

    # Who else may read the case: domain/people.py
    StaffAccessGranted = people.StaffAccessGranted
    StaffAccessRevoked = people.StaffAccessRevoked

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

    def _recordable(self, action: str, values: dict[str, Any]) -> type[actions.ActionRecorded]:
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
    def _check_takedown(event_class: type[actions.ActionRecorded], values: dict[str, Any]) -> None:
        """A takedown names its channel by a URL or a short reference, never the material.
        (An outcome that names no request is kept in the trail but counts for no channel.)"""
        if event_class is Incident.TakedownRequested:
            if not is_channel(str(values.get("channel_kind", "")), str(values.get("channel", ""))):
                raise NotAChannel(NOT_A_CHANNEL)

    @classmethod
    def action_class(cls, action: str) -> type[actions.ActionRecorded]:
        """Returns the event class of a recordable action, or raises UnknownAction."""
        event_class = cls.action_classes().get(action)
        if event_class is None:
            raise UnknownAction()
        return event_class

    @classmethod
    def action_classes(cls) -> dict[str, type[actions.ActionRecorded]]:
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
    def legacy_letter_classes(cls) -> tuple[type[actions.ActionRecorded], ...]:
        """The incident's own letter events of before letters had a stream of their own, and
        the reference to a letter: none is recorded through `record`."""
        return (
            cls.LetterRequested, cls.LetterProposed, cls.LetterApproved, cls.LetterRefused,
            cls.LetterSent, cls.LetterFailed, cls.LetterComposed,
        )  # fmt: skip

    # Step 1 — omvang en impact
    # ---------------------------------------------------- corrections and closing

    class Corrected(actions.ActionRecorded):
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
        if target is None or target.is_a(self.Corrected):
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

    class Closed(actions.ActionRecorded):
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

    class Reopened(actions.ActionRecorded):
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

    class PersonalDataErased(actions.ActionRecorded):
        """De persoonsgegevens van deze melding zijn gewist; het verloop blijft bewaard."""

        reason: str
        allowed_when_closed: ClassVar[bool] = True

    def erase_personal_data(self, *, actor: str, reason: str) -> None:
        """Records that the incident's personal data is erased (its key is destroyed next)."""
        refuse_material({"reason": reason})
        self.trigger_event(self.PersonalDataErased, actor=actor, reason=reason)

    # A letter is a LetterRequest of its own; the incident records that one was composed. The
    # incident's own letter events of before are kept so that stored incidents load and their
    # trail reads as it did; nothing records them any more. domain/letters.py
    LetterComposed = letters.LetterComposed
    LetterRequested = letters.LetterRequested
    LetterSent = letters.LetterSent
    LetterFailed = letters.LetterFailed
    LetterProposed = letters.LetterProposed
    LetterApproved = letters.LetterApproved
    LetterRefused = letters.LetterRefused

    # Improvements for the protocol, shared with the board: domain/improvements.py
    ImprovementProposed = improvements.ImprovementProposed
    ImprovementShared = improvements.ImprovementShared
    ImprovementRefused = improvements.ImprovementRefused

    # The pupils involved, recorded once: domain/people.py
    PupilRecorded = people.PupilRecorded

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
        if letter in LETTER_STEPS and LETTER_STEPS[letter][0] == self.DeletionCalled.__name__:
            if not deletion_call_ready(self.effective_actions()):
                raise DeletionCallTooEarly(DELETION_CALL_WAITS)
        if self.status is Status.CLOSED:
            raise IncidentClosed()
        refuse_material({"override_reason": override_reason})
        reaches = {"letter": letter}
        self._check_safeguards(self.LetterRequested.__name__, reaches)
        self._set_aside_agreements(
            self.LetterRequested.__name__, reaches, actor=actor, reason=override_reason
        )
        if not awaiting_review:
            self._complete_step_of(letter, actor=actor)
        self.trigger_event(self.LetterComposed, actor=actor, letter_id=str(letter_id), letter=letter)

    def letter_approved(self, *, actor: str, letter: str) -> None:
        """Records the step an approved letter carries out; raises HeldBackForSafety when a
        risk at home was set since the letter was composed."""
        self._check_safeguards(self.LetterRequested.__name__, {"letter": letter})
        self._complete_step_of(letter, actor=actor)

    def _complete_step_of(self, letter: str, *, actor: str) -> None:
        if letter in LETTER_STEPS:
            action, data = LETTER_STEPS[letter]
            self.trigger_event(self.action_class(action), actor=actor, **data)

    def letter_ids(self) -> list[UUID]:
        """The letters composed for this incident, oldest first."""
        return [UUID(a.data["letter_id"]) for a in self.actions if a.is_a(self.LetterComposed)]

    # ------------------------------------------------------------------- queries

    def action_at(self, version: int) -> RecordedAction | None:
        """The recorded action at an event version, if any."""
        for action in self.actions:
            if action.version == version:
                return action
        return None

    @property
    def personal_data_erased(self) -> bool:
        """True once the incident's personal data was erased: what it held reads as erased."""
        return any(a.is_a(self.PersonalDataErased) for a in self.actions)

    @property
    def otv_advice_requested(self) -> bool:
        """True once the school asked the OTV for advice on this incident."""
        return any(a.is_a(self.OtvAdviceRequested) for a in self.effective_actions())

    def effective_actions(self) -> list[RecordedAction]:
        """Actions that count: not withdrawn, and not themselves corrections."""
        about_the_record = (self.Corrected, self.Closed, self.Reopened, self.PersonalDataErased)
        return [a for a in self.actions if not a.withdrawn and not a.is_a(*about_the_record)]

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
