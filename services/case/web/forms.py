"""One marshmallow schema per action, shared by the web form and the JSON API.

Each field of an action's event gets a Dutch label, a kind (short text, long text, yes/no,
one choice, several choices, date) and, for choices, the fixed answers. The schemas are
generated from `FIELDS` and checked against `Incident.action_classes()` by a test, so a new
action without a form fails the tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate
from marshmallow.types import ErrorMessages
from werkzeug.datastructures import MultiDict

from services.case.domain import takedown
from services.case.domain.aftercare import AFTERCARE_ROLES
from services.case.domain.guards import MAX_TEXT_LENGTH
from services.case.domain.incident import Incident, sentence
from services.case.domain.protocol import load_protocol
from services.case.domain.safeguards import AUDIENCES
from services.case.web import conversation
from shared.languages import DUTCH, languages

Choices = tuple[tuple[str, str], ...]

YES_NO_UNKNOWN: Choices = (("ja", "Ja"), ("nee", "Nee"), ("weet_niet", "Weet ik niet"))
CHANNELS: Choices = (
    ("whatsapp", "WhatsApp"),
    ("snapchat", "Snapchat"),
    ("instagram", "Instagram"),
    ("tiktok", "TikTok"),
    ("email", "E-mail"),
    ("website", "Website"),
    ("anders", "Anders"),
)
PEOPLE_GROUPS: Choices = (
    ("leerlingen", "Leerlingen"),
    ("ouders", "Ouders"),
    ("leerkrachten", "Leerkrachten"),
    ("anderen", "Anderen"),
)
# Aftercare by role: the roles as choices, capitalised as the form shows them.
AFTERCARE_FOR: Choices = tuple(
    (code, label[:1].upper() + label[1:]) for code, label in AFTERCARE_ROLES.items()
)
MESSAGE_APPROACHES: Choices = (
    ("problematiseren", "Problematiseren: doorsturen is strafbaar en doet schade"),
    ("normaliseren", "Normaliseren: seksualiteit en sexting bespreekbaar maken, zonder oordeel"),
    ("beide", "Beide"),
)
FOR_WHOM: Choices = (
    ("slachtoffer", "Het slachtoffer"),
    ("ouders_slachtoffer", "De ouders van het slachtoffer"),
    ("dader", "De dader of verspreider"),
    ("klas", "De klas"),
    ("medewerkers", "Medewerkers"),
)


@dataclass(frozen=True)
class Field:
    """One form field: its Dutch label, kind and, for choices, the fixed answers."""

    name: str
    label: str
    kind: str = "text"  # text | short | long | yesno | choice | choices | date | lines | fixed
    choices: Choices = ()
    required: bool = True
    hint: str = ""
    heading: str = ""  # a heading shown above the field, for a form in parts
    ask_no_further: bool = False  # a police question: the form says not to ask further
    value: str = ""  # kind "fixed": the value the form records without asking
    default: str = ""  # the answer the form starts with, and the API's when none is sent


@dataclass(frozen=True)
class ActionForm:
    action: str
    title: str
    fields: tuple[Field, ...]
    reminder: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


ANSWERS_7: Choices = (
    ("naakt", "Naakt"),
    ("bijna_naakt", "Bijna naakt"),
    ("nee", "Nee"),
    ("weet_niet", "Geen antwoord"),
)
ANSWERS_YES_NO: Choices = (("ja", "Ja"), ("nee", "Nee"), ("weet_niet", "Geen antwoord"))
# The answer is a choice where the checklist names the options, one short line elsewhere.
CONVERSATION_KINDS: dict[str, tuple[str, Choices]] = {
    "told_adult": ("choice", YES_NO_UNKNOWN),
    "naked": ("choice", ANSWERS_7),
    "recognisable": ("choice", ANSWERS_YES_NO),
    "knows_who_saw": ("short", ()),
    "where_seen": ("choices", (*CHANNELS, ("weet_niet", "Weet ik niet"))),
    "made_self": ("choice", ANSWERS_YES_NO),
    "knows_how_spread": ("short", ()),
    "how_found_out": ("short", ()),
    "help_wanted": ("short", ()),
}
CONVERSATION_REQUIRED = ("how_are_you", "told_adult", "naked", "recognisable", "made_self")


def conversation_fields() -> tuple[Field, ...]:
    """The victim conversation: the checklist's questions, in its order and words."""
    specs = [
        Field(
            q.name,
            q.label,
            *CONVERSATION_KINDS.get(q.name, ("long", ())),
            required=q.name in CONVERSATION_REQUIRED,
            hint=q.guidance,
            heading=q.heading,
            ask_no_further=q.ask_no_further,
        )
        for q in conversation.QUESTIONS
    ]
    after_six = next(i for i, spec in enumerate(specs) if spec.name == "why_not_told") + 1
    specs.insert(
        after_six,
        Field(
            "worry_at_home",
            "Zorg over thuis?",
            "choices",
            conversation.WORRIES,
            required=False,
            hint=conversation.WORRY_HINT,
        ),
    )
    specs.append(
        Field(
            "agreements",
            "Afspraken met de leerling",
            "long",
            required=False,
            hint="Wat is afgesproken: wie mag het weten, wat (nog) niet, in welk tempo.",
            heading="Afronding",
        )
    )
    specs.append(
        Field(
            "wording", "Vraagstelling", "fixed", conversation.WORDINGS, value=conversation.WORDING_CHECKLIST
        )
    )
    return tuple(specs)


