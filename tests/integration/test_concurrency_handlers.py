"""Two case handlers acting on the same incident at once, each through their own application
instance (as two web processes would) on a real store: one wins, the other is told of the
conflict, and no event is lost."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from services.case.application import CaseManagement, ConcurrentEdit
from shared.identity import Actor, Role
from tests.examples import ACTIONS, HANDLER, OPENING
from tests.integration.stores import STORES, store_env

COLLEAGUE = Actor("u-dirk", "Dirk Jansen", Role.CASE_HANDLER, board_id="kindante", school_id="de-wilg")


@pytest.fixture(params=STORES)
def env(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    return store_env(request.param, request, tmp_path)


@pytest.fixture
def two_apps(env: dict[str, str]) -> Iterator[tuple[CaseManagement, CaseManagement]]:
    first, second = CaseManagement(env=dict(env)), CaseManagement(env=dict(env))
    yield first, second
    first.close()
    second.close()


def both_load_before_either_saves(apps: tuple[CaseManagement, ...]) -> None:
    """Holds each application after it loaded the incident until the other has loaded it too,
    so that both commands really act on the same version."""
    barrier = threading.Barrier(len(apps))
    for app in apps:
        load = app._load  # from the store, or from the working copy of the process that opened it
        first = [True]  # only the command's own load waits, not a look afterwards

        def get(*args: Any, _load: Any = load, _first: list[bool] = first, **kwargs: Any) -> Any:
            aggregate = _load(*args, **kwargs)
            if _first[0]:
                _first[0] = False
                barrier.wait(timeout=20)
            return aggregate

        app._load = get  # type: ignore[method-assign]


def attempt(app: CaseManagement, actor: Actor, incident_id: UUID, action: str) -> str:
    try:
        app.record_action(actor, incident_id, action, ACTIONS[action])
    except ConcurrentEdit:
        return "conflict"
    return "stored"


def test_two_handlers_at_once_one_wins_the_other_gets_a_conflict(
    two_apps: tuple[CaseManagement, CaseManagement],
) -> None:
    first, second = two_apps
    incident_id, _ = first.open_incident(HANDLER, **OPENING)
    both_load_before_either_saves(two_apps)

    with ThreadPoolExecutor(max_workers=2) as pool:
        anna = pool.submit(attempt, first, HANDLER, incident_id, "PoliceContacted")
        dirk = pool.submit(attempt, second, COLLEAGUE, incident_id, "StaffSupported")
        outcomes = {"PoliceContacted": anna.result(timeout=60), "StaffSupported": dirk.result(timeout=60)}

    assert sorted(outcomes.values()) == ["conflict", "stored"]
    winner = next(action for action, outcome in outcomes.items() if outcome == "stored")

    reader = CaseManagement(env=dict(first.env))
    try:
        trail = reader.audit_trail(HANDLER, incident_id)
        assert [(e.version, e.event_type) for e in trail] == [(1, "Opened"), (2, winner)]
    finally:
        reader.close()


def test_the_refused_handler_retries_and_nothing_is_lost(
    two_apps: tuple[CaseManagement, CaseManagement],
) -> None:
    first, second = two_apps
    incident_id, _ = first.open_incident(HANDLER, **OPENING)
    seen_by_dirk = second.incident(COLLEAGUE, incident_id).version

    first.record_action(HANDLER, incident_id, "PoliceContacted", ACTIONS["PoliceContacted"])
    with pytest.raises(ConcurrentEdit):
        second.record_action(
            COLLEAGUE, incident_id, "StaffSupported", ACTIONS["StaffSupported"], expected_version=seen_by_dirk
        )
    # The page shows the conflict; Dirk reads the timeline again and records his action.
    seen_again = second.incident(COLLEAGUE, incident_id).version
    second.record_action(
        COLLEAGUE, incident_id, "StaffSupported", ACTIONS["StaffSupported"], expected_version=seen_again
    )

    trail = first.audit_trail(HANDLER, incident_id)
    assert [(e.version, e.event_type, e.actor) for e in trail] == [
        (1, "Opened", HANDLER.id),
        (2, "PoliceContacted", HANDLER.id),
        (3, "StaffSupported", COLLEAGUE.id),
    ]


def test_many_simultaneous_actions_never_lose_or_duplicate_an_event(
    two_apps: tuple[CaseManagement, CaseManagement],
) -> None:
    """Each handler keeps retrying after a conflict; every action lands exactly once."""
    first, second = two_apps
    incident_id, _ = first.open_incident(HANDLER, **OPENING)
    per_handler = 10

    def keep_recording(app: CaseManagement, actor: Actor) -> int:
        conflicts = 0
        for n in range(per_handler):
            while True:
                try:
                    app.record_action(actor, incident_id, "NoteAdded", {"text": f"{actor.id} notitie {n}"})
                    break
                except ConcurrentEdit:
                    conflicts += 1
        return conflicts

    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [
            pool.submit(keep_recording, first, HANDLER),
            pool.submit(keep_recording, second, COLLEAGUE),
        ]
        for future in futures:
            future.result(timeout=120)

    trail = first.audit_trail(HANDLER, incident_id)
    assert [e.version for e in trail] == list(range(1, 2 + 2 * per_handler))
    texts = [e.data["text"] for e in trail[1:]]
    assert sorted(texts) == sorted(
        f"{a.id} notitie {n}" for a in (HANDLER, COLLEAGUE) for n in range(per_handler)
    )
