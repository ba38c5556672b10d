"""The case itself: the plan, steps not needed, the evaluation, notes, pupils and staff access."""

from __future__ import annotations

from services.case.domain.protocol import load_protocol
from services.case.web.forms.questions import Choices, Field


def _steps_of_the_default_protocol() -> Choices:
    """Every step by its key; the incident's own protocol says which may be 'niet nodig'."""
    return tuple((step.key, f"Stap {step.number}. {step.title}") for step in load_protocol().steps)


NOT_NEEDED_STEPS = _steps_of_the_default_protocol()

FIELDS: dict[str, tuple[Field, ...]] = {
    "ActionPlanMade": (
        Field(
            "who",
            "Wie doet wat?",
            "long",
            hint="Per actie wie die uitvoert; rollen in plaats van namen van leerlingen.",
        ),
        Field("what", "Wat gebeurt er?", "long"),
        Field("when", "Wanneer?", hint="Bijvoorbeeld: vandaag, vóór vrijdag."),
        Field("where", "Waar?", required=False),
        Field("how", "Hoe?", "long", required=False),
    ),
    "StepNotNeeded": (
        Field("step", "Welke stap is niet nodig?", "choice", NOT_NEEDED_STEPS),
        Field("reason", "Waarom is deze stap niet nodig?", "long"),
    ),
    "EvaluationHeld": (
        Field(
            "with_whom",
            "Met wie geëvalueerd?",
            "choices",
            (
                ("slachtoffer", "Slachtoffer"),
                ("ouders", "Ouders"),
                ("leerkrachten", "Leerkrachten"),
                ("zat", "ZAT-overleg"),
                ("politie", "Politie"),
            ),
        ),
        Field("went_well", "Wat ging goed?", "long"),
        Field("could_be_better", "Wat kan beter?", "long"),
        Field("protocol_improvements", "Verbeteringen voor het protocol", "long", required=False),
        Field("prevention", "Preventie: wat doen we om herhaling te voorkomen?", "long", required=False),
    ),
    "NoteAdded": (Field("text", "Notitie", "long"),),
    "PupilRecorded": (
        Field(
            "role",
            "Rol in deze melding",
            "choice",
            (
                ("slachtoffer", "Slachtoffer (in beeld)"),
                ("maker", "Maker van het materiaal"),
                ("deler", "Verspreider"),
                ("ontvanger", "Ontvanger"),
                ("anders", "Anders betrokken"),
            ),
        ),
        Field(
            "name",
            "Volledige naam",
            hint="Eén keer vastgelegd en versleuteld; verwijs elders naar de rol. "
            "Geen brief die (een deel van) deze naam bevat, gaat de deur uit.",
        ),
        Field("nickname", "Roepnaam of bijnaam", required=False),
        Field("class_label", "Klas of groep", required=False, hint="Bijvoorbeeld: groep 7b of 2 havo."),
        Field(
            "accounts",
            "Accounts op sociale media",
            "lines",
            required=False,
            hint="Eén per regel, bijvoorbeeld @naam. Ook die blokkeren elke brief.",
        ),
    ),
    "StaffAccessGranted": (Field("staff_id", "Gebruikersnaam van de medewerker"),),
    "StaffAccessRevoked": (Field("staff_id", "Gebruikersnaam van de medewerker"),),
}
