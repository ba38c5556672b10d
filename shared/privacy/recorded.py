"""What the incident holds, turned into every form a letter must not contain.

A recorded name is split into its parts: each first name, each surname without its particles
(de, van, der, ten …), the surname with its particles written together (devries) and the whole
name written together (daandevries). Each part blocks alone and in the forms people write:
possessive and plural (Daans, Daan's), diminutive (Daantje). Free text (how the school learned
of it, notes, the conversation) is searched for names and class labels, so a name typed there
blocks as well.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from shared.privacy import dictionary
from shared.privacy.classes import ClassLabel, class_labels
from shared.privacy.dictionary import common
from shared.privacy.text import masked, normalise, readings, sound_key, squeezed, unstretched, words

PARTICLES = frozenset(
    "de den der des het t van vd von vande vanden vander ten ter te in op aan bij uit "
    "la le lo l d da del della di dos du el al bin ben ibn abu bint zu y".split()
)
TITLES = frozenset(
    "juf juffrouw meester meneer mevrouw mijnheer mevr mw dhr heer familie fam mr dr drs ir ing "
    "mentor leerling leerlingen zoon dochter broer zus".split()
)
# Words that say who someone is in a list of people, not what they are called
# ("twee klasgenoten", "een leerling van groep 8").
NOT_A_NAME = frozenset(
    "een twee drie vier vijf enkele paar meerdere veel alle iedereen niemand onbekend onbekende "
    "leerling leerlingen klasgenoot klasgenoten kind kinderen ouder ouders vader moeder broer zus "
    "vriend vriendin vrienden vriendinnen leerkracht leerkrachten docent docenten mentor juf meester "
    "groep klas school andere anderen van uit en of met jongen jongens meisje meisjes medewerker "
    "medewerkers team iemand sommige deze die dat het de wie weet niet wel ja nee".split()
)
MIN_PART = 2
# A part this long is also searched inside longer words (daanvries, xxroosxx, roos2013) and by
# how it sounds in another spelling; a shorter one would be found in every letter.
MIN_INSIDE = 4
# How letters of pupils' own alphabets are written by a Dutch school or a pupil without them:
# Göksu as Goeksu, Łukasz as Woekasj, Şükrü as Sjukru.
TRANSLITERATIONS = {
    "ö": ("oe", "o"), "ü": ("ue", "u", "oe"), "ä": ("ae", "a"), "ł": ("w", "l"), "ş": ("sj", "s", "sh"),
    "ç": ("tsj", "c", "ch"), "ğ": ("", "g"), "ı": ("i",), "ś": ("sj", "s"), "ć": ("tsj", "c"),
    "ż": ("zj", "z"), "ź": ("zj", "z"), "ń": ("n",), "ó": ("oe", "o"), "ę": ("e", "en"), "ą": ("a", "on"),
    "é": ("e",), "ë": ("e",), "ï": ("i",),
}  # fmt: skip


@dataclass(frozen=True)
class Recorded:
    """One value the incident holds: where it was recorded (a Dutch label) and what it is.

    kind: "leerling" for the register of pupils involved (every part is a name, even one
    that is also an ordinary word), "namen" for a field that lists people (who shared it),
    "tekst" for free text, searched for names and class labels."""

    label: str
    value: str
    kind: str = "tekst"


@dataclass
class Forbidden:
    """The forms a letter of this incident must not contain, each with where it came from."""

    words: dict[str, str] = field(default_factory=dict)
    joined: dict[str, str] = field(default_factory=dict)
    classes: dict[ClassLabel, str] = field(default_factory=dict)
    # each part of a name as it was recorded, for masks and for searching inside words
    parts: dict[str, str] = field(default_factory=dict)
    # the sound key of each part of four letters or more, in every spelling of it
    sounds: dict[str, str] = field(default_factory=dict)

    def add_name(self, name: str, label: str, *, strict: bool) -> None:
        """Every part of a name, in both readings of the text and in the spellings of its
        letters without their accents (Göksu as Goeksu)."""
        for reading in readings(name):
            self._add_reading(reading, label, strict=strict)
        for spelling in spellings(name):
            for part in normalise(spelling).replace("-", " ").split():
                if len(part) >= MIN_INSIDE and part.isalpha() and (strict or part in self.parts):
                    self.sounds.setdefault(sound_key(part), label)
        for label_found in class_labels(name):
            self.classes.setdefault(label_found, label)

    def _add_reading(self, normalised: str, label: str, *, strict: bool) -> None:
        """`strict` keeps parts that are also ordinary words (the register of pupils says
        they are names), otherwise those are passed over. A particle (de, van, ter) is one only
        between a first name and a surname: "Aan" or "Lê" alone or last is a name."""
        tokens = [t.strip('.,;:()[]"') for t in normalised.replace("'", "").split()]
        tokens = [t for t in tokens if t]
        parts = []
        whole_pieces = [p for t in tokens for p in t.replace("-", " ").split()]
        for index, token in enumerate(tokens):
            pieces = token.replace("-", " ").split()
            for piece in pieces:
                # al-Amrani, El Amrani, van Dijk: a particle never blocks on its own ("al", "als")
                particle = piece in PARTICLES and (
                    0 < index < len(tokens) - 1 or (len(pieces) > 1 and len(whole_pieces) > 1)
                )
                if (
                    len(piece) < MIN_PART
                    or not piece.isalnum()
                    or particle
                    or (piece in PARTICLES and not strict)
                ):
                    continue
                if not strict and (piece in NOT_A_NAME or piece in TITLES or piece.isdigit()):
                    continue
                parts.append(piece)
        for part in parts:
            self.parts.setdefault(part, label)
            for form in forms_of(part):
                self.words.setdefault(form, label)
        meaningful = [t for t in tokens if t not in TITLES]
        if len(meaningful) > 1:
            whole = "".join(c for c in "".join(meaningful) if c.isalpha())
            if len(whole) >= 6:
                self.joined.setdefault(whole, label)
                without_particles = "".join(t for t in meaningful if t not in PARTICLES)
                if len(without_particles) >= 6:
                    self.joined.setdefault(without_particles, label)
            surname = meaningful[1:]
            if len(surname) > 1:
                together = "".join(c for c in "".join(surname) if c.isalpha())
                self.words.setdefault(together, label)

    def add_text(self, text: str, label: str, persons: list[str]) -> None:
        for person in persons:
            self.add_name(person, label, strict=False)
        for found in class_labels(text):
            self.classes.setdefault(found, label)


# A name in Cyrillic letters as a Dutch and as a German school writes it (Шевченко as
# Sjevtsjenko, Schewtschenko); anyascii gives the English way (Shevchenko).
_CYRILLIC_DUTCH = str.maketrans({
    "ч": "tsj", "ш": "sj", "щ": "sjtsj", "ж": "zj", "х": "ch", "й": "j", "ю": "joe", "я": "ja",
    "є": "je", "ї": "ji", "у": "oe", "и": "y", "г": "h", "ц": "ts", "е": "e", "ь": "", "ъ": "",
})  # fmt: skip
_CYRILLIC_GERMAN = str.maketrans({
    "ч": "tsch", "ш": "sch", "щ": "schtsch", "ж": "sch", "х": "ch", "й": "j", "ю": "ju", "я": "ja",
    "є": "je", "ї": "ji", "у": "u", "и": "y", "г": "h", "ц": "z", "в": "w", "ь": "", "ъ": "",
})  # fmt: skip


def spellings(name: str) -> set[str]:
    """The name as recorded and with each letter of TRANSLITERATIONS written the other ways."""
    found = {name.casefold()}
    if any("\u0400" <= ch <= "\u04ff" for ch in name):
        found |= {name.casefold().translate(_CYRILLIC_DUTCH), name.casefold().translate(_CYRILLIC_GERMAN)}
    for letter, ways in TRANSLITERATIONS.items():
        if any(letter in f for f in found) and len(found) < 64:
            found |= {f.replace(letter, way) for f in found for way in ways}
    return found


def forms_of(part: str) -> set[str]:
    """A name part as people write it in a sentence: Daan, Daans, Daan's, Daantje."""
    found = {part, part + "s", part + "je", part + "tje"}
    if part.endswith("s"):
        found.add(part + "e")
    return found


