"""The conversations the protocol asks for: with the victim (the checklist's questions), the
victim's parents, the pupils involved and their parents, a class, and the meetings for parents
or pupils."""

from __future__ import annotations

from typing import Any, ClassVar

from services.case.domain.actions import ActionRecorded


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


class ClassInterventionHeld(ActionRecorded):
    """Er is in een klas aandacht besteed aan wat er gebeurde."""

    scope: str
    what: str
    personal: ClassVar[tuple[str, ...]] = ("what",)


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
