"""What deserves a second look in a text a person typed: for the page where a second person
reads a letter before any parent does. A pure function; the guard blocks what it is sure of,
this only points the reader's eye."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from shared.privacy import dictionary
from shared.privacy.first_names import names_to_review
from shared.privacy.personal import MONTHS, STREET_ENDINGS
from shared.privacy.recorded import Forbidden
from shared.privacy.text import normalise

NAME = "een voornaam"
FOUND = "de naamherkenning ziet een naam"
CAPITAL = "hoofdletter midden in een zin"
UNKNOWN = "geen Nederlands of Engels woord"
NUMBER = "getal of datum"
CLOSE = "lijkt op een naam uit de melding"
STREET = "lijkt op een straat of adres"

_WORD = re.compile(r"[^\W\d_][\w'’.-]*[^\W_]|[^\W\d_]")
_NUMBER = re.compile(r"\d[\d\s.,:/-]*\d|\d")
_DATE = re.compile(rf"\b\d{{1,2}}\s+(?:{MONTHS})\b(?:\s+\d{{4}})?", re.IGNORECASE)
_STREET = re.compile(rf"\b\w+(?:{STREET_ENDINGS})\b(?:\s+\d{{1,4}}\s?[a-zA-Z]?\b)?", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?:;\n(\"“‘'-]\s*$")


@dataclass(frozen=True)
class Span:
    """A stretch of the text (start, end as string indices) and why it deserves a look."""

    start: int
    end: int
    text: str
    why: tuple[str, ...]


def spans_to_review(text: str, forbidden: Forbidden | None = None, persons: Iterable[str] = ()) -> list[Span]:
    """The spans of the text worth a second look, in order, each with every reason it has.
    `persons` are the names the name finder saw in the text (optional: it needs deduce)."""
    reasons: dict[tuple[int, int], list[str]] = {}

    def mark(start: int, end: int, why: str) -> None:
        found = reasons.setdefault((start, end), [])
        if why not in found:
            found.append(why)

    parts = [p for p in (forbidden.parts if forbidden else {}) if len(p) >= 3]
    names = names_to_review()
    for match in _WORD.finditer(text):
        word = match.group(0).strip(".'’-")
        start, end = match.start(), match.start() + len(word)
        plain = normalise(word)
        letters = re.sub(r"[^a-z]", "", plain)
        if not letters:
            continue
        if letters in names:
            mark(start, end, NAME)
        if word[0].isupper() and start > 0 and not _SENTENCE_END.search(text[:start]):
            mark(start, end, CAPITAL)
        if len(letters) >= 3 and not dictionary.known(plain) and not dictionary.known(letters):
            mark(start, end, UNKNOWN)
        if any(_close(letters, part) for part in parts):
            mark(start, end, CLOSE)
    for person in persons:
        for match in re.finditer(re.escape(person), text):
            mark(match.start(), match.end(), FOUND)
    for pattern, why in ((_NUMBER, NUMBER), (_DATE, NUMBER), (_STREET, STREET)):
        for match in pattern.finditer(text):
            if why == STREET and dictionary.common(normalise(match.group(0).split()[0])):
                continue
            mark(match.start(), match.end(), why)
    return [Span(s, e, text[s:e], tuple(why)) for (s, e), why in sorted(reasons.items())]


def _close(word: str, name: str) -> bool:
    """The word is the name, holds it, or is one or two edits from it (two for long names)."""
    if name in word:
        return True
    allowed = 1 if len(name) < 7 else 2
    return abs(len(word) - len(name)) <= allowed and _distance(word, name, allowed) <= allowed


def _distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, stopping once it exceeds the limit."""
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]
