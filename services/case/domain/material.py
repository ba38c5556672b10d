"""The material itself, by reference only: where it was found, reported to the police or the
Meldpunt, the call to delete it, and each request to take it offline with its outcome (the
rules of a channel and a request are in takedown.py). Never the material: no picture, no file."""

from __future__ import annotations

from typing import ClassVar

from services.case.domain.actions import ActionRecorded


class SourceUrlRecorded(ActionRecorded):
    """De bronsite of URL van het materiaal is vastgelegd."""

    url: str
    public: bool
    personal: ClassVar[tuple[str, ...]] = ("url",)


class InternetFilterRequested(ActionRecorded):
    """De IT-servicedesk is gevraagd de URL in het internetfilter te blokkeren."""

    url: str
    service_desk: str
    personal: ClassVar[tuple[str, ...]] = ("url",)


class MaterialReported(ActionRecorded):
    """Het materiaal is gemeld bij de politie of het Meldpunt Kinderporno."""

    reported_to: str
    public_url: bool
    reported_on: str
    reference: str
    personal: ClassVar[tuple[str, ...]] = ("reference",)


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
