"""Who the school asks and reports to outside itself: the police (contact, a report or a
charge), the OTV for advice, and Veilig Thuis under the Meldcode."""

from __future__ import annotations

from typing import ClassVar

from services.case.domain.actions import ActionRecorded


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


class OtvAdviceRequested(ActionRecorded):
    """Advies gevraagd aan het Ondersteuningsteam Veiligheid (OTV)."""

    question: str
    personal: ClassVar[tuple[str, ...]] = ("question",)


class OtvAdviceReceived(ActionRecorded):
    """Advies van het OTV ontvangen."""

    advice: str
    personal: ClassVar[tuple[str, ...]] = ("advice",)


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
