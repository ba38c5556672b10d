"""First names nobody recorded, in any case ("youssef", "Oksana", "WOJCIECH"): deduce's own
list of first names (Meertens-based, LGPL) with data/first_names.txt beside it for names of
pupils' languages that list lacks (Polish, Ukrainian, Moroccan, Turkish, Surinamese and more,
also in the Dutch spellings schools write them in). Names that are also ordinary words
(data/name_words.txt: hoop, wil, roos) are left to the name finder, which reads them in context.
"""

from __future__ import annotations

from functools import cache
from importlib.util import find_spec
from pathlib import Path

from shared.privacy.text import normalise

DATA = Path(__file__).with_name("data")
# Found without importing deduce: its import reconfigures logging (see people.py).
_DEDUCE = Path(str(getattr(find_spec("deduce"), "origin", "") or "")).parent
DEDUCE_FIRST_NAMES = _DEDUCE / "data" / "lookup" / "src" / "names" / "lst_first_name"
# Shorter names are too often a word, an abbreviation or a particle (al, el, an, jo, bo).
MIN_LENGTH = 3


def _read(path: Path) -> set[str]:
    found: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            found.update(normalise(word) for word in line.split())
    return found


@cache
def ordinary_words() -> frozenset[str]:
    """Names that are also words, and words every letter uses that a name list may hold."""
    words = _read(DATA / "name_words.txt")
    words |= _read(DEDUCE_FIRST_NAMES.parent.parent / "whitelist" / "lst_stop_word" / "items.txt")
    words |= _read(DEDUCE_FIRST_NAMES.parent.parent / "whitelist" / "lst_common_word" / "items.txt")
    words |= _read(DEDUCE_FIRST_NAMES / "exceptions.txt")
    return frozenset(words | CALENDAR | HELP_AND_SCHOOL_WORDS)


@cache
def first_names() -> frozenset[str]:
    """Every first name the guard knows, folded (lower case, no accents), less ordinary words."""
    names = _read(DEDUCE_FIRST_NAMES / "items.txt") | _read(DATA / "first_names.txt")
    return frozenset(n for n in names if len(n) >= MIN_LENGTH and n.isalpha()) - ordinary_words()


@cache
def names_to_review() -> frozenset[str]:
    """Also the names that are ordinary words (hoop, roos): for the review's highlights, not
    for blocking."""
    stop_words = _read(DEDUCE_FIRST_NAMES.parent.parent / "whitelist" / "lst_stop_word" / "items.txt")
    words = {w for w in _read(DATA / "name_words.txt") if len(w) >= MIN_LENGTH} - stop_words - CALENDAR
    return first_names() | words


def is_first_name(word: str) -> bool:
    return word in first_names()


# Months, days and feasts in Dutch and English: a name list holds some ("April", "Juni", "Pasen").
CALENDAR = frozenset(
    "januari februari maart april mei juni juli augustus september oktober november december "
    "jan feb mrt apr jun jul aug sep sept okt nov dec "
    "january february march may june july august october "
    "maandag dinsdag woensdag donderdag vrijdag zaterdag zondag ma di wo do vr za zo "
    "monday tuesday wednesday thursday friday saturday sunday "
    "kerst kerstmis pasen pinksteren sinterklaas sint nicolaas hemelvaart koningsdag bevrijdingsdag "
    "carnaval suikerfeest offerfeest ramadan eid chanoeka hanukkah divali diwali holi keti koti "
    "christmas easter whitsun halloween ramadan nieuwjaar oudjaar herfstvakantie kerstvakantie "
    "voorjaarsvakantie meivakantie zomervakantie".split()
)
# Words of the help lines and the school that name lists hold.
HELP_AND_SCHOOL_WORDS = frozenset(
    "veilig thuis kindertelefoon slachtofferhulp helpwanted centrum seksueel geweld meldknop "
    "offlimits zeden politie wijkagent ggd huisarts jeugd team ouders leerlingen school "
    "basisschool directeur juf meester mentor".split()
)
