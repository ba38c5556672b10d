"""Support for everyone the incident touches: the care team, help for the victim, the parents
and the pupils who shared it, rest and buddies in class, support for the staff, and the moments
of aftercare for everyone it touched (by role: aftercare.py)."""

from __future__ import annotations

from typing import ClassVar

from services.case.domain.actions import ActionRecorded


class CareTeamInvolved(ActionRecorded):
    """De zorgcoördinator of vertrouwenspersoon is betrokken."""

    roles: list[str]


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


class StaffSupported(ActionRecorded):
    """Leerkrachten en betrokken medewerkers zijn ondersteund."""

    how: str
    personal: ClassVar[tuple[str, ...]] = ("how",)


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
