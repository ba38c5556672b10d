"""Class labels in every notation a school writes them: groep 7b, 7b, 7B, 7-b, groep zeven b,
klas 2a, 2A, 2 havo, havo 2, h2a, and in English letters class 7b, year 8, grade seven. A label
is reduced to (year, letter or stream), so that "7b" in a letter is the class recorded as
"groep 7b"."""

from __future__ import annotations

import re

from shared.privacy.text import normalise

ClassLabel = tuple[str, str]

NUMBER_WORDS = {
    "een": "1", "eerste": "1", "twee": "2", "tweede": "2", "drie": "3", "derde": "3",
    "vier": "4", "vierde": "4", "vijf": "5", "vijfde": "5", "zes": "6", "zesde": "6",
    "zeven": "7", "zevende": "7", "acht": "8", "achtste": "8", "negen": "9", "negende": "9",
    "tien": "10", "tiende": "10", "elf": "11", "twaalf": "12",
}  # fmt: skip
STREAMS = "havo|vwo|vmbo|mavo|atheneum|gymnasium|tl|gl|kb|bb|kader|lwoo|pro"
_NUMBER = r"(\d{1,2}|" + "|".join(NUMBER_WORDS) + r")"
_PREFIXED = re.compile(
    r"\b(?:groep|klas|klassen|leerjaar|jaarlaag|mentorgroep|stamgroep|basisgroep|unit)\s*"
    + _NUMBER
    + r"(?:\s*[-/.]?\s*([a-h])\b)?(?:\s*("
    + STREAMS
    + r")\b)?"
)
ENGLISH_NUMBER_WORDS = {
    "one": "1", "first": "1", "two": "2", "second": "2", "three": "3", "third": "3",
    "four": "4", "fourth": "4", "five": "5", "fifth": "5", "six": "6", "sixth": "6",
    "seven": "7", "seventh": "7", "eight": "8", "eighth": "8", "nine": "9", "ninth": "9",
    "ten": "10", "tenth": "10", "eleven": "11", "eleventh": "11", "twelve": "12", "twelfth": "12",
}  # fmt: skip
# English letters: "class 8b", "year 8", "grade eight", "form 2"; the number ends there, so
# "the year 2026" is no class.
_ENGLISH = re.compile(
    r"\b(?:class|classes|group|year|grade|form)\s*(\d{1,2}|"
    + "|".join(ENGLISH_NUMBER_WORDS)
    + r")\b(?:\s*[-/.]?\s*([a-h])\b)?"
)
# Without "groep" or "klas": 7b, 7B, 7-b; not "2e" (tweede) nor "4 a 5" (vier à vijf).
_BARE = re.compile(r"\b(\d{1,2})-?([a-dfgh])\b")
_YEAR_STREAM = re.compile(r"\b(\d)\s*-?\s*(" + STREAMS + r")\b|\b(" + STREAMS + r")\s*-?\s*(\d)\b")
_SHORTHAND = re.compile(r"\b([hvmtk])\s?(\d)\s?([a-h])\b")


def _year(value: str) -> str:
    return NUMBER_WORDS.get(value, value).lstrip("0") or "0"


def class_labels(text: str) -> set[ClassLabel]:
    """Every class label in the text, as (year, letter or stream; "" when only a year)."""
    plain = normalise(text)
    found: set[ClassLabel] = set()
    for match in _PREFIXED.finditer(plain):
        year, letter, stream = match.group(1), match.group(2) or "", match.group(3) or ""
        found.add((_year(year), letter or stream))
    for match in _ENGLISH.finditer(plain):
        year = ENGLISH_NUMBER_WORDS.get(match.group(1), match.group(1))
        found.add((_year(year), match.group(2) or ""))
    for match in _BARE.finditer(plain):
        if int(match.group(1)) <= 12:
            found.add((_year(match.group(1)), match.group(2)))
    for match in _YEAR_STREAM.finditer(plain):
        year = match.group(1) or match.group(4)
        found.add((_year(year), match.group(2) or match.group(3)))
    for match in _SHORTHAND.finditer(plain):
        found.add((_year(match.group(2)), match.group(3)))
    return found


def same_class(found: ClassLabel, recorded: ClassLabel) -> bool:
    """True when a label in a letter points at a recorded class: the same year and letter,
    or the year alone of a recorded class (in many schools one groep 7 is one class)."""
    return found[0] == recorded[0] and (not found[1] or not recorded[1] or found[1] == recorded[1])


def describe(label: ClassLabel) -> str:
    year, letter = label
    return f"{year}{letter}" if len(letter) <= 1 else f"{year} {letter}"
