"""Which words are ordinary Dutch or English words: the word frequencies that the spelling
checker pyspellchecker ships (MIT; counted from subtitles), loaded once per process.

The guard uses them for one question: does a recorded name found inside a longer word sit
inside an ordinary word ("roos" in "rooster", "emma" in "dilemma"), or is it glued to
something ("daanvries", "xxroosxx")? The review highlights words neither list knows.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from functools import cache

# A word counted fewer times than this is too rare to vouch for a compound: the lists hold
# names and typing errors at the bottom.
COMMON = 100
_lock = threading.Lock()


@cache
def _frequencies() -> dict[str, int]:
    with _lock:
        from spellchecker import SpellChecker

        counts: dict[str, int] = {}
        for language in ("en", "nl"):
            counts.update(SpellChecker(language=language, distance=1).word_frequency.dictionary)
        return counts


def load() -> None:
    """Loads the lists now (they take half a second), so no letter waits for them."""
    _frequencies()


def frequency(word: str) -> int:
    return _frequencies().get(word, 0)


def known(word: str) -> bool:
    """A word either list holds at all (names and rare words included)."""
    return word in _frequencies()


def common(word: str) -> bool:
    return _frequencies().get(word, 0) >= COMMON


def inside_a_word(token: str, start: int, end: int, not_words: Iterable[str] = ()) -> bool:
    """True when token[start:end] lies inside an ordinary word of the token, the rest of the
    token being ordinary words too (a compound: "klassenrooster"). `not_words` are forms that
    do not count as that word (the name itself and its possessive or diminutive)."""
    excluded = set(not_words)
    for a in range(start, -1, -1):
        for b in range(len(token), end - 1, -1):
            if b - a <= end - start:
                break
            word = token[a:b]
            if word in excluded or not common(word):
                continue
            if _compound(token[:a]) and _compound(token[b:]):
                return True
    return False


@cache
def _compound(rest: str) -> bool:
    """An empty rest, a linking or inflecting ending (s, e, en, er), or ordinary words."""
    if len(rest) <= 2:
        return True
    return any(common(rest[:i]) and _compound(rest[i:]) for i in range(len(rest), 2, -1))
