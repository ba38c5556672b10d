"""A large letter spreads over the notifier's SMTP connections, and every connection's accepted
mail is in the ledger before that connection sends its next (the duplicate window stays one mail
per connection), while the ledger writes the acceptances of several connections together. Each
mail is started in the ledger before it goes out, in the same writes: after a crash the ledger
knows which recipients may have got their mail."""

from __future__ import annotations

import email
import sys
import threading
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from services.notifier.__main__ import hand_over_often
from services.notifier.ledger import Ledger
from services.notifier.sending import ConnectionBudget, Notes, Outgoing, Sender, TransientFailure
from shared.config import load_settings
from tests.integration.test_letters_delivery import free_port


class Log:
    """What the server received, on which connection, and what the ledger wrote, in order."""

    def __init__(self, fail_after: int = 0) -> None:
        self.events: list[tuple[str, Any, str]] = []
        self.lock = threading.Lock()
        self.fail_after = fail_after

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        key = str(email.message_from_bytes(envelope.content)["X-Zorgvuldig-Bericht"])
        with self.lock:
            received = sum(1 for e in self.events if e[0] == "ontvangen")
            if self.fail_after and received >= self.fail_after:
                return "451 Even niet"
            self.events.append(("ontvangen", session.peer, key))
        return "250 OK"

    def written(self, notes: Notes) -> None:
        with self.lock:
            if notes.started:
                self.events.append(("begonnen", len(notes.started), ",".join(notes.started)))
            if notes.accepted:
                self.events.append(("geschreven", len(notes.accepted), ",".join(notes.accepted)))
            if notes.withdrawn:
                self.events.append(("ingetrokken", len(notes.withdrawn), ",".join(notes.withdrawn)))


def mails(count: int) -> list[Outgoing]:
    made = []
    for n in range(count):
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = "school@voorbeeld.nl", f"o{n}@v.nl", "Brief"
        message["X-Zorgvuldig-Bericht"] = f"sleutel{n}"
        message.set_content("Beste ouder(s)/verzorger(s),\n")
        made.append(Outgoing(f"sleutel{n}", f"o{n}@v.nl", "terug+x@v.nl", message.as_bytes()))
    return made


def run(
    log: Log,
    count: int,
    budget: ConnectionBudget,
    tmp_path: Path,
    accepted: Callable[[str], None] | None = None,
) -> dict[str, str]:
    port = free_port()
    controller = Controller(log, hostname="127.0.0.1", port=port)
    controller.start()
    sender = Sender(
        load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path), "ZORGVULDIG_SMTP_PORT": str(port)}),
        budget=budget,
    )
    try:
        return sender.send_each(mails(count), log.written, accepted)
    finally:
        sender.close()
        controller.stop()


def assert_written_before_the_next_mail_on_its_connection(log: Log) -> None:
    written_at = {}
    for index, (kind, _, keys) in enumerate(log.events):
        if kind == "geschreven":
            for key in keys.split(","):
                written_at[key] = index
    previous: dict[Any, str] = {}
    for index, (kind, peer, key) in enumerate(log.events):
        if kind != "ontvangen":
            continue
        if peer in previous:
            assert written_at[previous[peer]] < index, f"{key} ging uit voor {previous[peer]} geschreven was"
        previous[peer] = key


def assert_started_before_it_went_out(log: Log) -> None:
    started: set[str] = set()
    for kind, _, keys in log.events:
        if kind == "begonnen":
            started.update(keys.split(","))
        elif kind == "ontvangen":
            assert keys in started, f"{keys} ging uit voor het in het grootboek begonnen was"


def test_a_letter_to_two_hundred_spreads_over_the_free_connections(tmp_path: Path) -> None:
    log = Log()
    assert run(log, 200, ConnectionBudget(3), tmp_path) == {}
    received = [e for e in log.events if e[0] == "ontvangen"]
    assert sorted(e[2] for e in received) == sorted(f"sleutel{n}" for n in range(200))
    assert len({e[1] for e in received}) == 4  # its own connection and the three free ones
    batches = [e[1] for e in log.events if e[0] == "geschreven"]
    assert sum(batches) == 200 and len(batches) < 200  # several acceptances per transaction
    assert_written_before_the_next_mail_on_its_connection(log)
    assert_started_before_it_went_out(log)


