"""The case's events that a reader of its event log looks for, by the name the log gives
them (`Change.name`, an `Action`'s `action`): the event class names of the case's `Incident`.

A reader (the reports) may not import the case, so the names it reads are published here, as
part of the schema, rather than written as text where they are compared. Each is an event
class the `Incident` has (a unit test checks it), so a renamed event fails a test instead of
leaving a report quietly empty. The protocol files name the actions a step needs in their
own way (protocols/*.toml).
"""

from __future__ import annotations

from enum import StrEnum


class EventType(StrEnum):
    """An incident event by its class name, as stored in every reader's facts."""

    OPENED = "Opened"
    CORRECTED = "Corrected"
    CLOSED = "Closed"
    REOPENED = "Reopened"
    PERSONAL_DATA_ERASED = "PersonalDataErased"
    SCOPE_ASSESSED = "ScopeAssessed"
    POLICE_CONTACTED = "PoliceContacted"
    MATERIAL_REPORTED = "MaterialReported"
    DELETION_CALLED = "DeletionCalled"
    GROUP_INFORMED = "GroupInformed"
    LETTER_REQUESTED = "LetterRequested"
    LETTER_SENT = "LetterSent"
    AFTERCARE_PLANNED = "AftercarePlanned"
    AFTERCARE_HELD = "AftercareHeld"
    EVALUATION_HELD = "EvaluationHeld"
    IMPROVEMENT_SHARED = "ImprovementShared"