def _steps_of_the_default_protocol() -> Choices:
    """Every step by its key; the incident's own protocol says which may be 'niet nodig'."""
    return tuple((step.key, f"Stap {step.number}. {step.title}") for step in load_protocol().steps)


NOT_NEEDED_STEPS = _steps_of_the_default_protocol()

FIELDS: dict[str, tuple[Field, ...]] = {
    "ScopeAssessed": (
        Field(
            "material_kind",
            "Soort materiaal",
            "choice",
            (("foto", "Foto"), ("video", "Video"), ("beide", "Foto's en video's"), ("onbekend", "Onbekend")),
            hint="Beschrijf nooit wat er op het materiaal te zien is.",
        ),
        Field("pupil_visible", "Is een leerling of bekende van de school te zien?", "choice", YES_NO_UNKNOWN),
        Field("pupil_of_school", "Gaat het om een leerling van deze school?", "yesno"),
        Field("shared_by", "Wie heeft het gedeeld?", "lines", required=False, hint="Eén per regel."),
        Field("possessed_by", "Wie heeft het in bezit?", "choices", PEOPLE_GROUPS, required=False),
        Field("seen_by", "Wie heeft het gezien?", "long", required=False),
        Field("channels", "Via welke kanalen?", "choices", CHANNELS, required=False),
        Field("other_schools_involved", "Hebben leerlingen van een andere school het ontvangen?", "yesno"),
        Field("other_schools", "Welke andere scholen?", required=False),
    ),
    "SourceUrlRecorded": (
        Field("url", "Bronsite of URL", hint="Alleen het adres; nooit het materiaal zelf."),
        Field("public", "Is het een openbare URL (vindbaar op internet, niet in een chatgroep)?", "yesno"),
    ),
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
    "InternetFilterRequested": (
        Field("url", "URL voor het internetfilter"),
        Field("service_desk", "Aan welke servicedesk gevraagd?"),
    ),
    "CareTeamInvolved": (
        Field(
            "roles",
            "Wie is betrokken?",
            "choices",
            (
                ("zorgcoordinator", "Zorgcoördinator / intern begeleider"),
                ("vertrouwenspersoon", "Vertrouwenspersoon"),
                ("directeur", "Directeur"),
            ),
        ),
    ),
    "OtvAdviceRequested": (Field("question", "Adviesvraag aan het OTV", "long"),),
    "OtvAdviceReceived": (Field("advice", "Advies van het OTV", "long"),),
    "VictimConversationHeld": conversation_fields(),
    "VictimParentsConversationHeld": (
        Field("summary", "Samenvatting van het gesprek", "long"),
        Field("agreements", "Afspraken", "long", required=False),
    ),
    "HelpArranged": (
        Field(
            "kinds",
            "Welke hulp?",
            "choices",
            (
                ("huisarts", "Huisarts"),
                ("slachtofferhulp", "Slachtofferhulp Nederland"),
                ("veilig_thuis", "Veilig Thuis"),
                ("centrum_seksueel_geweld", "Centrum Seksueel Geweld"),
                ("team_jeugd", "Team Jeugd van de gemeente"),
                ("anders", "Anders"),
            ),
        ),
        Field("other", "Andere hulp", required=False),
        Field("for_whom", "Voor wie?", "choice", FOR_WHOM),
    ),
    "AgreementsRecorded": (
        Field(
            "not_yet_told",
            "Wie mag het nog niet weten?",
            "choices",
            tuple(AUDIENCES.items()),
            required=False,
            hint="Een brief of bericht aan deze groep vraagt daarna eerst om een reden.",
        ),
        Field("who_may_know", "Wie mag het wel weten?", "long", required=False),
        Field("pace", "Het tempo: wat gebeurt wanneer?", "long", required=False),
        Field(
            "buddies",
            "Buddy's die de leerling koos",
            "long",
            required=False,
            hint="Noem ze bij voorkeur met hun rol; de afspraak staat versleuteld opgeslagen.",
        ),
        Field("other", "Andere afspraken", "long", required=False),
    ),
    "SafetyRiskFlagged": (
        Field(
            "source",
            "Bron van het signaal",
            "choice",
            (
                ("leerling", "De leerling zelf"),
                ("ouder", "Een ouder of verzorger"),
                ("medewerker", "Een medewerker"),
                ("veilig_thuis", "Veilig Thuis"),
                ("politie", "Politie"),
                ("anders", "Anders"),
            ),
        ),
        Field(
            "explanation",
            "Wat is er bekend?",
            "long",
            hint="Alleen wat de school weet of is verteld; de school onderzoekt niet zelf.",
        ),
    ),
    "NoRiskAtHomeFound": (
        Field(
            "reason",
            "Waarom is er geen aanwijzing voor eerwraak of huiselijk geweld?",
            "long",
            hint="Alleen wat de school weet of is verteld. Twijfelt u, leg dan het risico vast en "
            "raadpleeg Veilig Thuis (dat kan anoniem).",
        ),
    ),
    "SafetyRiskLifted": (
        Field(
            "reason",
            "Waarom is het risico opgeheven?",
            "long",
            hint="Bijvoorbeeld: na overleg met Veilig Thuis is het veilig om de ouders te informeren.",
        ),
    ),
    "VictimRestArranged": (
        Field("rest_period", "Rustperiode", hint="Bijvoorbeeld: twee dagen thuis."),
        Field("buddies_chosen", "Zijn er buddy's gekozen?", "yesno"),
    ),
    "BuddiesChosen": (
        Field(
            "buddies",
            "Welke buddy's?",
            "lines",
            hint="Eén per regel. Het Stappenplan noemt drie buddy's, door het slachtoffer zelf gekozen.",
        ),
        Field("chosen_by_victim", "Heeft het slachtoffer ze zelf gekozen?", "yesno"),
        Field("agreements", "Afspraken met de klas over het steunen", "long", required=False),
    ),
    "PoliceContacted": (
        Field(
            "contact",
            "Met wie?",
            "choice",
            (("wijkagent", "Wijkagent"), ("politie", "Politie"), ("zeden", "Zedenpolitie")),
        ),
        Field("plan", "Afgesproken plan: wie doet wat?", "long"),
        Field(
            "outcomes",
            "Uitkomsten",
            "choices",
            (
                ("gesprekken", "Gesprekken met leerlingen en ouders"),
                ("scholen_informeren", "Omliggende scholen informeren"),
                ("strafrechtelijk", "Strafrechtelijke stappen (Zeden)"),
                ("melden", "De politie vraagt de school het materiaal te melden"),
                ("bijeenkomst", "Politie aanwezig bij een ouder- of leerlingenbijeenkomst"),
            ),
            required=False,
        ),
    ),
    "ReportDecided": (
        Field(
            "decision",
            "Besluit",
            "choice",
            (("melding", "Melding"), ("aangifte", "Aangifte"), ("geen", "Geen melding of aangifte")),
        ),
        Field("rationale", "Toelichting", "long"),
    ),
    "OtherSchoolsInformed": (
        Field("which", "Welke school of scholen?"),
        Field("summary", "Wat is afgesproken?", "long"),
    ),
    "PerpetratorParentsHelped": (
        Field("talked_with", "Is er met de ouders van de dader gesproken?", "yesno"),
        Field(
            "help",
            "Welke hulp is geadviseerd of geregeld?",
            "choices",
            (
                ("huisarts", "Huisarts"),
                ("team_jeugd", "Team Jeugd van de gemeente"),
                ("veilig_thuis", "Veilig Thuis"),
                ("jeugdhulp", "Jeugdhulp of opvoedondersteuning"),
                ("politie", "Advies van de wijkagent"),
                ("anders", "Anders"),
            ),
            required=False,
        ),
        Field("notes", "Aantekeningen", "long", required=False),
    ),
    "MaterialReported": (
        Field(
            "reported_to",
            "Gemeld bij",
            "choice",
            (("politie", "Politie"), ("meldpunt", "Meldpunt Kinderporno (Offlimits)")),
        ),
        Field("public_url", "Ging het om een openbare URL?", "yesno"),
        Field("reported_on", "Datum van de melding", "date"),
        Field("reference", "Kenmerk of registratienummer", required=False),
    ),
    "TakedownRequested": (
        Field("channel_kind", "Wat is het kanaal?", "choice", tuple(takedown.CHANNEL_KINDS.items())),
        Field(
            "channel",
            "Webadres, account of groepschat",
            hint="Alleen het adres of de naam, bijvoorbeeld https://… of de naam van de groep. Nooit "
            "een afbeelding of bestand: het materiaal komt nooit in Zorgvuldig.",
        ),
        Field("platform", "Platform", "choice", CHANNELS),
        Field(
            "route",
            "Waar gemeld?",
            "choice",
            tuple(takedown.ROUTES.items()),
            hint="Het Meldpunt behandelt alleen een openbare URL. Helpwanted helpt scholen en "
            "slachtoffers en laat platforms met voorrang verwijderen. Take It Down doet de leerling "
            "zelf, op het eigen toestel; het voorkomt nieuwe uploads, een bericht dat al online "
            "staat meldt u apart.",
        ),
        Field("reported_on", "Datum van de melding", "date"),
        Field("reference", "Kenmerk of ticketnummer", required=False),
    ),
    "TakedownOutcomeRecorded": (
        Field(
            "request_version",
            "Welk verzoek (nummer in de tijdlijn)?",
            "number",
            hint="Kies het verzoek op de pagina van de melding bij 'Offline halen per kanaal'.",
        ),
        Field("outcome", "Uitkomst", "choice", tuple(takedown.OUTCOMES.items())),
        Field("notes", "Toelichting", "long", required=False),
    ),
    "DeletionCalled": (
        Field(
            "addressed",
            "Wie is opgeroepen te verwijderen?",
            "choices",
            (
                ("leerlingen_verzonden", "Leerlingen die het verstuurden"),
                ("leerlingen_ontvangen", "Leerlingen die het ontvingen"),
                ("ouders", "Ouders die het doorstuurden"),
                ("medewerkers", "Medewerkers die het intern doorstuurden"),
            ),
        ),
        Field("how", "Hoe?", hint="Bijvoorbeeld: brief, klassengesprek, bijeenkomst."),
    ),
    "DeletionConfirmed": (
        Field(
            "party",
            "Wie bevestigde de verwijdering?",
            "choice",
            (
                ("leerlingen", "Leerlingen"),
                ("ouders", "Ouders"),
                ("medewerkers", "Medewerkers"),
                ("platform", "Platform of website"),
            ),
        ),
        Field("channel", "Kanaal", "choice", CHANNELS),
    ),
    "MeetingHeld": (
        Field(
            "audience",
            "Voor wie?",
            "choice",
            (("ouders", "Ouders"), ("leerlingen", "Leerlingen"), ("beide", "Ouders en leerlingen")),
        ),
        Field("police_present", "Was de politie aanwezig?", "yesno"),
        Field("summary", "Korte samenvatting", "long", required=False),
    ),
    "PupilConversationHeld": (
        Field(
            "involvement",
            "Betrokkenheid van de leerling",
            "choice",
            (
                ("verspreider", "Verspreider"),
                ("ontvanger", "Ontvanger"),
                ("maker", "Maker"),
                ("getuige", "Getuige"),
            ),
        ),
        Field("with_parents", "Waren de ouders erbij?", "yesno"),
        Field("aligned_with_police", "Afgestemd met de politie?", "yesno"),
        Field("summary", "Samenvatting", "long", required=False),
    ),
    "StaffSupported": (Field("how", "Hoe zijn de medewerkers ondersteund?", "long"),),
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
    "CultureSensitivityConsidered": (
        Field(
            "sensitive",
            "Wat ligt gevoelig voor de betrokkenen?",
            "long",
            hint="Bijvoorbeeld: schaamte of eer in de familie, geloof, taal. Alleen wat de school weet; "
            "zonder namen waar een rol volstaat.",
        ),
        Field(
            "approach",
            "Hoe benadert de school hen daarom?",
            "long",
            hint="Bijvoorbeeld: wie het gesprek voert, met of zonder tolk, eerst met één ouder.",
        ),
    ),
    "ParentHelpInventoried": (
        Field(
            "for_parents_of",
            "Voor de ouders van wie?",
            "choices",
            (
                ("slachtoffer", "Het slachtoffer"),
                ("dader", "De leerling(en) die het deelden"),
                ("klasgenoten", "De klasgenoten"),
            ),
        ),
        Field(
            "help",
            "Welke hulp is er beschikbaar?",
            "choices",
            (
                ("huisarts", "Huisarts"),
                ("team_jeugd", "Team Jeugd van de gemeente"),
                ("slachtofferhulp", "Slachtofferhulp Nederland"),
                ("veilig_thuis", "Veilig Thuis"),
                ("centrum_seksueel_geweld", "Centrum Seksueel Geweld"),
                ("helpwanted", "Helpwanted"),
                ("opvoed_ondersteuning", "Opvoedondersteuning"),
                ("anders", "Anders"),
            ),
        ),
        Field(
            "notes",
            "Aantekeningen",
            "long",
            required=False,
            hint="Wat de school vooraf uitzocht: wie, hoe snel, hoe ouders er terechtkunnen.",
        ),
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
    "StepNotNeeded": (
        Field("step", "Welke stap is niet nodig?", "choice", NOT_NEEDED_STEPS),
        Field("reason", "Waarom is deze stap niet nodig?", "long"),
    ),
    "VeiligThuisConsulted": (
        Field("anonymous", "Anoniem geraadpleegd?", "yesno"),
        Field("advice", "Advies van Veilig Thuis", "long"),
    ),
    "MeldcodeDecided": (
        Field(
            "decision",
            "Besluit",
            "choice",
            (("melden", "Melden bij Veilig Thuis"), ("niet_melden", "Niet melden")),
        ),
        Field("rationale", "Afweging", "long"),
    ),
    "AftercarePlanned": (
        Field(
            "for_whom",
            "Voor wie?",
            "choice",
            AFTERCARE_FOR,
            hint="Plan nazorg voor iedereen die het raakte, per rol; nooit een naam.",
        ),
        Field("due_on", "Datum", "date"),
    ),
    "AftercareHeld": (
        Field("for_whom", "Voor wie?", "choice", AFTERCARE_FOR),
        Field("notes", "Aantekeningen", "long", required=False),
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
    "PerpetratorSchoolFeedbackAsked": (
        Field("school", "Welke school?"),
        Field("feedback", "Wat gaf de school terug?", "long", required=False),
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

REMINDERS = {"VictimConversationHeld": conversation.POLICE_QUESTIONS_REMINDER}
EXTRAS: dict[str, dict[str, Any]] = {
    "VictimConversationHeld": {"guidance": conversation.GUIDANCE, "first": conversation.NOT_YOUR_FAULT}
}

# Recorded by the letters pages and the notifier, not through a form of their own.
NOT_BY_FORM = ("LetterRequested", "LetterProposed", "LetterSent", "LetterFailed", "AgreementSetAside")


@cache
def action_forms() -> dict[str, ActionForm]:
    """Every action a handler records by form, in the order of the protocol (read-only)."""
    return {
        name: ActionForm(
            name, sentence(event_class), FIELDS[name], REMINDERS.get(name, ""), EXTRAS.get(name, {})
        )
        for name, event_class in Incident.action_classes().items()
        if name not in NOT_BY_FORM
    }


# ------------------------------------------------------------------------ schemas

_MESSAGES: ErrorMessages = {
    "required": "Vul dit veld in.",
    "null": "Vul dit veld in.",
    "invalid": "Deze waarde klopt niet.",
}


TOO_LONG = validate.Length(max=MAX_TEXT_LENGTH, error=f"Gebruik hoogstens {MAX_TEXT_LENGTH} tekens.")


SHORT_ANSWER = validate.Length(max=conversation.SHORT_ANSWER_LENGTH, error=conversation.SHORT_ANSWER_TOO_LONG)


# A pattern rather than a function, so that the OpenAPI document says it too.
_required_text = validate.Regexp(r"[\s\S]*\S", error="Vul dit veld in.")


def _valid_date(value: str) -> None:
    try:
        date.fromisoformat(value)
    except ValueError:
        raise ValidationError("Vul een datum in als jjjj-mm-dd, bijvoorbeeld 2026-12-01.") from None


def _presence(spec: Field, default: Any) -> dict[str, Any]:
    """Required fields must be sent; optional ones default to empty."""
    return {"required": True} if spec.required else {"load_default": spec.default or default}


def marshmallow_field(spec: Field) -> fields.Field:
    one_of = validate.OneOf([value for value, _ in spec.choices], error="Kies een van de mogelijkheden.")
    if spec.kind == "yesno":
        return fields.Boolean(required=True, error_messages={**_MESSAGES, "invalid": "Kies ja of nee."})
    if spec.kind == "choices":
        return fields.List(
            fields.String(validate=one_of),
            **_presence(spec, list),
            validate=validate.Length(min=1 if spec.required else 0, error="Kies minstens één mogelijkheid."),
            error_messages={**_MESSAGES, "invalid": "Kies uit de mogelijkheden."},
        )
    if spec.kind == "lines":
        return fields.List(
            fields.String(validate=validate.Length(max=200, error="Gebruik hoogstens 200 tekens per regel.")),
            **_presence(spec, list),
            error_messages={**_MESSAGES, "invalid": "Vul één naam of omschrijving per regel in."},
        )
    if spec.kind == "number":
        return fields.Integer(
            required=True, strict=False, error_messages={**_MESSAGES, "invalid": "Vul een getal in."}
        )
    if spec.kind == "fixed":
        return fields.String(
            load_default=spec.value,
            validate=validate.OneOf([spec.value], error="Deze waarde legt het formulier zelf vast."),
            error_messages=_MESSAGES,
        )
    checks: list[Any] = [SHORT_ANSWER if spec.kind == "short" else TOO_LONG]
    if spec.required:
        checks.append(_required_text)
    if spec.kind == "choice":
        checks.append(one_of)
    if spec.kind == "date":
        checks.append(_valid_date)
    return fields.String(
        **_presence(spec, ""),
        validate=checks,
        error_messages={**_MESSAGES, "invalid": "Vul hier tekst in."},
    )


def schema_for(action: str) -> Schema:
    return _schema_class(action)()


@cache
def _schema_class(action: str) -> type[Schema]:
    form = action_forms().get(action)
    if form is None:
        raise KeyError(action)
    fields_of_action = {spec.name: marshmallow_field(spec) for spec in form.fields}
    return Schema.from_dict(fields_of_action, name=f"{action}Schema")


class OpeningSchema(Schema):
    situation = fields.String(
        required=True,
        validate=validate.OneOf(
            ["beeld_leerling", "kinderporno_gedeeld", "anders"], error="Kies een van de mogelijkheden."
        ),
        error_messages=_MESSAGES,
    )
    learned_how = fields.String(
        required=True,
        validate=[TOO_LONG, _required_text],
        error_messages=_MESSAGES,
    )


SITUATIONS: Choices = (
    ("beeld_leerling", "Een naaktfoto of seksvideo van een leerling gaat rond"),
    (
        "kinderporno_gedeeld",
        "Leerlingen hebben kinderpornografisch materiaal in bezit of delen het; er is geen leerling "
        "van de school op te zien",
    ),
    ("anders", "Iets anders"),
)


class ReasonSchema(Schema):
    reason = fields.String(
        required=True,
        validate=[validate.Length(max=500, error="Gebruik hoogstens 500 tekens."), _required_text],
        error_messages=_MESSAGES,
    )


class CorrectionSchema(Schema):
    reason = fields.String(
        required=True,
        validate=[TOO_LONG, _required_text],
        error_messages=_MESSAGES,
    )
    withdraws = fields.Boolean(load_default=False)


# --------------------------------------------------------------- form → JSON data


def form_data(action: str, form: MultiDict[str, str]) -> dict[str, Any]:
    """Turns posted form fields into the shape the schema loads (lists, booleans)."""
    data: dict[str, Any] = {}
    for spec in FIELDS[action]:
        if spec.kind == "choices":
            data[spec.name] = form.getlist(spec.name)
        elif spec.kind == "lines":
            data[spec.name] = [line.strip() for line in form.get(spec.name, "").splitlines() if line.strip()]
        elif spec.kind == "fixed":
            data[spec.name] = spec.value
        elif spec.kind == "yesno":
            value = form.get(spec.name, "")
            if value:
                data[spec.name] = {"ja": True, "nee": False}.get(value, value)
        else:
            data[spec.name] = form.get(spec.name, "").strip() or spec.default
    return data


def correctable(action: str, data: dict[str, Any]) -> dict[str, Any]:
    """Data a correction may change: a fixed field keeps what was recorded then."""
    fixed = {spec.name for spec in FIELDS[action] if spec.kind == "fixed"}
    return {k: v for k, v in data.items() if k not in fixed}


def load(schema: Schema, data: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """Validated data and an empty dict, or the input and one Dutch message per field."""
    if not isinstance(data, dict):
        return {}, {"_": "Stuur een JSON-object met de velden van de actie."}
    try:
        return schema.load(data), {}
    except ValidationError as error:
        return data, flatten(error.messages)


def flatten(messages: Any) -> dict[str, str]:
    """marshmallow's nested messages as one Dutch sentence per field."""
    if not isinstance(messages, dict):
        return {"_": _first(messages)}
    out = {}
    for name, value in messages.items():
        if name == "_schema":
            name = "_"
        if isinstance(value, dict) and not all(isinstance(k, int) for k in value):
            out[name] = _first(list(value.values()))
        elif isinstance(value, dict):
            out[name] = _first(list(value.values()))
        else:
            out[name] = _first(value)
        if out[name] == "Unknown field.":
            out[name] = "Dit veld bestaat niet bij deze actie."
    return out


def _first(value: Any) -> str:
    while isinstance(value, list | tuple | dict):
        if not value:
            return "Deze waarde klopt niet."
        value = next(iter(value.values())) if isinstance(value, dict) else value[0]
    return str(value)
