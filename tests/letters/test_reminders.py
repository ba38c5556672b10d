"""An overdue aftercare moment reminds the handler who planned it, once, without case content."""

from __future__ import annotations

import socket
import threading
import time
from datetime import date
from pathlib import Path

from aiosmtpd.controller import Controller

from services.case.application import CaseManagement
from services.notifier.ledger import Ledger
from services.notifier.letters import LetterHandler
from services.notifier.sending import Sender
from services.notifier.worker import Worker
from services.reporting.projector import Projector
from services.reporting.reminders import Reminders
from services.reporting.store import ReportStore
from shared import messaging
from shared.accounts import Accounts
from shared.config import load_settings
from shared.demo import seed_demo
from tests.examples import ACTIONS, OPENING, PLANTED_NAMES


class Inbox:
    def __init__(self) -> None:
        self.mails: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # type: ignore[no-untyped-def]
        self.mails.append((envelope.rcpt_tos, envelope.content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_an_overdue_aftercare_moment_reminds_its_handler_once(tmp_path: Path) -> None:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings = load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path), "ZORGVULDIG_SMTP_PORT": str(port)})
        accounts = Accounts(settings)
        seed_demo(settings, accounts)
        anna = accounts.get("behandelaar.dewilg").actor  # type: ignore[union-attr]
        cases = CaseManagement(env=settings.event_store_env())
        incident_id, _ = cases.open_incident(anna, **OPENING)
        cases.record_action(anna, incident_id, "ScopeAssessed", ACTIONS["ScopeAssessed"])
        cases.record_action(
            anna, incident_id, "AftercarePlanned", {"for_whom": "slachtoffer", "due_on": "2026-01-05"}
        )
        store = ReportStore(settings)
        Projector(cases, store).catch_up()
        reminders = Reminders(store, lambda: messaging.connect(settings))
        assert reminders.send_due(date(2026, 1, 6)) == 1
        assert reminders.send_due(date(2026, 1, 7)) == 0  # one reminder per overdue moment

        handler = LetterHandler(settings, Ledger(settings), Sender(settings), accounts)
        worker = Worker(handler, lambda: messaging.connect(settings))
        stop = threading.Event()
        thread = threading.Thread(target=worker.run, args=(stop,), daemon=True)
        thread.start()
        deadline = time.monotonic() + 15
        while not inbox.mails and time.monotonic() < deadline:
            time.sleep(0.05)
        stop.set()
        thread.join(10)
    finally:
        controller.stop()
    ((to, content),) = inbox.mails
    assert to == ["behandelaar.dewilg@school.voorbeeld.invalid"]
    text = content.decode("utf-8", "replace")
    assert "Herinnering: een nazorgmoment is verlopen" in text
    assert f"/meldingen/{incident_id}" in text
    for name in PLANTED_NAMES:
        assert name not in text


def test_a_step_still_open_past_its_days_reminds_the_handler_who_opened_the_incident(
    tmp_path: Path, guard
) -> None:
    from datetime import timedelta

    from services.reporting.reminders import overdue

    settings = load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path)})
    accounts = Accounts(settings)
    seed_demo(settings, accounts)
    anna = accounts.get("behandelaar.dewilg").actor  # type: ignore[union-attr]
    cases = CaseManagement(env=settings.event_store_env())
    incident_id, _ = cases.open_incident(anna, **OPENING)
    cases.record_action(
        anna, incident_id, "ScopeAssessed", {**ACTIONS["ScopeAssessed"], "pupil_visible": "nee"}
    )
    store = ReportStore(settings)
    Projector(cases, store).catch_up()
    facts = store.every_fact()
    opened = date.fromisoformat(facts[0]["opened_at"][:10])

    assert list(overdue(facts, opened + timedelta(days=1), cases.protocol)) == []
    found = {
        key: r for key, r in overdue(facts, opened + timedelta(days=3), cases.protocol) if r.kind == "stap"
    }
    assert [r.step for r in found.values()] == [
        "Stap 3. Schakel met de politie"
    ]  # step 1 done, step 2 n.v.t.
    (reminder,) = found.values()
    assert reminder.handler_id == "behandelaar.dewilg"

    from shared.boards import board
    from shared.letters import render_reminder

    kindante = board("kindante")
    letter = render_reminder(
        kind="stap",
        step=reminder.step,
        school=kindante.school("de-wilg"),
        board=kindante,
        due_on=reminder.due_on,
        link=f"http://x/meldingen/{incident_id}",
        guard=guard,
    )
    assert "Stap 3. Schakel met de politie" in letter.text
    for name in PLANTED_NAMES:
        assert name not in letter.text + letter.html
