"""The care team is mailed of a new melding and a task owner of an overdue task: once each,
to their own address, with a link and never a name (issue 24)."""

from __future__ import annotations

import email
import threading
import time
from datetime import date, timedelta
from email.message import Message
from pathlib import Path
from uuid import UUID

from aiosmtpd.controller import Controller

from services.case.application import CaseManagement
from services.case.care_team import CareTeam
from services.case.notices import Notices
from services.case.outcomes import OutcomeConsumer
from services.case.worklists import Worklists
from services.notifier.ledger import Ledger
from services.notifier.letters import LetterHandler
from services.notifier.sending import Sender
from services.notifier.worker import Worker
from shared import messaging
from shared.accounts import Accounts
from shared.config import Settings, load_settings
from shared.demo import seed_demo
from tests.examples import OPENING, PLANTED_NAMES
from tests.letters.test_reminders import Inbox, free_port

BOARD_FILE = """
id = "kindante"
naam = "Kindante"
[scholen.de-wilg]
naam = "Basisschool De Wilg"
zorgteam = ["directeur.dewilg", "behandelaar.dewilg"]
"""


def settings_for(tmp_path: Path, port: int) -> Settings:
    boards = tmp_path / "besturen"
    boards.mkdir()
    (boards / "kindante.toml").write_text(BOARD_FILE, encoding="utf-8")
    return load_settings(
        {
            "ZORGVULDIG_DATA_DIR": str(tmp_path),
            "ZORGVULDIG_SMTP_PORT": str(port),
            "ZORGVULDIG_BOARDS_DIR": str(boards),
        }
    )


def deliver(
    settings: Settings, cases: CaseManagement, accounts: Accounts, guard, inbox: Inbox, count: int
) -> None:  # type: ignore[no-untyped-def]
    handler = LetterHandler(settings, Ledger(settings), Sender(settings), accounts, guard=guard)
    worker = Worker(handler, lambda: messaging.connect(settings))
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop,), daemon=True)
    thread.start()
    deadline = time.monotonic() + 90  # a wait for the mail, not a limit on its speed: CI may be busy
    while len(inbox.mails) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)  # a mail too many would arrive now
    stop.set()
    thread.join(10)


def body(content: bytes) -> str:
    message: Message = email.message_from_bytes(content)
    parts = [p.get_payload(decode=True) for p in message.walk() if not p.is_multipart()]
    return str(message["Subject"]) + "\n" + "\n".join(p.decode("utf-8", "replace") for p in parts if p)


def test_the_care_team_is_mailed_once_with_a_link_and_no_name(tmp_path: Path, guard) -> None:  # type: ignore[no-untyped-def]
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings = settings_for(tmp_path, port)
        accounts = Accounts(settings)
        seed_demo(settings, accounts)
        cases = CaseManagement(env=settings.event_store_env())
        cases.care_team = CareTeam(accounts, settings.boards_dir)
        anna = accounts.get("behandelaar.dewilg").actor  # type: ignore[union-attr]
        incident_id, _ = cases.open_incident(anna, **OPENING)
        mees = accounts.get("medewerker.dewilg").actor  # type: ignore[union-attr]
        cases.add_colleague(anna, incident_id, added=mees, access="lezen")

        notices = Notices(
            Worklists(settings, cases), lambda: messaging.connect(settings), key=settings.letters_key
        )
        assert notices.send_due(date.today()) == 2
        assert notices.send_due(date.today()) == 0
        deliver(settings, cases, accounts, guard, inbox, 2)
    finally:
        controller.stop()
    mails = {to[0]: body(content) for to, content in inbox.mails}
    assert set(mails) == {
        "directeur.dewilg@school.voorbeeld.invalid",
        "medewerker.dewilg@school.voorbeeld.invalid",
    }
    assert "Nieuwe melding bij Basisschool De Wilg" in mails["directeur.dewilg@school.voorbeeld.invalid"]
    assert "U bent toegevoegd aan een melding bij" in mails["medewerker.dewilg@school.voorbeeld.invalid"]
    for text in mails.values():
        assert f"/meldingen/{incident_id}" in text
        for name in PLANTED_NAMES:
            assert name not in text


