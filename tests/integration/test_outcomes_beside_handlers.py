"""A handler records actions and sends letters while 500 letter outcomes are being recorded for
a letter of the same incident by a background process: the handler never sees an error (issue
10). The outcomes land on the letter's own stream, so they never touch the incident's version."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from services.case.application import CaseManagement
from shared.config import load_settings
from tests.examples import ACTIONS, HANDLER, OPENING


def test_a_handler_never_fails_while_500_outcomes_land(tmp_path: Path) -> None:
    settings = load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path)})
    handler_side = CaseManagement(env=settings.event_store_env())
    notifier_side = CaseManagement(env=settings.event_store_env())
    incident_id, _ = handler_side.open_incident(HANDLER, **OPENING)
    handler_side.record_action(HANDLER, incident_id, "LetterRequested", ACTIONS["LetterRequested"])
    (letter_id,) = handler_side.incident(HANDLER, incident_id).letter_ids()
    done = threading.Event()
    outcomes: list[int | None] = []

    def record_outcomes() -> None:
        for n in range(500):
            outcomes.append(
                notifier_side.record_letter_outcome(
                    letter_id, outcome_id=f"uitkomst-{n}", sent=1, failed=0, reason="", actor_id="notifier"
                )
            )
        done.set()

    background = threading.Thread(target=record_outcomes)
    background.start()
    errors, actions = [], 0
    while (not done.is_set() or actions < 20) and actions < 300:
        form_version = handler_side.incident(HANDLER, incident_id).version  # the form as opened
        try:
            if actions % 5 == 4:
                handler_side.record_action(
                    HANDLER,
                    incident_id,
                    "LetterRequested",
                    ACTIONS["LetterRequested"],
                    expected_version=form_version,
                )
            else:
                handler_side.record_action(
                    HANDLER,
                    incident_id,
                    "NoteAdded",
                    {"text": f"actie {actions}"},
                    expected_version=form_version,
                )
        except Exception as error:  # what the handler would see
            errors.append(f"{type(error).__name__}: {error}")
        actions += 1
        time.sleep(0.02)  # a person's pace, not a tight loop
    background.join()
    assert errors == [] and len(outcomes) == 500 and None not in outcomes
    trail = handler_side.audit_trail(HANDLER, incident_id)
    assert sum(e.event_type == "LetterSent" for e in trail) == 500
    assert sum(e.event_type in ("NoteAdded", "LetterRequested") for e in trail) == actions + 1


def test_an_outcome_leaves_the_incident_as_it_is_and_lands_once(tmp_path: Path) -> None:
    """Nothing a background process records touches the incident: a form opened before an
    outcome landed is saved without a retry, and the same outcome twice is recorded once."""
    settings = load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path)})
    handler_side = CaseManagement(env=settings.event_store_env())
    notifier_side = CaseManagement(env=settings.event_store_env())
    incident_id, _ = handler_side.open_incident(HANDLER, **OPENING)
    handler_side.record_action(HANDLER, incident_id, "LetterRequested", ACTIONS["LetterRequested"])
    (letter_id,) = handler_side.incident(HANDLER, incident_id).letter_ids()
    form_version = handler_side.incident(HANDLER, incident_id).version
    for _ in range(2):
        notifier_side.record_letter_outcome(
            letter_id, outcome_id="uitkomst-1", sent=1, failed=0, reason="", actor_id="notifier"
        )
    assert handler_side.incident(HANDLER, incident_id).version == form_version
    handler_side.record_action(
        HANDLER, incident_id, "NoteAdded", {"text": "na de uitkomst"}, expected_version=form_version
    )
    trail = [e.event_type for e in handler_side.audit_trail(HANDLER, incident_id)]
    assert trail[-2:] == ["LetterSent", "NoteAdded"] and trail.count("LetterSent") == 1
