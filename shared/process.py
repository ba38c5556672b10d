"""What every long-running process does first: read the settings (a configuration error ends
it with a clear message and exit code 2), set up logging and the data folder, and turn
SIGTERM and Ctrl-C into a stop event, so that it finishes its current work and exits cleanly."""

from __future__ import annotations

import gc
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from shared.config import ConfigurationError, Settings, load_settings
from shared.logging import configure as configure_logging


def start(process: str) -> tuple[Settings, threading.Event]:
    try:
        settings = load_settings()
    except ConfigurationError as error:
        print(f"Configuratiefout: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    configure_logging(settings, process)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    return settings, stop


@contextmanager
def without_cycle_collection() -> Iterator[None]:
    """For a bulk loop (a rebuild, a long catch-up) that makes millions of short-lived
    containers and no reference cycles. Python's cycle collector would run thousands of times,
    dozens of them over every live object: a quarter of a rebuild's time. Reference counting
    still frees everything at once; a cycle made meanwhile waits for the next collection."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
