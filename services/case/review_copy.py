"""The review copy of a letter: exactly what parents will read, with every span a person typed
marked apart from the fixed template text, and within those spans what deserves a second look.

The letter is rendered by the same templates and code that send it, once, with each typed
value wrapped in markers that no person can type (control characters the letter checks refuse
as they are not text). The markers are then turned into highlights, so the copy cannot drift
from what is sent: the only difference is the highlighting.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from shared.languages import name_of
from shared.letters import CATALOGUE, CONTEXT_FIELDS, LABELS, RenderedLetter, letter_context, render
from shared.privacy.review import Span
from shared.privacy.text import normalise

# What a person typed: every context field but the school's name, which the board's file holds.
TYPED_FIELDS = tuple(name for name in CONTEXT_FIELDS if name != "school_name")
_OPEN, _NAMED, _CLOSE = "\x02", "\x03", "\x04"
_TYPED = re.compile(f"{_OPEN}(\\w+){_NAMED}(.*?){_CLOSE}", re.DOTALL)
_MARK = '<mark class="tweede-blik"'
_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.DOTALL | re.IGNORECASE)

FindLooks = Callable[[str], list[Span]]  # e.g. shared.privacy.review.spans_to_review


@dataclass(frozen=True)
class ReviewCopy:
    """One language's copy of a letter for its reviewer: subject, the letter as a mail client
    shows it and its plain-text version, each with the typed spans highlighted."""

    language: str
    language_name: str
    subject: Markup
    html: Markup
    text: Markup
    typed_fields: tuple[str, ...]  # the fields a person typed that appear in the letter
    looks: int  # how many spans deserve a second look


def review_copies(
    letter_key: str,
    statement: dict[str, Any],
    *,
    school_name: str,
    languages: list[str],
    looks: FindLooks,
) -> list[ReviewCopy]:
    """The letter in each language it goes out in; LetterBlocked as `render` raises it."""
    return [review_copy(letter_key, statement, school_name=school_name, language=code, looks=looks)
            for code in languages]  # fmt: skip


def review_copy(
    letter_key: str, statement: dict[str, Any], *, school_name: str, language: str, looks: FindLooks
) -> ReviewCopy:
    letter = CATALOGUE[letter_key]
    context = letter_context(letter, statement, school_name=school_name)
    for name in TYPED_FIELDS:
        if context.get(name):  # an empty field stays empty: templates ask "{% if why %}"
            context[name] = f"{_OPEN}{name}{_NAMED}{context[name]}{_CLOSE}"
    rendered = render(letter_key, context, language)
    body = _BODY.search(rendered.html)
    letter_html = _highlighted(body.group(1) if body else rendered.html, looks, fixed_is_html=True)
    return ReviewCopy(
        language=language,
        language_name=name_of(language),
        subject=_highlighted(rendered.subject, looks, fixed_is_html=False),
        html=letter_html,
        text=_highlighted(rendered.text, looks, fixed_is_html=False),
        typed_fields=tuple(
            dict.fromkeys(m.group(1) for m in _TYPED.finditer(rendered.subject + rendered.text))
        ),
        looks=str(letter_html).count(_MARK),  # the text version shows the same: count the HTML's
    )


def fixed_copy(rendered: RenderedLetter) -> ReviewCopy:
    """The review copy of a notice in which nobody typed anything (the notice to another school):
    its fixed text as it is sent, nothing highlighted."""
    body = _BODY.search(rendered.html)
    return ReviewCopy(
        language=rendered.language,
        language_name=name_of(rendered.language),
        subject=escape(rendered.subject),
        html=Markup(body.group(1) if body else rendered.html),  # noqa: S704 -- rendered with autoescape
        text=escape(rendered.text),
        typed_fields=(),
        looks=0,
    )


def _highlighted(rendered: str, looks: FindLooks, *, fixed_is_html: bool) -> Markup:
    """The rendered part with each typed span in a <span class="getypt">, its looks in <mark>."""
    pieces: list[str] = []
    position = 0
    for match in _TYPED.finditer(rendered):
        fixed = rendered[position : match.start()]
        pieces.append(fixed if fixed_is_html else str(escape(fixed)))
        field, value = match.group(1), match.group(2)
        raw = html.unescape(value) if fixed_is_html else value
        found = looks(raw)
        label = LABELS.get(field, field)
        pieces.append(
            f'<span class="getypt" data-veld="{field}" title="Getypt door de opsteller: {escape(label)}">'
            f"{_marked(raw, found)}</span>"
        )
        position = match.end()
    rest = rendered[position:]
    pieces.append(rest if fixed_is_html else str(escape(rest)))
    return Markup("".join(pieces))  # noqa: S704 -- every typed piece was escaped above


def without_allowed(looks: FindLooks, allowed: list[str]) -> FindLooks:
    """The looks, less those at words the letter may carry anyway (the school's name, its staff,
    the help organisations the board lists): a capital there is no news to the reviewer."""
    words = {w for name in allowed for w in normalise(name).split()}

    def found(text: str) -> list[Span]:
        return [s for s in looks(text) if not set(normalise(s.text).split()) <= words or not words]

    return found


def _marked(text: str, looks: list[Span]) -> str:
    pieces: list[str] = []
    position = 0
    for look in sorted(looks, key=lambda s: (s.start, -(s.end - s.start))):
        if look.start < position:  # inside a span already marked: its reasons join that one's title
            continue
        reason = "; ".join(dict.fromkeys(w for s in looks if look.start <= s.start < look.end for w in s.why))
        pieces.append(str(escape(text[position : look.start])))
        pieces.append(
            f'{_MARK} title="{escape(reason)}">{escape(text[look.start : look.end])}'
            f'<span class="visually-hidden"> ({escape(reason)})</span></mark>'
        )
        position = look.end
    pieces.append(str(escape(text[position:])))
    return "".join(pieces)
