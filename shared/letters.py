"""The standard letters: a catalogue, rendering with Jinja2, and the privacy guard.

The case service renders for the preview and the notifier renders again to send, with the
same code and templates, so the handler sees exactly what is sent. Templates get only a
whitelisted context (process information); every letter passes the privacy guard, which
blocks it when an incident's recorded names or labels, a personal identifier or a word
describing the material appears (hard rule 2).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError, select_autoescape

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "email"

# What a template may use. Nothing else reaches it: no incident, no names, no free notes.
STATEMENT_FIELDS = ("what_is_happening", "what_we_think", "what_we_do", "why", "contact_person")
CONTEXT_FIELDS = (*STATEMENT_FIELDS, "school_name", "meeting_when", "meeting_where", "url")


@dataclass(frozen=True)
class Letter:
    key: str
    title: str
    audience: str
    needs: tuple[str, ...] = STATEMENT_FIELDS
    allows_url: bool = False


CATALOGUE: dict[str, Letter] = {
    letter.key: letter
    for letter in (
        Letter("ouders_klas", "Informatie voor ouders van klasgenoten", "ouders"),
        Letter("ouders_alle", "Informatie voor ouders van andere klassen of alle ouders", "ouders"),
        Letter("oproep_verwijderen", "Oproep om het materiaal te verwijderen", "ouders en leerlingen"),
        Letter("medewerkers", "Briefing voor medewerkers", "medewerkers"),
        Letter(
            "uitnodiging_ouderavond",
            "Uitnodiging voor een ouderbijeenkomst",
            "ouders",
            needs=(*STATEMENT_FIELDS, "meeting_when", "meeting_where"),
        ),
        Letter(
            "internetfilter",
            "Verzoek aan de IT-servicedesk: URL blokkeren",
            "servicedesk",
            needs=("url",),
            allows_url=True,
        ),
        Letter("otv_advies", "Adviesvraag aan het OTV (zonder namen)", "OTV", needs=("contact_person",)),
    )
}


class LetterBlocked(Exception):
    """Raised when a letter cannot be sent as it is; `reasons` are Dutch sentences."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


@dataclass(frozen=True)
class RenderedLetter:
    subject: str
    text: str
    html: str


@cache
def _environment() -> Environment:
    """One environment per process: templates are compiled once."""
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def letter_context(letter: Letter, values: dict[str, Any], *, school_name: str) -> dict[str, str]:
    """The whitelisted context; LetterBlocked when something the letter needs is missing."""
    context = {name: str(values.get(name, "") or "").strip() for name in CONTEXT_FIELDS}
    context["school_name"] = school_name
    missing = [LABELS.get(name, name) for name in letter.needs if not context.get(name)]
    if missing:
        raise LetterBlocked([f"Vul eerst in: {', '.join(missing)}."])
    return context


LABELS = {
    "what_is_happening": "wat er aan de hand is",
    "what_we_think": "wat de school ervan vindt",
    "what_we_do": "wat de school doet",
    "why": "waarom",
    "contact_person": "bij wie ouders terecht kunnen",
    "meeting_when": "wanneer de bijeenkomst is",
    "meeting_where": "waar de bijeenkomst is",
    "url": "de URL",
}


def render(letter_key: str, context: dict[str, str]) -> RenderedLetter:
    """All three parts or LetterBlocked: never a half-rendered letter."""
    if letter_key not in CATALOGUE:
        raise LetterBlocked([f"Onbekende brief: {letter_key}."])
    environment = _environment()
    try:
        parts = [
            environment.get_template(f"{letter_key}/{name}").render(**context)
            for name in ("subject.txt", "body.txt", "body.html")
        ]
    except TemplateError as error:
        raise LetterBlocked(
            [f"De brief kon niet worden opgemaakt ({type(error).__name__}: {error})."]
        ) from None
    return RenderedLetter(parts[0].strip(), parts[1], parts[2])


# ---------------------------------------------------------------------- privacy guard

