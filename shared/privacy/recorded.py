"""What the incident holds, turned into every form a letter must not contain.

A recorded name is split into its parts: each first name, each surname without its particles
(de, van, der, ten …), the surname with its particles written together (devries) and the whole
name written together (daandevries). Each part blocks alone and in the forms people write:
possessive and plural (Daans, Daan's), diminutive (Daantje). Free text (how the school learned
of it, notes, the conversation) is searched for names and class labels, so a name typed there
blocks as well.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from shared.privacy.classes import ClassLabel, class_labels
from shared.privacy.text import readings, squeezed, words

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

    def add_name(self, name: str, label: str, *, strict: bool) -> None:
        """Every part of a name, in both readings of the text."""
        for reading in readings(name):
            self._add_reading(reading, label, strict=strict)
        for label_found in class_labels(name):
            self.classes.setdefault(label_found, label)

    def _add_reading(self, normalised: str, label: str, *, strict: bool) -> None:
        """`strict` keeps parts that are also ordinary words (the register of pupils says
        they are names), otherwise those are passed over. A particle (de, van, ter) is one only
        between a first name and a surname: "Aan" or "Lê" alone or last is a name."""
        tokens = [t.strip('.,;:()[]"') for t in normalised.replace("'", "").split()]
        tokens = [t for t in tokens if t]
        parts = []
        for index, token in enumerate(tokens):
            for piece in token.replace("-", " ").split():
                particle = piece in PARTICLES and 0 < index < len(tokens) - 1
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
    """(form found, where it was recorded) for each forbidden form in the text."""
    found = []
    present = words(text)
    for form in sorted(present & forbidden_forms.words.keys()):
        found.append((form, forbidden_forms.words[form]))
    if forbidden_forms.joined:
        letters = squeezed(text)
        for whole, label in forbidden_forms.joined.items():
            if any(whole in reading for reading in letters):
                found.append((whole, label))
    return found
