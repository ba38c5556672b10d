"""Logs of every process: plain text, or JSON lines (ZORGVULDIG_LOG_FORMAT=json) for a log
collector. Logs never carry personal data: the code logs types and counts, not values, and
anything shaped like an e-mail address or phone number that slips through is masked in the
line as written, traceback included (an SMTP error quotes the address it refused)."""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime

from shared.config import Settings

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_PHONE = re.compile(r"(?<!\d)(\+31|0031|0)[\s-]?\d([\s-]?\d){8}(?!\d)")


def mask(text: str) -> str:
    return _PHONE.sub("[telefoon]", _EMAIL.sub("[e-mail]", text))


class MaskPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


class Masked(logging.Formatter):
    """Masks the whole line a formatter wrote: the message, and an exception's text too."""

    def __init__(self, inner: logging.Formatter) -> None:
        super().__init__()
        self.inner = inner

    def format(self, record: logging.LogRecord) -> str:
        return mask(self.inner.format(record))


class JsonLines(logging.Formatter):
    def __init__(self, process: str) -> None:
        super().__init__()
        self.process = process

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "tijd": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "proces": self.process,
            "niveau": record.levelname,
            "bron": record.name,
            "bericht": record.getMessage(),
        }
        if record.exc_info:
            entry["fout"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure(settings: Settings, process: str) -> None:
    handler = logging.StreamHandler()
    handler.addFilter(MaskPersonalData())
    if settings.log_format == "json":
        handler.setFormatter(Masked(JsonLines(process)))
    else:
        handler.setFormatter(Masked(logging.Formatter(f"%(asctime)s {process} %(levelname)s %(message)s")))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)


class EveryMinute:
    """Logs a repeating message once a minute, not once per retry: a broker or database that
    is down gives one line a minute while every process waits for it."""

    def __init__(self, log: logging.Logger, seconds: float = 60.0) -> None:
        self.log = log
        self.seconds = seconds
        self._last: dict[str, float] = {}

    def _emit(self, level: int, message: str, *args: object) -> None:
        import time

        now = time.monotonic()
        if now - self._last.get(message, -self.seconds) >= self.seconds:
            self._last[message] = now
            self.log.log(level, message, *args)

    def warning(self, message: str, *args: object) -> None:
        self._emit(logging.WARNING, message, *args)

    def info(self, message: str, *args: object) -> None:
        self._emit(logging.INFO, message, *args)