MATERIAL_WORDS = (
    "naakt", "bloot", "topless", "seks", "sexy", "borsten", "geslachtsdeel", "penis", "vagina",
    "masturb", "ondergoed", "lingerie", "bikini", "dickpic", "nude",
)  # fmt: skip
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_PHONE = re.compile(r"(?<!\d)(\+31|0031|0)[\s-]?6([\s-]?\d){8}(?!\d)")
_LONG_NUMBER = re.compile(r"(?<![\d-])\d{9}(?![\d-])")  # BSN-shaped
_URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_CLASS_LABEL = re.compile(r"\b(groep|klas)\s*\d+\s*[a-z]?\b", re.IGNORECASE)
_NAME = re.compile(r"\b[A-Z][a-zà-ÿ]+(?:\s+(?:van|de|der|den|ter|ten|el|al|bin)){0,3}\s+[A-Z][a-zà-ÿ-]+\b")
ALLOWED_URLS = (
    "www.meldknop.nl",
    "www.stappenplansexting.nl",
    "www.bureaujeugdenmedia.nl",
    "www.veiligthuis.nl",
)


def forbidden_terms(personal_values: list[Any]) -> set[str]:
    """Names and labels to look for: list items of personal fields, person-like names
    and class labels in personal free text."""
    terms: set[str] = set()

    def collect(value: Any, in_list: bool) -> None:
        if isinstance(value, list):
            for item in value:
                collect(item, True)
        elif isinstance(value, dict):
            for item in value.values():
                collect(item, in_list)
        elif isinstance(value, str) and value.strip() and value != "[gewist]":
            if in_list and len(value.strip()) >= 3:
                terms.add(value.strip())
            terms.update(m.group(0) for m in _NAME.finditer(value))
            terms.update(m.group(0) for m in _CLASS_LABEL.finditer(value))

    for value in personal_values:
        collect(value, False)
    return terms


def guard(letter: Letter, rendered: RenderedLetter, terms: set[str]) -> list[str]:
    """Every reason the letter must not be sent; empty when it may go."""
    text = f"{rendered.subject}\n{rendered.text}\n{rendered.html}"
    lowered = text.lower()
    reasons = []
    for term in sorted(terms):
        if term.lower() in lowered:
            reasons.append(f"De brief noemt '{term}', een naam of kenmerk uit de melding.")
    for word in MATERIAL_WORDS:
        if re.search(rf"\b{word}", lowered):
            reasons.append(f"De brief beschrijft het materiaal ('{word}'). Houd het bij procesinformatie.")
    if _EMAIL.search(rendered.text):
        reasons.append("De brief bevat een e-mailadres.")
    if _PHONE.search(rendered.text) or _LONG_NUMBER.search(rendered.text):
        reasons.append("De brief bevat een telefoonnummer of ander persoonsnummer.")
    if not letter.allows_url:
        for url in _URL.findall(rendered.text):
            if (
                not url.rstrip(".,)")
                .lower()
                .replace("https://", "")
                .replace("http://", "")
                .startswith(ALLOWED_URLS)
            ):
                reasons.append("De brief bevat een webadres dat niet in een brief aan ouders hoort.")
                break
    return reasons


def compose(
    letter_key: str, values: dict[str, Any], *, school_name: str, personal_values: list[Any]
) -> RenderedLetter:
    """Renders and guards; LetterBlocked with every reason when it may not be sent."""
    letter = CATALOGUE.get(letter_key)
    if letter is None:
        raise LetterBlocked([f"Onbekende brief: {letter_key}."])
    rendered = render(letter_key, letter_context(letter, values, school_name=school_name))
    reasons = guard(letter, rendered, forbidden_terms(personal_values))
    if reasons:
        raise LetterBlocked(reasons)
    return rendered


def render_reminder(*, kind: str, school_name: str, due_on: str, link: str, step: str = "") -> RenderedLetter:
    """The reminder to a case handler: a date, a step and a link, never anything of the case."""
    environment = _environment()
    context = {"school_name": school_name, "due_on": due_on, "link": link, "step": step}
    folder = "herinnering_stap" if kind == "stap" else "herinnering_nazorg"
    parts = [
        environment.get_template(f"{folder}/{name}").render(**context)
        for name in ("subject.txt", "body.txt", "body.html")
    ]
    return RenderedLetter(parts[0].strip(), parts[1], parts[2])
