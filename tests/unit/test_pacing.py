"""Background work offered after every batch runs at most once per interval, and a failure
waits for the next interval instead of stopping the loop."""

from __future__ import annotations

import logging

import pytest

from shared.pacing import AtMostEvery


def test_work_offered_again_within_the_interval_does_not_run() -> None:
    ran: list[int] = []
    pacer = AtMostEvery(60.0, logging.getLogger("rapportage"), "Lukt nu niet (%s).")
    for _ in range(3):
        pacer.run(lambda: ran.append(1))
    assert ran == [1]


def test_work_runs_again_once_the_interval_has_passed() -> None:
    ran: list[int] = []
    pacer = AtMostEvery(0.0, logging.getLogger("rapportage"), "Lukt nu niet (%s).")
    pacer.run(lambda: ran.append(1))
    pacer.run(lambda: ran.append(2))
    assert ran == [1, 2]


def test_a_failure_is_logged_by_its_class_and_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    def broker_down() -> None:
        raise ConnectionRefusedError("ouder@voorbeeld.nl")

    pacer = AtMostEvery(60.0, logging.getLogger("rapportage"), "Herinneringen versturen lukt nu niet (%s).")
    with caplog.at_level(logging.WARNING, logger="rapportage"):
        pacer.run(broker_down)
    assert caplog.messages == ["Herinneringen versturen lukt nu niet (ConnectionRefusedError)."]
