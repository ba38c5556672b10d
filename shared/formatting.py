"""How a person reads a time, a date, a duration, a number or a yes/no: the one place that
pages, PDFs, CSVs and mails share. Times are stored in UTC and shown in Europe/Amsterdam,
written the Dutch way: "6 december 2026, 03:29", "na 3 uur", "1.234", "ja".
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

LOCAL_TIME = ZoneInfo("Europe/Amsterdam")

MONTHS = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)  # fmt: skip
NOTHING = "—"


def local(at: datetime) -> datetime:
    """A stored moment in Amsterdam time; a moment without a zone is taken as UTC."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(LOCAL_TIME)


def _parse(value: datetime | date | str) -> datetime | date:
    if isinstance(value, str):
        parsed = datetime.fromisoformat(value)
        return parsed if "T" in value or " " in value else parsed.date()
    return value


def day(value: datetime | date | str | None) -> str:
    """The date as "6 december 2026" (a moment first moves to Amsterdam time)."""
    if value in (None, ""):
        return NOTHING
    value = _parse(value)  # type: ignore[arg-type]
    if isinstance(value, datetime):
        value = local(value).date()
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def moment(value: datetime | str | None, *, seconds: bool = False) -> str:
    """A moment as "6 december 2026, 03:29" in Amsterdam time."""
    if value in (None, ""):
        return NOTHING
    parsed = _parse(value)  # type: ignore[arg-type]
    if not isinstance(parsed, datetime):
        return day(parsed)
    at = local(parsed)
    return f"{day(at)}, {at.strftime('%H:%M:%S' if seconds else '%H:%M')}"


def clock(value: datetime) -> str:
    """Only the time of day, "03:29", in Amsterdam time."""
    return local(value).strftime("%H:%M")


def duration(value: timedelta | float | int | None) -> str:
    """A span of time in words: "minder dan een uur", "3 uur", "2 dagen", "3 weken".
    A number is taken as hours."""
    if value is None:
        return NOTHING
    hours = value.total_seconds() / 3600 if isinstance(value, timedelta) else float(value)
    if hours < 1:
        return "minder dan een uur"
    if hours < 48:
        whole = round(hours)
        return f"{whole} uur"
    days = round(hours / 24)
    if days < 14:
        return f"{days} dagen"
    weeks = round(days / 7)
    if days < 60:
        return f"{weeks} weken"
    months = round(days / 30)
    return f"{months} maanden"


def after(value: timedelta | float | int | None) -> str:
    """How long after something happened: "na 3 uur", "na 2 dagen"."""
    if value is None:
        return NOTHING
    return f"na {duration(value)}"


def number(value: float | int | None, decimals: int = 0) -> str:
    """A number the Dutch way: "1.234", "2,5"."""
    if value is None:
        return NOTHING
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def yes_no(value: Any) -> str:
    """Every yes/no the same way: "ja" or "nee"."""
    if isinstance(value, str):
        return {"ja": "ja", "nee": "nee", "true": "ja", "false": "nee"}.get(value.lower(), value)
    return "ja" if value else "nee"


def filters() -> dict[str, Any]:
    """The same functions as Jinja filters, for pages and mails."""
    return {
        "day": day,
        "moment": moment,
        "clock": clock,
        "duration": duration,
        "after": after,
        "number": number,
        "yes_no": yes_no,
    }
