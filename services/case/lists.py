"""The incident lists as a read model: one row per incident (school, board, status, when it
was opened, how many actions) and the staff members granted read access, kept from the event
log with a position, so a list page costs what it shows, not how big the store has grown.

Each batch of notifications and the new position are written in one transaction, and the
position only moves from the value the batch started at: a crash or a second follower loses
the batch or nothing. Only the events that change a row are decoded; every other event of an
incident (also a type this version does not know) only raises its version. The reporting
process follows the log in the background; a list page catches up the last few events itself,
so a handler sees their own action at once.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic

from services.case.application import CaseManagement
from services.case.domain.errors import CaseError
from services.case.domain.incident import Incident
from services.case.event_log import LoggedEvent, events_after
from shared.config import Settings
from shared.database import Database
from shared.identity import Actor, Role, may_see
from shared.process import without_cycle_collection

log = logging.getLogger("meldingenlijst")

BATCH = 1000
CATCH_UP_BATCH = 10_000  # following in the background or rebuilding: fewer, larger transactions
PAGE_SIZE = 50
SEARCH_PAGE = 500
INCIDENT_TOPICS = "services.case.domain.incident:Incident."
_NAME = "meldingenlijst"
_DECODED: dict[str, type] = {
    get_topic(event_class): event_class
    for event_class in (
        Incident.Opened,
        Incident.StaffAccessGranted,
        Incident.StaffAccessRevoked,
        Incident.Corrected,
    )
}
_OPENED = get_topic(Incident.Opened)
_STATUS_OF = {get_topic(Incident.Closed): "gesloten", get_topic(Incident.Reopened): "open"}

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS incident_list (incident_id TEXT PRIMARY KEY, board_id TEXT NOT NULL,"
    " school_id TEXT NOT NULL, opened_at TEXT NOT NULL, situation TEXT NOT NULL, status TEXT NOT NULL,"
    " version BIGINT NOT NULL, access TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS incident_list_school ON incident_list (board_id, school_id, opened_at)",
    "CREATE INDEX IF NOT EXISTS incident_list_board ON incident_list (board_id, opened_at)",
    "CREATE TABLE IF NOT EXISTS incident_list_staff (staff_id TEXT NOT NULL, incident_id TEXT NOT NULL,"
    " PRIMARY KEY (staff_id, incident_id))",
    "CREATE TABLE IF NOT EXISTS incident_list_position (name TEXT PRIMARY KEY, position BIGINT NOT NULL,"
    " updated_at TEXT NOT NULL)",
    # the AVG requests, followed with a position of their own (services/case/request_list.py)
    "CREATE TABLE IF NOT EXISTS request_list (request_id TEXT PRIMARY KEY, board_id TEXT NOT NULL,"
    " school_id TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS request_list_school ON request_list (board_id, school_id)",
)


_COLUMNS = "SELECT l.incident_id, l.board_id, l.school_id, l.opened_at, l.situation, l.status, l.version"
_OF_SCHOOL = _COLUMNS + " FROM incident_list l WHERE l.board_id = ? AND l.school_id = ?"
_OF_BOARD = _COLUMNS + " FROM incident_list l WHERE l.board_id = ?"
_OF_STAFF = (
    _COLUMNS + " FROM incident_list_staff s JOIN incident_list l ON l.incident_id = s.incident_id"
    " WHERE s.staff_id = ? AND l.board_id = ? AND l.school_id = ?"
)
_CURRENT = (
    "SELECT incident_id, board_id, school_id, opened_at, situation, status, version, access"
    " FROM incident_list"
)
_NEWEST_FIRST = " ORDER BY l.opened_at DESC, l.incident_id DESC LIMIT ? OFFSET ?"


class ListUnavailable(CaseError):
    """Raised when the list of incidents cannot be read; never shown as an empty list."""

    message = (
        "De lijst met meldingen kan nu niet worden gelezen. Er is niets verloren; "
        "probeer het over een ogenblik opnieuw."
    )


class PositionMoved(Exception):
    """Raised inside a batch when another follower committed first; the batch is rolled back."""


@dataclass(frozen=True)
class ListedIncident:
    """One line of an incident list."""

    id: UUID
    board_id: str
    school_id: str
    opened_at: datetime
    situation: str
    status: str
    version: int

    @property
    def action_count(self) -> int:
        return self.version - 1


@dataclass(frozen=True)
class ListPage:
    """A page of a list, with how fresh the read model is."""

    incidents: list[ListedIncident]
    page: int
    has_next: bool
    position: int
    updated_at: str
    behind: int


class IncidentLists:
    """The read model behind every page that lists incidents."""

    def __init__(self, settings: Settings, cases: CaseManagement, *, file_name: str = "meldingen.sqlite"):
        self.cases = cases
        self.db = Database(settings, file_name)
        with self.db.schema() as db:
            for statement in _SCHEMA:
                db.execute(statement)

    # ------------------------------------------------------------------ reading

    def page(self, actor: Actor, page: int = 1, *, catch_up_batches: int = 2) -> ListPage:
        """The actor's incidents, newest first, PAGE_SIZE at a time (hard rule 4 in the query).

        Catches up a few batches first, so the handler's own action is in the list."""
        page = max(1, page)
        try:
            for _ in range(catch_up_batches):
                if not self.run_once():
                    break
        except Exception as error:  # the page then says how far behind the list is
            log.warning("De meldingenlijst bijwerken lukt nu niet (%s).", type(error).__name__)
        try:
            rows = self._rows(actor, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
            position, updated_at = self.position()
            newest = self.cases.recorder.max_notification_id() or 0
        except Exception as error:
            log.warning("De meldingenlijst is niet leesbaar (%s).", type(error).__name__)
            raise ListUnavailable() from error
        shown = [row for row in rows if may_see_row(actor, row)]  # the query's filter, checked again
        return ListPage(
            shown[:PAGE_SIZE], page, len(rows) > PAGE_SIZE, position, updated_at, max(0, newest - position)
        )

    def every_incident_id(self, actor: Actor) -> list[UUID]:
        """Every incident the actor may see, newest first, none missed: for a search (the AVG
        desk), not a page. The list catches up first; an incident opened after the position it
        reached (another follower was busy, or events keep coming) is read from the log itself.
        ListUnavailable when neither can be read."""
        try:
            self.catch_up()
            position, _ = self.position()
            found = self._opened_after(actor, position)
            offset = 0
            while rows := self._rows(actor, limit=SEARCH_PAGE, offset=offset):
                found += [row.id for row in rows if may_see_row(actor, row)]
                offset += SEARCH_PAGE
        except Exception as error:
            log.warning("De meldingenlijst is niet leesbaar (%s).", type(error).__name__)
            raise ListUnavailable() from error
        return list(dict.fromkeys(found))  # in both when another follower moved the list on meanwhile

    def _opened_after(self, actor: Actor, position: int) -> list[UUID]:
        opened = [
            incident.originator_id
            for incident in sealed_after(self.cases, position, _OPENED)
            if may_see(actor, board_id=incident.board_id, school_id=incident.school_id)
        ]
        return opened[::-1]

    def _rows(self, actor: Actor, *, limit: int, offset: int) -> list[ListedIncident]:
        params: tuple[str, ...]
        if actor.role is Role.CASE_HANDLER:
            sql, params = _OF_SCHOOL, (actor.board_id, actor.school_id)
        elif actor.role in (Role.OTV, Role.BOARD):
            sql, params = _OF_BOARD, (actor.board_id,)
        elif actor.role is Role.STAFF:
            sql, params = _OF_STAFF, (actor.id, actor.board_id, actor.school_id)
        else:
            return []
        with self.db.connect() as db:
            found = db.execute(self.db.sql(sql + _NEWEST_FIRST), (*params, limit, offset)).fetchall()
        return [
            ListedIncident(UUID(r[0]), r[1], r[2], datetime.fromisoformat(r[3]), r[4], r[5], int(r[6]))
            for r in found
        ]

    def position(self) -> tuple[int, str]:
        return position_of(self.db, _NAME)

    # ------------------------------------------------------------------ following

    def run_once(self, limit: int = BATCH) -> int:
        """Folds the next batch into the rows; returns how many notifications it read."""
        start, _ = self.position()
        notifications = events_after(self.cases.recorder, start, limit)
        if not notifications:
            return 0
        incident_events = [n for n in notifications if n.topic.startswith(INCIDENT_TOPICS)]
        # An incident opened in this batch has no row yet: only the others are looked up.
        opened = {n.originator_id for n in incident_events if n.originator_version == 1}
        rows = self._current(sorted({n.originator_id for n in incident_events} - opened))
        changed: set[str] = set()
        for notification in incident_events:
            key = notification.originator_id
            if self._fold(rows, key, notification):
                changed.add(key)
        try:
            self._commit(start, notifications[-1].id, {k: rows[k] for k in changed})
        except PositionMoved:
            return 0
        return len(notifications)

    def catch_up(self) -> int:
        total = 0
        with without_cycle_collection():
            while read := self.run_once(CATCH_UP_BATCH):
                total += read
        return total

    def rebuild(self) -> int:
        tables = ("incident_list", "incident_list_staff", "incident_list_position", "request_list")
        with self.db.connect() as db:
            if self.db.postgres:
                db.execute(f"TRUNCATE {', '.join(tables)}")  # fixed names; no dead rows left behind
            else:
                for table in tables:
                    db.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
        return self.catch_up()

    def lag(self) -> int:
        return max(0, (self.cases.recorder.max_notification_id() or 0) - self.position()[0])

    def _fold(self, rows: dict[str, dict[str, Any]], key: str, notification: LoggedEvent) -> bool:
        """Applies one incident event to its row; False when the event is not about a listed one."""
        kind = _DECODED.get(notification.topic)
        row = rows.get(key)
        if row is None and kind is not Incident.Opened:
            return False
        if kind is not None:
            try:
                event = self.cases.sealed_event(notification.stored())  # no key needed
            except Exception as error:  # a damaged event: the list still counts it
                log.warning("Gebeurtenis %d niet gelezen (%s).", notification.id, type(error).__name__)
                event = None
            if kind is Incident.Opened:
                if event is None or row is not None:
                    return False
                rows[key] = row = {
                    "board_id": event.board_id,
                    "school_id": event.school_id,
                    "opened_at": event.timestamp.astimezone(UTC).isoformat(timespec="microseconds"),
                    "situation": event.situation,
                    "status": "open",
                    "version": 0,
                    "access": [],
                }
            elif event is not None and row is not None:
                _fold_access(row["access"], kind, event)
        assert row is not None
        row["status"] = _STATUS_OF.get(notification.topic, row["status"])
        row["version"] = max(row["version"], notification.originator_version or 0)
        return True

    def _current(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        if not ids:
            return {}
        marks = ", ".join("?" * len(ids))
        with self.db.connect() as db:
            sql = _CURRENT + " WHERE incident_id IN (" + marks + ")"
            found = db.execute(self.db.sql(sql), ids).fetchall()
        return {
            r[0]: {
                "board_id": r[1],
                "school_id": r[2],
                "opened_at": r[3],
                "situation": r[4],
                "status": r[5],
                "version": int(r[6]),
                "access": json.loads(r[7]),
            }
            for r in found
        }

    def _commit(self, start: int, position: int, rows: dict[str, dict[str, Any]]) -> None:
        with self.db.connect() as db:
            move_position(db, self.db, _NAME, start, position)
            _write_rows(db, self.db, rows)


def move_position(db: Any, database: Database, name: str, start: int, position: int) -> None:
    """Moves a follower's position in this store from `start` to `position`, inside the batch's
    transaction; PositionMoved when another follower moved it first (the batch rolls back)."""
    at = datetime.now(UTC).isoformat(timespec="seconds")
    moved = db.execute(
        database.sql(
            "UPDATE incident_list_position SET position = ?, updated_at = ? WHERE name = ? AND position = ?"
        ),
        (position, at, name, start),
    )
    if moved.rowcount:
        return
    if start:
        raise PositionMoved()
    inserted = db.execute(
        database.sql(
            "INSERT INTO incident_list_position (name, position, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (name) DO NOTHING"
        ),
        (name, position, at),
    )
    if not inserted.rowcount:
        raise PositionMoved()


def sealed(cases: CaseManagement, events: Iterable[LoggedEvent], topic: str) -> Iterator[Any]:
    """The events of one topic, read without a key; a damaged one is skipped with a warning (the
    chain check reports it), so one bad event does not take a list down."""
    for event in events:
        if event.topic != topic:
            continue
        try:
            yield cases.sealed_event(event.stored())
        except Exception as error:
            log.warning("Gebeurtenis %d niet gelezen (%s).", event.id, type(error).__name__)


def sealed_after(cases: CaseManagement, position: int, topic: str) -> Iterator[Any]:
    """`sealed` over the whole log after `position`: the tail a list has not taken in yet."""
    while events := events_after(cases.recorder, position, CATCH_UP_BATCH):
        yield from sealed(cases, events, topic)
        position = events[-1].id


def position_of(database: Database, name: str) -> tuple[int, str]:
    """A follower's position in this store and when it last moved."""
    with database.connect() as db:
        row = db.execute(
            database.sql("SELECT position, updated_at FROM incident_list_position WHERE name = ?"), (name,)
        ).fetchone()
    return (int(row[0]), str(row[1])) if row else (0, "")


def _write_rows(db: Any, database: Database, rows: dict[str, dict[str, Any]]) -> None:
    """Bulk upserts of the changed rows and their staff access, inside the batch's transaction."""
    if not rows:
        return
    database.insert_many(
        db,
        "incident_list (incident_id, board_id, school_id, opened_at, situation, status, version, access)",
        ("text", "text", "text", "text", "text", "text", "bigint", "text"),
        [
            (
                key,
                row["board_id"],
                row["school_id"],
                row["opened_at"],
                row["situation"],
                row["status"],
                row["version"],
                json.dumps(row["access"]),
            )
            for key, row in rows.items()
        ],
        "ON CONFLICT (incident_id) DO UPDATE SET"
        " status = excluded.status, version = excluded.version, access = excluded.access",
    )
    with_access = [key for key, row in rows.items() if row["access"]]
    database.delete_many(db, "incident_list_staff", "incident_id", with_access)
    database.insert_many(
        db,
        "incident_list_staff (staff_id, incident_id)",
        ("text", "text"),
        [(staff, key) for key in with_access for staff in staff_with_access(rows[key]["access"])],
    )


def _fold_access(access: list[dict[str, Any]], kind: type, event: Any) -> None:
    """Keeps the grants, revocations and their corrections, as Incident.staff_with_access reads them."""
    if kind in (Incident.StaffAccessGranted, Incident.StaffAccessRevoked):
        access.append(
            {
                "version": event.originator_version,
                "grant": kind is Incident.StaffAccessGranted,
                "staff_id": event.staff_id,
                "withdrawn": False,
            }
        )
        return
    for entry in access:  # Corrected
        if entry["version"] == event.corrects:
            changes = event.changes if isinstance(event.changes, dict) else {}
            entry["staff_id"] = str(changes.get("staff_id", entry["staff_id"]))
            entry["withdrawn"] = entry["withdrawn"] or bool(event.withdraws)


def staff_with_access(access: list[dict[str, Any]]) -> set[str]:
    granted: set[str] = set()
    for entry in sorted(access, key=lambda e: e["version"]):
        if entry["withdrawn"]:
            continue
        if entry["grant"]:
            granted.add(entry["staff_id"])
        else:
            granted.discard(entry["staff_id"])
    return granted


def may_see_row(actor: Actor, row: ListedIncident) -> bool:
    """Hard rule 4 once more over what the query returned; staff rows come from their grants."""
    if actor.role is Role.STAFF:
        return actor.board_id == row.board_id and actor.school_id == row.school_id
    return may_see(actor, board_id=row.board_id, school_id=row.school_id)