def test_starting_a_mail_costs_no_write_of_its_own(tmp_path: Path) -> None:
    """The next mail is started in the same write as the acceptance before it: only each
    connection's first mail is started alone."""
    log = Log()
    run(log, 10, ConnectionBudget(0), tmp_path)
    assert [kind for kind, _, _ in log.events if kind != "ontvangen"] == ["begonnen"] + [
        "begonnen",
        "geschreven",
    ] * 9 + ["geschreven"]
    assert_started_before_it_went_out(log)


def test_a_small_letter_keeps_to_its_own_connection(tmp_path: Path) -> None:
    log = Log()
    run(log, 10, ConnectionBudget(3), tmp_path)
    assert len({e[1] for e in log.events if e[0] == "ontvangen"}) == 1


def test_a_letter_to_a_class_keeps_to_its_own_connection(tmp_path: Path) -> None:
    """Fewer connections sending at once leave fewer mails in doubt when a notifier is killed."""
    log = Log()
    run(log, 40, ConnectionBudget(3), tmp_path)
    assert len({e[1] for e in log.events if e[0] == "ontvangen"}) == 1


def test_a_transient_failure_stops_every_connection_after_what_is_in_flight(tmp_path: Path) -> None:
    log = Log(fail_after=50)
    try:
        run(log, 200, ConnectionBudget(3), tmp_path)
    except TransientFailure:
        pass
    else:
        raise AssertionError("een 451 moet de brief later laten proberen")
    received = {e[2] for e in log.events if e[0] == "ontvangen"}
    written = {k for e in log.events if e[0] == "geschreven" for k in e[2].split(",")}
    assert written == received and len(received) < 60  # nothing accepted goes unwritten
    started = {k for e in log.events if e[0] == "begonnen" for k in e[2].split(",")}
    withdrawn = {k for e in log.events if e[0] == "ingetrokken" for k in e[2].split(",")}
    assert started - written == withdrawn  # a 451 or a mail never sent leaves no doubt behind


def test_the_ledger_writes_a_batch_in_one_transaction(tmp_path: Path) -> None:
    ledger = Ledger(load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path)}))
    ledger.take("bericht", "houder")
    ledger.record_deliveries("bericht", ["a", "b", "c"])
    ledger.record_deliveries("bericht", ["c"])
    assert ledger.take("bericht", "houder").delivered == frozenset({"a", "b", "c"})


def test_the_ledger_writes_a_batch_on_postgresql_too(postgres_url: str) -> None:  # type: ignore[no-untyped-def]
    ledger = Ledger(load_settings({"ZORGVULDIG_DATABASE_URL": postgres_url}))
    ledger.take("bericht", "houder")
    ledger.record_deliveries("bericht", ["a", "b"])
    ledger.record_deliveries("bericht", ["b", "c"])
    assert ledger.take("bericht", "houder").delivered == frozenset({"a", "b", "c"})
    ledger.note_bounce_read("terug-1.eml")
    assert ledger.bounces_read() == {"terug-1.eml"}


def started_but_not_accepted(ledger: Ledger) -> None:
    ledger.take("bericht", "houder")
    ledger.record_deliveries("bericht", [], started=["a", "b"])
    ledger.record_deliveries("bericht", ["a"], started=["c", "d"])
    ledger.record_deliveries("bericht", [], withdrawn=["d"])  # the server answered 451
    progress = ledger.take("bericht", "houder")  # as the attempt after a crash
    assert progress.delivered == frozenset({"a"})
    assert progress.in_doubt == frozenset({"b", "c"})  # perhaps sent: they get it again
    ledger.settle("bericht", "houder")
    ledger.mark("bericht", "bezig")
    assert ledger.take("bericht", "houder").in_doubt == frozenset()  # settled: nothing kept


def test_the_ledger_knows_which_recipients_may_have_got_their_mail(tmp_path: Path) -> None:
    started_but_not_accepted(Ledger(load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path)})))


def test_the_ledger_knows_which_recipients_may_have_got_their_mail_on_postgresql(postgres_url: str) -> None:  # type: ignore[no-untyped-def]
    started_but_not_accepted(Ledger(load_settings({"ZORGVULDIG_DATABASE_URL": postgres_url})))


def test_the_notifier_lets_a_thread_that_heard_a_250_run_within_a_millisecond() -> None:
    """A thread busy with the next letter's privacy check must not keep the sending thread
    from writing its acceptance for Python's default 5 ms: that wait is the window in which a
    killed notifier leaves a second copy."""
    before = sys.getswitchinterval()
    try:
        hand_over_often()
        assert sys.getswitchinterval() <= 0.001
    finally:
        sys.setswitchinterval(before)
