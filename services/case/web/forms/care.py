"""The people involved: conversations, help, safety at home, rest, buddies and aftercare."""

from __future__ import annotations

from services.case.domain.safeguards import AUDIENCES
from services.case.web.forms.conversation import conversation_fields
from services.case.web.forms.questions import AFTERCARE_FOR, FOR_WHOM, Field

FIELDS: dict[str, tuple[Field, ...]] = {
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
}
