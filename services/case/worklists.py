"""The home page's read model: each person's open tasks across incidents, and the new
meldingen their care team was alerted of, kept from the event log with a position of its
own (as services/case/lists.py keeps the incident list), so a home page costs what it
shows, not how big the store has grown.

Only the coordination events and the looks at an incident (which clear a "Nieuwe melding")
are decoded, without a key: what a task is, typed by a person, stays sealed in its event.
It also remembers which alerts and overdue tasks were mailed, so each goes out once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic

from services.case.application import CaseManagement
from services.case.domain.access import AccessLog
from services.case.domain.incident import Incident
from services.case.domain.letter_request import LetterRequest
from services.case.event_log import events_after
from services.case.lists import PositionMoved, move_position, position_of
from shared.config import Settings
from shared.database import Database
from shared.process import without_cycle_collection

log = logging.getLogger("takenlijst")

BATCH = 1000
CATCH_UP_BATCH = 10_000
SHOWN = 100
_NAME = "takenlijst"
_TOPICS: dict[str, type] = {
    get_topic(event_class): event_class
    for event_class in (
        Incident.Opened,
        Incident.Closed,
        Incident.Reopened,
        Incident.CareTeamAlerted,
        Incident.ColleagueAdded,
        Incident.TaskCreated,
        Incident.TaskReassigned,
        Incident.TaskDone,
        Incident.TaskReopened,
        Incident.OtherSchoolNotified,
        AccessLog.Viewed,
        LetterRequest.Approved,  # a school's notice may go out now
    )
}
WAITING_FOR_REVIEW = -1  # school_notices.mailed while the notice's letter awaits its review (-1 below)

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS task_list (incident_id TEXT NOT NULL, number BIGINT NOT NULL,"
    " board_id TEXT NOT NULL, school_id TEXT NOT NULL, step TEXT NOT NULL, suggestion TEXT NOT NULL,"
    " owner_id TEXT NOT NULL, due_on TEXT NOT NULL, status TEXT NOT NULL, reminded TEXT NOT NULL,"
    " PRIMARY KEY (incident_id, number))",
    "CREATE INDEX IF NOT EXISTS task_list_owner ON task_list (owner_id, status, due_on)",
    "CREATE INDEX IF NOT EXISTS task_list_school ON task_list (board_id, school_id, status, due_on)",
    "CREATE TABLE IF NOT EXISTS care_alerts (member_id TEXT NOT NULL, incident_id TEXT NOT NULL,"
    " board_id TEXT NOT NULL, school_id TEXT NOT NULL, alerted_at TEXT NOT NULL, log_id TEXT NOT NULL,"
    " seen INTEGER NOT NULL, mailed INTEGER NOT NULL, reason TEXT NOT NULL DEFAULT 'zorgteam',"
    " PRIMARY KEY (member_id, incident_id))",
    "CREATE INDEX IF NOT EXISTS care_alerts_log ON care_alerts (log_id)",
    # mailed: -1 while the notice awaits its review, 0 once it may go out, 1 once published
    "CREATE TABLE IF NOT EXISTS school_notices (incident_id TEXT NOT NULL, number BIGINT NOT NULL,"
    " board_id TEXT NOT NULL, school_id TEXT NOT NULL, mailed INTEGER NOT NULL,"
    " PRIMARY KEY (incident_id, number))",
    "CREATE TABLE IF NOT EXISTS task_incidents (incident_id TEXT PRIMARY KEY, board_id TEXT NOT NULL,"
    " school_id TEXT NOT NULL, status TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS incident_list_position (name TEXT PRIMARY KEY, position BIGINT NOT NULL,"
    " updated_at TEXT NOT NULL)",
)
_TASK = (
    "SELECT incident_id, number, board_id, school_id, step, suggestion, owner_id, due_on, status"
    " FROM task_list"
)


@dataclass(frozen=True)
class ListedTask:
    """One open task on a home page: where it belongs and by when; what it is stays in its event."""

    incident_id: UUID
    number: int
    board_id: str
    school_id: str
    step: str
    suggestion: str
    owner_id: str
    due_on: date
    status: str

    def overdue(self, today: date) -> bool:
        return self.status == "open" and self.due_on < today


@dataclass(frozen=True)
class Alert:
    """A new melding the person's care team was told of, or that they were added to."""

    incident_id: UUID
    alerted_at: datetime


