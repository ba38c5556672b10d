"""The reporting service's own read model: per incident, its process facts without
personal data, and the position in the event log, written in one transaction.

SQLite file `rapportage.sqlite` in the data folder by default, PostgreSQL when configured.
"""

from __future__ import annotations

import json
from typing import Any

from shared.config import Settings
from shared.database import Database

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS report_incidents (incident_id TEXT PRIMARY KEY, board_id TEXT NOT NULL,"
    " school_id TEXT NOT NULL, facts TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS report_position (name TEXT PRIMARY KEY, position BIGINT NOT NULL,"
    " updated_at TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS report_skipped (notification_id BIGINT PRIMARY KEY, topic TEXT NOT NULL,"
    " reason TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS report_reminders (reminder_key TEXT PRIMARY KEY, sent_at TEXT NOT NULL)",
)


class ReportStore:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.db = Database(settings, "rapportage.sqlite")
        with self.db.connect() as db:
            for statement in _SCHEMA:
                db.execute(statement)

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
        return {row[0]: json.loads(row[1]) for row in rows}

    def all_facts(self, *, board_id: str, school_id: str | None = None) -> list[dict[str, Any]]:
        sql = "SELECT facts FROM report_incidents WHERE board_id = ?"
        params = [board_id]
        if school_id is not None:
            sql += " AND school_id = ?"
            params.append(school_id)
        with self.db.connect() as db:
            rows = db.execute(self.db.sql(sql), params).fetchall()
        return [json.loads(row[0]) for row in rows]

    def every_fact(self) -> list[dict[str, Any]]:
        """The facts of every incident of every board: for the reminders, never for a page."""
        with self.db.connect() as db:
            rows = db.execute("SELECT facts FROM report_incidents").fetchall()
        return [json.loads(row[0]) for row in rows]

    def commit(
        self, changed: dict[str, dict[str, Any]], skipped: list[tuple[int, str, str]], position: int, at: str
    ) -> None:
        """Writes the changed incidents, the skipped events and the new position at once."""
        with self.db.connect() as db:
            for incident_id, facts in changed.items():
                db.execute(
                    self.db.sql(
                        "INSERT INTO report_incidents (incident_id, board_id, school_id, facts)"
                        " VALUES (?, ?, ?, ?) "
                        "ON CONFLICT (incident_id) DO UPDATE SET facts = excluded.facts"
                    ),
                    (incident_id, facts["board_id"], facts["school_id"], json.dumps(facts, sort_keys=True)),
                )
            for notification_id, topic, reason in skipped:
                db.execute(
                    self.db.sql(
                        "INSERT INTO report_skipped (notification_id, topic, reason) VALUES (?, ?, ?) "
                        "ON CONFLICT (notification_id) DO NOTHING"
                    ),
                    (notification_id, topic, reason),
                )
            db.execute(
                self.db.sql(
                    "INSERT INTO report_position (name, position, updated_at) VALUES ('projecties', ?, ?) "
                    "ON CONFLICT (name) DO UPDATE SET position = excluded.position,"
                    " updated_at = excluded.updated_at"
                ),
                (position, at),
            )

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
        with self.db.connect() as db:
            for table in ("report_incidents", "report_position", "report_skipped"):
                db.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
