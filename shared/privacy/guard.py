"""The privacy guard: every reason a letter may not go out, each tied to the field it is in.

One guard serves the preview in the web app, the notifier just before SMTP, and the reminders,
so what the handler was shown is what is checked again. A reason names the field and the word
found, never the whole recorded name of someone else.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, replace
from typing import Protocol

from shared.privacy import classes, identifiers, material
from shared.privacy.identifiers import Allowed
from shared.privacy.recorded import TITLES, Forbidden, Recorded, forbidden, hits
from shared.privacy.text import normalise

__all__ = ["Allowed", "Finding", "PrivacyGuard", "Recorded"]

WHOLE_LETTER = ""
CONTACT_FIELD = "contact_person"
_TAG = re.compile(r"<[^>]+>")


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
        contact = fields.get(CONTACT_FIELD, "")
        if contact:  # the contact person may be named, in the contact field and where it is shown
            allowed = replace(allowed, names=allowed.names | {normalise(contact)})
        typed = {name: value for name, value in fields.items() if value and value.strip()}
        for name, value in typed.items():
            found += self._check_text(name, value, forbidden_forms, allowed, allows_url, typed=True)
        for name, persons in zip(typed, self.finder.persons_in_each(list(typed.values())), strict=True):
            if name != CONTACT_FIELD:
                found += _persons(name, persons, allowed, frozenset())
        seen = {f.key for f in found}
        own_words = frozenset(normalise(template).split())
        texts = [html.unescape(_TAG.sub(" ", part)) if "<" in part else part for part in parts]
        letter_wide: list[Finding] = []
        for text in texts:
            letter_wide += self._check_text(WHOLE_LETTER, text, forbidden_forms, allowed, allows_url)
        # The HTML part renders the same fields as the text part: the name finder reads the
        # subject and the text, the other layers read all three.
        for persons in self.finder.persons_in_each(texts[:2]):
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
        for account in identifiers.accounts(text):
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
        return found


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


def _allowed_person(person: str, allowed: Allowed) -> bool:
    """A name of the school's own staff, contact person or the school itself."""
    parts = [p for p in normalise(person).split() if p not in TITLES]
    if not parts:
        return True
    known = {part for name in allowed.names for part in name.split()}
    return all(part in known for part in parts)
