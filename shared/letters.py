"""The standard letters: a catalogue, rendering with Jinja2, and the privacy guard.

The case service renders for the preview and the notifier renders again to send, with the
same code and templates, so the handler sees exactly what is sent. Templates get only a
whitelisted context (process information); every letter passes the privacy guard
(shared/privacy), which blocks it when a name or class of the incident in any written form,
a person nobody recorded, a personal identifier or a word describing the material appears
(hard rule 2).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    select_autoescape,
)

from shared import formatting
from shared.boards import Board, School
from shared.languages import DUTCH, TEMPLATES, Language, by_code, languages
from shared.privacy import Allowed, Finding, PrivacyGuard, Recorded
from shared.privacy.identifiers import host
from shared.privacy.recorded import Forbidden

# What a template may use. Nothing else reaches it: no incident, no names, no free notes.
STATEMENT_FIELDS = ("what_is_happening", "what_we_think", "what_we_do", "why", "contact_person")
CONTEXT_FIELDS = (*STATEMENT_FIELDS, "school_name", "meeting_when", "meeting_where", "url")
# Recorded facts a template may state, as booleans: "ja" in the stored statement, else false.
# The case service fills them from the incident (never from the form), so the notifier renders
# the same sentences the handler saw in the preview.
FACT_FIELDS = (
    "police_contacted",
    "reported_to_police",
    "reported_to_hotline",
    "police_at_meeting",
    "otv_advice_requested",
    "no_pupil_visible",
)
# Every letter has a second version for abuse material on which no pupil of the school is
# visible (Kindante step 1's other branch): it speaks of the material and the law, never of a
# pupil's wish. It lives in this sub-folder of the letter's folder, in every language.
WITHOUT_PUPIL = "zonder_leerling"


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
        Letter("medewerkers", "Briefing voor medewerkers (het hele communicatiestatement)", "medewerkers"),
        Letter(
            "leerlingen",
            "Brief voor leerlingen (eenvoudige taal, met de Kindertelefoon en Helpwanted)",
            "leerlingen",
            needs=("contact_person",),
        ),
        Letter(
            "ouders_update",
            "Update voor ouders: wat er sindsdien is gebeurd en wat de school nu doet",
            "ouders",
            needs=("what_is_happening", "what_we_do", "why", "contact_person"),
        ),
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
    """Raised when a letter cannot be sent as it is; each finding says why, in Dutch, and in
    which field."""

    def __init__(self, reasons: list[str] | list[Finding]) -> None:
        self.findings = [r if isinstance(r, Finding) else Finding("", r, r) for r in reasons]
        self.reasons = [f.reason for f in self.findings]
        super().__init__("; ".join(self.reasons))

    def by_field(self) -> dict[str, list[str]]:
        """The reasons per letter field ("" for the letter as a whole)."""
        grouped: dict[str, list[str]] = {}
        for finding in self.findings:
            grouped.setdefault(finding.field, []).append(finding.reason)
        return grouped


@dataclass(frozen=True)
class RenderedLetter:
    subject: str
    text: str
    html: str
    language: str = DUTCH


@cache
def _environment(language: str = DUTCH) -> Environment:
    """One environment per language and process: templates are compiled once."""
    return Environment(
        loader=FileSystemLoader(TEMPLATES / language),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


MAX_FIELD_LENGTH = 2000  # the longest text the incident stores in one field
_MARKUP = re.compile(r"<\s*[a-zA-Z!/?][^>]*>|&#?\w+;")


def letter_context(
    letter: Letter, values: dict[str, Any], *, school_name: str, school: School | None = None
) -> dict[str, Any]:
    """The whitelisted context; LetterBlocked when something the letter needs is missing,
    too long, or written as markup (a letter's text is plain text). Recorded facts are
    booleans, false unless the statement says "ja". The school's contact person, address and
    telephone number (from the board's file) close every letter, so it looks like the school's."""
    context: dict[str, Any] = {name: str(values.get(name, "") or "").strip() for name in CONTEXT_FIELDS}
    context["school_name"] = school_name
    context["school_contact"] = school_contact(school)
    problems = [
        Finding(name, f"Vul eerst in: {LABELS.get(name, name)}.", f"leeg:{name}")
        for name in letter.needs
        if not context.get(name)
    ]
    for name in CONTEXT_FIELDS:
        value = context[name]
        if len(value) > MAX_FIELD_LENGTH:
            problems.append(
                Finding(
                    name, f"Gebruik hoogstens {MAX_FIELD_LENGTH} tekens (nu {len(value)}).", f"lang:{name}"
                )
            )
        elif name != "school_name" and _MARKUP.search(value):
            problems.append(
                Finding(name, "Schrijf gewone tekst, zonder HTML of andere opmaakcodes.", f"opmaak:{name}")
            )
    if problems:
        raise LetterBlocked(problems)
    context.update({name: str(values.get(name, "")) == "ja" for name in FACT_FIELDS})
    return context


def school_contact(school: School | None) -> dict[str, str]:
    """How parents reach the school, as the board's file says; empty lines are left out."""
    if school is None:
        return {"person": "", "address": "", "phone": ""}
    return {"person": school.contact_person, "address": school.address, "phone": school.phone}


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


PARTS = ("subject.txt", "body.txt", "body.html")
SCHOOL_LINES = "_school.txt"  # after the text's greeting; the HTML layout includes _school.html


def version_of(letter_key: str, context: dict[str, Any]) -> str:
    """The folder of the letter's version that fits the incident: the one without a pupil
    when the record says no pupil of the school is visible."""
    return f"{letter_key}/{WITHOUT_PUPIL}" if context.get("no_pupil_visible") is True else letter_key


@cache
def languages_of(letter_key: str) -> tuple[Language, ...]:
    """The languages this letter exists in: Dutch first, then every language whose folder has
    all three templates of both its versions. Read from disk once per process, as the
    templates are."""
    return tuple(
        language
        for language in languages().values()
        if all(
            (language.folder / folder / name).is_file()
            for folder in (letter_key, f"{letter_key}/{WITHOUT_PUPIL}")
            for name in PARTS
        )
    )


def _check_language(letter_key: str, language: str) -> None:
    if any(found.code == language for found in languages_of(letter_key)):
        return
    known = by_code(language)
    offered = " of ".join(found.name for found in languages_of(letter_key))
    what = f"in het {known.name}" if known else f"in de taal '{language[:10]}'"
    raise LetterBlocked(
        [Finding("language", f"Deze brief bestaat niet {what}; kies {offered}.", f"taal:{language[:10]}")]
    )


def render(letter_key: str, context: dict[str, Any], language: str = DUTCH) -> RenderedLetter:
    """All three parts or LetterBlocked: never a half-rendered letter."""
    if letter_key not in CATALOGUE:
        raise LetterBlocked([f"Onbekende brief: {letter_key}."])
    _check_language(letter_key, language)
    environment = _environment(language)
    folder = version_of(letter_key, context)
    try:
        parts = [environment.get_template(f"{folder}/{name}").render(**context) for name in PARTS]
        parts[1] += _school_lines(environment, context)
    except TemplateError as error:
        raise LetterBlocked(
            [f"De brief kon niet worden opgemaakt ({type(error).__name__}: {error})."]
        ) from None
    return RenderedLetter(parts[0].strip(), parts[1], parts[2], language)


def _school_lines(environment: Environment, context: dict[str, Any]) -> str:
    """The school's contact lines under the text's greeting; none in a language that a board
    added without them (its letters still go out)."""
    try:
        template = environment.get_template(SCHOOL_LINES)
    except TemplateNotFound:
        return ""
    return template.render(**context)


# ---------------------------------------------------------------------- privacy guard


def allowed_for(board: Board, school: School, staff_names: tuple[str, ...] | list[str] = ()) -> Allowed:
    """What letters of this school may say: its own contact details, the board's help sites
    and numbers, and the names of its own staff, its contact person and the school itself."""
    return Allowed.of(
        emails=[school.contact_email],
        phones=[school.phone, *board.help_numbers],
        sites=[school.website, *board.help_sites],
        # The contact person as the board's file writes it ("Mees Jansen, intern begeleider").
        names=[school.name, school.contact_person.partition(",")[0].strip(), *staff_names],
        address=school.address,
    )


def compose(
    letter_key: str,
    values: dict[str, Any],
    *,
    guard: PrivacyGuard,
    board: Board,
    school: School,
    recorded: list[Recorded] | None = None,
    forbidden_forms: Forbidden | None = None,
    staff_names: tuple[str, ...] | list[str] = (),
    language: str = DUTCH,
) -> RenderedLetter:
    """Renders in the letter's language and guards; LetterBlocked with every finding when it
    may not be sent. The guard reads every language the same way: a name is a name in any.

    GuardNotReady (never a letter without the guard) when the guard has not loaded."""
    letter = CATALOGUE.get(letter_key)
    if letter is None:
        raise LetterBlocked([f"Onbekende brief: {letter_key}."])
    _check_language(letter_key, language)
    context = letter_context(letter, values, school_name=school.name, school=school)
    rendered = render(letter_key, context, language)
    if forbidden_forms is None:
        forbidden_forms = guard.forbidden(recorded or [])
    typed = {name: context[name] for name in (*letter.needs, "contact_person") if name in context}
    findings = guard.check(
        typed,
        [rendered.subject, rendered.text, rendered.html],
        forbidden_forms,
        allowed_for(board, school, staff_names),
        allows_url=letter.allows_url,
        template=template_source(version_of(letter_key, context), language),
    )
    if findings:
        raise LetterBlocked(findings)
    return rendered


@cache
def template_source(folder: str, language: str = DUTCH) -> str:
    """The fixed wording of a letter in a language: its three templates and the layout around
    them, as written."""
    paths = [TEMPLATES / language / folder / name for name in PARTS]
    around = [TEMPLATES / language / name for name in ("_layout.html", SCHOOL_LINES, "_school.html")]
    return "\n".join(p.read_text(encoding="utf-8") for p in [*paths, *around] if p.is_file())


def render_notice(
    folder: str,
    values: dict[str, Any],
    school: School,
    settings: Board,
    guard: PrivacyGuard,
    *,
    typed: dict[str, str] | None = None,
    recorded: list[Any] | None = None,
    fixed: str = "",
) -> RenderedLetter:
    """Renders a notice in Dutch and guards it; LetterBlocked with every finding. The notifier
    sends notices so, and the case service shows a notice to its reviewer so."""
    environment = _environment()
    context = {"school_name": school.name, "due_on": "", "what": "", "added": False, **values}
    parts = [environment.get_template(f"{folder}/{name}").render(**context) for name in PARTS]
    allowed = allowed_for(settings, school)
    allowed = Allowed(allowed.emails, allowed.phones, allowed.sites | {host(values["link"])}, allowed.names)
    findings = guard.check(
        typed or {},
        parts,
        guard.forbidden(recorded or []),
        allowed,
        template=f"{template_source(folder)}\n{fixed}",
    )
    if findings:
        raise LetterBlocked(findings)
    return RenderedLetter(parts[0].strip(), parts[1], parts[2])


# The template of each kind of reminder; an aftercare reminder is the default.
REMINDER_FOLDERS = {
    "stap": "herinnering_stap",
    "offline": "herinnering_offline",
    "nazorg": "herinnering_nazorg",
}


def render_reminder(
    *,
    kind: str,
    school: School,
    board: Board,
    due_on: str,
    link: str,
    guard: PrivacyGuard,
    step: str = "",
) -> RenderedLetter:
    """The reminder to a case handler: a date, a step and a link, never anything of the case;
    guarded like every letter."""
    environment = _environment()
    context = {"school_name": school.name, "due_on": formatting.day(due_on), "link": link, "step": step}
    folder = REMINDER_FOLDERS.get(kind, "herinnering_nazorg")
    parts = [
        environment.get_template(f"{folder}/{name}").render(**context)
        for name in ("subject.txt", "body.txt", "body.html")
    ]
    rendered = RenderedLetter(parts[0].strip(), parts[1], parts[2])
    allowed = allowed_for(board, school)
    allowed = replace(allowed, sites=allowed.sites | {host(link)})
    # The step's title is the protocol's own wording, as fixed as the template's.
    findings = guard.check(
        {}, parts, guard.forbidden([]), allowed, template=f"{template_source(folder)}\n{step}"
    )
    if findings:
        raise LetterBlocked(findings)
    return rendered