class Worklists:
    """Open tasks per person and per school, and the care team's alerts."""

    def __init__(self, settings: Settings, cases: CaseManagement, *, file_name: str = "meldingen.sqlite"):
        self.cases = cases
        self.db = Database(settings, file_name)
        with self.db.schema() as db:
            for statement in _SCHEMA:
                db.execute(statement)
            present = {column[0] for column in db.execute("SELECT * FROM care_alerts LIMIT 0").description}
            if "reason" not in present:  # a list made before an added colleague was told why
                db.execute("ALTER TABLE care_alerts ADD COLUMN reason TEXT NOT NULL DEFAULT 'zorgteam'")
            notices = {column[0] for column in db.execute("SELECT * FROM school_notices LIMIT 0").description}
            if "letter_id" not in notices:  # a list made before a notice waited for its review
                db.execute("ALTER TABLE school_notices ADD COLUMN letter_id TEXT NOT NULL DEFAULT ''")
            db.execute("CREATE INDEX IF NOT EXISTS school_notices_letter ON school_notices (letter_id)")

    # ------------------------------------------------------------------ reading

    def open_tasks_of(
        self, owner_id: str, board_id: str, school_id: str, *, catch_up: bool = True
    ) -> list[ListedTask]:
        """A person's open tasks at their own school, overdue first (the earliest date first)."""
        if catch_up:
            self._catch_up_quietly()
        sql = _TASK + " WHERE owner_id = ? AND status = 'open' AND board_id = ? AND school_id = ?"
        return self._tasks(
            sql + " ORDER BY due_on, incident_id, number LIMIT ?", (owner_id, board_id, school_id, SHOWN)
        )

    def open_tasks_of_school(self, board_id: str, school_id: str) -> list[ListedTask]:
        """Every open task of a school, earliest date first: whose owner left shows from here."""
        sql = (
            _TASK
            + " WHERE board_id = ? AND school_id = ? AND status = 'open' ORDER BY due_on, incident_id, number"
        )
        return self._tasks(sql, (board_id, school_id))

    def alerts_of(self, member_id: str, board_id: str, school_id: str) -> list[Alert]:
        """New meldingen the person was told of and has not looked at yet, newest first."""
        with self.db.connect() as db:
            rows = db.execute(
                self.db.sql(
                    "SELECT a.incident_id, a.alerted_at FROM care_alerts a"
                    " JOIN task_incidents i ON i.incident_id = a.incident_id"
                    " WHERE a.member_id = ? AND a.board_id = ? AND a.school_id = ? AND a.seen = 0"
                    " AND i.status = 'open' ORDER BY a.alerted_at DESC LIMIT ?"
                ),
                (member_id, board_id, school_id, SHOWN),
            ).fetchall()
        return [Alert(UUID(r[0]), datetime.fromisoformat(r[1])) for r in rows]

    def unmailed_alerts(self) -> list[tuple[str, UUID, str, str, str]]:
        """(member, incident, board, school, why) of every alert not mailed yet; why is
        "zorgteam" for the care team at opening, "toegevoegd" for a colleague added since."""
        with self.db.connect() as db:
            rows = db.execute(
                "SELECT member_id, incident_id, board_id, school_id, reason FROM care_alerts WHERE mailed = 0"
            ).fetchall()
        return [(r[0], UUID(r[1]), r[2], r[3], r[4]) for r in rows]

    def alert_mailed(self, member_id: str, incident_id: UUID) -> None:
        with self.db.connect() as db:
            db.execute(
                self.db.sql("UPDATE care_alerts SET mailed = 1 WHERE member_id = ? AND incident_id = ?"),
                (member_id, str(incident_id)),
            )

    def unmailed_school_notices(self) -> list[tuple[UUID, int, str, str]]:
        """(incident, school number, board, school) of every notice to another school that a
        second person approved and that was not sent yet."""
        with self.db.connect() as db:
            rows = db.execute(
                "SELECT incident_id, number, board_id, school_id FROM school_notices WHERE mailed = 0"
            ).fetchall()
        return [(UUID(r[0]), int(r[1]), r[2], r[3]) for r in rows]

    def school_notice_mailed(self, incident_id: UUID, number: int) -> None:
        with self.db.connect() as db:
            db.execute(
                self.db.sql("UPDATE school_notices SET mailed = 1 WHERE incident_id = ? AND number = ?"),
                (str(incident_id), number),
            )

    def overdue_unreminded(self, today: date) -> list[ListedTask]:
        """Open tasks past their date whose owner was not reminded of this owner and date yet."""
        sql = _TASK + " WHERE status = 'open' AND due_on < ? AND reminded <> owner_id || '@' || due_on"
        return self._tasks(sql, (today.isoformat(),))

    def task_reminded(self, task: ListedTask) -> None:
        with self.db.connect() as db:
            db.execute(
                self.db.sql("UPDATE task_list SET reminded = ? WHERE incident_id = ? AND number = ?"),
                (f"{task.owner_id}@{task.due_on.isoformat()}", str(task.incident_id), task.number),
            )

    def _tasks(self, sql: str, params: tuple[Any, ...]) -> list[ListedTask]:
        with self.db.connect() as db:
            rows = db.execute(self.db.sql(sql), params).fetchall()
        return [
            ListedTask(UUID(r[0]), int(r[1]), r[2], r[3], r[4], r[5], r[6], date.fromisoformat(r[7]), r[8])
            for r in rows
        ]

    # ------------------------------------------------------------------ following

    def position(self) -> tuple[int, str]:
        return position_of(self.db, _NAME)

    def run_once(self, limit: int = BATCH) -> int:
        """Folds the next batch into the tables; returns how many notifications it read."""
        start, _ = self.position()
        notifications = events_after(self.cases.recorder, start, limit)
        if not notifications:
            return 0
        try:
            with self.db.connect() as db:
                move_position(db, self.db, _NAME, start, notifications[-1].id)
                for notification in notifications:
                    kind = _TOPICS.get(notification.topic)
                    if kind is None:
                        continue
                    try:
                        event = self.cases.sealed_event(notification.stored())  # no key needed
                    except Exception as error:  # a damaged event: the chain check reports it
                        log.warning(
                            "Gebeurtenis %d niet gelezen (%s).", notification.id, type(error).__name__
                        )
                        continue
                    self._fold(db, kind, event)
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
        """From the first event again. What was mailed is forgotten: the notices go out again
        with their own message_id, which the notifier sends once."""
        with self.db.connect() as db:
            for table in ("task_list", "care_alerts", "task_incidents", "school_notices"):
                db.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
            db.execute(self.db.sql("DELETE FROM incident_list_position WHERE name = ?"), (_NAME,))
        return self.catch_up()

    def _catch_up_quietly(self) -> None:
        """A home page catches up the last events itself; when it cannot, it shows what it has."""
        try:
            for _ in range(2):
                if not self.run_once():
                    break
        except Exception as error:
            log.warning("De takenlijst bijwerken lukt nu niet (%s).", type(error).__name__)

    def _fold(self, db: Any, kind: type, event: Any) -> None:
        run = lambda sql, params: db.execute(self.db.sql(sql), params)  # noqa: E731
        incident_id = str(event.originator_id)
        if kind is Incident.Opened:
            run(
                "INSERT INTO task_incidents (incident_id, board_id, school_id, status)"
                " VALUES (?, ?, ?, 'open')"
                " ON CONFLICT (incident_id) DO NOTHING",
                (incident_id, event.board_id, event.school_id),
            )
        elif kind in (Incident.Closed, Incident.Reopened):
            status = "gesloten" if kind is Incident.Closed else "open"
            run("UPDATE task_incidents SET status = ? WHERE incident_id = ?", (status, incident_id))
        elif kind in (Incident.CareTeamAlerted, Incident.ColleagueAdded):
            members = event.members if kind is Incident.CareTeamAlerted else [event.colleague_id]
            reason = "zorgteam" if kind is Incident.CareTeamAlerted else "toegevoegd"
            school = self._school(db, incident_id)
            log_id = str(AccessLog.create_id(UUID(incident_id)))
            at = event.timestamp.astimezone(UTC).isoformat(timespec="seconds")
            for member in members:
                run(
                    "INSERT INTO care_alerts (member_id, incident_id, board_id, school_id, alerted_at,"
                    " log_id, seen, mailed, reason) VALUES (?, ?, ?, ?, ?, ?, 0, 0, ?)"
                    " ON CONFLICT (member_id, incident_id) DO NOTHING",
                    (member, incident_id, *school, at, log_id, reason),
                )
        elif kind is AccessLog.Viewed:
            if event.allowed:
                run(
                    "UPDATE care_alerts SET seen = 1 WHERE log_id = ? AND member_id = ?",
                    (incident_id, event.actor),
                )
        elif kind is Incident.TaskCreated:
            run(
                "INSERT INTO task_list (incident_id, number, board_id, school_id, step, suggestion, owner_id,"
                " due_on, status, reminded) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open', '')"
                " ON CONFLICT (incident_id, number) DO NOTHING",
                (incident_id, event.number, *self._school(db, incident_id), event.step, event.suggestion,
                 event.owner_id, event.due_on),
            )  # fmt: skip
        elif kind is Incident.OtherSchoolNotified:
            if event.how == "bericht":  # the standard notice goes out once; a call sends nothing
                # It waits for its letter's review; one recorded before notices were reviewed does not.
                mailed = WAITING_FOR_REVIEW if event.letter_id else 0
                run(
                    "INSERT INTO school_notices (incident_id, number, board_id, school_id, mailed, letter_id)"
                    " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (incident_id, number) DO UPDATE"
                    " SET letter_id = excluded.letter_id WHERE school_notices.mailed = -1",
                    (incident_id, event.number, *self._school(db, incident_id), mailed, event.letter_id),
                )
        elif kind is LetterRequest.Approved:
            run(
                "UPDATE school_notices SET mailed = 0 WHERE letter_id = ? AND mailed = -1",
                (str(event.originator_id),),
            )
        elif kind is Incident.TaskReassigned:
            run(
                "UPDATE task_list SET owner_id = ?, due_on = ? WHERE incident_id = ? AND number = ?",
                (event.owner_id, event.due_on, incident_id, event.number),
            )
        elif kind in (Incident.TaskDone, Incident.TaskReopened):
            status = "gedaan" if kind is Incident.TaskDone else "open"
            run(
                "UPDATE task_list SET status = ? WHERE incident_id = ? AND number = ?",
                (status, incident_id, event.number),
            )

    def _school(self, db: Any, incident_id: str) -> tuple[str, str]:
        row = db.execute(
            self.db.sql("SELECT board_id, school_id FROM task_incidents WHERE incident_id = ?"),
            (incident_id,),
        ).fetchone()
        if row:
            return str(row[0]), str(row[1])
        opened = self.cases.opened_event(UUID(incident_id))  # opened before this list existed
        db.execute(
            self.db.sql(
                "INSERT INTO task_incidents (incident_id, board_id, school_id, status)"
                " VALUES (?, ?, ?, 'open')"
            ),
            (incident_id, opened.board_id, opened.school_id),
        )
        return opened.board_id, opened.school_id
