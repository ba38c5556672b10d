"""The languages the letters exist in: one folder per language in templates/email.

A language is a folder named by its ISO 639-1 code (nl, en, tr, ...) with a `taal.toml` that
names it and, per standard letter, that letter's three templates. Dutch is the protocol's own
language: every letter exists in it, and a letter that another language lacks is offered in
Dutch only. A board adds a language by adding such a folder; nothing in the code changes.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "email"
DUTCH = "nl"
_CODE = re.compile(r"^[a-z]{2,3}$")


@dataclass(frozen=True)
class Language:
    code: str
    name: str  # as the handler reads it, in Dutch: "Engels"
    own_name: str  # as the parents read it: "English"
    spellings: frozenset[str]  # how a student administration writes it, lower case
    folder: Path


@cache
def languages() -> dict[str, Language]:
    """Every language with a folder and a taal.toml; Dutch first, the others by name."""
    found: dict[str, Language] = {}
    for folder in sorted(TEMPLATES.iterdir()) if TEMPLATES.is_dir() else []:
        settings = folder / "taal.toml"
        if not (_CODE.match(folder.name) and settings.is_file()):
            continue
        with settings.open("rb") as file:
            data = tomllib.load(file)
        name = str(data.get("naam", folder.name))
        found[folder.name] = Language(
            code=folder.name,
            folder=folder,
            name=name,
            own_name=str(data.get("eigen_naam", name)),
            spellings=frozenset(
                s.strip().lower() for s in [*data.get("schrijfwijzen", []), folder.name, name] if s.strip()
            ),
        )
    ordered = sorted(found.values(), key=lambda language: (language.code != DUTCH, language.name))
    return {language.code: language for language in ordered}


def by_code(code: str) -> Language | None:
    return languages().get(code)


def language_of(written: str) -> Language | None:
    """The language a student administration's export means ("Engels", "EN", "English"), or
    None when no letters exist in it."""
    wanted = written.strip().lower()
    return next((lang for lang in languages().values() if wanted in lang.spellings), None)


def name_of(code: str) -> str:
    """The language's name as the handler reads it ("Engels"), or the code when unknown."""
    found = by_code(code)
    return found.name if found else code
