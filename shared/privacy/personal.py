"""Details that point to one pupil without a name: a home address or postcode, a date of birth
(also written in words), a pupil number, and a phone number disguised with letters for digits
(O6-l2345678) or written in words ("nul zes twaalf ..."). Street names of the school's own
address stay allowed."""

from __future__ import annotations

import re
from datetime import date

from shared.privacy.dictionary import common
from shared.privacy.text import normalise

STREET_ENDINGS = (
    "straat|straatje|laan|weg|plein|singel|gracht|dijk|kade|hof|pad|steeg|dreef|park|ring|plantsoen|"
    "boulevard|markt|erf|wal|veld|baan|hoven|dam|akker|brink|donk|haven|oord|allee|street|road|avenue|"
    "lane|drive|close|crescent"
)
_STREET_NUMBER = re.compile(
    rf"\b([a-z][a-z'-]*(?:{STREET_ENDINGS}))\s+(\d{{1,4}})(?:\s?-?\s?[a-z]\b)?(?!\d|[.:,]\d)"
)
_STREET = re.compile(
    rf"\b[a-z][a-z'-]{{2,}}(?:{STREET_ENDINGS.replace('|weg|', '|').replace('|hof|', '|')})\b"
)
_HOME = re.compile(
    r"\b(?:woont|wonen|woonde|woonachtig|thuisadres|huisadres|adres|verhuisd|lives|living|address|home)\b"
)
_POSTCODE = re.compile(r"\b[1-9]\d{3}\s?(?!SA|SD|SS)[A-Z]{2}\b")
_POSTCODE_LOWER = re.compile(r"\b[1-9]\d{3}(?!sa|sd|ss|km|cm|mm|mg|kg|ml|gb|mb|kb|pm|am)[a-z]{2}\b")

MONTHS = (
    "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|"
    "jan|feb|mrt|apr|jun|jul|aug|sep|sept|okt|nov|dec|january|february|march|may|june|july|august|"
    "october"
)
_UNIT = {w: str(i) for i, w in enumerate("nul een twee drie vier vijf zes zeven acht negen".split())}
_UNIT |= {w: str(i) for i, w in enumerate("zero one two three four five six seven eight nine".split())}
_UNIT |= {"oh": "0", "o": "0"}
_TEENS = {
    "tien": "10", "elf": "11", "twaalf": "12", "dertien": "13", "veertien": "14", "vijftien": "15",
    "zestien": "16", "zeventien": "17", "achttien": "18", "negentien": "19", "ten": "10",
    "eleven": "11", "twelve": "12", "thirteen": "13", "fourteen": "14", "fifteen": "15",
    "sixteen": "16", "seventeen": "17", "eighteen": "18", "nineteen": "19",
}  # fmt: skip
_TENS = {
    "twintig": "2", "dertig": "3", "veertig": "4", "vijftig": "5", "zestig": "6", "zeventig": "7",
    "tachtig": "8", "negentig": "9", "twenty": "2", "thirty": "3", "forty": "4", "fifty": "5",
    "sixty": "6", "seventy": "7", "eighty": "8", "ninety": "9",
}  # fmt: skip
_NUMBER_WORD = re.compile(
    r"(?:(een|twee|drie|vier|vijf|zes|zeven|acht|negen)en)?("
    + "|".join(_TENS)
    + r")|("
    + "|".join([*_TEENS, *_UNIT])
    + r")|(\d+)"
)
_BIRTH = re.compile(
    r"\b(?:geboren|geb|geboortedatum|geboortedag|geboortejaar|verjaardag|jarig|jarige|born|birthday|"
    r"birth|dob|birthdate)\b"
)
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})\s?[-/.]\s?(\d{1,2})\s?[-/.]\s?((?:19|20)\d{2})\b")
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}}|[a-z]+)(?:e|ste|de)?\s+(?:{MONTHS})\b|\b(?:{MONTHS})\s+\d{{1,2}}\b")
_NUMERIC_DAY_MONTH = re.compile(r"\b\d{1,2}\s?[-/]\s?\d{1,2}\b")
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_YEAR_IN_WORDS = re.compile(r"\btweeduizend\w*|\btwee\s+duizend\w*|\btwo\s+thousand\b|\bnegentienhonderd\w*")
_PUPIL_NUMBER = re.compile(
    r"\b(?:leerling|lln|student|pupil|stamboek|leerlingen|ll)\w*\s*(?:nummer|nr|number|no|id)?\.?\s*[:#]?\s*"
    r"[a-z]{0,3}\d{3,}"
)
_LONG_NUMBER = re.compile(r"(?<![\d.,:/€$-])\d{5,8}(?![\d,:/-]|\.\d)")
_SWAPPABLE = "olisbzg"
_SWAP = str.maketrans({"o": "0", "l": "1", "i": "1", "s": "5", "b": "8", "z": "2", "g": "9"})
_SWAPPED = re.compile(
    rf"(?<![a-z\d])[+\d{_SWAPPABLE}][\d{_SWAPPABLE}\s().\-/]{{7,}}[\d{_SWAPPABLE}](?![a-z\d])"
)


