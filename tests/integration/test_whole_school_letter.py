"""One letter to a whole school through the web form, one approval, real RabbitMQ and a real
SMTP server (aiosmtpd on 127.0.0.1): every parent gets the letter exactly once."""

from __future__ import annotations

import email
import email.policy
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from services.case.relay import Relay
from services.notifier.ledger import REPORTED, Ledger
from services.web import create_app
from shared import messaging
from shared.accounts import Accounts
from shared.contracts import letter_message_id
from shared.demo import seed_demo
from shared.positions import Positions
from shared.privacy import PrivacyGuard
from tests.examples import HANDLER
from tests.integration.test_letters_delivery import purge, run_worker_until, settings_for, smtp  # noqa: F401
from tests.web.conftest import Browser, approve_waiting
from tests.web.test_letters_web import STATEMENT

pytestmark = pytest.mark.integration

PARENTS = 1000


def test_one_letter_to_a_thousand_parents_arrives_once_each_after_one_approval(
    tmp_path: Path,
    broker_server_url: str,
    smtp: Callable[..., Any],  # noqa: F811 (the fixture imported above)
    guard: PrivacyGuard,
) -> None:
    server, port = smtp()
    settings = settings_for(tmp_path, broker_server_url, port)
    purge(settings)
    accounts = Accounts(settings)
    seed_demo(settings, accounts)
    app = create_app(settings, accounts=accounts, guard=guard)
    cases = app.extensions["zorgvuldig.cases"]

    anna = Browser(app.test_client()).sign_in("behandelaar.dewilg")
    page = anna.open_incident()
    parents = [f"ouder{n}@voorbeeld.nl" for n in range(PARENTS)]
    data = {"letter": "ouders_alle", "group": "Alle ouders", "recipients": "\n".join(parents), **STATEMENT}
    assert anna.post(f"{page}/brieven", {**data, "bevestigd": "ja"}).status_code == 302
    incident_id = UUID(page.rsplit("/", 1)[1])
    proposal = cases.audit_trail(HANDLER, incident_id)[-1]
    assert proposal.event_type == "LetterProposed"
    director = Browser(app.test_client()).sign_in("directeur.dewilg")
    assert approve_waiting(director, app, page) == 1  # one approval for the whole school

    relay = Relay(cases, Positions(settings), lambda: messaging.connect(settings))
    relay.run_once()  # the review request to the second person, then the letter: one message
    ledger = Ledger(settings)
    message_id = letter_message_id(str(proposal.letter_id))
    run_worker_until(settings, cases, lambda: ledger.state(message_id) == REPORTED, seconds=120)

    received = Counter(
        email.message_from_bytes(raw, policy=email.policy.default)["To"] for raw in server.received
    )
    assert len(server.received) == PARENTS
    assert set(received) == set(parents) and set(received.values()) == {1}
    sent = [e for e in cases.audit_trail(HANDLER, incident_id) if e.event_type == "LetterSent"]
    assert sum(e.data["recipient_count"] for e in sent) == PARENTS
