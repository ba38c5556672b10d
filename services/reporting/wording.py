"""How the reports write for a person: dates, times and durations through the shared
formatting module (Amsterdam time, "6 december 2026", "na 3 uur"), and a count that may be a
suppressed "<5"."""

from __future__ import annotations

from shared.formatting import after, day, duration, moment
from shared.formatting import number as _number

__all__ = ["after", "day", "duration", "moment", "number"]


def number(value: int | str) -> str:
    """A count the Dutch way, "1.234"; a suppressed "<5" stays as it is."""
    if isinstance(value, str) and not value.isdigit():
        return value
    return _number(int(value))
