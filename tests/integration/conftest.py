"""Integration tests build notifiers with the process's shared privacy guard: load it first."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _guard_loaded(guard):  # type: ignore[no-untyped-def]
    return guard
