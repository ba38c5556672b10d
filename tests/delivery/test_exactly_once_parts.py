"""The parts that make a letter arrive exactly once whatever process dies: the relay offers
again what has no outcome, notifiers claim a letter before sending it, one relay leads, and a
background outcome never makes a person's action fail."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from services.case.application import CaseManagement, ConcurrentEdit
from services.case.outbox import Outbox
from services.case.relay import Relay
from services.notifier.ledger import Ledger
from shared import messaging
from shared.config import load_settings
from shared.leadership import Leadership
from shared.positions import Positions
from tests.examples import ACTIONS, HANDLER, OPENING, SECOND_HANDLER


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def queued(settings) -> list[dict]:  # type: ignore[no-untyped-def]
    """The letter requests waiting in the embedded broker, read without taking them."""
    folder = settings.broker_folder / "berichten"
    return [
        json.loads(base64.b64decode(json.loads(p.read_text())["body"])) for p in sorted(folder.glob("*.msg"))
    ]


def test_a_letter_without_an_outcome_is_offered_again_until_one_is_recorded(tmp_path: Path) -> None:
    settings = load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path)})
    cases, clock = CaseManagement(env=settings.event_store_env()), Clock()
    relay = Relay(
        cases,
        Positions(settings),
        lambda: messaging.connect(settings),
        Outbox(settings),
        resend_after=60,
        clock=clock,
    )
    incident_id, _ = cases.open_incident(HANDLER, **OPENING)
    cases.record_action(HANDLER, incident_id, "LetterRequested", ACTIONS["LetterRequested"])

    relay.run_once()
    assert len(queued(settings)) == 1
    clock.now += 30
    relay.run_once()
    assert len(queued(settings)) == 1  # not yet due
    clock.now += 31
    relay.run_once()
    copies = queued(settings)
    assert len(copies) == 2 and copies[0]["message_id"] == copies[1]["message_id"]
    clock.now += 61
    relay.run_once()
    assert len(queued(settings)) == 2  # the interval doubles after each copy

    (letter_id,) = cases.incident(HANDLER, incident_id).letter_ids()
    cases.record_letter_outcome(
        letter_id, outcome_id="uitkomst-1", sent=1, failed=0, reason="", actor_id="notifier"
    )
    clock.now += 10_000
    relay.run_once()
    assert len(queued(settings)) == 2 and Outbox(settings).waiting() == 0


def test_only_one_notifier_holds_a_letter_and_a_dead_holders_claim_runs_out(tmp_path: Path) -> None:
    ledger = Ledger(load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path)}))
    assert ledger.claim("brief-1", "notifier-a")
    assert not ledger.claim("brief-1", "notifier-b")
    assert ledger.claim("brief-1", "notifier-a")  # renewing
    assert ledger.claim("brief-2", "notifier-b", seconds=-1)  # a lease that already ran out
    assert ledger.claim("brief-2", "notifier-a")
    ledger.release("brief-1", "notifier-a")
    assert ledger.claim("brief-1", "notifier-b")


def test_one_relay_leads_and_another_takes_over_when_it_stops(tmp_path: Path) -> None:
    settings = load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path)})
    first, second = Leadership(settings, "relay"), Leadership(settings, "relay")
    assert first.acquire() and not second.acquire()
    first.release()
    assert second.acquire() and second.still_leading()


def test_a_background_outcome_never_fails_a_handlers_action() -> None:
    cases = CaseManagement()
    incident_id, _ = cases.open_incident(HANDLER, **OPENING)
    cases.record_action(HANDLER, incident_id, "LetterRequested", ACTIONS["LetterRequested"])
    form_version = cases.incident(HANDLER, incident_id).version
    (letter_id,) = cases.incident(HANDLER, incident_id).letter_ids()
    for n in range(3):  # outcomes land while the handler fills in a form
        cases.record_letter_outcome(
            letter_id, outcome_id=f"uitkomst-{n}", sent=1, failed=0, reason="", actor_id="notifier"
        )
    cases.record_action(HANDLER, incident_id, "NoteAdded", {"text": "gebeld"}, expected_version=form_version)

    stale = cases.incident(HANDLER, incident_id).version
    cases.record_action(SECOND_HANDLER, incident_id, "NoteAdded", {"text": "ook gebeld"})
    with pytest.raises(ConcurrentEdit):  # a real conflict between two people still shows
        cases.record_action(HANDLER, incident_id, "NoteAdded", {"text": "dubbel"}, expected_version=stale)
