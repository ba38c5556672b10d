"""An incident page's letters are read from the store in one go: what each letter's stream
holds after a given version, the same as asking each stream on its own."""

from __future__ import annotations

import pytest

from services.case.application import CaseManagement
from services.case.event_log import events_at, streams_after
from tests.examples import ACTIONS, HANDLER, OPENING
from tests.integration.stores import STORES, store_env


@pytest.mark.parametrize("kind", STORES)
def test_several_streams_after_their_versions_at_once(kind, request, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cases = CaseManagement(env=store_env(kind, request, tmp_path))
    incident_id, _ = cases.open_incident(HANDLER, **OPENING)
    for _ in range(3):
        cases.record_action(HANDLER, incident_id, "LetterRequested", dict(ACTIONS["LetterRequested"]))
    letters = cases.stored_incident(incident_id).letter_ids()
    cases.record_letter_outcome(
        letters[0], outcome_id="u-1", sent=2, failed=0, reason="", actor_id="notifier"
    )
    after = {letters[0]: 1, letters[1]: 0, letters[2]: 5}

    found = streams_after(cases.recorder, after)
    assert found == {letter: list(cases.recorder.select_events(letter, gt=v)) for letter, v in after.items()}
    assert [len(found[letter]) for letter in letters] == [1, 1, 0]
    assert streams_after(cases.recorder, {}) == {}


@pytest.mark.parametrize("kind", STORES)
def test_single_events_of_several_incidents_at_once(kind, request, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A home page's tasks: what each was created with, read in one go, unsealed, the same as
    asking each incident on its own; what is not stored is left out."""
    cases = CaseManagement(env=store_env(kind, request, tmp_path))
    incidents = [cases.open_incident(HANDLER, **OPENING)[0] for _ in range(3)]
    for n, incident_id in enumerate(incidents):
        cases.record_action(HANDLER, incident_id, "NoteAdded", {"text": f"notitie {n}"})
    wanted = [(incidents[0], 2), (incidents[2], 2), (incidents[1], 1), (incidents[1], 9)]

    found = cases.events_at(wanted)
    assert set(found) == {(incidents[0], 2), (incidents[2], 2), (incidents[1], 1)}
    assert [found[(i, 2)].text for i in (incidents[0], incidents[2])] == ["notitie 0", "notitie 2"]
    assert type(found[(incidents[1], 1)]).__name__ == "Opened"
    stored = events_at(cases.recorder, wanted)
    assert stored[(incidents[0], 2)] == cases.recorder.select_events(incidents[0], gt=1, lte=2)[0]
    assert events_at(cases.recorder, []) == {}
