"""The privacy guard: every reason a letter may not go out, each tied to the field it is in.

One guard serves the preview in the web app, the notifier just before SMTP, and the reminders,
so what the handler was shown is what is checked again. A reason names the field and the word
found, never the whole recorded name of someone else.
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from shared.privacy import classes, dictionary, identifiers, material, personal
from shared.privacy.first_names import is_first_name
from shared.privacy.identifiers import Allowed
from shared.privacy.pieces import pieces
from shared.privacy.recorded import TITLES, Forbidden, Recorded, forbidden, hits
from shared.privacy.text import in_other_script, normalise, words

__all__ = ["Allowed", "Finding", "PrivacyGuard", "Recorded"]

WHOLE_LETTER = ""
CONTACT_FIELD = "contact_person"
_TAG = re.compile(r"<[^>]+>")
# "de vader van Bilal", "the mother of Sem": a pupil named through their family
_FAMILY = re.compile(
    r"\b(?:vader|moeder|ouder|ouders|papa|mama|pa|ma|broer|broertje|zus|zusje|zoon|dochter|oom|tante|opa|"
    r"oma|neef|nicht|stiefvader|stiefmoeder|pleegvader|pleegmoeder|vriend|vriendin|buurjongen|buurmeisje|"
    r"father|mother|dad|mum|mom|brother|sister|son|daughter|uncle|aunt|parents?)\s+(?:van|of)\s+"
    r"(?!De\b|Het\b|Een\b|The\b)([A-Z\u00c0-\u024f][\w'-]+)"
)
_OTHER_SCRIPT = re.compile(r"[^\W\d_]+")


class FindsPersons(Protocol):
    def persons_in_each(self, texts: list[str]) -> list[list[str]]: ...


@dataclass(frozen=True)
class Finding:
    """One reason a letter may not go out; `field` is the letter field it is in ("" for the
    letter as a whole)."""

    field: str
    reason: str
    key: str = ""


class PrivacyGuard:
    def __init__(self, finder: FindsPersons) -> None:
        self.finder = finder

    def forbidden(self, recorded: list[Recorded]) -> Forbidden:
        """What a letter of an incident must not contain: once per incident, not per letter."""
        return forbidden(recorded, self.finder.persons_in_each)

    def check(
        self,
        fields: dict[str, str],
        parts: list[str],
        forbidden_forms: Forbidden,
        allowed: Allowed,
        *,
        allows_url: bool = False,
        template: str = "",
    ) -> list[Finding]:
        """Every finding in the fields a handler typed and in the rendered letter's parts
        (subject, text, HTML); empty when the letter may go.

        `template` is the letter's own fixed wording: a word of it that the person finder takes
        for a name ("Verwijs" at the start of a line) is the template's, not a person."""
        found: list[Finding] = []
        # The contact field holds a contact: a name there must be one of the school's staff,
        # and is not allowed elsewhere in the letter because it was typed there.
        typed = {name: value for name, value in fields.items() if value and value.strip()}
        for name, value in typed.items():
            found += self._check_text(name, value, forbidden_forms, allowed, allows_url, typed=True)
        for name, persons in zip(typed, self.finder.persons_in_each(list(typed.values())), strict=True):
            found += _persons(name, persons, allowed, frozenset())
        seen = {f.key for f in found}
        own_words = frozenset(normalise(template).split())
        texts = [html.unescape(_TAG.sub(" ", part)) if "<" in part else part for part in parts]
        # Every layer has read the typed values above; of the letter it reads what lies around
        # them: the template's text and each value's edges, with the context they have there.
        read = [pieces(text, typed.values()) for text in texts]
        letter_wide: list[Finding] = []
        for piece in itertools.chain.from_iterable(read):
            letter_wide += self._check_text(WHOLE_LETTER, piece, forbidden_forms, allowed, allows_url)
        # The HTML part renders the same fields as the text part: the name finder reads the
        # subject and the text, the other layers read all three.
        for persons in self.finder.persons_in_each([piece for text in read[:2] for piece in text]):
            letter_wide += _persons(WHOLE_LETTER, persons, allowed, own_words)
        for finding in letter_wide:
            if finding.key not in seen:
                seen.add(finding.key)
                found.append(finding)
        return found

    def _check_text(
        self,
        field: str,
        text: str,
        forbidden_forms: Forbidden,
        allowed: Allowed,
        allows_url: bool,
        *,
        typed: bool = False,
    ) -> list[Finding]:
        """The deterministic layers: recorded forms, classes, identifiers, the material."""
        found: list[Finding] = []

        def add(key: str, reason: str) -> None:
            if all(f.key != key for f in found):
                found.append(Finding(field, reason, key))

        for form, where in hits(forbidden_forms, text):
            add(f"naam:{form}", f"'{form}' is (een deel van) de naam van iemand uit de melding ({where}).")
        labels = classes.class_labels(text)
        for label in sorted(labels):
            recorded = [w for r, w in forbidden_forms.classes.items() if classes.same_class(label, r)]
            shown = classes.describe(label)
            if recorded:
                add(
                    f"klas:{shown}",
                    f"'{shown}' is de klas of groep van iemand uit de melding ({recorded[0]}).",
                )
            else:
                add(
                    f"klas:{shown}",
                    f"De brief noemt een klas of groep ('{shown}'); dat kan een leerling aanwijzen.",
                )
        for address in identifiers.emails(text, allowed):
            add(
                f"email:{address}",
                "De brief bevat een e-mailadres; alleen het contactadres van de school mag.",
            )
        for number in identifiers.phone_numbers(text, allowed):
            add(
                f"telefoon:{number}",
                "De brief bevat een telefoonnummer; alleen dat van de school en hulplijnen mogen.",
            )
        for number in identifiers.citizen_numbers(text):
            add(f"nummer:{number}", "De brief bevat een persoonsnummer (zoals een BSN).")
        for account in identifiers.accounts(text, dictionary.known):
            add(
                f"account:{account}",
                "De brief noemt een account op sociale media; dat wijst een persoon aan.",
            )
        if not allows_url:
            for address in identifiers.web_addresses(text, allowed):
                add(
                    f"web:{address}",
                    f"De brief bevat een webadres ('{address}') dat niet op de lijst van hulpsites staat.",
                )
        if typed:
            for word in material.material_words(text):
                add(
                    f"materiaal:{word}",
                    f"De brief beschrijft het materiaal ('{word}'). Houd het bij procesinformatie.",
                )
            self._typed_only(text, allowed, add)
        return found

    def _typed_only(self, text: str, allowed: Allowed, add: Callable[[str, str], None]) -> None:
        """What only a person types: first names nobody recorded, words in another script, a
        pupil named through family, and identifiers that point to one pupil."""
        for word in unrecorded_first_names(text, allowed):
            add(
                f"persoon:{word}",
                f"'{word}' is een voornaam. Noem geen namen; verwijs naar een functie "
                "(bijvoorbeeld 'de intern begeleider').",
            )
        for word in sorted({w for w in _OTHER_SCRIPT.findall(text) if in_other_script(w)}):
            add(f"schrift:{word}", f"'{word}' is in een ander schrift geschreven; dat kan een naam zijn.")
        for match in _FAMILY.finditer(text):
            if not _allowed_person(match.group(1), allowed):
                add(
                    f"familie:{normalise(match.group(0))}",
                    f"'{match.group(0)}' wijst een leerling aan via familie of vrienden.",
                )
        for address in personal.addresses(text, allowed.streets):
            add(f"adres:{address}", "De brief noemt een (woon)adres of postcode; dat wijst een persoon aan.")
        for date in personal.birth_dates(text):
            add(
                f"geboren:{date}",
                "De brief noemt een geboortedatum of verjaardag; dat wijst een persoon aan.",
            )
        for number in personal.pupil_numbers(text):
            add(f"nummer:{number}", "De brief bevat een nummer dat een leerling kan aanwijzen.")
        for number in personal.disguised_phone_numbers(text, allowed.phones):
            add(f"telefoon:{number}", "De brief bevat een (vermomd) telefoonnummer.")


