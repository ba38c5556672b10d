"""The guard of hard rule 1: the abusive material never enters the system.

Applied to every value a person types, in the domain itself, so that no route around the
forms can store a data URI, an encoded image or an oversized blob. Encoded material is found
also when it is wrapped in lines (what `base64 foto.png` prints: 76 characters a line) or cut
by spaces: the check joins the lines, and looks for the encoded start of an image file with
every space removed. Text with invisible control characters or a right-to-left override
(which makes a name read differently than it is stored) is refused as well.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from services.case.domain.errors import FieldTooLong, MaterialRefused, UnreadableText

MAX_TEXT_LENGTH = 2000

_DATA_URI = re.compile(r"data:[\w.+-]*/?[\w.+-]*\s*[;,]", re.IGNORECASE)
# The same with spaces around ':', '/', ';' and ',' ("data : image/png ; base64 , ...").
_SPACED_DATA_URI = re.compile(
    r"\bdata\s*:\s*(?:[a-z]+\s*/\s*[\w.+-]+\s*(?:;\s*[\w.+-]+(?:\s*=\s*[\w.+-]+)?\s*)*[;,]|[^,]{0,80}?;\s*base64\s*,)",
    re.IGNORECASE,
)
# A run of base64 alphabet long enough to hold any image worth refusing; ordinary Dutch
# prose has spaces far more often than every 120 characters.
_ENCODED_BLOB = re.compile(r"[A-Za-z0-9+/=_-]{120,}")
_LINE_BREAK = re.compile(r"[ \t]*[\r\n]+[ \t]*")
_ENCODED_WORD = re.compile(r"[A-Za-z0-9+/=_-]{20,}")
# The signatures of image and video files, as bytes read as text (a raw file pasted or posted,
# its invalid UTF-8 replaced by U+FFFD), and the same at the start of their base64 and hex.
_IMAGE_SIGNATURES = (
    "\x89PNG", "\ufffdPNG", "PNG\r\n\x1a\n", "IHDR", "\xff\xd8\xff", "\ufffd\ufffd\ufffd\ufffdJFIF",
    "JFIF\x00", "Exif\x00", "GIF87a", "GIF89a", "WEBPVP8", "ftypisom", "ftypmp4", "ftypheic", "ftypqt",
    "<svg", "<img",
)  # fmt: skip
_ENCODED_SIGNATURES = (
    "iVBORw0KGgo", "/9j/4", "R0lGODlh", "R0lGODdh", "UklGR", "PHN2Zy", "PGltZy", "AAAAGGZ0eXA",
    "AAAAHGZ0eXA", "AAAAIGZ0eXA", "ZnR5cGlzb20", "ZnR5cG1wN", "ZnR5cGhlaW",
)  # fmt: skip
_HEX_SIGNATURES = ("89504e470d0a1a0a", "ffd8ffe0", "ffd8ffe1", "ffd8ffdb", "474946383961", "474946383761")
# C0 and C1 control characters except tab, line feed and carriage return, and the Unicode
# embeddings, overrides and isolates that turn the reading direction of what follows.
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def refuse_material(values: dict[str, Any]) -> None:
    """Raises MaterialRefused or FieldTooLong when a value could carry material."""
    for text in _strings(values.values()):
        if len(text) > MAX_TEXT_LENGTH:
            raise FieldTooLong()
        if looks_like_material(text):
            raise MaterialRefused()
        if _INVISIBLE.search(text):
            raise UnreadableText()


def looks_like_material(text: str) -> bool:
    """True for data URIs, long encoded runs and image file signatures, also when the text
    is wrapped in lines or cut by spaces."""
    lowered = text.lower()
    joined = _LINE_BREAK.sub("", text)
    compact = "".join(text.split())
    return (
        bool(_DATA_URI.search(text) or _SPACED_DATA_URI.search(text))
        or bool(_ENCODED_BLOB.search(joined))
        or _encoded_words(text) >= 120
        or any(signature.lower() in lowered for signature in _IMAGE_SIGNATURES)
        or any(signature in compact for signature in _ENCODED_SIGNATURES)
        or any(signature in compact.lower() for signature in _HEX_SIGNATURES)
    )


def _encoded_words(text: str) -> int:
    """The longest stretch of consecutive words that each look encoded (twenty characters or
    more of the base64 alphabet, which no Dutch word is), counted in characters: base64 cut
    into pieces by spaces."""
    longest = stretch = 0
    for word in text.split():
        stretch = stretch + len(word) if _ENCODED_WORD.fullmatch(word) else 0
        longest = max(longest, stretch)
    return longest


def _strings(values: Iterable[Any]) -> Iterable[str]:
    for value in values:
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            yield from _strings(value.keys())
            yield from _strings(value.values())
        elif isinstance(value, list | tuple):
            yield from _strings(value)