def forbidden(
    recorded: Iterable[Recorded], persons_in_each: Callable[[list[str]], list[list[str]]]
) -> Forbidden:
    """The forbidden forms of every recorded value; `persons_in_each` finds names in free text."""
    result = Forbidden()
    texts = []
    for item in recorded:
        if not item.value or not item.value.strip() or item.value == "[gewist]":
            continue
        if item.kind in ("leerling", "namen"):
            result.add_name(item.value, item.label, strict=item.kind == "leerling")
        else:
            texts.append(item)
    for item, persons in zip(texts, persons_in_each([t.value for t in texts]), strict=True):
        result.add_text(item.value, item.label, persons)
    return result


def hits(forbidden_forms: Forbidden, text: str) -> list[tuple[str, str]]:
    """(form found, where it was recorded) for each forbidden form in the text: as written, with
    letters stretched or masked, inside a longer word, or spelled another way."""
    found = []
    present = words(text)
    for form in sorted(present & forbidden_forms.words.keys()):
        found.append((form, forbidden_forms.words[form]))
    names = forbidden_forms.words
    for word in sorted(present - names.keys()):
        stretched = sorted(unstretched(word) & names.keys()) if not dictionary.common(word) else []
        if stretched:
            found.append((stretched[0], names[stretched[0]]))
            continue
        inside = _inside(word, forbidden_forms.parts)
        if inside:
            found.append((inside, forbidden_forms.parts[inside]))
            continue
        if forbidden_forms.sounds and len(word) >= MIN_INSIDE and word.isalpha() and not common(word):
            label = forbidden_forms.sounds.get(sound_key(word))
            if label:
                found.append((word, label))
    tokens = _ALPHA_RUN.findall(normalise(text))
    for a, b in itertools.pairwise(tokens):  # "Da an", "Yous sef"
        if a + b in forbidden_forms.parts and len(a + b) >= MIN_INSIDE:
            found.append((a + b, forbidden_forms.parts[a + b]))
    for pattern in masked(text):
        for part in forbidden_forms.parts:
            if len(part) == len(pattern) and re.fullmatch(pattern, part):
                found.append((pattern, forbidden_forms.parts[part]))
    if forbidden_forms.joined:
        letters = squeezed(text)
        for whole, label in forbidden_forms.joined.items():
            if any(whole in reading for reading in letters):
                found.append((whole, label))
    return found


_ALPHA_RUN = re.compile(r"[a-z]+")


def _inside(word: str, parts: dict[str, str]) -> str:
    """A recorded part of four letters or more inside the word, unless an ordinary word holds
    it (roos in rooster, emma in dilemma)."""
    for part in parts:
        if len(part) >= MIN_INSIDE and len(word) > len(part) and part in word:
            at = word.find(part)
            if not dictionary.inside_a_word(word, at, at + len(part), forms_of(part)):
                return part
    return ""
