"""The letters waiting for a second person, as a read model: one row per letter that awaits its
review, kept from the event log with its own position in the incident lists' store, so an
approver's home page counts them without reading any letter's or incident's stream.

A row holds where the letter belongs and who wrote it (never its text or its recipients); the
page asks `approvers_of` whether the person looking may approve it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from eventsourcing.utils import get_topic

from services.case.domain.letter_request import LetterRequest
from services.case.event_log import events_after
from services.case.lists import (
    CATCH_UP_BATCH,
    IncidentLists,
    ListUnavailable,
    PositionMoved,
    move_position,
    position_of,
    sealed,
)
from shared.identity import Actor, Role
from shared.process import without_cycle_collection

log = logging.getLogger("meldingenlijst")

_NAME = "goedkeuringslijst"
REQUESTED = get_topic(LetterRequest.Requested)
DECIDED = frozenset({get_topic(LetterRequest.Approved), get_topic(LetterRequest.Rejected)})
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS review_list (letter_id TEXT PRIMARY KEY, incident_id TEXT NOT NULL,"
    " board_id TEXT NOT NULL, school_id TEXT NOT NULL, author TEXT NOT NULL, letter TEXT NOT NULL,"
    " requested_at TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS review_list_school ON review_list (board_id, school_id)",
    # who was mailed that a letter waits for them ("Er wacht een brief op uw goedkeuring")
    "CREATE TABLE IF NOT EXISTS review_list_asked (letter_id TEXT NOT NULL, approver_id TEXT NOT NULL,"
    " PRIMARY KEY (letter_id, approver_id))",
)


@dataclass(frozen=True)
class WaitingLetter:
    """A letter that waits for its review: where it belongs, which letter, by whom, since when."""

    letter_id: UUID
    incident_id: UUID
    board_id: str
    school_id: str
    author: str
    letter: str
    requested_at: datetime


class ReviewList:
    """Which letters wait for a second person, per school and board."""

    def __init__(self, lists: IncidentLists) -> None:
        self.cases = lists.cases
        self.db = lists.db
        with self.db.schema() as db:
            for statement in _SCHEMA:
                db.execute(statement)

    def waiting(self, actor: Actor) -> list[WaitingLetter]:
        """The letters of the handler's school, or of the OTV's board, that wait; oldest first.
        The list catches up first. ListUnavailable when it cannot be read."""
        params: tuple[str, ...]
        if actor.role is Role.CASE_HANDLER:
            where, params = "board_id = ? AND school_id = ?", (actor.board_id, actor.school_id)
        elif actor.role is Role.OTV:
            where, params = "board_id = ?", (actor.board_id,)
        else:
            return []
        try:
            self.catch_up()
            with self.db.connect() as db:
                columns = "letter_id, incident_id, board_id, school_id, author, letter, requested_at"
                sql = f"SELECT {columns} FROM review_list WHERE {where} ORDER BY requested_at"  # noqa: S608
                rows = db.execute(self.db.sql(sql), params).fetchall()
        except Exception as error:
            log.warning("De lijst met brieven die wachten is niet leesbaar (%s).", type(error).__name__)
            raise ListUnavailable() from error
        return [
            WaitingLetter(UUID(r[0]), UUID(r[1]), r[2], r[3], r[4], r[5], datetime.fromisoformat(r[6]))
            for r in rows
        ]

    def every_waiting(self) -> list[WaitingLetter]:
        """Every letter that waits, for the process that mails their approvers."""
        self.catch_up()
        with self.db.connect() as db:
            rows = db.execute(
                "SELECT letter_id, incident_id, board_id, school_id, author, letter, requested_at"
                " FROM review_list ORDER BY requested_at"
            ).fetchall()
        return [
            WaitingLetter(UUID(r[0]), UUID(r[1]), r[2], r[3], r[4], r[5], datetime.fromisoformat(r[6]))
            for r in rows
        ]

    def asked(self, letter_id: UUID) -> list[str]:
        """Who was mailed that this letter waits for them."""
        with self.db.connect() as db:
            rows = db.execute(
                self.db.sql("SELECT approver_id FROM review_list_asked WHERE letter_id = ?"),
                (str(letter_id),),
            ).fetchall()
        return sorted(r[0] for r in rows)

    def asked_of(self, letter_ids: list[UUID]) -> dict[UUID, list[str]]:
        """Who was mailed for each of these letters, in one query (an incident page's letters)."""
        if not letter_ids:
            return {}
        marks = ", ".join("?" for _ in letter_ids)  # placeholders only: the ids go as parameters
        query = f"SELECT letter_id, approver_id FROM review_list_asked WHERE letter_id IN ({marks})"  # noqa: S608
        with self.db.connect() as db:
            rows = db.execute(
                self.db.sql(query),
                [str(letter_id) for letter_id in letter_ids],
            ).fetchall()
        found: dict[UUID, list[str]] = {}
        for letter_id, approver_id in sorted(rows):
            found.setdefault(UUID(letter_id), []).append(approver_id)
        return found

    def mark_asked(self, letter_id: UUID, approver_id: str) -> None:
        with self.db.connect() as db:
            db.execute(
                self.db.sql(
                    "INSERT INTO review_list_asked (letter_id, approver_id) VALUES (?, ?)"
                    " ON CONFLICT (letter_id, approver_id) DO NOTHING"
                ),
                (str(letter_id), approver_id),
            )

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
        waiting = {
            str(event.originator_id): (
                event.incident_id,
                event.board_id,
                event.school_id,
                event.actor,
                event.letter,
                event.timestamp.astimezone(UTC).isoformat(timespec="microseconds"),
            )
            for event in sealed(self.cases, events, REQUESTED)
            if event.awaiting_review
        }
        decided = {event.originator_id for event in events if event.topic in DECIDED}
        try:
            with self.db.connect() as db:
                move_position(db, self.db, _NAME, start, events[-1].id)
                self.db.insert_many(
                    db,
                    "review_list (letter_id, incident_id, board_id, school_id, author, letter, requested_at)",
                    ("text",) * 7,
                    [(key, *row) for key, row in waiting.items() if key not in decided],
                    "ON CONFLICT (letter_id) DO NOTHING",
                )
                self.db.delete_many(db, "review_list", "letter_id", sorted(decided))
        except PositionMoved:
            return 0
        return len(events)
