"""A store written before letters had a stream of their own loads with today's code, and its
trail, incident list and reports read as they did then.

tests/fixtures/store_before_letter_streams/ holds a SQLite event store and its key file, written
by the code of main at 8f217b3 (written_by.py.txt): an incident with every event type of then,
the incident's own six letter events (requested, proposed, approved, refused, sent, failed)
among them, and an incident whose personal data was erased; and expected.json, what the trail,
the list and the reports read from it with the code of main just before letters had a stream
of their own (read_by.py.txt, run when main's reports changed).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from services.case.application import CaseManagement
from services.case.lists import IncidentLists
from services.reporting.projector import Projector
from services.reporting.store import ReportStore
from shared.config import load_settings
from tests.examples import HANDLER

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "store_before_letter_streams"


@pytest.fixture
def old_store(tmp_path: Path) -> Any:
    for name in ("events.sqlite", "events-sleutels.sqlite"):
        shutil.copy(FIXTURE / name, tmp_path / name)
    settings = load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path)})
    cases = CaseManagement(env=settings.event_store_env())
    yield settings, cases
    cases.close()


def expected() -> dict[str, Any]:
    return json.loads((FIXTURE / "expected.json").read_text(encoding="utf-8"))


def as_json(value: Any) -> Any:
    return json.loads(json.dumps(value, ensure_ascii=False, sort_keys=True, default=str))


def test_the_old_store_holds_every_letter_event_of_the_incident() -> None:
    trail = expected()["trails"][expected()["incidents"][0]]
    kinds = {entry["event_type"] for entry in trail}
    assert {
        "LetterRequested", "LetterProposed", "LetterApproved", "LetterRefused", "LetterSent", "LetterFailed",
    } <= kinds  # fmt: skip


def test_the_trail_of_an_old_incident_reads_the_same(old_store: Any) -> None:
    _, cases = old_store
    for incident_id, trail in expected()["trails"].items():
        read = [
            {
                "version": e.version,
                "event_type": e.event_type,
                "sentence": e.sentence,
                "at": e.at.isoformat(),
                "actor": e.actor,
                "data": e.data,
            }
            for e in cases.audit_trail(HANDLER, UUID(incident_id))
        ]
        assert as_json(read) == trail


def test_an_old_incident_loads_and_takes_new_actions_and_letters(old_store: Any) -> None:
    _, cases = old_store
    incident_id = UUID(expected()["incidents"][0])
    before = cases.incident(HANDLER, incident_id).version
    cases.record_action(HANDLER, incident_id, "NoteAdded", {"text": "na de overgang"})
    letter_id, _ = cases.request_letter(
        HANDLER, incident_id, letter="ouders_klas", group="Ouders", recipients=["ouder@voorbeeld.nl"],
        statement={}, four_eyes_from=30,
    )  # fmt: skip
    assert (
        cases.incident(HANDLER, incident_id).version == before + 3
    )  # the note, the step the letter carries out, the letter
    assert cases.audit_trail(HANDLER, incident_id)[-1].letter_id == str(letter_id)


def test_the_list_of_an_old_store_reads_the_same(old_store: Any) -> None:
    settings, cases = old_store
    page = IncidentLists(settings, cases).page(HANDLER)
    read = [
        {"id": str(r.id), "status": r.status, "version": r.version, "situation": r.situation,
         "opened_at": r.opened_at.isoformat()}
        for r in page.incidents
    ]  # fmt: skip
    assert read == expected()["list"]


def test_the_reports_of_an_old_store_read_the_same(old_store: Any) -> None:
    settings, cases = old_store
    store = ReportStore(settings)
    Projector(cases, store).catch_up()
    facts = sorted(store.every_fact(), key=lambda f: f["incident_id"])
    assert as_json(facts) == expected()["facts"]
    assert as_json(sorted(store.board_totals(HANDLER.board_id))) == expected()["board_totals"]
