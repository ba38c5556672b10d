"""Every letter template against the Wet seksuele misdrijven (in force since 1 July 2024):
forwarding and spreading are punishable and harm the pupil in the picture; consensual sexting
between peers for private use is not, so a letter neither calls every receiver a criminal nor
blames the pupil in the picture, directly or indirectly."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from shared.languages import languages
from shared.letters import CATALOGUE, TEMPLATES, WITHOUT_PUPIL, languages_of

# (pattern, why it may not stand in a letter)
FORBIDDEN: list[tuple[str, str]] = [
    (r"eigen schuld", "legt de schuld bij de leerling op de beelden"),
    (
        r"(had|hadden) (dat|het|die|zulke beelden|de foto) (nooit |niet )?(mogen|moeten) "
        r"(maken|sturen|delen|versturen)",
        "verwijt indirect het maken of sturen van een eigen beeld",
    ),
    (r"niet gedeeld had mogen worden", "verwijt indirect wie het eerste beeld (vrijwillig) deelde"),
    (r"\b(onverstandig|naïef|dom|lichtzinnig|onvoorzichtig)\b", "oordeelt over wie op de beelden staat"),
    (r"zelf (verantwoordelijk|schuld)", "legt de verantwoordelijkheid bij het slachtoffer"),
    (r"heeft (het|dit) (zelf )?over zich(zelf)? afgeroepen", "legt de schuld bij het slachtoffer"),
    (
        r"sexting is (altijd )?strafbaar",
        "vrijwillig sexten tussen gelijken is sinds 1 juli 2024 niet strafbaar",
    ),
    (
        r"(het )?maken van (een )?(naakt)?foto'?s? (van jezelf )?is strafbaar",
        "een eigen beeld maken voor privégebruik tussen gelijken is niet strafbaar",
    ),
    (
        r"(het )?bekijken[^.]{0,60}\bstrafbaar",
        "overdrijft: niet elk zien van een beeld is een strafbaar feit",
    ),
    (
        r"(iedereen|wie|elke leerling|alle leerlingen) die [^.]{0,40}(ontvangen|gekregen) (heeft|hebben)"
        r"[^.]{0,40}(is|zijn|maakt zich) strafbaar",
        "noemt elke ontvanger een strafbare",
    ),
    (r"ontvangers? (is|zijn) strafbaar", "noemt elke ontvanger een strafbare"),
    (
        r"\bbezit(ten)?\b[^.]{0,80}strafbaar,? ook voor jongeren",
        "overdrijft: de uitzondering voor gelijken geldt",
    ),
    (r"\b(dader|crimineel|criminelen)\b", "geen etiket op leerlingen in een brief aan ouders of leerlingen"),
]

# The same rules for the English letters.
FORBIDDEN_EN: list[tuple[str, str]] = [
    (r"(own fault|brought (it|this) on (him|her|them)sel(f|ves))", "blames the pupil in the images"),
    (
        r"should (never |not )?have (made|sent|shared|taken)",
        "indirectly blames making or sending one's own image",
    ),
    (r"\b(unwise|naive|stupid|foolish|careless|reckless)\b", "judges the person in the images"),
    (
        r"sexting is (always )?(illegal|a (criminal )?offence|a crime)",
        "consensual sexting between peers is not",
    ),
    (
        r"(making|taking) (a )?(nude )?(photo|picture|image)s? (of yourself )?"
        r"is (illegal|a (criminal )?offence)",
        "making one's own image for private use between peers is not an offence",
    ),
    (r"(viewing|looking at|seeing)[^.]{0,60}\b(illegal|offence|crime)", "overstates: not every seeing is"),
    (
        r"(everyone|anyone|whoever) who (has )?(received|got)[^.]{0,40}"
        r"(is|are) (committing|guilty|a criminal)",
        "calls every receiver an offender",
    ),
    (r"\b(perpetrator|offender|criminal)s?\b(?! offence)", "no label on pupils in a letter"),
]

TO_PARENTS_OR_PUPILS = [
    key for key, letter in CATALOGUE.items() if "ouders" in letter.audience or "leerling" in letter.audience
]


def templates(language: str = "nl") -> list[Path]:
    folder = TEMPLATES / language
    return sorted(folder.rglob("*.txt")) + sorted(folder.rglob("*.html"))


def wording(path: Path) -> str:
    """The fixed text of a template: tags and markup out, one line, lower case."""
    text = re.sub(r"\{[{%#].*?[}%#]\}", " ", path.read_text(encoding="utf-8"), flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    return re.sub(r"\s+", " ", text).lower()


def test_every_template_is_read() -> None:
    folders = {str(p.parent.relative_to(TEMPLATES / "nl")) for p in templates()}
    assert set(CATALOGUE) | {f"{key}/{WITHOUT_PUPIL}" for key in CATALOGUE} <= folders


def test_every_language_has_rules_here() -> None:
    """A new language's letters need their own legal check in this file before they go out."""
    assert set(languages()) == {"nl", "en"}