def _persons(field: str, persons: list[str], allowed: Allowed, own_words: frozenset[str]) -> list[Finding]:
    """Persons the name finder saw, less the school's own people and the template's words."""
    found: dict[str, Finding] = {}
    for person in persons:
        if _allowed_person(person, allowed) or set(normalise(person).split()) <= own_words:
            continue
        key = f"persoon:{normalise(person)}"
        found[key] = Finding(
            field,
            f"'{person}' lijkt een naam van een persoon. Noem geen namen; verwijs naar een "
            "functie (bijvoorbeeld 'de intern begeleider').",
            key,
        )
    return list(found.values())


def unrecorded_first_names(text: str, allowed: Allowed) -> list[str]:
    """Words of the text that are first names (in any case, any script), less the school's
    own people and the school's name."""
    own = {part for name in allowed.names for part in name.split()} | allowed.streets
    return sorted(w for w in words(text) if is_first_name(w) and w not in own and w not in TITLES)


def _allowed_person(person: str, allowed: Allowed) -> bool:
    """A name of the school's own staff, contact person or the school itself."""
    parts = [p.strip(".,") for p in normalise(person).split() if p.strip(".,") not in TITLES]
    known = {part for name in allowed.names for part in name.split()}
    initials = {part[0] for name in allowed.names for part in name.split()}
    # an initial of a staff member's name ("M. Jansen") beside a known part is theirs
    named = [p for p in parts if len(p) > 1]
    return all(p in known for p in named) and all(p in initials for p in parts if len(p) == 1)
