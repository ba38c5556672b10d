"""Persons nobody recorded, found by deduce, the Dutch de-identification library with its own
lists of first names and surnames and rules for how Dutch text names people ("juf Priya",
"mevrouw De Jong", "Sanne en Bram").

deduce runs on its name lists alone (`lexicon`: megabytes, not the gigabyte of all its lists),
loaded once per process, at start-up
(`NameFinder.shared()`), in the background where it serves requests meanwhile; until it is
loaded `GuardNotReady` is raised and no letter goes out.
"""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

log = logging.getLogger("privacy")

PERSON_TAGS = ("persoon", "patient", "naam", "voornaam", "achternaam", "initiaal")
# Only deduce's name rules run: places, dates, numbers and addresses are the guard's own layers,
# and the redacted text is never needed. A third of the time per letter.
NOT_NAMES = frozenset(
    {"locations", "institutions", "dates", "ages", "identifiers", "phone_numbers", "email_addresses", "urls"}
    | {"redactor"}
)
SEPARATOR = "\n\n.\n\n"


@contextmanager
def _logging_left_alone() -> Iterator[None]:
    """deduce calls logging.basicConfig(stream=sys.stdout, level=DEBUG) when it is imported. In
    a process that had not configured logging yet, every library would then log at DEBUG to
    stdout, the SMTP client's conversation (addresses, letters) included. What it sets is undone."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


class GuardNotReady(Exception):
    """Raised when the privacy guard has not (yet) loaded: no letter may be composed or sent."""

    def __init__(self, reason: str = "") -> None:
        super().__init__(
            "De privacycontrole van de brieven is nog niet geladen"
            + (f" ({reason})" if reason else "")
            + ". Er is niets verstuurd; probeer het over een ogenblik opnieuw."
        )


class NameFinder:
    """Finds person names in Dutch text with deduce, loaded once."""

    _shared: NameFinder | None = None
    _shared_lock = threading.Lock()

    def __init__(self) -> None:
        self._deduce: Any = None
        self._error = ""
        self._loaded = threading.Event()
        # One text at a time: deduce does not promise that its pipeline may be shared between
        # threads (the web serves several, the notifier sends several letters at once), and as
        # pure Python under one interpreter lock it would not run faster side by side.
        self._one_at_a_time = threading.Lock()

    @classmethod
    def shared(cls, *, wait: bool = False) -> NameFinder:
        """The process's one finder, loading in the background from the first call on."""
        with cls._shared_lock:
            if cls._shared is None:
                cls._shared = cls()
                threading.Thread(target=cls._shared.load, name="deduce-laden", daemon=True).start()
        if wait:
            cls._shared.wait()
        return cls._shared

    def load(self) -> None:
        try:
            gc.disable()  # deduce's lookup structures are millions of small objects
            try:
                with _logging_left_alone():
                    from shared.privacy.lexicon import name_deduce

                    self._deduce = name_deduce()
            finally:
                gc.enable()
            gc.freeze()  # and they live as long as the process: keep them out of collections
            log.info("Privacycontrole geladen (deduce).")
        except Exception as error:  # a broken install must stop letters, not the process
            self._error = f"{type(error).__name__}: {error}"
            log.error("Privacycontrole kon niet laden: %s", self._error)
        finally:
            self._loaded.set()

    def wait(self, timeout: float | None = None) -> bool:
        self._loaded.wait(timeout)
        return self.ready

    @property
    def ready(self) -> bool:
        return self._deduce is not None

    @property
    def error(self) -> str:
        return self._error

    def persons(self, text: str) -> list[str]:
        """The person names deduce finds in the text; GuardNotReady before it is loaded."""
        return self.persons_in_each([text])[0]

    def persons_in_each(self, texts: list[str]) -> list[list[str]]:
        """The person names in each text, read in one pass (deduce's cost is mostly per call)."""
        if self._deduce is None:
            raise GuardNotReady(self._error or "bezig met laden")
        found: list[list[str]] = [[] for _ in texts]
        if not any(t.strip() for t in texts):
            return found
        starts, offset = [], 0
        for text in texts:
            starts.append(offset)
            offset += len(text) + len(SEPARATOR)
        with self._one_at_a_time:
            document = self._deduce.deidentify(SEPARATOR.join(texts), disabled=NOT_NAMES)
        for annotation in document.annotations:
            if any(tag in annotation.tag for tag in PERSON_TAGS):
                index = max(i for i, start in enumerate(starts) if start <= annotation.start_char)
                found[index].append(annotation.text)
        return found
