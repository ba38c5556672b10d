"""Normalised text: what a person reads, folded to one plain form before anything is matched.

Unicode NFKC (full-width and compatibility forms), format characters removed (zero-width
spaces, soft hyphens, direction marks), case folded, accents removed and other scripts
transliterated to Latin letters (anyascii), and every run of white space, line breaks
included, collapsed to one space. A second reading folds letters of other scripts to the
Latin letter they look like (Unicode's confusables: Cyrillic "р" reads as "p", not as its
sound "r"), so both a name written in its own script and one faked with look-alikes match.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

from anyascii import anyascii
from confusable_homoglyphs import confusables

BREAK = " "
_SPACE = re.compile(r"\s+")
_APOSTROPHES = re.compile(r"['`\u2019\u2018\u02bc]")
_TOKEN = re.compile(r"[a-z0-9]+")
_ALPHA = re.compile(r"[a-z]+")
# Digits people write for letters to dodge a filter (n00r, d4an).
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g"})
_SYMBOLS = str.maketrans({"@": "a", "$": "s", "!": "i", "|": "l", "€": "e"})


@lru_cache(maxsize=4096)
def normalise(text: str, *, visual: bool = False) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    if visual:
        text = "".join(_latin_look_alike(ch) if ch.isalpha() and not ch.isascii() else ch for ch in text)
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = anyascii(text).lower()
    return _SPACE.sub(" ", text).strip()


@cache
def _latin_look_alike(ch: str) -> str:
    """The Latin letter a letter of another script looks like, or the letter itself."""
    if unicodedata.name(ch, "").startswith("LATIN"):
        return ch
    for found in confusables.is_confusable(ch, greedy=True, preferred_aliases=["latin"]) or []:
        for glyph in found["homoglyphs"]:
            if len(glyph["c"]) == 1 and glyph["c"].isascii() and glyph["c"].isalpha():
                return str(glyph["c"])
    return ch


def in_other_script(word: str) -> bool:
    """A word of two letters or more written in letters that are not Latin (Cyrillic,
    Arabic, Greek, Chinese …)."""
    return len(word) >= 2 and any(
        ch.isalpha() and not unicodedata.name(ch, "LATIN").startswith("LATIN") for ch in word
    )


def readings(text: str) -> tuple[str, ...]:
    """The normalised text as read (transliterated) and as seen (look-alikes folded)."""
    read, seen = normalise(text), normalise(text, visual=True)
    return (read,) if read == seen else (read, seen)


@lru_cache(maxsize=256)
def words(text: str) -> frozenset[str]:
    """Every word form in the text a name could hide in, in both readings.

    Apostrophes are dropped (Daan's → daans); letters and digits split (daan2012 → daan);
    digits used as letters folded (n00r → noor); letters written one by one joined
    (D a a n, D.a.a.n → daan); letters with something inside joined (Da-an, Da.an, Da|an →
    daan), also across a hyphen at the end of a line (Da-⏎an → daan)."""
    found: set[str] = set()
    for whole in {text, unbroken(text)}:
        for reading in readings(whole):
            found |= _words(reading)
    return frozenset(found)


_LINE_END_HYPHEN = re.compile(r"(\w)[-\u2010\u2011\u00ad\u2012\u2013]\s*\n\s*(\w)")


def unbroken(text: str) -> str:
    """The text with words hyphenated at the end of a line joined again."""
    return _LINE_END_HYPHEN.sub(r"\1\2", text) if "\n" in text else text


_INNER = re.compile(r"[a-z0-9]+(?:[^\sa-z0-9]+[a-z0-9]+)+")
_MASK = re.compile(r"[*#?\u2022\u00b7%]")


def masked(text: str) -> set[str]:
    """Words with letters masked (F*tima, D**n), as patterns with a dot for each masked letter."""
    found = set()
    for token in _INNER.findall(normalise(text)):
        if _MASK.search(token):
            found.add(_MASK.sub(".", re.sub(r"[^a-z0-9*#?\u2022\u00b7%]", "", token)))
    return found


_RUN = re.compile(r"([a-z])\1+")


def unstretched(word: str) -> set[str]:
    """A word written with stretched letters (Daaaan, Fatimaaa, Fattima) read back: each run of
    one letter as one or two of it. Empty when the word has no run."""
    runs = list(_RUN.finditer(word))
    if not runs or len(runs) > 4:
        return set()
    found = {""}
    last = 0
    for run in runs:
        head = word[last : run.start()]
        letter = run.group(1)
        found = {f + head + letter for f in found} | {f + head + letter * 2 for f in found}
        last = run.end()
    return {f + word[last:] for f in found} - {word}


# Spellings of one sound across the languages pupils' names come from, folded to one key:
# Polish cz/sz/w, Ukrainian kh/zh/y, Dutch oe/tsj/sj/j, Turkish and German oe for ö.
_SOUNDS = (
    ("sch", "s"), ("tsj", "c"), ("tch", "c"), ("cz", "c"), ("ts", "c"), ("sz", "s"), ("sj", "s"),
    ("sh", "s"), ("zh", "z"), ("zj", "z"), ("kh", "h"), ("ch", "h"), ("ph", "f"), ("ck", "k"),
    ("qu", "kw"), ("q", "k"), ("x", "ks"), ("oe", "u"), ("ou", "u"), ("ij", "i"), ("ie", "i"),
    ("y", "i"), ("j", "i"), ("w", "v"), ("c", "k"), ("dt", "t"),
)  # fmt: skip
_SOFT_CI = re.compile(r"ci(?=[aeou])")


def sound_key(word: str) -> str:
    """One key for the spellings of a name in the languages of Dutch schools: Wojciech and
    Wojtsjech, Jakub and Jakoeb, Yulia and Joelija, Youssef and Joesef share theirs."""
    key = _SOFT_CI.sub("c", word)
    for spelled, sound in _SOUNDS:
        key = key.replace(spelled, sound)
    return _RUN.sub(r"\1", key).rstrip("h")


def _words(normalised: str) -> set[str]:
    plain = _APOSTROPHES.sub("", normalised)
    found: set[str] = set()
    singles: list[str] = []
    symbols = plain.translate(_SYMBOLS)
    # The symbol reading follows after a break, so letters of the two are never joined.
    pieces = _TOKEN.findall(plain) + ([BREAK, *_TOKEN.findall(symbols)] if symbols != plain else [])
    for token in pieces:
        if token == BREAK:
            singles = []
            continue
        found.add(token)
        found.update(_ALPHA.findall(token))
        if not token.isdigit() and not token.isalpha():
            found.add(token.translate(_LEET))
        if len(token) == 1 and token.isalpha():
            singles.append(token)
            continue
        if len(singles) > 1:
            found.add("".join(singles))
        singles = []
    if len(singles) > 1:
        found.add("".join(singles))
    for token in _INNER.findall(plain):  # Da-an, Fa.ti.ma, Da|an
        joined = "".join(_TOKEN.findall(token))
        found.add(joined)
        found.update(_ALPHA.findall(joined))
    return found


def squeezed(text: str) -> tuple[str, ...]:
    """Each reading with everything but letters removed: to find a joined name
    (DaanDeVries, daan_de_vries) inside a longer word."""
    return tuple("".join(_ALPHA.findall(_APOSTROPHES.sub("", r))) for r in readings(text))
