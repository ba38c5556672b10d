"""An approver is mailed that a letter waits for their review: once, with a link, no name."""

from __future__ import annotations

from pathlib import Path
from uuid import uuid4

from aiosmtpd.controller import Controller

from services.case.application import CaseManagement
from shared import messaging
from shared.accounts import Accounts
from shared.contracts import ReviewRequested, decode, encode
from shared.demo import seed_demo
from tests.examples import PLANTED_NAMES
from tests.letters.test_reminders import Inbox, free_port
from tests.letters.test_task_notices import body, deliver, settings_for


def test_the_approver_is_mailed_once_that_a_letter_waits_without_a_name(tmp_path: Path, guard) -> None:  # type: ignore[no-untyped-def]
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    letter_id, incident_id = uuid4(), uuid4()
    notice = ReviewRequested.for_approver(
        letter_id=str(letter_id),
        incident_id=str(incident_id),
        board_id="kindante",
        school_id="de-wilg",
        approver_id="directeur.dewilg",
    )
    assert decode(encode(notice)) == notice
    try:
        settings = settings_for(tmp_path, port)
        accounts = Accounts(settings)
        seed_demo(settings, accounts)
        cases = CaseManagement(env=settings.event_store_env())
        with messaging.connect(settings) as connection:
            for _ in range(2):  # published twice (a crash before it was noted): sent once
                messaging.publish(connection, encode(notice), message_id=notice.message_id)
        deliver(settings, cases, accounts, guard, inbox, 1)
    finally:
        controller.stop()
    ((to, content),) = inbox.mails
    assert to == ["directeur.dewilg@school.voorbeeld.invalid"]
    text = body(content)
    assert "Er wacht een brief op uw goedkeuring" in text
    assert f"/meldingen/{incident_id}/brieven/{letter_id}/beoordelen" in text
    for name in (*PLANTED_NAMES, "Jet", "Bos", "Anna", "Vries"):
        assert name not in text
