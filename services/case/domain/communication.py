"""What the school tells, and to whom: the communication statement and the message for pupils,
groups of parents, pupils or staff informed, schools nearby, and the media."""

from __future__ import annotations

from typing import Any, ClassVar

from services.case.domain.actions import ActionRecorded


class OtherSchoolsInformed(ActionRecorded):
    """Scholen in de omgeving of de school van de dader zijn geïnformeerd."""

    which: str
    summary: str
    personal: ClassVar[tuple[str, ...]] = ("which", "summary")


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
