"""The AVG requests as a read model: which school and board each request belongs to, kept
from the event log with its own position beside the incident lists, so the requests page
costs what it shows, not how big the store has grown (reading every opening event of every
request took 300 ms at a million events).

A request's own events (answer, decision, erasures) are read from its stream when it is
shown; this list only says which requests there are. Its position starts at zero in an
installation that had none, so the requests received before it existed are taken in too.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic

from services.case.domain.rights import RightsRequest
from services.case.event_log import events_after
from services.case.lists import (
    CATCH_UP_BATCH,
    IncidentLists,
    ListUnavailable,
    PositionMoved,
    move_position,
    position_of,
    sealed,
    sealed_after,
)
from shared.identity import Actor, Role
from shared.process import without_cycle_collection

log = logging.getLogger("meldingenlijst")

_NAME = "verzoekenlijst"
RECEIVED = get_topic(RightsRequest.Received)


class RequestList:
    """Which AVG requests each school and board has, in the incident lists' store (its table
    is made, and emptied for a rebuild, with theirs)."""

    def __init__(self, lists: IncidentLists) -> None:
        self.cases = lists.cases
        self.db = lists.db

    def request_ids(self, actor: Actor) -> list[UUID]:
        """The requests of the handler's school or the board's schools, none missed: the list
        catches up first, and what was received after its position is read from the log.
        ListUnavailable when neither can be read."""
        params: tuple[str, ...]
        if actor.role is Role.CASE_HANDLER:
            where, params = "board_id = ? AND school_id = ?", (actor.board_id, actor.school_id)
        elif actor.role is Role.BOARD:
            where, params = "board_id = ?", (actor.board_id,)
        else:
            return []
        try:
            self.catch_up()
            position, _ = position_of(self.db, _NAME)
            later = [key for key, (board, school) in self._received_after(position).items()
                     if may_see_request(actor, board, school)]  # fmt: skip
            with self.db.connect() as db:
                sql = f"SELECT request_id FROM request_list WHERE {where}"  # noqa: S608 - fixed clauses
                rows = db.execute(self.db.sql(sql), params).fetchall()
        except Exception as error:
            log.warning("De lijst met AVG-verzoeken is niet leesbaar (%s).", type(error).__name__)
            raise ListUnavailable() from error
        # A request can be in both when another follower moved the list on meanwhile: once.
        return [UUID(key) for key in dict.fromkeys(later + [row[0] for row in rows])]

    def catch_up(self) -> int:
        total = 0
        with without_cycle_collection():
            while read := self.run_once():
                total += read
        return total

    def run_once(self, limit: int = CATCH_UP_BATCH) -> int:
        start, _ = position_of(self.db, _NAME)
        events = events_after(self.cases.recorder, start, limit)
        if not events:
            return 0
        received = _places(sealed(self.cases, events, RECEIVED))
        try:
            with self.db.connect() as db:
                move_position(db, self.db, _NAME, start, events[-1].id)
                self.db.insert_many(
                    db,
                    "request_list (request_id, board_id, school_id)",
                    ("text", "text", "text"),
                    [(key, board, school) for key, (board, school) in received.items()],
                    "ON CONFLICT (request_id) DO NOTHING",
                )
        except PositionMoved:
            return 0
        return len(events)

    def _received_after(self, position: int) -> dict[str, tuple[str, str]]:
        return _places(sealed_after(self.cases, position, RECEIVED))


def _places(received: Iterable[Any]) -> dict[str, tuple[str, str]]:
    """Request id -> (board, school), from each request's first event."""
    return {str(event.originator_id): (event.board_id, event.school_id) for event in received}


def may_see_request(actor: Actor, board_id: str, school_id: str) -> bool:
    """A school's handlers see its requests; the board those of its schools."""
    if actor.board_id != board_id:
        return False
    return actor.role is Role.BOARD or (actor.role is Role.CASE_HANDLER and actor.school_id == school_id)
