"""Letters that come back after the mail server accepted them: each letter and recipient has a
return path of its own (VERP); the notifier reads the bounces from its mailbox, parses them with
flufl.bounce, and the letter's page and its events say which recipients did not get it, and why.
Real RabbitMQ, a real SMTP server (aiosmtpd on 127.0.0.1), the mail catcher's folder as mailbox."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from aiosmtpd.controller import Controller

from services.case.relay import Relay
from services.notifier.bounces import BounceFolder, BounceReader
from services.notifier.ledger import REPORTED, Ledger
from services.notifier.outcomes import OutcomePublisher
from services.web import create_app
from shared import messaging
from shared.accounts import Accounts
from shared.contracts import letter_message_id
from shared.demo import seed_demo
from shared.positions import Positions
from shared.privacy import PrivacyGuard
from tests.examples import HANDLER
from tests.integration.test_letters_delivery import (
    free_port,
    outcome_consumer,
    purge,
    run_worker_until,
    settings_for,
)
from tests.web.conftest import Browser, approve_waiting
from tests.web.test_letters_web import STATEMENT

pytestmark = pytest.mark.integration


class Envelopes:
    """An SMTP server's DATA handler that keeps each mail's envelope: who it came from (the
    return path) and to whom."""

    def __init__(self) -> None:
        self.received: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


def delivery_report(return_path: str, recipient: str) -> bytes:
    """What a recipient's mail server sends back (RFC 3464), as Postfix writes it."""
    return (
        f"From: MAILER-DAEMON@mx.voorbeeld.nl\r\nTo: {return_path}\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="grens"\r\n\r\n'
        "--grens\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
        "--grens\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.voorbeeld.nl\r\n\r\n"
        f"Final-Recipient: rfc822; {recipient}\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 Mailbox bestaat niet\r\n\r\n--grens--\r\n"
    ).encode()


def unreadable_bounce(return_path: str) -> bytes:
    return f"From: postmaster@elders.voorbeeld.nl\r\nTo: {return_path}\r\nSubject: ?\r\n\r\nxyz\r\n".encode()


def test_two_of_twenty_bounce_after_acceptance_and_the_letter_says_which(
    tmp_path: Path, broker_server_url: str, guard: PrivacyGuard
) -> None:
    server = Envelopes()
    port = free_port()
    controller = Controller(server, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings = settings_for(tmp_path, broker_server_url, port)
        purge(settings)
        accounts = Accounts(settings)
        seed_demo(settings, accounts)
        app = create_app(settings, accounts=accounts, guard=guard)
        cases = app.extensions["zorgvuldig.cases"]
        anna = Browser(app.test_client()).sign_in("behandelaar.dewilg")
        page = anna.open_incident()
        parents = [f"ouder{n}@voorbeeld.nl" for n in range(20)]
        data = {
            "letter": "ouders_alle",
            "group": "Alle ouders",
            "recipients": "\n".join(parents),
            **STATEMENT,
        }
        assert anna.post(f"{page}/brieven", {**data, "bevestigd": "ja"}).status_code == 302
        assert approve_waiting(Browser(app.test_client()).sign_in("directeur.dewilg"), app, page) == 1
        incident_id = UUID(page.rsplit("/", 1)[1])
        letter_id = cases.letters(HANDLER, incident_id)[0].id

        Relay(cases, Positions(settings), lambda: messaging.connect(settings)).run_once()
        ledger = Ledger(settings)
        message_id = letter_message_id(str(letter_id))
        run_worker_until(settings, cases, lambda: ledger.state(message_id) == REPORTED)
        assert len(server.received) == 20
        return_paths = {rcpt[0]: mail_from for mail_from, rcpt, _ in server.received}
        assert len(set(return_paths.values())) == 20  # one return path per recipient
        assert all(p.startswith(f"terug+{letter_id.hex}-") for p in return_paths.values())

        # After acceptance, two parents' mail servers send the letter back.
        inbox = settings.bounce_dir
        inbox.mkdir(parents=True, exist_ok=True)
        (inbox / "terug-1.eml").write_bytes(
            delivery_report(return_paths["ouder3@voorbeeld.nl"], "ouder3@voorbeeld.nl")
        )
        (inbox / "terug-2.eml").write_bytes(unreadable_bounce(return_paths["ouder17@voorbeeld.nl"]))
        reader = BounceReader(
            BounceFolder(inbox),
            ledger,
            OutcomePublisher(lambda: messaging.connect(settings)),
            settings.letters_key,
        )
        assert reader.read_once() == 2
        assert reader.read_once() == 0  # read once, never reported twice
        outcomes = outcome_consumer(settings, cases)
        deadline = time.monotonic() + 10
        while len(cases.letters(HANDLER, incident_id)[0].bounced) < 2 and time.monotonic() < deadline:
            outcomes.drain()
            time.sleep(0.1)

        bounced = [e for e in cases.audit_trail(HANDLER, incident_id) if e.event_type == "LetterBounced"]
        assert sorted((e.data["recipient"], e.data["reason"]) for e in bounced) == [
            ("ouder17@voorbeeld.nl", "onbekend"),
            ("ouder3@voorbeeld.nl", "550 5.1.1 Mailbox bestaat niet"),
        ]
        letter_page = anna.get(f"{page}/brieven/{letter_id}").text
        assert "ouder3@voorbeeld.nl" in letter_page and "Mailbox bestaat niet" in letter_page
        assert "ouder17@voorbeeld.nl" in letter_page and "onbekend" in letter_page
        assert "ouder4@voorbeeld.nl" not in letter_page
        otv = Browser(app.test_client()).sign_in("otv")
        seen_by_otv = otv.get(f"{page}/brieven/{letter_id}?reden=advies").text
        assert "Mailbox bestaat niet" in seen_by_otv and "een ontvanger" in seen_by_otv
        assert "@voorbeeld.nl" not in seen_by_otv
        assert "@voorbeeld.nl" not in otv.get(f"{page}/tijdlijn?reden=advies").text
    finally:
        controller.stop()
