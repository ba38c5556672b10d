"""A letter whose sending was interrupted after the mail server may already have taken some
mails: the notifier sends those again (same Message-ID) and its outcome counts them, each
recipient once however often its mail was in doubt, so the letter's page can say so."""

from __future__ import annotations

from pathlib import Path

from services.case.application import CaseManagement
from services.case.relay import TOPICS, Relay
from services.notifier.ledger import Ledger
from services.notifier.letters import LetterHandler
from shared import messaging
from shared.config import Settings, load_settings
from shared.contracts import LetterOutcome, LetterRequest, decode, encode, recipient_key
from shared.positions import Positions
from shared.privacy import PrivacyGuard
from tests.examples import ACTIONS, HANDLER, OPENING
from tests.fakes import Outbox, Outcomes

RECIPIENTS = [f"ouder{n}@voorbeeld.nl" for n in range(5)]
KILLED = -1.0  # the lease of a notifier that was killed: run out by the time the next one looks


def letter_request(tmp_path: Path) -> tuple[Settings, LetterRequest]:
    """A letter to RECIPIENTS, as the relay puts it on the queue."""
    settings = load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path)})
    cases = CaseManagement(env=settings.event_store_env())
    incident_id, _ = cases.open_incident(HANDLER, **OPENING)
    cases.record_action(
        HANDLER,
        incident_id,
        "LetterRequested",
        {"letter": "ouders_klas", "group": "Ouders", "recipients": RECIPIENTS,
         "statement": ACTIONS["CommunicationStatementWritten"]},
    )  # fmt: skip
    relay = Relay(cases, Positions(settings), lambda: messaging.connect(settings))
    (letter,) = [
        message
        for notification in cases.recorder.select_notifications(start=1, limit=100)
        if notification.topic in TOPICS and (message := relay.message_for(notification)) is not None
    ]
    assert isinstance(letter, LetterRequest)
    return settings, letter


def keys(letter: LetterRequest, *numbers: int) -> list[str]:
    return [recipient_key(letter.message_id, RECIPIENTS[n]) for n in numbers]


def test_the_outcome_counts_the_recipients_sent_again_after_an_interruption(
    tmp_path: Path, guard: PrivacyGuard
) -> None:
    settings, letter = letter_request(tmp_path)
    ledger = Ledger(settings)
    # A notifier killed mid-letter: the first two accepted, the next two started without the
    # server's answer written, the last not started.
    ledger.take(letter.message_id, "gestopte-notifier", seconds=KILLED)
    ledger.record_deliveries(letter.message_id, keys(letter, 0, 1), started=keys(letter, 0, 1, 2, 3))

    outbox, outcomes = Outbox(), Outcomes()
    LetterHandler(settings, ledger, outbox, guard=guard, outcomes=outcomes).handle(letter)

    assert sorted(str(mail["To"]) for mail in outbox.mails) == RECIPIENTS[2:]
    (outcome,) = outcomes.published
    assert isinstance(outcome, LetterOutcome)
    assert (outcome.sent, outcome.failed, outcome.maybe_twice) == (5, 0, 2)
    assert decode(encode(outcome)) == outcome  # the count travels


def test_a_recipient_in_doubt_after_two_interruptions_counts_once(
    tmp_path: Path, guard: PrivacyGuard
) -> None:
    settings, letter = letter_request(tmp_path)
    ledger = Ledger(settings)
    ledger.take(letter.message_id, "eerste", seconds=KILLED)
    ledger.record_deliveries(letter.message_id, [], started=keys(letter, 0, 1, 2))
    # The second attempt finds 0, 1 and 2 in doubt, sends them again, and is killed after the
    # server's acceptance of 0 was written: 1 and 2 are in doubt once more.
    assert ledger.take(letter.message_id, "tweede", seconds=KILLED).in_doubt == set(keys(letter, 0, 1, 2))
    ledger.record_deliveries(letter.message_id, keys(letter, 0))

    outcomes = Outcomes()
    LetterHandler(settings, ledger, Outbox(), guard=guard, outcomes=outcomes).handle(letter)

    (outcome,) = outcomes.published
    assert isinstance(outcome, LetterOutcome)
    assert (outcome.sent, outcome.maybe_twice) == (5, 3)


def test_a_letter_sent_without_interruption_counts_no_one(tmp_path: Path, guard: PrivacyGuard) -> None:
    settings, letter = letter_request(tmp_path)
    outcomes = Outcomes()
    LetterHandler(settings, Ledger(settings), Outbox(), guard=guard, outcomes=outcomes).handle(letter)
    (outcome,) = outcomes.published
    assert isinstance(outcome, LetterOutcome) and outcome.maybe_twice == 0


def sent_again_and_reported_again(ledger: Ledger) -> None:
    """A recipient sent again and then refused has the mail once at most: not counted. The
    count stays after the message is settled, for an outcome that is reported again."""
    ledger.take("bericht", "eerste", seconds=KILLED)
    ledger.record_deliveries("bericht", ["a"], started=["a", "b", "c"])
    assert ledger.take("bericht", "tweede").in_doubt == {"b", "c"}
    ledger.record_deliveries("bericht", ["b"], started=["b", "c"])
    ledger.record_deliveries("bericht", [], withdrawn=["c"])  # refused this time
    assert ledger.finish("bericht", failed=1, note="").maybe_twice == 1
    ledger.settle("bericht", "tweede")
    assert ledger.summary("bericht").maybe_twice == 1


def test_the_ledger_counts_those_sent_again_and_accepted(tmp_path: Path) -> None:
    sent_again_and_reported_again(Ledger(load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path)})))


def test_the_ledger_counts_those_sent_again_and_accepted_on_postgresql(postgres_url: str) -> None:
    sent_again_and_reported_again(Ledger(load_settings({"ZORGVULDIG_DATABASE_URL": postgres_url})))


def test_an_outcome_from_a_notifier_that_did_not_count_them_reads_as_none() -> None:
    older = {
        "message_id": "u", "request_id": "r", "letter_id": "l", "incident_id": "i", "sent": 2,
        "failed": 0, "sealed": "", "bounced": 0, "type": "brief.uitkomst", "version": 1,
    }  # fmt: skip
    outcome = decode(older)
    assert isinstance(outcome, LetterOutcome) and outcome.maybe_twice == 0
