"""The conversation with the victim, as the "Checklist gesprek slachtoffer" words it.

Questions 7 to 14 were written with the Dutch national police: they stand here exactly as
the checklist has them, with the checklist's own guidance beside each, and take only a
fixed answer or one short line. Questions 7 to 13 say on the form not to ask further.
"""

from __future__ import annotations

from dataclasses import dataclass

SHORT_ANSWER_LENGTH = 200

ASK_NO_FURTHER = "Niet verder doorvragen."

POLICE_QUESTIONS_REMINDER = (
    "Vraag 7 tot en met 14 zijn in samenwerking met de Nationale Politie opgesteld. Stel ze "
    "zoals ze hier staan. Noteer bij vraag 7 tot en met 13 alleen het korte antwoord en vraag "
    "niet verder door: dat kan een vervolgtraject schaden. Dat is aan de politie."
)

# Kindante step 2: say at once that it is not the victim's fault, and never blame indirectly.
NOT_YOUR_FAULT = (
    "Zeg het meteen, en zeg het nog eens als het nodig is: \u201cHet is niet jouw schuld.\u201d Geef ook "
    "niet indirect de schuld, bijvoorbeeld door bij een foto die is gedeeld te zeggen: \u2018Het was "
    "ook niet zo handig van je om een naaktfoto van jezelf te delen\u2019."
)

WORRY_HINT = (
    "Vink aan als het antwoord op vraag 4 of 6 zorgen geeft over thuis: de leerling is bang voor de "
    "reactie van de ouders, of voelt zich thuis niet veilig. Daar toont een risico op eerwraak of "
    "huiselijk geweld zich het eerst. Stap 2 is pas gedaan als u daarna vastlegt of er een risico is "
    "of dat er geen aanwijzing is, met de reden."
)
WORRIES = (
    ("vraag_4", "Het antwoord op vraag 4 geeft zorg over thuis"),
    ("vraag_6", "Het antwoord op vraag 6 geeft zorg over thuis"),
)

SHORT_ANSWER_TOO_LONG = (
    f"Gebruik hoogstens {SHORT_ANSWER_LENGTH} tekens: noteer alleen het korte antwoord van de "
    "leerling. Vraag bij een antwoord niet verder door; dat is aan de politie."
)


@dataclass(frozen=True)
class Question:
    """One question of the checklist: its number, its words and the checklist's guidance."""

    number: int
    name: str
    text: str
    guidance: str = ""
    heading: str = ""

    @property
    def label(self) -> str:
        return f"{self.number}. {self.text}"

    @property
    def from_the_police(self) -> bool:
        return 7 <= self.number <= 14

    @property
    def ask_no_further(self) -> bool:
        return 7 <= self.number <= 13


QUESTIONS: tuple[Question, ...] = (
    Question(
        1,
        "how_are_you",
        "Hoe gaat het met je?",
        heading="Beeld krijgen van de impact op sociale veiligheid van de leerling",
    ),
    Question(2, "friends_reaction", "Hoe reageren jouw vriend(innen)?"),
    Question(3, "others_remarks", "En anderen? Maken ze vervelende opmerkingen of vallen ze je lastig?"),
    Question(
        4,
        "told_adult",
        "Heb je het aan je ouders of een andere volwassene verteld?",
        heading="Bijzondere omstandigheden",
    ),
    Question(5, "how_that_went", "Indien ja: Hoe ging dat? Wat was hun reactie?"),
    Question(6, "why_not_told", "Indien nee: Waarom niet? Waar maak je je zorgen over?"),
    Question(
        7,
        "naked",
        "Kun je me vertellen of je naakt of bijna naakt op de foto staat?",
        "U kunt daarbij aanvullen dat u geen details van de foto wilt weten; een simpel antwoord "
        "in de vorm van een van de genoemde opties is voldoende.",
        heading="Vaststellen feiten",
    ),
    Question(8, "recognisable", "Kunnen mensen jou van de foto herkennen?", "aard van het beeldmateriaal"),
    Question(
        9,
        "knows_who_saw",
        "Weet je wie de foto hebben gezien?",
        "Dit geeft informatie over de mate van verspreiding",
    ),
    Question(
        10,
        "where_seen",
        "Weet je waar ze de foto hebben gezien?",
        "Dit geeft informatie over het medium. Staat het bijvoorbeeld op Instagram of gaat het via "
        "WhatsApp of Snapchat?",
    ),
    Question(
        11,
        "made_self",
        "Heb je de foto zelf gemaakt?",
        "Dit zegt wat over de mate van vrijwilligheid en wijze totstandkoming. U kunt ter inleiding "
        "van deze vraag nog eens benadrukken dat u geen oordeel heeft over sexting en dat u "
        "voldoende heeft aan een 'Ja' of 'Nee'",
    ),
    Question(
        12,
        "knows_how_spread",
        "Heb je een idee hoe het kan dat de foto rondgaat en/of online staat?",
        "Dit kan informatie geven over wie de foto online heeft gezet of verspreid heeft, maar dat "
        "hoeft niet. Als het antwoord 'Nee' is, laat u het daarbij.",
    ),
    Question(13, "how_found_out", "Kun je vertellen hoe je daar achter bent gekomen?"),
    Question(
        14,
        "help_wanted",
        "Hoe kan ik jou nu het beste helpen?",
        "Met deze vragen krijgt u inzicht in wat voor het slachtoffer het zwaarst weegt en geeft u "
        "hem/haar het gevoel van regie.",
        heading="Bepalen van acties",
    ),
    Question(15, "anything_else", "Is er iets wat we niet besproken hebben, maar je wel belangrijk vindt?"),
)

