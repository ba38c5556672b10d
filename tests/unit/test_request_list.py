"""The AVG requests as a read model: the requests page reads it instead of every request's
opening event in the store, misses none, and takes in requests from before it existed."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest
from eventsourcing.persistence import StoredEvent

from services.case.application import CaseManagement
from services.case.domain.rights import RequestKind
from services.case.lists import IncidentLists
from services.case.request_list import RECEIVED
from services.case.rights import RightsDesk
from shared.config import Settings
from shared.identity import Actor
from tests.examples import BOARD_MEMBER, HANDLER, OPENING, OTHER_BOARD_HANDLER, OTHER_SCHOOL_HANDLER


@pytest.fixture
def settings(settings_on_each_store: Settings) -> Settings:
    return settings_on_each_store


@pytest.fixture
def cases(settings: Settings) -> CaseManagement:
    return CaseManagement(env=settings.event_store_env())


@pytest.fixture
def desk(settings: Settings, cases: CaseManagement) -> RightsDesk:
    return RightsDesk(cases, IncidentLists(settings, cases))


def received(desk: RightsDesk, handler: Actor) -> str:
    desk.cases.open_incident(handler, **OPENING)
    request = desk.receive(
        handler,
        person="Noor Wijnaldum",
        requester="ouder",
        kind=RequestKind.ACCESS,
        received_on=date(2026, 11, 2),
    )
    return str(request.id)


def listed(desk: RightsDesk, actor: Actor) -> set[str]:
    return {str(r.id) for r in desk.requests(actor)}


def test_each_school_and_board_sees_only_its_own_requests(desk: RightsDesk) -> None:
    ours, theirs = received(desk, HANDLER), received(desk, OTHER_SCHOOL_HANDLER)
    other_board = received(desk, OTHER_BOARD_HANDLER)
    assert listed(desk, HANDLER) == {ours}
    assert listed(desk, OTHER_SCHOOL_HANDLER) == {theirs}
    assert listed(desk, BOARD_MEMBER) == {ours, theirs}
    assert listed(desk, OTHER_BOARD_HANDLER) == {other_board}


def test_the_requests_page_does_not_read_the_whole_store(
    desk: RightsDesk, cases: CaseManagement, monkeypatch: pytest.MonkeyPatch
) -> None:
    ours = received(desk, HANDLER)
    desk.request_list.catch_up()
    monkeypatch.setattr(desk.request_list, "catch_up", lambda: 0)  # the list stays where it is
    later = received(desk, HANDLER)  # received after the list's position: read from the log's tail

    def scan(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("de pagina las alle verzoeken uit de hele opslag")

    monkeypatch.setattr(cases.recorder, "select_notifications", scan)
    assert listed(desk, HANDLER) == {ours, later}


def test_requests_from_before_the_list_existed_are_taken_in(desk: RightsDesk) -> None:
    ours = received(desk, HANDLER)
    with desk.lists.db.connect() as db:  # an installation of before the list: no rows, no position
        db.execute("DELETE FROM request_list")
        db.execute("DELETE FROM incident_list_position WHERE name = 'verzoekenlijst'")
    assert listed(desk, HANDLER) == {ours}
    desk.lists.rebuild()  # and a rebuild of the lists empties it and takes it in again
    assert listed(desk, HANDLER) == {ours}


def test_a_damaged_request_event_does_not_take_the_page_down(desk: RightsDesk, cases: CaseManagement) -> None:
    ours = received(desk, HANDLER)
    cases.recorder.insert_events([StoredEvent(originator_id=uuid4(), originator_version=1, topic=RECEIVED,
                                              state=b"{niet te lezen")])  # fmt: skip
    assert listed(desk, HANDLER) == {ours}
