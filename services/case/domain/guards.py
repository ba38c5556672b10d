"""The guard of hard rule 1: the abusive material never enters the system.

Applied to every value a person types, in the domain itself, so that no route around the
forms can store a data URI, an encoded image or an oversized blob.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from services.case.domain.errors import FieldTooLong, MaterialRefused

MAX_TEXT_LENGTH = 2000

_DATA_URI = re.compile(r"data:[\w.+-]*/?[\w.+-]*\s*[;,]", re.IGNORECASE)
# A run of base64 alphabet long enough to hold any image worth refusing; ordinary Dutch
# prose has spaces far more often than every 120 characters.
_ENCODED_BLOB = re.compile(r"[A-Za-z0-9+/=_-]{120,}")
_IMAGE_SIGNATURES = ("\x89PNG", "\xff\xd8\xff", "GIF8", "<svg", "<img")


def refuse_material(values: dict[str, Any]) -> None:
    """Raises MaterialRefused or FieldTooLong when a value could carry material."""
    for text in _strings(values.values()):
        if len(text) > MAX_TEXT_LENGTH:
            raise FieldTooLong()
        if looks_like_material(text):
            raise MaterialRefused()


def looks_like_material(text: str) -> bool:
    """True for data URIs, long encoded runs and image file signatures."""
    lowered = text.lower()
    return (
        bool(_DATA_URI.search(text))
        or bool(_ENCODED_BLOB.search(text))
        or any(signature.lower() in lowered for signature in _IMAGE_SIGNATURES)
    )


def _strings(values: Iterable[Any]) -> Iterable[str]:
    for value in values:
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            yield from _strings(value.keys())
            yield from _strings(value.values())
        elif isinstance(value, list | tuple):
            yield from _strings(value)
