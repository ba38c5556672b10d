"""Telling others: statements, the class, messages to pupils, meetings, groups and the press."""

from __future__ import annotations

from services.case.web.forms.questions import MESSAGE_APPROACHES, Field
from shared.languages import DUTCH, languages

FIELDS: dict[str, tuple[Field, ...]] = {
    "CommunicationStatementWritten": (
        Field(
            "language",
            "In welke taal is dit statement geschreven?",
            "choice",
            tuple((lang.code, lang.name) for lang in languages().values()),
            required=False,
            default=DUTCH,
            hint="Brieven in die taal gebruiken dit statement. Schrijf voor ouders die Engelse brieven "
            "krijgen een statement in het Engels.",
        ),
        Field("what_is_happening", "Wat is er aan de hand? (op procesniveau)", "long"),
        Field("what_we_think", "Wat vinden wij daarvan?", "long"),
        Field("what_we_do", "Wat doen wij?", "long"),
        Field("why", "Waarom doen wij dat?", "long"),
        Field("contact_person", "Bij wie kunt u terecht?"),
    ),
    "ClassInterventionHeld": (
        Field(
            "scope",
            "In welke klas(sen)?",
            "choice",
            (
                ("klas_slachtoffer", "De klas van het slachtoffer"),
                ("klas_dader", "De klas van de dader"),
                ("meerdere", "Meerdere klassen"),
                ("school", "De hele school"),
            ),
        ),
        Field("what", "Wat is er gedaan?", "long"),
    ),
    "PupilMessageDecided": (
        Field(
            "approach",
            "Problematiseren of normaliseren?",
            "choice",
            MESSAGE_APPROACHES,
            hint="Stappenplan Sexting, fase 3: denk na over een passende boodschap. Problematiseren "
            "maakt duidelijk dat doorsturen strafbaar is en schade doet; normaliseren maakt "
            "seksualiteit en sexting bespreekbaar, zonder oordeel over wie op de beelden staat.",
        ),
        Field(
            "message",
            "Welke boodschap krijgen de leerlingen?",
            "long",
            hint="Een krachtige boodschap op procesniveau, zonder namen of details.",
        ),
        Field("who_tells", "Wie brengt de boodschap?", hint="Bijvoorbeeld: de mentor, in de klas."),
    ),
    "AlternativeInterventionsConsidered": (
        Field(
            "options",
            "Welke interventies zijn overwogen?",
            "choices",
            (
                ("herstelgesprek", "Herstelgesprek"),
                ("gesprek_ouders", "Gesprek met leerling en ouders"),
                ("klassengesprek", "Gesprek of les in de klas"),
                ("begeleiding", "Begeleiding of training"),
                ("hulpverlening", "Doorverwijzen naar hulpverlening"),
                ("anders", "Anders"),
            ),
        ),
        Field("chosen", "Wat is gekozen?", "long"),
        Field("why", "Waarom?", "long", required=False),
    ),
    "MeetingPlanned": (
        Field(
            "audience",
            "Voor wie?",
            "choice",
            (("ouders", "Ouders"), ("leerlingen", "Leerlingen"), ("beide", "Ouders en leerlingen")),
        ),
        Field("planned_on", "Datum", "date"),
        Field("police_support", "Ondersteunt de wijkagent of politie?", "yesno"),
        Field(
            "why",
            "Waarom een bijeenkomst?",
            "long",
            required=False,
            hint="Bijvoorbeeld: het materiaal is op grote schaal gedeeld.",
        ),
    ),
    "GroupInformed": (
        Field(
            "group",
            "Welke groep?",
            "choice",
            (
                ("ouders_klas", "Ouders van de klas"),
                ("ouders_alle", "Alle ouders"),
                ("leerlingen", "Leerlingen"),
                ("medewerkers", "Medewerkers"),
            ),
        ),
        Field("how", "Hoe?", hint="Bijvoorbeeld: brief, bijeenkomst."),
    ),
    "MediaPrepared": (
        Field("spokesperson", "Woordvoerder"),
        Field("approach", "Aanpak richting media", "long"),
    ),
    "MediaStatementWritten": (
        Field(
            "statement",
            "Korte verklaring voor de media",
            "long",
            hint="Alleen procesinformatie: wat speelt er, wat doet de school. Nooit namen of details.",
        ),
        Field(
            "published",
            "Waar staat de verklaring?",
            "choice",
            (
                ("op_verzoek", "Alleen op verzoek van journalisten"),
                ("website", "Op de website"),
                ("niet", "Nog nergens"),
            ),
        ),
    ),
}
