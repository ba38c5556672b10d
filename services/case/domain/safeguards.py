"""What the conversation with the victim binds: the agreements with the pupil and the risk
of honour-related or domestic violence. Pure functions over an incident's actions; the
Incident applies them before a group is informed or a letter goes out."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from services.case.domain.actions import ActionRecorded, IncidentPart, RecordedAction
from services.case.domain.errors import AgreementConflict, HeldBackForSafety

# Who may be told: the audiences an agreement can hold back, and a letter or GroupInformed reaches.
AUDIENCES: dict[str, str] = {
    "ouders_klas": "ouders van de klas",
    "ouders_alle": "ouders van andere klassen of alle ouders",
    "leerlingen": "leerlingen",
    "medewerkers": "medewerkers",
}

# Which audiences each standard letter reaches (letters to services reach none of them).
LETTER_AUDIENCES: dict[str, tuple[str, ...]] = {
    "ouders_klas": ("ouders_klas",),
    "ouders_alle": ("ouders_alle",),
    "uitnodiging_ouderavond": ("ouders_klas",),
    "oproep_verwijderen": ("leerlingen", "ouders_klas"),
    "medewerkers": ("medewerkers",),
    "leerlingen": ("leerlingen",),
    # An update may go to the class's parents or to all: it is held back for either.
    "ouders_update": ("ouders_klas", "ouders_alle"),
}

# Informing these reaches the victim's parents: held back while a risk at home is recorded.
VICTIM_PARENTS = "ouders_slachtoffer"
REACHES_VICTIM_PARENTS = frozenset({VICTIM_PARENTS, "ouders_klas", "ouders_alle"})

SAFETY_EXPLANATION = (
    "Er is een risico op eerwraak of huiselijk geweld vastgelegd. Zolang dat zo is, worden de ouders "
    "van het slachtoffer en de ouders van de klas niet geïnformeerd: zo'n bericht kan de leerling thuis "
    "in gevaar brengen. Raadpleeg eerst Veilig Thuis (stap 2 van de Meldcode; dat kan anoniem) en "
    "hef het risico pas op als het veilig is, met de reden."
)


def audiences_of(action: str, data: dict[str, Any]) -> tuple[str, ...]:
    """The audiences an action informs: a group, the recipients of a letter, the victim's parents."""
    if action == "GroupInformed":
        return (str(data.get("group", "")),)
    if action in ("LetterRequested", "LetterProposed"):
        return LETTER_AUDIENCES.get(str(data.get("letter", "")), ())
    if action == "VictimParentsConversationHeld":
        return (VICTIM_PARENTS,)
    return ()


def current_agreements(actions: Iterable[Any]) -> Any | None:
    """The agreements with the pupil as they stand: the latest list recorded, corrections applied."""
    recorded = [a for a in actions if a.action == "AgreementsRecorded"]
    return recorded[-1] if recorded else None


def conflicting_audiences(actions: Iterable[Any], audiences: Iterable[str]) -> list[str]:
    """The audiences that the agreements say may not be told yet."""
    agreements = current_agreements(actions)
    if agreements is None:
        return []
    not_yet = set(agreements.data.get("not_yet_told", []))
    return [a for a in audiences if a in not_yet]


def safety_risk(actions: Iterable[Any]) -> Any | None:
    """The flag of a risk at home while it is set (not lifted since), else None."""
    flag = None
    for action in actions:
        if action.action == "SafetyRiskFlagged":
            flag = action
        elif action.action == "SafetyRiskLifted":
            flag = None
    return flag


def held_back_for_safety(actions: Iterable[Any], audiences: Iterable[str]) -> bool:
    """True when informing these audiences could reach the victim's parents while the risk is set."""
    return safety_risk(actions) is not None and bool(REACHES_VICTIM_PARENTS & set(audiences))


# Answers of the conversation with the victim where a risk at home shows first (questions 4
# and 6: how the parents will react, whether the pupil feels safe).
WORRY_QUESTIONS = ("vraag_4", "vraag_6")

WORRY_UNDECIDED = (
    "Bij vraag 4 of 6 van het gesprek met het slachtoffer is een zorg over thuis aangegeven. Leg "
    "vast of er een risico op eerwraak of huiselijk geweld is, of dat er geen aanwijzing voor is "
    "(met de reden). Tot dan is stap 2 niet gedaan."
)


def undecided_worry(actions: Iterable[Any]) -> Any | None:
    """The latest conversation with a worry about home marked, while no decision on the risk
    at home was recorded after it: the risk flagged (and still set), or no sign found."""
    actions = list(actions)
    worried = [a for a in actions if a.action == "VictimConversationHeld" and a.data.get("worry_at_home")]
    if not worried:
        return None
    last = worried[-1]
    decided = any(
        a.action in ("SafetyRiskFlagged", "NoRiskAtHomeFound") and a.version > last.version for a in actions
    )
    return None if decided or safety_risk(actions) is not None else last


# The events of the agreements and the risk at home (registered on Incident: see actions.py).


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


class Safeguards(IncidentPart):
    """What the agreements and the risk at home hold back, mixed into `Incident`: applied
    before an action informs anyone, and before a letter is composed or approved."""

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
            self.registered(AgreementSetAside),
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
