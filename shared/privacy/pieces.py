"""What of a rendered letter the letter-wide check still has to read once the typed fields have
been checked: the template's own text, and the edges of each typed value where it meets that
text. The middle of a long typed value was read by every layer already, with the same words
around it; reading it again in the subject, the text and the HTML part only repeated the work.

A value is cut only between two plain words of three letters or more, so no digit run, run of
single letters, disguised address or name pattern (all of which need digits, symbols or short
words to bridge a space) crosses a cut, and each kept edge is long enough that every layer
reads a match at the border with all the context it had in the whole letter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

# Characters of a typed value kept on each side of a cut: far more than any layer looks
# around a match (a phone number, a platform and its handle, deduce's name patterns).
EDGE = 300
# A value is cut only in a space between two plain words (letters only, three or more); the
# words with which people write out an address ("anna at school punt nl") never border a cut.
_CUT = re.compile(r"(?<!\S)([^\W\d_]{3,})(\s+)(?=([^\W\d_]{3,})(?!\S))")
_SPOKEN = frozenset({"dot", "punt", "apenstaart", "apenstaartje"})
# How far before a wanted cut the search for one starts.
_LOOK_BACK = 100


def pieces(text: str, typed: Iterable[str]) -> list[str]:
    """The text as the pieces the letter-wide layers read: the whole text when no typed value
    is long enough to cut, else the text without the middle of each long typed value."""
    dropped: list[tuple[int, int]] = []
    for value in {v for v in typed if len(v) > 3 * EDGE}:
        middle = _middle(value)
        if middle is None:
            continue
        at = text.find(value)
        while at >= 0:
            dropped.append((at + middle[0], at + middle[1]))
            at = text.find(value, at + len(value))
    if not dropped:
        return [text]
    found, start = [], 0
    for cut_from, cut_to in _merged(dropped):
        found.append(text[start:cut_from])
        start = cut_to
    found.append(text[start:])
    return found


@lru_cache(maxsize=64)
def _middle(value: str) -> tuple[int, int] | None:
    """Where the middle of a typed value begins and ends: at the first cut after EDGE
    characters and the last cut before the final EDGE characters."""
    head = next(_cuts(value, EDGE - _LOOK_BACK, EDGE), None)
    last = len(value) - EDGE
    tails = [c for c in _cuts(value, last - _LOOK_BACK, 0) if c <= last]
    if not tails:  # no cut near the end: look along the whole value
        tails = [c for c in _cuts(value, 0, 0) if c <= last]
    if head is None or not tails or tails[-1] <= head:
        return None
    return head, tails[-1]


def _cuts(value: str, start: int, at_least: int) -> Iterator[int]:
    """The places a value may be cut, from `start` on, that lie at `at_least` or after."""
    for match in _CUT.finditer(value, max(0, start)):
        if match.start(2) >= at_least and not {match.group(1).lower(), match.group(3).lower()} & _SPOKEN:
            yield match.start(2)


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
