"""The reports follow the case's events through the one documented reader
(shared/event_log.py): handed any EventLog, with no case service in the process, they build
the same facts, and the report pages are mounted only by the web process's composition root."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from services.case.web import create_app as create_case_app
from services.reporting.projector import Projector
from services.reporting.store import ReportStore
from services.web import create_app
from shared.accounts import Accounts
from shared.config import load_settings
from shared.demo import seed_demo
from shared.event_log import Change, EventLog, LoggedEvent

INCIDENT = "5a0c6c3e-51f4-4f7e-9d37-3f6c1d2b9a10"
OPENED = Change("Opened", INCIDENT, 1, "2026-11-02T09:00:00+00:00", "u-1",
                {"board_id": "kindante", "school_id": "de-wilg", "protocol_id": "kindante-2024-05-29",
                 "situation": "leerling_zichtbaar"})  # fmt: skip
POLICE = Change("PoliceContacted", INCIDENT, 2, "2026-11-02T10:00:00+00:00", "u-1", {"channel": "wijkagent"})
CHANGES = {"channel": "zeden", "officer": "Jansen"}
CORRECTED = Change("Corrected", INCIDENT, 3, "2026-11-02T11:00:00+00:00", "u-1",
                   {"corrects": 2, "withdraws": False, "changes": CHANGES})  # fmt: skip
OTHER_STREAM = LoggedEvent(4, "0b9d7c5e-0000-4000-8000-000000000004", 1, "case:AccessLog.Viewed", b"{}")


class PublishedLog:
    """An event log as the case publishes it, written out by hand: three incident events and
    one of another stream."""

    def __init__(self) -> None:
        self.changes = {1: OPENED, 2: POLICE, 3: CORRECTED}

    def events_after(self, position: int, limit: int) -> list[LoggedEvent]:
        every = [
            LoggedEvent(i, INCIDENT, i, f"case:Incident.{c.name}", b"{}") for i, c in self.changes.items()
        ]
        every.append(
            LoggedEvent(4, "0b9d7c5e-0000-4000-8000-000000000004", 1, "case:AccessLog.Viewed", b"{}")
        )
        return [e for e in every if e.id > position][:limit]

    def last_position(self) -> int:
        return 4

    def read(self, event: LoggedEvent) -> Change | None:
        change = self.changes.get(event.id)
        return None if change is None else Change(**{k: getattr(change, k) for k in Change.__slots__})

    def personal_fields(self, action: str) -> tuple[str, ...]:
        return ("officer",) if action == "PoliceContacted" else ()


class Published:
    def event_log(self) -> EventLog:
        return PublishedLog()


def test_the_reports_build_their_facts_from_the_published_reader_alone(tmp_path: Path) -> None:
    projector = Projector(Published(), ReportStore(load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path)})))
    assert projector.catch_up() == 4
    facts = projector.store.facts([INCIDENT])[INCIDENT]
    assert facts["school_id"] == "de-wilg"
    police = next(a for a in facts["actions"] if a["action"] == "PoliceContacted")
    # The correction's personal field is left out, as the case's reader says it is personal.
    assert police["data"] == {"channel": "zeden"}
    assert "Jansen" not in repr(facts)
    assert projector.lag() == 0


def _app_settings(tmp_path: Path) -> Any:
    settings = load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path), "ZORGVULDIG_SECRET_KEY": "x" * 32})
    seed_demo(settings)
    return settings


def test_the_report_pages_are_mounted_by_the_composition_root_not_by_the_case(tmp_path: Path) -> None:
    settings = _app_settings(tmp_path)
    case_only = create_case_app(settings, accounts=Accounts(settings))
    composed = create_app(settings, accounts=Accounts(settings), report_wait=0.0)
    assert "reporting" not in case_only.blueprints
    assert "reporting" in composed.blueprints
    assert composed.extensions["zorgvuldig.reports"] is not None