def street_words(address: str) -> frozenset[str]:
    """The words of the school's own address, which a letter may name."""
    return frozenset(re.findall(r"[a-z]+", normalise(address)))


def addresses(text: str, own_streets: frozenset[str] = frozenset()) -> list[str]:
    """Home addresses: a street with a house number, a street after "woont" or "adres", and
    postcodes; the school's own street is not one."""
    plain = normalise(text)
    found = [
        m.group(0) for m in _STREET_NUMBER.finditer(plain) if m.group(1) not in own_streets and not _time(m)
    ]
    if _HOME.search(plain):
        found += [m.group(0) for m in _STREET.finditer(plain) if m.group(0) not in own_streets]
    found += [m.group(0) for m in _POSTCODE.finditer(text)]
    found += [m.group(0) for m in _POSTCODE_LOWER.finditer(plain)]
    found += [m.group(0) for m in _STREET.finditer(plain) if _odd_street(m.group(0), own_streets)]
    return sorted(set(found))


def _time(match: re.Match[str]) -> bool:
    return match.group(1) in ("weg", "markt", "park") and int(match.group(2)) < 24


def _odd_street(word: str, own_streets: frozenset[str]) -> bool:
    """A word shaped like a street name that no dictionary knows (Lindenlaan, Kerkstraat), not
    the school's own: only the strong endings, so "schoolplein" and "rooster" stay words."""
    strong = re.search(r"(straat|laan|singel|gracht|kade|steeg|dreef|plantsoen|street|avenue)$", word)
    if not strong or len(word) <= len(strong.group(0)) + 2:
        return False
    return word not in own_streets and not common(word)


def birth_dates(text: str, this_year: int | None = None) -> list[str]:
    """Dates of birth: a date, a day and month or a year near "geboren", "jarig" or "born"; a
    full date in numbers of a year a pupil was born in; a year written in words."""
    plain = normalise(text)
    year = this_year or date.today().year
    found = []
    for match in _BIRTH.finditer(plain):
        near = plain[match.end() : match.end() + 60]
        for pattern in (_NUMERIC_DATE, _DAY_MONTH, _NUMERIC_DAY_MONTH, _YEAR, _YEAR_IN_WORDS):
            hit = pattern.search(near)
            if hit:
                found.append(f"{match.group(0)} {hit.group(0)}")
                break
    for match in _NUMERIC_DATE.finditer(plain):
        if year - 25 <= int(match.group(3)) <= year - 2:
            found.append(match.group(0))
    found += [m.group(0) for m in _YEAR_IN_WORDS.finditer(plain)]
    return sorted(set(found))


def pupil_numbers(text: str, allowed_numbers: frozenset[str] = frozenset()) -> list[str]:
    """A pupil's number ("leerlingnummer 204518") and any bare number of five to eight digits."""
    plain = normalise(text)
    found = [m.group(0) for m in _PUPIL_NUMBER.finditer(plain)]
    found += [m.group(0) for m in _LONG_NUMBER.finditer(re.sub(r"https?://\S+|www\.\S+", " ", plain))]
    return sorted({f for f in found if f not in allowed_numbers})


def disguised_phone_numbers(text: str, allowed: frozenset[str] = frozenset()) -> list[str]:
    """Phone numbers with letters for digits (O6-l2345678) or written in words; `allowed` are
    the digits of the school's and the help lines' numbers."""
    plain = normalise(text)
    found = []
    for match in _SWAPPED.finditer(plain):
        run = match.group(0)
        digits = re.sub(r"\D", "", run.translate(_SWAP))
        if sum(c.isdigit() for c in run) >= 4 and any(c.isalpha() for c in run) and _phone_shaped(digits):
            found.append((run.strip(), digits))
    found += _phone_in_words(plain)
    return [run for run, digits in found if digits not in allowed]


def _phone_shaped(digits: str) -> bool:
    return (digits.startswith("0") and 10 <= len(digits) <= 11) or (
        digits.startswith("31") and len(digits) == 11
    )


def _phone_in_words(plain: str) -> list[tuple[str, str]]:
    """Runs of number words (and digits) that spell ten digits or more, starting with a zero."""
    found, run, digits = [], [], ""
    for token in [*re.findall(r"[a-z]+|\d+", plain), ""]:
        spelled = _spell(token)
        if spelled is not None:
            run.append(token)
            digits += spelled
            continue
        worded = sum(not t.isdigit() for t in run)
        if worded >= 2 and len(digits) >= 10 and digits.startswith("0"):
            found.append((" ".join(run), digits))
        run, digits = [], ""
    return found


def _spell(token: str) -> str | None:
    """The digits a number word or a group of digits stands for, or None."""
    if not token:
        return None
    match = _NUMBER_WORD.fullmatch(token)
    if not match:
        return None
    unit, tens, single, number = match.groups()
    if number:
        return number
    if tens:
        return _TENS[tens] + (_UNIT[unit] if unit else "0")
    if single in _TEENS:
        return _TEENS[single]
    return _UNIT.get(single or "")
