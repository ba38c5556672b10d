"""The reporting service's own read model: per incident, its process facts without
personal data, and the position in the event log, written in one transaction.

SQLite file `rapportage.sqlite` in the data folder by default, PostgreSQL when configured.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson

from shared.config import Settings
from shared.database import Database

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS report_incidents (incident_id TEXT PRIMARY KEY, board_id TEXT NOT NULL,"
    " school_id TEXT NOT NULL, facts TEXT NOT NULL)",
    # the school's report reads its own incidents only, whatever the size of the store
    "CREATE INDEX IF NOT EXISTS report_incidents_school ON report_incidents (board_id, school_id)",
    "CREATE TABLE IF NOT EXISTS report_position (name TEXT PRIMARY KEY, position BIGINT NOT NULL,"
    " updated_at TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS report_skipped (notification_id BIGINT PRIMARY KEY, topic TEXT NOT NULL,"
    " reason TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS report_reminders (reminder_key TEXT PRIMARY KEY, sent_at TEXT NOT NULL)",
    # the board overview as running totals, and what each incident contributes to them
    "CREATE TABLE IF NOT EXISTS report_board_totals (board_id TEXT NOT NULL, kind TEXT NOT NULL,"
    " item TEXT NOT NULL, count BIGINT NOT NULL, PRIMARY KEY (board_id, kind, item))",
    "CREATE TABLE IF NOT EXISTS report_contributions (incident_id TEXT PRIMARY KEY, counts TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS report_improvements (incident_id TEXT NOT NULL, version BIGINT NOT NULL,"
    " board_id TEXT NOT NULL, school_id TEXT NOT NULL, at TEXT NOT NULL, text TEXT NOT NULL,"
    " PRIMARY KEY (incident_id, version))",
    "CREATE INDEX IF NOT EXISTS report_improvements_newest ON report_improvements (board_id, at)",
    # improvements a school shared with its board after a second person's review: their text
    "CREATE TABLE IF NOT EXISTS report_shared_improvements (incident_id TEXT NOT NULL,"
    " version BIGINT NOT NULL, board_id TEXT NOT NULL, school_id TEXT NOT NULL, at TEXT NOT NULL,"
    " step TEXT NOT NULL, text TEXT NOT NULL, PRIMARY KEY (incident_id, version))",
    "CREATE INDEX IF NOT EXISTS report_shared_improvements_step"
    " ON report_shared_improvements (board_id, step)",
)
_DERIVED = ("report_incidents", "report_position", "report_skipped", "report_board_totals",
            "report_contributions", "report_improvements", "report_shared_improvements")  # fmt: skip


# Raise when a report counts something that stored facts or totals lack: on its next start the
# store empties itself and the follower rebuilds every report from the first event.
# 2: the board counts incidents that involved another school (issue 24).
REPORTS_VERSION = 2
_BUILT_BY = "opbouwversie"  # a row of report_position: the version, not a position


class PositionMoved(Exception):
    """Raised when another reporting process committed first; this batch is rolled back."""


@dataclass(frozen=True)
class Batch:
    """What one batch of the projector writes, with its position, in one transaction."""

    changed: dict[str, dict[str, Any]]
    skipped: list[tuple[int, str, str]]
    position: int
    at: str
    start: int = 0
    totals: dict[tuple[str, str, str], int] = field(default_factory=dict)
    contributions: dict[str, str] = field(default_factory=dict)
    improvements: dict[str, list[tuple[int, str, str]]] = field(default_factory=dict)
    # per incident the improvements it shared: version, at, step, text
    shared: dict[str, list[tuple[int, str, str, str]]] = field(default_factory=dict)


def _improvement_rows(batch: Batch) -> list[tuple[str, int, str, str, str, str]]:
    rows: list[tuple[str, int, str, str, str, str]] = []
    for incident_id, found in sorted(batch.improvements.items()):
        facts = batch.changed[incident_id]
        board, school = facts["board_id"], facts["school_id"]
        rows.extend((incident_id, v, board, school, at, text) for v, at, text in found)
    return rows


def _shared_rows(batch: Batch) -> list[tuple[str, int, str, str, str, str, str]]:
    rows: list[tuple[str, int, str, str, str, str, str]] = []
    for incident_id, found in sorted(batch.shared.items()):
        facts = batch.changed[incident_id]
        board, school = facts["board_id"], facts["school_id"]
        rows.extend((incident_id, v, board, school, at, step, text) for v, at, step, text in found)
    return rows


class ReportStore:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.db = Database(settings, "rapportage.sqlite")
        with self.db.schema() as db:
            for statement in _SCHEMA:
                db.execute(statement)
        if self.built_by() < REPORTS_VERSION:
            self.reset()  # the follower rebuilds the reports from zero
        else:
            self._mark_built()

    def built_by(self) -> int:
        """The version of the reports that built what is stored (an empty store counts as
        current). Reports from before the version was kept count as version 1."""
        with self.db.connect() as db:
            facts = db.execute("SELECT 1 FROM report_incidents LIMIT 1").fetchone()
            row = db.execute(
                self.db.sql("SELECT position FROM report_position WHERE name = ?"), (_BUILT_BY,)
            ).fetchone()
        if row is not None:
            return int(row[0])
        return 1 if facts is not None else REPORTS_VERSION

    def _mark_built(self) -> None:
        # One statement: processes that start together each mark it, and a delete followed by
        # an insert lets two of them insert the same row.
        with self.db.connect() as db:
            db.execute(
                self.db.sql(
                    "INSERT INTO report_position (name, position, updated_at) VALUES (?, ?, ?)"
                    " ON CONFLICT (name) DO UPDATE SET position = excluded.position"
                ),
                (_BUILT_BY, REPORTS_VERSION, ""),
            )

    def position(self) -> tuple[int, str]:
        with self.db.connect() as db:
            row = db.execute(
                "SELECT position, updated_at FROM report_position WHERE name = 'projecties'"
            ).fetchone()
        return (int(row[0]), str(row[1])) if row else (0, "")

    def facts(self, incident_ids: list[str]) -> dict[str, dict[str, Any]]:
        if not incident_ids:
            return {}
        marks = ", ".join("?" * len(incident_ids))
        with self.db.connect() as db:
            rows = db.execute(
                self.db.sql(
                    f"SELECT incident_id, facts FROM report_incidents WHERE incident_id IN ({marks})"  # noqa: S608
                ),
                incident_ids,
            ).fetchall()
        return {row[0]: orjson.loads(row[1]) for row in rows}

    def all_facts(self, *, board_id: str, school_id: str | None = None) -> list[dict[str, Any]]:
        sql = "SELECT facts FROM report_incidents WHERE board_id = ?"
        params = [board_id]
        if school_id is not None:
            sql += " AND school_id = ?"
            params.append(school_id)
        with self.db.connect() as db:
            rows = db.execute(self.db.sql(sql), params).fetchall()
        return [orjson.loads(row[0]) for row in rows]

    def every_fact(self) -> list[dict[str, Any]]:
        """The facts of every incident of every board: for the reminders, never for a page."""
        with self.db.connect() as db:
            rows = db.execute("SELECT facts FROM report_incidents").fetchall()
        return [orjson.loads(row[0]) for row in rows]

    def contributions(self, incident_ids: list[str]) -> dict[str, str]:
        """What each incident now contributes to its board's totals (encoded)."""
        if not incident_ids:
            return {}
        marks = ", ".join("?" * len(incident_ids))
        sql = "SELECT incident_id, counts FROM report_contributions WHERE incident_id IN (" + marks + ")"  # noqa: S608
        with self.db.connect() as db:
            rows = db.execute(self.db.sql(sql), incident_ids).fetchall()
        return {row[0]: row[1] for row in rows}

    def board_totals(self, board_id: str, kinds: tuple[str, ...] = ()) -> list[tuple[str, str, int]]:
        """The board's running totals (kind, item, count), of the given kinds only if named."""
        sql = "SELECT kind, item, count FROM report_board_totals WHERE board_id = ? AND count > 0"
        if kinds:
            sql += " AND kind IN (" + ", ".join("?" * len(kinds)) + ")"
        with self.db.connect() as db:
            rows = db.execute(self.db.sql(sql), (board_id, *kinds)).fetchall()
        return [(str(r[0]), str(r[1]), int(r[2])) for r in rows]

    def board_items_between(self, board_id: str, kind: str, low: str, high: str) -> list[tuple[str, int]]:
        """The board's totals of one kind whose item lies in [low, high): a range of the index."""
        sql = (
            "SELECT item, count FROM report_board_totals WHERE board_id = ? AND kind = ?"
            " AND item >= ? AND item < ? AND count > 0"
        )
        with self.db.connect() as db:
            rows = db.execute(self.db.sql(sql), (board_id, kind, low, high)).fetchall()
        return [(str(r[0]), int(r[1])) for r in rows]

    def board_last_item(self, board_id: str, kind: str) -> str:
        """The highest item of one kind of the board's totals ('' when none): one step down
        the index."""
        sql = "SELECT MAX(item) FROM report_board_totals WHERE board_id = ? AND kind = ?"
        with self.db.connect() as db:
            row = db.execute(self.db.sql(sql), (board_id, kind)).fetchone()
        return str(row[0]) if row and row[0] is not None else ""

    def board_improvements(self, board_id: str, limit: int = 50) -> list[dict[str, Any]]:
        """The newest protocol improvements of the board's evaluations."""
        with self.db.connect() as db:
            rows = db.execute(
                self.db.sql(
                    "SELECT at, school_id, text FROM report_improvements WHERE board_id = ?"
                    " ORDER BY at DESC, incident_id, version LIMIT ?"
                ),
                (board_id, limit),
            ).fetchall()
        return [{"at": datetime.fromisoformat(r[0]), "school_id": r[1], "text": r[2]} for r in rows]

    def board_shared_improvements(self, board_id: str, limit: int = 200) -> list[dict[str, Any]]:
        """The improvements the board's schools shared, by step and newest first."""
        with self.db.connect() as db:
            rows = db.execute(
                self.db.sql(
                    "SELECT at, school_id, step, text FROM report_shared_improvements WHERE board_id = ?"
                    " ORDER BY step, at DESC, incident_id, version LIMIT ?"
                ),
                (board_id, limit),
            ).fetchall()
        return [
            {"at": datetime.fromisoformat(r[0]), "school_id": r[1], "step": r[2], "text": r[3]} for r in rows
        ]

    def commit(self, batch: Batch) -> None:
        """Writes the changed incidents, the board totals, the skipped events and the new
        position at once, one statement per table."""
        with self.db.connect() as db:
            self.db.insert_many(
                db,
                "report_incidents (incident_id, board_id, school_id, facts)",
                ("text", "text", "text", "text"),
                [
                    (incident_id, facts["board_id"], facts["school_id"], orjson.dumps(facts).decode())
                    for incident_id, facts in batch.changed.items()
                ],
                "ON CONFLICT (incident_id) DO UPDATE SET facts = excluded.facts",
            )
            self.db.insert_many(
                db,
                "report_board_totals (board_id, kind, item, count)",
                ("text", "text", "text", "bigint"),
                [(board, kind, item, change) for (board, kind, item), change in sorted(batch.totals.items())],
                "ON CONFLICT (board_id, kind, item) DO UPDATE"
                " SET count = report_board_totals.count + excluded.count",
            )
            self.db.insert_many(
                db,
                "report_contributions (incident_id, counts)",
                ("text", "text"),
                sorted(batch.contributions.items()),
                "ON CONFLICT (incident_id) DO UPDATE SET counts = excluded.counts",
            )
            self.db.delete_many(db, "report_improvements", "incident_id", sorted(batch.improvements))
            self.db.insert_many(
                db,
                "report_improvements (incident_id, version, board_id, school_id, at, text)",
                ("text", "bigint", "text", "text", "text", "text"),
                _improvement_rows(batch),
            )
            self.db.delete_many(db, "report_shared_improvements", "incident_id", sorted(batch.shared))
            self.db.insert_many(
                db,
                "report_shared_improvements (incident_id, version, board_id, school_id, at, step, text)",
                ("text", "bigint", "text", "text", "text", "text", "text"),
                _shared_rows(batch),
            )
            self.db.insert_many(
                db,
                "report_skipped (notification_id, topic, reason)",
                ("bigint", "text", "text"),
                batch.skipped,
                "ON CONFLICT (notification_id) DO NOTHING",
            )
            # The position only moves on from where the batch began: a second reporting process
            # that read the same events fails here and rolls back, so no total is added twice.
            moved = db.execute(
                self.db.sql(
                    "UPDATE report_position SET position = ?, updated_at = ?"
                    " WHERE name = 'projecties' AND position = ?"
                ),
                (batch.position, batch.at, batch.start),
            ).rowcount
            if not moved:
                inserted = db.execute(
                    self.db.sql(
                        "INSERT INTO report_position (name, position, updated_at) VALUES ('projecties', ?, ?)"
                        " ON CONFLICT (name) DO NOTHING"
                    ),
                    (batch.position, batch.at),
                ).rowcount
                if batch.start or not inserted:
                    raise PositionMoved()

    def skipped(self) -> list[tuple[int, str, str]]:
        with self.db.connect() as db:
            rows = db.execute(
                "SELECT notification_id, topic, reason FROM report_skipped ORDER BY 1"
            ).fetchall()
        return [(int(r[0]), str(r[1]), str(r[2])) for r in rows]

    def reminder_known(self, key: str) -> bool:
        with self.db.connect() as db:
            row = db.execute(
                self.db.sql("SELECT 1 FROM report_reminders WHERE reminder_key = ?"), (key,)
            ).fetchone()
        return row is not None

    def reminder_sent(self, key: str, at: str) -> bool:
        """Notes a reminder; False when it was noted before (one reminder per overdue moment)."""
        with self.db.connect() as db:
            cursor = db.execute(
                self.db.sql(
                    "INSERT INTO report_reminders (reminder_key, sent_at) VALUES (?, ?)"
                    " ON CONFLICT DO NOTHING"
                ),
                (key, at),
            )
            return bool(cursor.rowcount)

    def reset(self) -> None:
        """Empties the reports for a rebuild. PostgreSQL truncates: rows deleted one by one
        stay behind as dead rows that every look-up of the rebuild would wade through."""
        with self.db.connect() as db:
            if self.db.postgres:
                db.execute(f"TRUNCATE {', '.join(_DERIVED)}")  # fixed table names
            else:
                for table in _DERIVED:
                    db.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
        self._mark_built()  # what is built from here on is built by this version
