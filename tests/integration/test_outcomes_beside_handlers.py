"""A handler records actions and sends letters while 500 letter outcomes are being recorded on
the same incident by a background process: the handler never sees an error (issue 10)."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from uuid import UUID

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


def test_after_a_background_outcome_the_retry_reads_only_what_landed_since(tmp_path: Path) -> None:
    """Each retry of a person's command must be as cheap as a background write, or a busy
    notifier wins every race: after the conflict the command starts again from the fresh
    incident it already read, not from a replay of the whole stream."""
    settings = load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path)})
    handler_side = CaseManagement(env=settings.event_store_env())
    notifier_side = CaseManagement(env=settings.event_store_env())
    incident_id, _ = handler_side.open_incident(HANDLER, **OPENING)
    handler_side.record_action(HANDLER, incident_id, "LetterRequested", ACTIONS["LetterRequested"])
    replays: list[UUID] = []
    get = handler_side.repository.get

    def counting_get(aggregate_id, *args, **kwargs):  # type: ignore[no-untyped-def]
        replays.append(aggregate_id)
        return get(aggregate_id, *args, **kwargs)

    handler_side.repository.get = counting_get  # type: ignore[method-assign]
    attempts = []

    def note(incident) -> None:  # type: ignore[no-untyped-def]
        attempts.append(incident.version)
        if len(attempts) == 1:  # an outcome lands between the handler's read and save
            notifier_side.record_system_outcome(
                incident_id, "LetterSent", {"request_version": 2, "recipient_count": 1}, actor_id="notifier"
            )
        incident.record("NoteAdded", actor=HANDLER.id, text="na de uitkomst")

    handler_side._change(HANDLER, incident_id, None, note)
    assert len(attempts) == 2 and attempts[1] == attempts[0] + 1
    assert len(replays) == 1  # only the read that checked the conflict; the retry went on from it
    recorded = handler_side.incident(HANDLER, incident_id).actions
    assert [a.action for a in recorded[-2:]] == ["LetterSent", "NoteAdded"]
