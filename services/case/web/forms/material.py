"""The material: what goes round and where, reporting it, taking it down and having it deleted."""

from __future__ import annotations

from services.case.domain import takedown
from services.case.web.forms.questions import CHANNELS, PEOPLE_GROUPS, YES_NO_UNKNOWN, Field

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
    "InternetFilterRequested": (
        Field("url", "URL voor het internetfilter"),
        Field("service_desk", "Aan welke servicedesk gevraagd?"),
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
}
