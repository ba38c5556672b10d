"""A handler records actions and sends letters while 500 letter outcomes are being recorded on
the same incident by a background process: the handler never sees an error (issue 10)."""

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
    done = threading.Event()
    outcomes: list[int] = []

    def record_outcomes() -> None:
        for _ in range(500):
            outcomes.append(
                notifier_side.record_system_outcome(
                    incident_id,
                    "LetterSent",
                    {"request_version": 2, "recipient_count": 1},
                    actor_id="notifier",
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
    assert errors == [] and len(outcomes) == 500
    recorded = handler_side.incident(HANDLER, incident_id)
    assert sum(a.action == "LetterSent" for a in recorded.actions) == 500
    assert sum(a.action in ("NoteAdded", "LetterRequested") for a in recorded.actions) == actions + 1
