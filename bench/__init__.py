"""Benchmarks: `make bench` (`python -m bench`) runs the `main()` of every module in this folder.

Benchmarks measure and print; they are not tests and assert nothing. Request loops are bounded
in count and time and only ever reach servers they start themselves on the loopback address
(or, for bench/copy_window.py, a mail server on the loopback address that ZORGVULDIG_BENCH_SMTP_PORT
names, such as a Postfix that discards what it accepts).
"""

from __future__ import annotations

import socket
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from typing import Any, TypeVar
from urllib.parse import urljoin

T = TypeVar("T")


def heading(title: str) -> None:
    print(f"\n== {title}", flush=True)


def line(label: str, value: str, note: str = "") -> None:
    print(f"  {label:<58} {value:>14}  {note}".rstrip(), flush=True)


def timed(call: Callable[[], T]) -> tuple[T, float]:
    """The call's result and its duration in seconds."""
    start = time.perf_counter()
    result = call()
    return result, time.perf_counter() - start


def settle(database_url: str) -> None:
    """VACUUM ANALYZE on PostgreSQL after a bench has filled it, as a store that grew over years
    has been: otherwise the first reader of a million fresh rows writes their hint bits and
    autovacuum works through them alongside, and whatever is measured first pays for it."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as db:
        db.execute("VACUUM (ANALYZE)")


def percentile(samples: list[float], fraction: float) -> float:
    """The sample below which `fraction` of the samples lie (nearest rank)."""
    ordered = sorted(samples)
    rank = max(0, min(len(ordered) - 1, round(fraction * len(ordered)) - 1))
    return ordered[rank]


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def verdict(ok: bool) -> str:
    return "gehaald" if ok else "NIET gehaald"


class Skipped(Exception):
    """Raised when a benchmark cannot run here yet; the message says why."""


# ------------------------------------------------------------------ a served web app


@contextmanager
def served(app: Any, threads: int = 8) -> Iterator[str]:
    """Serves a WSGI app with waitress on a free loopback port; yields its base URL."""
    import waitress

    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=threads)
    port = server.socket.getsockname()[1]  # type: ignore[union-attr]
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.close()
        thread.join(timeout=5)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Forms(HTMLParser):
    """Collects every form of a page with its inputs (name, type, value)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append({"action": found.get("action", ""), "inputs": []})
        elif tag in ("input", "textarea", "select") and self.forms:
            kind = found.get("type", "text" if tag == "input" else tag)
            self.forms[-1]["inputs"].append((found.get("name", ""), kind, found.get("value", "")))
        elif tag == "a" and found.get("href"):
            self.links.append(found["href"])


def parse_page(html: str) -> _Forms:
    parser = _Forms()
    parser.feed(html)
    return parser


def form_login(session: Any, base_url: str, username: str, password: str) -> None:
    """Logs in as a person would: open the site, fill the form with a password field, send it.

    `session` is a requests.Session (or anything with the same get/post)."""
    page = session.get(base_url + "/", timeout=10)
    forms = [f for f in parse_page(page.text).forms if any(kind == "password" for _, kind, _ in f["inputs"])]
    if not forms:
        raise Skipped("geen inlogformulier gevonden")
    form = forms[0]
    data = {}
    for name, kind, value in form["inputs"]:
        if not name:
            continue
        if kind == "password":
            data[name] = password
        elif kind in ("text", "email") and not any(v == username for v in data.values()):
            data[name] = username
        elif kind not in ("submit", "checkbox"):
            data[name] = value
    answer = session.post(urljoin(page.url, form["action"] or page.url), data=data, timeout=10)
    if answer.status_code >= 400 or any(
        kind == "password" for f in parse_page(answer.text).forms for _, kind, _ in f["inputs"]
    ):
        raise Skipped(f"inloggen als {username} lukte niet (HTTP {answer.status_code})")


def csrf_token(html: str) -> str:
    for form in parse_page(html).forms:
        for name, _, value in form["inputs"]:
            if name == "csrf_token":
                return value
    return ""