def test_an_overdue_task_reminds_its_owner_once_and_a_name_in_it_stays_out(tmp_path: Path, guard) -> None:  # type: ignore[no-untyped-def]
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings = settings_for(tmp_path, port)
        accounts = Accounts(settings)
        seed_demo(settings, accounts)
        cases = CaseManagement(env=settings.event_store_env())
        anna = accounts.get("behandelaar.dewilg").actor  # type: ignore[union-attr]
        mees = accounts.get("medewerker.dewilg").actor  # type: ignore[union-attr]
        incident_id, _ = cases.open_incident(anna, **OPENING)
        yesterday, tomorrow = date.today() - timedelta(days=1), date.today() + timedelta(days=1)
        for what, due in (
            ("Lesbrief over sexting klaarzetten", yesterday),
            ("Bel de ouders van Noor Wijnaldum", yesterday),
            ("Nog niet over tijd", tomorrow),
        ):
            cases.create_task(
                anna, incident_id, step="medewerkers", suggestion="", what=what, owner=mees, due_on=due
            )
        jet = accounts.get("directeur.dewilg").actor  # type: ignore[union-attr]
        cases.create_task(
            anna,
            incident_id,
            step="politie",
            suggestion="PoliceContacted",
            what="",
            owner=jet,
            due_on=yesterday,
        )

        notices = Notices(
            Worklists(settings, cases), lambda: messaging.connect(settings), key=settings.letters_key
        )
        assert notices.send_due(date.today()) == 3
        assert notices.send_due(date.today()) == 0  # once per task, owner and date
        deliver(settings, cases, accounts, guard, inbox, 3)
    finally:
        controller.stop()
    assert len(inbox.mails) == 3
    mails = [(to[0].split("@")[0], body(content)) for to, content in inbox.mails]
    (handlers_mail,) = [text for who, text in mails if who == "directeur.dewilg"]
    assert f"/meldingen/{incident_id}#taak-" in handlers_mail
    assert "Contact met de wijkagent of politie" in handlers_mail
    texts = [text for who, text in mails if who == "medewerker.dewilg"]
    assert len(texts) == 2
    assert all("Herinnering: een taak bij een melding is over tijd" in t for t in texts)
    assert not any(f"/meldingen/{incident_id}" in t for t in texts)  # staff find their tasks at home
    assert all(f"{settings.site_url}/" in t for t in texts)
    assert any("Lesbrief over sexting klaarzetten" in t for t in texts)
    assert not any("Nog niet over tijd" in t for t in texts)
    for name in PLANTED_NAMES:
        assert not any(name in t for t in texts)
    assert not any("Wijnaldum" in t or "Noor" in t for t in texts)


class RefusingInbox(Inbox):
    """A mail server that does not know one address (a bounce at the door)."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:  # type: ignore[no-untyped-def]
        if address.startswith("bestaatniet@"):
            return "550 onbekende ontvanger"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_another_school_gets_the_standard_notice_once_and_a_refused_one_shows_on_the_incident(
    tmp_path: Path, guard
) -> None:  # type: ignore[no-untyped-def]
    inbox, port = RefusingInbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings = settings_for(tmp_path, port)
        accounts = Accounts(settings)
        seed_demo(settings, accounts)
        cases = CaseManagement(env=settings.event_store_env())
        anna = accounts.get("behandelaar.dewilg").actor  # type: ignore[union-attr]
        incident_id, _ = cases.open_incident(anna, **OPENING)
        cases.record_other_school(
            anna, incident_id, name="De Linde", contact="info@delinde.invalid", role="dader"
        )
        cases.record_other_school(
            anna, incident_id, name="De Esch", contact="bestaatniet@esch.invalid", role="bereikt"
        )
        cases.record_other_school(
            anna, incident_id, name="Het Veld", contact="info@veld.invalid", role="bereikt"
        )
        for number in (2, 3):
            cases.other_school_notified(anna, incident_id, number=number, how="bericht", on=date.today())
        cases.other_school_notified(
            anna, incident_id, number=4, how="gebeld", on=date.today(), reason="spoed"
        )

        notices = Notices(
            Worklists(settings, cases), lambda: messaging.connect(settings), key=settings.letters_key
        )
        assert notices.send_due(date.today()) == 0  # a notice waits for a second person's review
        jet = accounts.get("directeur.dewilg").actor  # type: ignore[union-attr]
        for number in (2, 3):
            letter_id = cases.stored_incident(incident_id).other_schools[number].notice_letter
            cases.decide_letter(jet, incident_id, letter_id=UUID(letter_id), approve=True)
        assert notices.send_due(date.today()) == 2  # a call sends nothing
        assert notices.send_due(date.today()) == 0
        deliver(settings, cases, accounts, guard, inbox, 1)
        OutcomeConsumer(cases, settings.letters_key, lambda: messaging.connect(settings)).drain()
    finally:
        controller.stop()
    ((to, content),) = inbox.mails
    assert to == ["info@delinde.invalid"]
    text = body(content)
    assert "Basisschool De Wilg" in text and "ontvangst" in text.lower()
    assert "horen graag van u hoe u het oppakt" in text  # the perpetrator's school is asked for feedback
    assert cases.confirmation_link(incident_id, 2) in text
    for name in (*PLANTED_NAMES, "De Linde"):
        assert name not in text
    schools = cases.incident(anna, incident_id).other_schools
    assert "weigerde" in schools[3].notice_failed and not schools[2].notice_failed
