"""Weighing the case: its scope and impact at the start (Kindante step 1), the plan of actions,
what is culturally sensitive, a step set aside as not needed, and the evaluation at the end."""

from __future__ import annotations

from typing import ClassVar

from services.case.domain.actions import ActionRecorded


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


class StepNotNeeded(ActionRecorded):
    """Een stap die alleen indien nodig geldt, is als niet nodig afgesloten, met de reden."""

    step: str
    reason: str
    personal: ClassVar[tuple[str, ...]] = ("reason",)


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
