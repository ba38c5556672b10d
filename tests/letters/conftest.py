"""A way to write a letter of the demo school as a handler would, with the real guard."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from shared.boards import board
from shared.letters import RenderedLetter, compose
from shared.privacy import PrivacyGuard, Recorded
from tests.examples import ACTIONS, ENGLISH_STATEMENT

STATEMENT = ACTIONS["CommunicationStatementWritten"]
EXTRA = {
    "meeting_when": "dinsdag 1 december, 19.30 uur",
    "meeting_where": "de aula",
    "url": "https://x.invalid/a",
}
STAFF = ("Anna de Vries", "Mees Jansen")


@pytest.fixture
def write(guard: PrivacyGuard) -> Callable[..., RenderedLetter]:
    """Composes a letter of Basisschool De Wilg (board Kindante) with the given fields, from the
    Dutch or the English statement."""

    def letter(
        key: str = "ouders_klas", recorded: list[Recorded] | None = None, language: str = "nl", **fields: Any
    ) -> RenderedLetter:
        kindante = board("kindante")
        return compose(
            key,
            {**(ENGLISH_STATEMENT if language == "en" else STATEMENT), **EXTRA, **fields},
            language=language,
            guard=guard,
            board=kindante,
            school=kindante.school("de-wilg"),
            recorded=recorded or [],
            staff_names=STAFF,
        )

    return letter


@pytest.fixture(autouse=True)
def _guard_loaded(guard: PrivacyGuard) -> PrivacyGuard:
    """Notifiers built here use the process's shared guard: it is loaded before each test."""
    return guard
