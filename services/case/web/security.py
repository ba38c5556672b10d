"""Web hardening: security headers, a strict Content-Security-Policy, no file uploads (the one
form that takes a small text file, the student administration's export, checks it itself)."""

from __future__ import annotations

import re
import unicodedata
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import Flask, Response, request

from shared.sessions import IDLE_TIMEOUT as SESSION_TIMEOUT  # noqa: F401 - the cookie's lifetime

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; connect-src 'self'"
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


class UploadRefused(Exception):
    """Raised when a request carries a file: the material never enters the system."""


class BadParameter(Exception):
    """Raised when a number in the address is not a whole number within its bounds."""


class UnreadableJson(Exception):
    """Raised when a JSON body holds a lone surrogate (\\ud800), which is no character."""

    def __init__(self) -> None:
        super().__init__(
            "Het verzoek bevat een ongeldig teken: een losse surrogaat (zoals \\ud800) is geen "
            "letter of teken. Stuur de tekst als geldige Unicode."
        )


# Whole numbers in addresses, with their bounds: one rule for every page that reads them.
NUMBER_PARAMETERS = {
    "pagina": ("Het paginanummer", 1, 1_000_000),
    "versie": ("Het versienummer", 1, 1_000_000_000),
}
_SURROGATE = re.compile("[\ud800-\udfff]")


def check_numbers() -> None:
    """Raises BadParameter for a number parameter that is no whole number within its bounds."""
    for name, (what, low, high) in NUMBER_PARAMETERS.items():
        value = request.args.get(name)
        if value is None or value == "":
            continue
        if not (value.isascii() and value.isdigit()) or not low <= int(value) <= high:
            highest = f"{high:_}".replace("_", ".")
            raise BadParameter(f"{what} ({name}) moet een geheel getal van {low} tot en met {highest} zijn.")


def check_json() -> None:
    """Raises UnreadableJson for a JSON body with a lone surrogate anywhere in it."""
    if request.is_json and request.content_length:
        body = request.get_json(silent=True)
        if body is not None and _has_surrogate(body):
            raise UnreadableJson()


def _has_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        return bool(_SURROGATE.search(value))
    if isinstance(value, dict):
        return any(_has_surrogate(k) or _has_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_surrogate(v) for v in value)
    return False


TEXT_FILE_ENDPOINTS = {"recipients_import.preview"}


def safe_target(target: str, home: str = "/") -> str:
    """Where to go after signing in: only a path on this site, else the home page.

    The target is judged as a browser would read it after every layer of percent-decoding:
    a scheme, a host (`//`), a backslash (read as `/` by browsers) or a control or format
    character (browsers drop tabs and newlines, so `/%09/evil.example` becomes `//evil.example`)
    sends the person home instead."""
    decoded = target
    for _ in range(5):
        once = unquote(decoded)
        if once == decoded:
            break
        decoded = once
    else:
        return home  # still encoded after five layers: no honest link looks like that
    parts = urlsplit(decoded)
    if (
        not decoded.startswith("/")
        or decoded.startswith("//")
        or "\\" in decoded
        or parts.scheme
        or parts.netloc
        or any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in decoded)
    ):
        return home
    return target


def init_app(app: Flask) -> None:
    app.before_request(check_numbers)
    app.before_request(check_json)

    @app.before_request
    def refuse_files() -> None:
        multipart = request.content_type and request.content_type.startswith("multipart/")
        if multipart and request.endpoint not in TEXT_FILE_ENDPOINTS:
            raise UploadRefused()

    @app.after_request
    def add_headers(response: Response) -> Response:
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if app.extensions["zorgvuldig.settings"].environment == "production":
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if not request.path.startswith("/static/"):
            response.headers["Cache-Control"] = "no-store"
        return response
