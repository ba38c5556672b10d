"""Background work that a loop offers far more often than it should run (the followers'
process, after every batch of events): it runs at most once per interval."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable


class AtMostEvery:
    """Runs the work offered when `seconds` have passed since it last ran. A failure (a broker
    that is down) is logged as `failure`, with the error's class, and the next interval simply
    tries again: the loop that offers the work never stops for it."""

    def __init__(self, seconds: float, log: logging.Logger, failure: str) -> None:
        self.seconds = seconds
        self.log = log
        self.failure = failure
        self._last = 0.0

    def run(self, work: Callable[[], object]) -> None:
        if time.monotonic() - self._last < self.seconds:
            return
        self._last = time.monotonic()
        try:
            work()
        except Exception as error:
            self.log.warning(self.failure, type(error).__name__)
