"""What a standard letter may claim and which protocol step it completes.

A letter states only what the incident records: each fact below is a boolean computed from the
recorded actions, handed to the template (never a name), so a sentence like "al bij de politie
gemeld" appears only when that report was recorded. Confirming a letter records the step it
carries out in the same command, so step and letter can never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from services.case.domain.actions import ActionRecorded
from services.case.domain.assessment import ScopeAssessed
from services.case.domain.communication import GroupInformed
from services.case.domain.material import DeletionCalled, MaterialReported
from services.case.domain.partners import OtvAdviceRequested, PoliceContacted

# The fact → the question it answers; the templates use these names.
FACTS: dict[str, str] = {
    "police_contacted": "contact met de wijkagent of politie is vastgelegd",
    "reported_to_police": "het materiaal is gemeld bij de politie",
    "reported_to_hotline": "het materiaal is gemeld bij het Meldpunt Kinderporno",
    "police_at_meeting": "met de politie is afgesproken dat de wijkagent bij een bijeenkomst komt",
    "otv_advice_requested": "de adviesvraag aan het OTV is vastgelegd",
    "no_pupil_visible": "er is geen leerling van de school op het materiaal te zien",
}

# The situation chosen at opening for abuse material shared among pupils (Kindante step 1:
# "is er geen leerling van de school te zien").
MATERIAL_WITHOUT_PUPIL = "kinderporno_gedeeld"


def no_pupil_visible(situation: str, actions: Iterable[Any]) -> bool:
    """The situation chosen at opening decides, until the scope assessment answers the
    question itself: "nee" (no pupil of the school visible) or "ja"; "weet_niet" leaves the
    situation's answer standing."""
    answer = ""
    for action in actions:
        if action.is_a(ScopeAssessed) and action.data.get("pupil_visible") in ("ja", "nee"):
            answer = action.data["pupil_visible"]
    if answer:
        return answer == "nee"
    return situation == MATERIAL_WITHOUT_PUPIL


def recorded_facts(actions: Iterable[Any], situation: str = "") -> dict[str, bool]:
    """The facts a letter may state, from an incident's situation and effective actions."""
    actions = list(actions)
    facts = dict.fromkeys(FACTS, False)
    facts["no_pupil_visible"] = no_pupil_visible(situation, actions)
    for action in actions:
        if action.is_a(PoliceContacted):
            facts["police_contacted"] = True
            facts["police_at_meeting"] |= "bijeenkomst" in action.data.get("outcomes", [])
        elif action.is_a(MaterialReported):
            reported_to = action.data.get("reported_to")
            facts["reported_to_police"] |= reported_to == "politie"
            facts["reported_to_hotline"] |= reported_to == "meldpunt"
        elif action.is_a(OtvAdviceRequested):
            facts["otv_advice_requested"] = True
    return facts


DELETION_CALL_WAITS = (
    "De oproep om het materiaal te verwijderen wacht tot de politie (of het meldpunt) heeft wat ze "
    "nodig heeft: leg eerst het contact met de wijkagent of politie vast (stap 3) of de melding van "
    "het materiaal (stap 4). Wie nu verwijdert, wist ook wat de politie nog moet zien."
)


def deletion_call_ready(actions: Iterable[Any]) -> bool:
    """Deletion comes after reporting: police contact or a report must be recorded first."""
    return any(a.is_a(PoliceContacted, MaterialReported) for a in actions)


# The step a sent letter carries out: the action it records, with its data.
LETTER_STEPS: dict[str, tuple[str, dict[str, Any]]] = {
    "oproep_verwijderen": (
        DeletionCalled.__name__,
        {"addressed": ["leerlingen_verzonden", "leerlingen_ontvangen", "ouders"], "how": "brief"},
    ),
    "ouders_klas": (GroupInformed.__name__, {"group": "ouders_klas", "how": "brief"}),
    "ouders_alle": (GroupInformed.__name__, {"group": "ouders_alle", "how": "brief"}),
    "leerlingen": (GroupInformed.__name__, {"group": "leerlingen", "how": "brief"}),
}


# The events of letters on the incident (registered on Incident: see actions.py).


class LetterComposed(ActionRecorded):
    """Een standaardbrief is opgesteld; wat ermee gebeurt, staat bij de brief zelf."""

    letter_id: str
    letter: str
    allowed_when_closed: ClassVar[bool] = False


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
