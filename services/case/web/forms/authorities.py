"""Outside the school: the care team, the OTV, the police, Veilig Thuis and other schools."""

from __future__ import annotations

from services.case.web.forms.questions import Field

FIELDS: dict[str, tuple[Field, ...]] = {
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
    "PerpetratorSchoolFeedbackAsked": (
        Field("school", "Welke school?"),
        Field("feedback", "Wat gaf de school terug?", "long", required=False),
    ),
}
