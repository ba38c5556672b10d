"""Getting the material offline, channel by channel: what was reported where, with which
reference and outcome; a URL or a reference only, never the material; a reminder when nothing
is known three days after reporting."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from services.case.application import CaseManagement
from services.case.domain.errors import MaterialRefused, NotAChannel
from services.case.domain.incident import Incident
from services.case.domain.takedown import takedowns
from services.reporting.projector import Projector
from services.reporting.reminders import overdue
from services.reporting.store import ReportStore
from shared.accounts import Accounts
from shared.boards import board
from shared.config import load_settings
from shared.demo import seed_demo
from shared.letters import render_reminder
from shared.privacy import PrivacyGuard
from tests.examples import ACTIONS, HANDLER, OPENING, PLANTED_NAMES

REQUEST = ACTIONS["TakedownRequested"]
PIXEL = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="


def opened() -> Incident:
    return Incident.open(school_id="de-wilg", board_id="kindante", actor=HANDLER.id, **OPENING)


@pytest.mark.parametrize(
    ("kind", "channel", "refused"),
    [
        ("url", f"data:image/png;base64,{PIXEL}", MaterialRefused),
        ("account", f"data:image/png;base64,{PIXEL}", MaterialRefused),
        ("groepschat", PIXEL, MaterialRefused),
        ("url", "foto.jpg", NotAChannel),
        ("url", "javascript:alert(1)", NotAChannel),
        ("account", "", NotAChannel),
        ("groepschat", "regel een\nregel twee", NotAChannel),
        ("account", "ab " * 101, NotAChannel),
    ],
)
def test_a_takedown_holds_a_url_or_a_reference_never_the_material(
    kind: str, channel: str, refused: type[Exception]
) -> None:
    incident = opened()
    with pytest.raises(refused):
        incident.record(
            "TakedownRequested", actor=HANDLER.id, **{**REQUEST, "channel_kind": kind, "channel": channel}
        )
    assert not [a for a in incident.actions if a.action == "TakedownRequested"]


@pytest.mark.parametrize(
    ("kind", "channel"),
    [
        ("url", "https://voorbeeld.invalid/pagina?id=7"),
        ("account", "@klas8.roddels"),
        ("groepschat", "Groep 8 chat"),
    ],
)
def test_each_kind_of_channel_is_recorded_by_its_address_or_name(kind: str, channel: str) -> None:
    incident = opened()
    incident.record(
        "TakedownRequested", actor=HANDLER.id, **{**REQUEST, "channel_kind": kind, "channel": channel}
    )
    (request,) = takedowns(incident.effective_actions(), date(2026, 12, 3))
    assert (request.channel, request.outcome, request.overdue) == (channel, "onbekend", False)


def test_an_outcome_that_names_no_request_counts_for_no_channel() -> None:
    incident = opened()
    incident.record("TakedownRequested", actor=HANDLER.id, **REQUEST)
    incident.record(
        "TakedownOutcomeRecorded", actor=HANDLER.id, request_version=1, outcome="verwijderd", notes=""
    )
    (request,) = takedowns(incident.effective_actions(), date(2026, 12, 9))
    assert (request.outcome, request.overdue) == ("onbekend", True)


def test_nothing_known_three_days_after_reporting_is_overdue_until_an_outcome_is_known() -> None:
    incident = opened()
    incident.record("TakedownRequested", actor=HANDLER.id, **REQUEST)  # reported on 2 December
    version = incident.actions[-1].version
    assert not takedowns(incident.effective_actions(), date(2026, 12, 4))[0].overdue
    assert takedowns(incident.effective_actions(), date(2026, 12, 5))[0].overdue
    incident.record(
        "TakedownOutcomeRecorded", actor=HANDLER.id, request_version=version, outcome="onbekend", notes=""
    )
    assert takedowns(incident.effective_actions(), date(2026, 12, 5))[0].overdue
    incident.record(
        "TakedownOutcomeRecorded", actor=HANDLER.id, request_version=version, outcome="geweigerd", notes=""
    )
    (request,) = takedowns(incident.effective_actions(), date(2026, 12, 9))
    assert (request.outcome, request.overdue) == ("geweigerd", False)


def test_the_handler_is_reminded_once_per_request_without_its_channel(
    tmp_path: Path, guard: PrivacyGuard
) -> None:
    settings = load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path)})
    accounts = Accounts(settings)
    seed_demo(settings, accounts)
    anna = accounts.get("behandelaar.dewilg").actor  # type: ignore[union-attr]
    cases = CaseManagement(env=settings.event_store_env())
    incident_id, _ = cases.open_incident(anna, **OPENING)
    cases.record_action(anna, incident_id, "TakedownRequested", REQUEST)
    cases.record_action(anna, incident_id, "TakedownRequested", {**REQUEST, "route": "helpwanted"})
    store = ReportStore(settings)
    Projector(cases, store).catch_up()
    facts = store.every_fact()
    assert [r for _, r in overdue(facts, date(2026, 12, 4)) if r.kind == "offline"] == []
    found = dict((k, r) for k, r in overdue(facts, date(2026, 12, 5)) if r.kind == "offline")
    assert len(found) == 2 and {r.handler_id for r in found.values()} == {"behandelaar.dewilg"}
    reminder = next(iter(found.values()))
    kindante = board("kindante")
    letter = render_reminder(
        kind="offline",
        step=reminder.step,
        school=kindante.school("de-wilg"),
        board=kindante,
        due_on=reminder.due_on,
        link=f"http://x/meldingen/{incident_id}",
        guard=guard,
    )
    text = " ".join(letter.text.split())
    assert "Het meldformulier van het platform zelf" in text and "Na 3 dagen nog geen uitkomst." in text
    for secret in (REQUEST["channel"], REQUEST["reference"], *PLANTED_NAMES):
        assert secret not in letter.text + letter.html
