"""A question on an action's form: its Dutch label, kind and, for choices, the fixed answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from services.case.domain.aftercare import AFTERCARE_ROLES

Choices = tuple[tuple[str, str], ...]

YES_NO_UNKNOWN: Choices = (("ja", "Ja"), ("nee", "Nee"), ("weet_niet", "Weet ik niet"))
CHANNELS: Choices = (
    ("whatsapp", "WhatsApp"),
    ("snapchat", "Snapchat"),
    ("instagram", "Instagram"),
    ("tiktok", "TikTok"),
    ("email", "E-mail"),
    ("website", "Website"),
    ("anders", "Anders"),
)
PEOPLE_GROUPS: Choices = (
    ("leerlingen", "Leerlingen"),
    ("ouders", "Ouders"),
    ("leerkrachten", "Leerkrachten"),
    ("anderen", "Anderen"),
)
# Aftercare by role: the roles as choices, capitalised as the form shows them.
AFTERCARE_FOR: Choices = tuple(
    (code, label[:1].upper() + label[1:]) for code, label in AFTERCARE_ROLES.items()
)
MESSAGE_APPROACHES: Choices = (
    ("problematiseren", "Problematiseren: doorsturen is strafbaar en doet schade"),
    ("normaliseren", "Normaliseren: seksualiteit en sexting bespreekbaar maken, zonder oordeel"),
    ("beide", "Beide"),
)
FOR_WHOM: Choices = (
    ("slachtoffer", "Het slachtoffer"),
    ("ouders_slachtoffer", "De ouders van het slachtoffer"),
    ("dader", "De dader of verspreider"),
    ("klas", "De klas"),
    ("medewerkers", "Medewerkers"),
)


@dataclass(frozen=True)
class Field:
    """One form field: its Dutch label, kind and, for choices, the fixed answers."""

    name: str
    label: str
    kind: str = "text"  # text | short | long | yesno | choice | choices | date | lines | fixed
    choices: Choices = ()
    required: bool = True
    hint: str = ""
    heading: str = ""  # a heading shown above the field, for a form in parts
    ask_no_further: bool = False  # a police question: the form says not to ask further
    value: str = ""  # kind "fixed": the value the form records without asking
    default: str = ""  # the answer the form starts with, and the API's when none is sent


@dataclass(frozen=True)
class ActionForm:
    action: str
    title: str
    fields: tuple[Field, ...]
    reminder: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