def test_every_letter_to_parents_pupils_or_staff_exists_in_english() -> None:
    for key in [*TO_PARENTS_OR_PUPILS, "medewerkers"]:
        assert [lang.code for lang in languages_of(key)] == ["nl", "en"], key


@pytest.mark.parametrize("path", templates("en"), ids=lambda p: str(p.relative_to(TEMPLATES)))
@pytest.mark.parametrize(("pattern", "why"), FORBIDDEN_EN, ids=[w for _, w in FORBIDDEN_EN])
def test_no_english_template_blames_the_pupil_or_overstates_the_law(
    path: Path, pattern: str, why: str
) -> None:
    found = re.search(pattern, wording(path))
    assert found is None, f"{path.relative_to(TEMPLATES)}: '{found.group(0)}' — {why}"


@pytest.mark.parametrize("path", templates(), ids=lambda p: str(p.relative_to(TEMPLATES)))
@pytest.mark.parametrize(("pattern", "why"), FORBIDDEN, ids=[w for _, w in FORBIDDEN])
def test_no_template_blames_the_pupil_or_overstates_the_law(path: Path, pattern: str, why: str) -> None:
    found = re.search(pattern, wording(path))
    assert found is None, f"{path.relative_to(TEMPLATES)}: '{found.group(0)}' — {why}"


@pytest.mark.parametrize("version", ["", f"/{WITHOUT_PUPIL}"], ids=["met leerling", "zonder leerling"])
@pytest.mark.parametrize("letter", TO_PARENTS_OR_PUPILS)
def test_a_letter_that_speaks_of_the_law_says_spreading_is_punishable_and_harms_the_pupil(
    letter: str, version: str
) -> None:
    key = letter + version
    for name in ("body.txt", "body.html"):
        text = wording(TEMPLATES / "nl" / key / name)
        if "strafbaar" not in text:
            continue
        assert re.search(r"(doorsturen|verspreiden)[^.]{0,60}strafbaar", text), (key, name)
        assert re.search(r"schade|schaadt", text), (key, name)
        english = wording(TEMPLATES / "en" / key / name)
        assert re.search(r"(forwarding|spreading)[^.]{0,60}criminal offence", english), ("en", key, name)
        assert re.search(r"\bharms?\b", english), ("en", key, name)


def test_the_check_catches_what_the_old_wording_said() -> None:
    old = [
        "het bezitten en verspreiden van dit soort beelden van minderjarigen is strafbaar, "
        "ook voor jongeren zelf.",
        "leg uit dat het bekijken, bewaren of doorsturen van zulk beeldmateriaal strafbaar is.",
        "onder leerlingen gaat beeldmateriaal rond dat niet gedeeld had mogen worden.",
    ]
    for sentence in old:
        assert any(re.search(pattern, sentence) for pattern, _ in FORBIDDEN), sentence
