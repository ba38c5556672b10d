"""The case keeps its actions in the shape it publishes: an incident's recorded action is the
protocol's `Action`, so the case and a reader of its events hold the same fields, and one
changed without the other fails here."""

from __future__ import annotations

import copy
import pickle
from dataclasses import asdict

from services.case.domain.incident import Incident, RecordedAction
from shared.protocol.actions import Action
from tests.examples import ACTIONS, HANDLER, OPENING


def contacted() -> RecordedAction:
    incident = Incident.open(school_id="de-wilg", board_id="kindante", actor=HANDLER.id, **OPENING)
    incident.record("PoliceContacted", actor=HANDLER.id, **ACTIONS["PoliceContacted"])
    return incident.actions[-1]


def test_a_recorded_action_is_the_published_action() -> None:
    action = contacted()
    assert isinstance(action, Action)
    rebuilt = Action(action.version, action.action, action.actor, action.at, dict(action.data))
    assert asdict(rebuilt) == asdict(action)


def test_a_recorded_action_survives_a_copy_and_a_pickle_as_itself() -> None:
    action = contacted()
    for again in (copy.deepcopy(action), pickle.loads(pickle.dumps(action))):
        assert type(again) is RecordedAction and again == action and again.is_a(Incident.PoliceContacted)
