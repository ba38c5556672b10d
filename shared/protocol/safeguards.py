"""What the conversation with the victim binds: the agreements with the pupil and the risk
of honour-related or domestic violence. Pure functions over an incident's actions; the
Incident applies them before a group is informed or a letter goes out."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

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
