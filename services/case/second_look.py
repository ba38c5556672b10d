"""What deserves a reviewer's second look in text a person typed into a letter.

Not a guard: nothing here blocks a letter. It points the reviewer's eye at the words a guard
cannot judge for certain (a capital in mid-sentence, a number, something close to a recorded
name, an address-like pattern, a name the finder knows), so that reading a letter is fast and
pointed. Each look is a span of the text with the reason, in Dutch, shown beside it.

The word lists are the privacy guard's own (shared/privacy): its first names and its Dutch and
English dictionary, so what the guard knows and what the review points at stay the same lists.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from shared.privacy import dictionary
from shared.privacy.first_names import all_first_names, first_names
from shared.privacy.text import normalise

MONTHS = frozenset(
    "januari februari maart april mei juni juli augustus september oktober november december "
    "january february march may june july august october "
    "jan feb mrt apr jun jul aug sep sept okt oct nov dec".split()
)
_WORD = re.compile(r"[^\W_][\w'’.\-*]*[\w]|[^\W_]", re.UNICODE)
_NUMBER = re.compile(r"\d[\d\s\-./:]*\d|\d")
_STREET = re.compile(
    r"\b[\w'’\-]*(?:straat|laan|weg|plein|singel|gracht|kade|dreef|hof|pad|steeg|dijk|park)\b"
    r"(?:\s+\d+(?:\s?[a-zA-Z]\b)?)?|\b\d{4}\s?[A-Za-z]{2}\b",
    re.IGNORECASE,
)
_HANDLE = re.compile(r"@[\w.]+|\b[\w.+-]+@[\w-]+\.[\w.]+")
_SENTENCE_END = re.compile(r"[.!?:]\s*$|^\s*$|\n\s*$|[-•*]\s*$")
NEAR_NAME_MIN = 4  # shorter names match too many ordinary words inside longer ones


@dataclass(frozen=True)
class Look:
    """A span of typed text that deserves a second look, and why."""

    start: int
    end: int
    reason: str


def worth_a_second_look(
    text: str,
    *,
    recorded_names: Iterable[str] = (),
    persons: Iterable[str] = (),
    allowed: Iterable[str] = (),
) -> list[Look]:
    """The spans of `text` a reviewer should read twice, in order, without overlaps.

    `recorded_names`: the normalised name forms the incident recorded (a near miss of one is
    marked, also inside a longer word and with punctuation or spacing removed); `persons`: the
    names the name finder found in this text; `allowed`: names the letter may carry (the school,
    its staff, the contact person), which a capital alone does not mark."""
    names = {n for n in recorded_names if len(n) >= NEAR_NAME_MIN}
    allowed_words = {w for name in allowed for w in normalise(name).split()}
    found: list[Look] = []
    for match in _STREET.finditer(text):
        found.append(Look(match.start(), match.end(), "lijkt op een adres of postcode"))
    for match in _HANDLE.finditer(text):
        found.append(Look(match.start(), match.end(), "lijkt op een account of e-mailadres"))
    for match in _NUMBER.finditer(text):
        found.append(Look(match.start(), match.end(), "een getal of datum"))
    for person in persons:
        for match in re.finditer(re.escape(person), text):
            found.append(Look(match.start(), match.end(), "de namenzoeker herkent hier een naam"))
    for match in _WORD.finditer(text):
        word = match.group()
        plain = re.sub(r"[^a-z0-9]", "", normalise(word))
        if not plain:
            continue
        if _near_a_name(plain, names):
            found.append(Look(match.start(), match.end(), "lijkt op een vastgelegde naam"))
        elif plain in MONTHS:
            found.append(Look(match.start(), match.end(), "een datum"))
        elif plain in allowed_words:
            continue
        elif plain in first_names() or (word[0].isupper() and plain in all_first_names()):
            found.append(Look(match.start(), match.end(), "een voornaam"))
        elif word[0].isupper() and not _SENTENCE_END.search(text[: match.start()]):
            found.append(Look(match.start(), match.end(), "hoofdletter midden in een zin: een naam?"))
        elif plain.isalpha() and len(plain) >= 3 and not dictionary.known(plain):
            found.append(Look(match.start(), match.end(), "staat in geen Nederlands of Engels woordenboek"))
    return _without_overlaps(found)


def _near_a_name(plain: str, names: set[str]) -> bool:
    """The word is a recorded name with one letter changed, added or dropped, or holds one."""
    for name in names:
        if name in plain or (len(plain) >= NEAR_NAME_MIN and _within_one_edit(plain, name)):
            return True
    return False


def _within_one_edit(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) <= 1
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _without_overlaps(looks: list[Look]) -> list[Look]:
    """The earliest, then longest, look wins where two overlap."""
    kept: list[Look] = []
    for look in sorted(looks, key=lambda lk: (lk.start, -(lk.end - lk.start))):
        if kept and look.start < kept[-1].end:
            continue
        kept.append(look)
    return kept
