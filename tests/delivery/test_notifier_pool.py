"""The notifier's pool: several letters in flight at once, each on a sending thread of its own,
acknowledged by the thread that owns the broker connection, and only once the ledger holds
what was done. On the embedded folder broker with a fake mail server."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from kombu.message import Message

from services.case.application import CaseManagement
from services.case.outcomes import OutcomeConsumer
from services.case.relay import NAME, TOPICS, Relay
from services.notifier.ledger import REPORTED, Ledger
from services.notifier.letters import LetterHandler
from services.notifier.sending import AnsweredLater, PermanentFailure
from services.notifier.worker import Worker
from shared import messaging
from shared.config import Settings, load_settings
from shared.positions import Positions
from shared.privacy import PrivacyGuard
from tests.examples import ACTIONS, HANDLER, OPENING


class MailServer:
    """Accepts mail like a mail server, slowly enough that letters overlap; refuses some
    addresses for good and others a few times first."""

    def __init__(self, refuse: tuple[str, ...] = (), busy: dict[str, int] | None = None) -> None:
        self.lock = threading.Lock()
        self.accepted: Counter[str] = Counter()
        self.requests: Counter[str] = Counter()  # accepted mails per letter request
        self.refuse = refuse
        self.busy = dict(busy or {})
        self.tries: Counter[str] = Counter()

    def send(self, message: Any) -> None:
        address = str(message["To"])
        time.sleep(0.002)
        with self.lock:
            self.tries[address] += 1
            if address in self.refuse:
                raise PermanentFailure("ontvanger geweigerd (550)")
            if self.busy.get(address, 0) > 0:
                self.busy[address] -= 1
                raise AnsweredLater("mailserver antwoordde 451")
            self.accepted[address] += 1
            self.requests[str(message["X-Zorgvuldig-Verzoek"])] += 1


def installation(tmp_path: Path) -> tuple[Settings, CaseManagement]:
    settings = load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path)})
    return settings, CaseManagement(env=settings.event_store_env())


def request(cases: CaseManagement, recipients: list[str]) -> Any:
    incident_id, _ = cases.open_incident(HANDLER, **OPENING)
    cases.record_action(
        HANDLER,
        incident_id,
        "LetterRequested",
        {"letter": "ouders_klas", "group": "Ouders", "recipients": recipients,
         "statement": ACTIONS["CommunicationStatementWritten"]},
    )  # fmt: skip
    return incident_id


def notifier(settings: Settings, cases: CaseManagement, mail: MailServer, guard: PrivacyGuard) -> Worker:
    ledger = Ledger(settings)
    return Worker(
        [LetterHandler(settings, ledger, mail, guard=guard) for _ in range(4)],
        lambda: messaging.connect(settings),
    )


def run_until(workers: list[Worker], done: Callable[[], bool], seconds: float = 30) -> None:
    stop = threading.Event()
    threads = [threading.Thread(target=w.run, args=(stop,), daemon=True) for w in workers]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + seconds
    while not done() and time.monotonic() < deadline:
        time.sleep(0.05)
    stop.set()
    for thread in threads:
        thread.join(15)
    assert done(), "de notifier maakte het niet af binnen de tijd"


def trail(settings: Settings, cases: CaseManagement, incident_id: Any) -> list[Any]:
    """The audit trail, once the outcomes the notifier sent back are recorded (by the consumer
    that runs in the relay's process)."""
    OutcomeConsumer(cases, settings.letters_key, lambda: messaging.connect(settings)).drain()
    return cases.audit_trail(HANDLER, incident_id)


def publish_all(settings: Settings, cases: CaseManagement, times: int = 1) -> list[str]:
    """Publishes every letter request; more than once as a relay does that offers it again."""
    relay = Relay(cases, Positions(settings), lambda: messaging.connect(settings))
    ids: list[str] = []
    for _ in range(times):
        Positions(settings).save(NAME, 0)
        relay.run_once()
    for notification in cases.recorder.select_notifications(start=1, limit=1000):
        if notification.topic in TOPICS and (message := relay.message_for(notification)) is not None:
            ids.append(message.message_id)
    return ids


def test_a_refused_recipient_fails_only_that_address(tmp_path: Path, guard: PrivacyGuard) -> None:
    settings, cases = installation(tmp_path)
    mail = MailServer(refuse=("weigert@voorbeeld.nl",))
    incident_id = request(cases, ["een@voorbeeld.nl", "weigert@voorbeeld.nl", "twee@voorbeeld.nl"])
    (message_id,) = publish_all(settings, cases)
    ledger = Ledger(settings)
    run_until([notifier(settings, cases, mail, guard)], lambda: ledger.state(message_id) == REPORTED)

    assert mail.accepted == {"een@voorbeeld.nl": 1, "twee@voorbeeld.nl": 1}
    assert mail.requests == {message_id: 2}  # the page of sent mail groups the copies by it
    events = {e.event_type: e for e in trail(settings, cases, incident_id)}
    assert events["LetterSent"].data["recipient_count"] == 2
    assert "1 van de 3 ontvangers niet bereikt" in events["LetterFailed"].data["reason"]


def test_a_transient_failure_is_tried_again_and_delivers_once(
    tmp_path: Path, guard: PrivacyGuard, caplog: pytest.LogCaptureFixture
) -> None:
    settings, cases = installation(tmp_path)
    mail = MailServer(busy={"later@voorbeeld.nl": 2})
    incident_id = request(cases, ["eerst@voorbeeld.nl", "later@voorbeeld.nl"])
    (message_id,) = publish_all(settings, cases)
    ledger = Ledger(settings)
    with caplog.at_level("WARNING", logger="notifier"):
        run_until([notifier(settings, cases, mail, guard)], lambda: ledger.state(message_id) == REPORTED)

    assert "mogelijk al" not in caplog.text  # a 451 is no mail that may have arrived

    assert mail.tries["later@voorbeeld.nl"] == 3 and ledger.attempts(message_id) == 3
    assert mail.accepted == {"eerst@voorbeeld.nl": 1, "later@voorbeeld.nl": 1}
    assert "LetterFailed" not in [e.event_type for e in trail(settings, cases, incident_id)]


def test_letters_in_parallel_and_their_copies_never_reach_a_recipient_twice(
    tmp_path: Path, guard: PrivacyGuard
) -> None:
    settings, cases = installation(tmp_path)
    mail = MailServer()
    addresses = []
    for number in range(12):
        recipients = [f"ouder{number}.{n}@voorbeeld.nl" for n in range(5)]
        request(cases, recipients)
        addresses += recipients
    message_ids = publish_all(settings, cases, times=3)  # each letter three times in the queue
    ledger = Ledger(settings)
    two_notifiers = [notifier(settings, cases, mail, guard) for _ in range(2)]
    run_until(two_notifiers, lambda: all(ledger.state(m) == REPORTED for m in message_ids), 60)

    assert sorted(mail.accepted) == sorted(addresses)
    assert set(mail.accepted.values()) == {1}


def test_a_message_is_acknowledged_only_after_the_ledger_holds_its_deliveries(
    tmp_path: Path, guard: PrivacyGuard, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, cases = installation(tmp_path)
    mail = MailServer()
    letters = {}
    for number in range(6):
        recipients = [f"ouder{number}.{n}@voorbeeld.nl" for n in range(3)]
        request(cases, recipients)
        letters[number] = recipients
    message_ids = publish_all(settings, cases)
    ledger = Ledger(settings)
    seen: list[tuple[str, str, int]] = []
    acknowledge = Message.ack

    def checked_ack(message: Message, *args: Any, **kwargs: Any) -> None:
        message_id = str(message.properties.get("message_id", ""))
        seen.append(
            (threading.current_thread().name, ledger.state(message_id), ledger.summary(message_id).delivered)
        )
        acknowledge(message, *args, **kwargs)

    monkeypatch.setattr(Message, "ack", checked_ack)
    worker = notifier(settings, cases, mail, guard)
    stop = threading.Event()
    consumer = threading.Thread(target=worker.run, args=(stop,), name="verbinding", daemon=True)
    consumer.start()
    deadline = time.monotonic() + 30
    while len(seen) < len(message_ids) and time.monotonic() < deadline:
        time.sleep(0.05)
    stop.set()
    consumer.join(15)

    assert len(seen) == len(message_ids)
    assert all(thread == "verbinding" for thread, _, _ in seen)  # the connection's own thread
    assert all(state == REPORTED and delivered == 3 for _, state, delivered in seen)
    for number, recipients in letters.items():
        for address in recipients:
            assert mail.accepted[address] == 1, (number, address)


class Killed(BaseException):
    """The notifier's process dies: nothing after this line of its code runs."""


class DiesAfterAccepting(MailServer):
    """Accepts the mail to `address`, and the sending process dies before it hears so."""

    def __init__(self, address: str) -> None:
        super().__init__()
        self.address = address
        self.message_ids: dict[str, list[str]] = {}

    def send(self, message: Any) -> None:
        super().send(message)
        self.message_ids.setdefault(str(message["To"]), []).append(str(message["Message-ID"]))
        if str(message["To"]) == self.address and self.accepted[self.address] == 1:
            raise Killed


def test_a_recipient_whose_mail_may_have_gone_out_before_a_crash_gets_it_again_with_the_same_id(
    tmp_path: Path, guard: PrivacyGuard, caplog: pytest.LogCaptureFixture
) -> None:
    """The ledger starts each mail before it goes out: after the crash it knows that only that
    recipient may have got it, and sends it again (delayed, never dropped) with the same
    Message-ID, saying so in the log; the others before it are not sent again."""
    settings, cases = installation(tmp_path)
    recipients = [f"ouder{n}@voorbeeld.nl" for n in range(5)]
    request(cases, recipients)
    relay = Relay(cases, Positions(settings), lambda: messaging.connect(settings))
    (letter,) = [
        message
        for notification in cases.recorder.select_notifications(start=1, limit=100)
        if notification.topic in TOPICS and (message := relay.message_for(notification)) is not None
    ]
    mail = DiesAfterAccepting("ouder2@voorbeeld.nl")
    ledger = Ledger(settings)
    with pytest.raises(Killed):
        LetterHandler(settings, ledger, mail, guard=guard, outcomes=NoOutcomes()).handle(letter)
    with caplog.at_level("WARNING", logger="notifier"):
        LetterHandler(settings, ledger, mail, guard=guard, outcomes=NoOutcomes()).handle(letter)

    assert mail.accepted == {r: 2 if r == "ouder2@voorbeeld.nl" else 1 for r in recipients}
    assert len(set(mail.message_ids["ouder2@voorbeeld.nl"])) == 1
    assert "1 ontvanger(s) kregen de mail mogelijk al" in caplog.text


class NoOutcomes:
    def publish(self, outcome: Any) -> None:
        pass
