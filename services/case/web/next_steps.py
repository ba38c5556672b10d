"""What the checklist says is next: each action as a link phrased as something to do, and per
open step what is still missing, in one line, with the suggested action first.

A step is done when every group of its `requires` has one recorded action (see protocol.py);
what is missing are the groups without one, and the suggested action is the first of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.case.domain.protocol import StepState, StepStatus

# Per action: the link that starts it (an action, not a report of one) and what it records.
ACTIONS: dict[str, tuple[str, str]] = {
    "ScopeAssessed": ("Omvang en impact bepalen", "de omvang en de impact"),
    "SourceUrlRecorded": ("Bronsite of URL vastleggen", "de bronsite of URL"),
    "ActionPlanMade": ("Acties op een rij zetten", "het actieplan"),
    "CultureSensitivityConsidered": (
        "Cultureel gevoelige punten voor de betrokkenen bespreken",
        "wat voor de betrokkenen gevoelig ligt",
    ),
    "ParentHelpInventoried": ("Hulp voor ouders inventariseren", "de beschikbare hulp voor ouders"),
    "AlternativeInterventionsConsidered": (
        "Alternatieve interventies overwegen",
        "de overwogen alternatieve interventies",
    ),
    "MeetingPlanned": ("Ouder- of leerlingenbijeenkomst plannen", "de geplande bijeenkomst"),
    "InternetFilterRequested": (
        "URL in het internetfilter laten blokkeren",
        "de blokkade in het internetfilter",
    ),
    "CareTeamInvolved": (
        "Zorgcoördinator of vertrouwenspersoon betrekken",
        "de zorgcoördinator of vertrouwenspersoon",
    ),
    "OtvAdviceRequested": ("OTV om advies vragen", "de adviesvraag aan het OTV"),
    "OtvAdviceReceived": ("Advies van het OTV vastleggen", "het advies van het OTV"),
    "VictimConversationHeld": ("Gesprek met het slachtoffer vastleggen", "het gesprek met het slachtoffer"),
    "VictimParentsConversationHeld": (
        "Gesprek met de ouders van het slachtoffer vastleggen",
        "het gesprek met de ouders van het slachtoffer",
    ),
    "HelpArranged": ("Passende hulp inschakelen", "passende hulp"),
    "AgreementsRecorded": ("Afspraken met het slachtoffer vastleggen", "de afspraken met het slachtoffer"),
    "SafetyRiskFlagged": ("Signaal van eerwraak of huiselijk geweld vastleggen", "het risico thuis"),
    "NoRiskAtHomeFound": (
        "Geen aanwijzing voor een risico thuis vastleggen",
        "een besluit over het risico thuis",
    ),
    "SafetyRiskLifted": ("Opheffen van het risico thuis vastleggen", "het opheffen van het risico"),
    "VictimRestArranged": (
        "Rust en steun voor het slachtoffer regelen",
        "rust en steun voor het slachtoffer",
    ),
    "BuddiesChosen": ("Buddy's van het slachtoffer vastleggen", "de buddy's"),
    "PoliceContacted": ("Contact met de wijkagent of politie vastleggen", "het contact met de politie"),
    "ReportDecided": ("Besluit over melding of aangifte vastleggen", "het besluit over melding of aangifte"),
    "OtherSchoolsInformed": ("Andere scholen informeren", "het informeren van andere scholen"),
    "MaterialReported": ("Melding bij politie of Meldpunt vastleggen", "de melding van het materiaal"),
    "TakedownRequested": (
        "Verzoek per kanaal om offline te halen vastleggen",
        "het verzoek om het materiaal offline te halen",
    ),
    "TakedownOutcomeRecorded": (
        "Uitkomst van een verzoek om offline te halen vastleggen",
        "de uitkomst van het verzoek",
    ),
    "DeletionCalled": ("Oproep tot verwijderen vastleggen", "de oproep om te verwijderen"),
    "DeletionConfirmed": ("Bevestigde verwijdering vastleggen", "de bevestiging van verwijdering"),
    "MeetingHeld": ("Ouder- of leerlingenbijeenkomst vastleggen", "de bijeenkomst"),
    "PupilConversationHeld": (
        "Gesprek met betrokken leerlingen vastleggen",
        "het gesprek met betrokken leerlingen",
    ),
    "PerpetratorParentsHelped": (
        "Gesprek met de ouders van de dader vastleggen",
        "het gesprek met de ouders van de dader",
    ),
    "StaffSupported": ("Steun voor medewerkers vastleggen", "de steun voor medewerkers"),
    "CommunicationStatementWritten": ("Communicatiestatement opstellen", "het communicatiestatement"),
    "ClassInterventionHeld": ("Aandacht in de klas vastleggen", "de aandacht in de klas"),
    "PupilMessageDecided": ("Boodschap aan de leerlingen bepalen", "de boodschap aan de leerlingen"),
    "GroupInformed": (
        "Informeren van een groep vastleggen",
        "het informeren van ouders, leerlingen of medewerkers",
    ),
    "MediaPrepared": ("Voorbereiding op media-aandacht vastleggen", "de voorbereiding op media-aandacht"),
    "MediaStatementWritten": ("Verklaring voor de media opstellen", "de verklaring voor de media"),
    "StepNotNeeded": ("Stap als niet nodig afsluiten", "de reden waarom de stap niet nodig is"),
    "VeiligThuisConsulted": ("Raadplegen van Veilig Thuis vastleggen", "het raadplegen van Veilig Thuis"),
    "MeldcodeDecided": ("Besluit volgens de Meldcode vastleggen", "het besluit volgens de Meldcode"),
    "AftercarePlanned": ("Nazorgmoment plannen", "een gepland nazorgmoment"),
    "AftercareHeld": ("Gehouden nazorgmoment vastleggen", "het nazorgmoment"),
    "EvaluationHeld": ("Evaluatie vastleggen", "de evaluatie"),
    "PerpetratorSchoolFeedbackAsked": (
        "School van de dader om feedback vragen",
        "de feedback van de school van de dader",
    ),
    "NoteAdded": ("Notitie toevoegen", "een notitie"),
    "StaffAccessGranted": ("Medewerker leesrecht geven", "het leesrecht van een medewerker"),
    "StaffAccessRevoked": ("Leesrecht van een medewerker intrekken", "het intrekken van een leesrecht"),
    "PupilRecorded": ("Betrokken leerling vastleggen", "een betrokken leerling"),
}


# Why a step whose required actions are all recorded is still open: what it needs, what to do.
HELD_OPEN: dict[str, tuple[str, str]] = {
    "zorg_thuis_zonder_besluit": (
        "een besluit over het risico thuis, na de zorg bij vraag 4 of 6 (het risico vastleggen, of "
        "geen aanwijzing met de reden)",
        "SafetyRiskFlagged",
    ),
    "andere_scholen_niet_rond": (
        "van elke andere school een bevestiging van ontvangst, of een telefoontje met de reden "
        "(zie Andere scholen)",
        "",
    ),
}


def link(action: str) -> str:
    """The words of a link that starts an action."""
    return ACTIONS[action][0] if action in ACTIONS else action


@dataclass(frozen=True)
class NextStep:
    """What an open step still needs: one line, and the action to suggest first."""

    missing: str
    suggested: str


def next_step(status: StepStatus) -> NextStep | None:
    """For an open step: what is missing and what to do first; None for any other state."""
    if status.state is not StepState.OPEN:
        return None
    recorded = {a.action for a in status.recorded}
    groups = [group for group in status.step.requires if not recorded.intersection(group)]
    if not groups:
        held = next((HELD_OPEN[c] for c in status.step.open_while if c in HELD_OPEN), None)
        return NextStep(f"Nog nodig: {held[0]}.", held[1]) if held else None
    phrases = [" of ".join(ACTIONS.get(a, (a, a))[1] for a in group) for group in groups]
    return NextStep(f"Nog nodig: {_and(phrases)}.", groups[0][0])


def ordered(actions: tuple[str, ...], first: str) -> list[str]:
    """The step's actions with the suggested one first."""
    return [first, *(a for a in actions if a != first)] if first in actions else list(actions)


def _and(phrases: list[str]) -> str:
    return phrases[0] if len(phrases) == 1 else f"{', '.join(phrases[:-1])} en {phrases[-1]}"