# The checklist's guidance around the questions, shown on the form (folded open the first time).
GUIDANCE: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "Algemeen",
        (
            "Stel de leerling op zijn of haar gemak; het is niet makkelijk om hierover te praten.",
            "Wees niet veroordelend (sexting is niet grensoverschrijdend, shame sexting wel!).",
            "Wees voorbereid op alle soorten emoties en neem deze serieus.",
            "Wees alert bij een laconieke houding: dat kan een masker zijn.",
            "Luister (ook tussen de regels door) naar wat de leerling nodig heeft om met de situatie om "
            "te kunnen gaan.",
            "Wees voorzichtig om het niet voor de leerling in te vullen; laat de leerling tempo en inhoud "
            "van activiteiten mede bepalen.",
        ),
    ),
    (
        "Het starten van het gesprek",
        (
            "Stel de leerling op zijn gemak, maar doorbreek zo snel mogelijk de spanning door te benoemen "
            "wat er geconstateerd is en wat het doel van het gesprek is. \u201cIk kan me voorstellen dat "
            "dit ontzettend vervelend voor je is. We gaan samen kijken hoe jij, de mensen om jou heen en "
            "wij als school er het beste mee om kunnen gaan.\u201d",
            "Benadruk dat u niets zomaar doet. Het is belangrijk dat het slachtoffer een gevoel van "
            "controle houdt en zich gesteund voelt bij de stappen die moeten volgen en bij de gesprekken "
            "die gevoerd moeten worden, bijvoorbeeld ook in het gesprek met ouders.",
            "Benoem dat u als school een verantwoordelijkheid heeft en geen beloftes van geheimhouding "
            "kunt doen. Als blijkt dat er sprake kan zijn van een misdrijf, zult u moeten schakelen naar "
            "de politie.",
            "U zult ook ouders moeten inlichten wanneer de leerling minderjarig is. Benadruk daarbij "
            "nogmaals dat u niet zomaar iets doet. Bij situaties waar risico op eerwraak of huiselijk "
            "geweld bestaat, houdt u daar rekening mee. Laat de leerling weten dat u samen het tempo en "
            "de inhoud bepaalt: hoe, wanneer, waar en wat beter (nog) niet?",
        ),
    ),
    (
        "Het afronden van het gesprek",
        (
            "U vat de inhoud van het gesprek samen en checkt of u het juiste beeld hebt.",
            "U geeft aan wat u aanvullend nog meer verstandig lijkt om te doen (bijvoorbeeld: het voeren "
            "van het oudergesprek, even van school als adempauze, praten met hulpverlening), legt uit "
            "waarom en maakt daar afspraken over.",
            "In de afronding van het gesprek zet u alle acties op een rijtje. (\u2018Dit is wat ik ga "
            "doen\u2026\u2019)",
        ),
    ),
)

# Which wording the answers of a conversation respond to (stored with each conversation).
WORDING_CHECKLIST = "checklist"
WORDING_REWORDED = "herschreven"
WORDINGS = (
    (WORDING_CHECKLIST, "Letterlijk de vragen van de checklist (7 tot en met 14 met de politie opgesteld)"),
    (WORDING_REWORDED, "Eerdere, herschreven vragen: niet letterlijk de vragen van de politie"),
)


def question(name: str) -> Question:
    return next(q for q in QUESTIONS if q.name == name)
