"""The embedded broker (a folder) never hands out half a message and keeps a message until the
reader that took it acknowledges it; a reader that dies gives it back at once."""

from __future__ import annotations

import builtins
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from kombu import Connection
from kombu.transport import filesystem

from shared import folder_broker, messaging
from shared.config import Settings, load_settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path)})


def kombus_own_folder_transport(settings: Settings) -> Connection:
    """The same folders, through kombu's filesystem transport as it ships."""
    folder = settings.broker_folder
    for sub in ("berichten", "controle"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    return Connection(
        "filesystem://",
        transport_options={
            "data_folder_in": str(folder / "berichten"),
            "data_folder_out": str(folder / "berichten"),
            "control_folder": str(folder / "controle"),
        },
    )


class PausedWriter:
    """Stands in for open() where the broker writes into `folder`, and holds a writer there
    (`opened` is set) until the test lets it go on (`go_on`)."""

    def __init__(self, folder: Path) -> None:
        self.folder = str(folder)
        self.opened = threading.Event()
        self.go_on = threading.Event()
        self._open = builtins.open


class WriterPausedAfterOpen(PausedWriter):
    """Holds a writer between opening a message file in the broker's folder and writing it:
    the moment at which kombu's own transport shows a reader an empty file."""

    def __call__(self, file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        handle = self._open(file, mode, *args, **kwargs)
        if "w" not in mode or not str(file).startswith(self.folder):
            return handle
        pause = self

        class Paused:
            def __getattr__(self, name: str) -> Any:
                return getattr(handle, name)

            def __enter__(self) -> Paused:
                return self

            def __exit__(self, *exc: object) -> None:
                handle.close()

            def write(self, data: bytes) -> int:
                pause.opened.set()
                assert pause.go_on.wait(10)
                return int(handle.write(data))

        return Paused()


@pytest.fixture
def paused_writer(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[WriterPausedAfterOpen]:
    pause = WriterPausedAfterOpen(settings.broker_folder / "berichten")  # message files, not tables
    # Both transports call open() from their module: the same fault for each.
    monkeypatch.setattr(filesystem, "open", pause, raising=False)
    monkeypatch.setattr(folder_broker, "open", pause, raising=False)
    yield pause
    pause.go_on.set()


def read_while_the_writer_is_paused(
    connect: Callable[[], Connection], pause: WriterPausedAfterOpen
) -> tuple[list[str], list[BaseException]]:
    """One process publishes a letter and pauses after opening its file; another reads then."""
    with connect() as setup:
        messaging.queues(setup)[0](setup.default_channel).declare()
    errors: list[BaseException] = []

    def publish() -> None:
        with connect() as writer:
            messaging.publish(writer, json.dumps({"brief": 1}), message_id="m-1")

    writer = threading.Thread(target=publish)
    writer.start()
    assert pause.opened.wait(10), "the writer never opened a message file"
    received: list[str] = []
    with connect() as reader:
        letters = messaging.queues(reader)[0](reader.default_channel)
        try:
            early = letters.get(no_ack=False)
            if early is not None:
                received.append(text(early.body))
                early.ack()
        except Exception as error:  # what kombu's transport raises on the half-written file
            errors.append(error)
        pause.go_on.set()
        writer.join(10)
        deadline = time.monotonic() + 5
        while not received and time.monotonic() < deadline:
            late = letters.get(no_ack=False)
            if late is not None:
                received.append(text(late.body))
                late.ack()
            time.sleep(0.05)
    return received, errors


def test_kombus_own_folder_transport_loses_a_message_read_while_it_is_written(
    settings: Settings, paused_writer: WriterPausedAfterOpen
) -> None:
    """The race of the issue, reproduced without luck: it is why the folder broker exists."""
    received, errors = read_while_the_writer_is_paused(
        lambda: kombus_own_folder_transport(settings), paused_writer
    )
    assert received == []
    assert [type(e).__name__ for e in errors] == ["JSONDecodeError"]


def test_a_reader_never_gets_a_message_its_writer_has_not_finished(
    settings: Settings, paused_writer: WriterPausedAfterOpen
) -> None:
    received, errors = read_while_the_writer_is_paused(lambda: messaging.connect(settings), paused_writer)
    assert errors == []
    assert received == [json.dumps({"brief": 1})]


def text(body: str | bytes) -> str:
    return body.decode("utf-8") if isinstance(body, bytes) else body


def publish_letters(settings: Settings, count: int) -> None:
    with messaging.connect(settings) as connection:
        for n in range(count):
            messaging.publish(connection, json.dumps({"brief": n}), message_id=f"m-{n}")


def messages_in(settings: Settings, sub: str) -> list[str]:
    return sorted(p.name for p in (settings.broker_folder / sub).iterdir() if p.name.endswith(".msg"))


def test_a_message_stays_on_disk_until_its_reader_acknowledges_it(settings: Settings) -> None:
    publish_letters(settings, 1)
    with messaging.connect(settings) as connection:
        letters = messaging.queues(connection)[0](connection.default_channel)
        message = letters.get(no_ack=False)
        assert message is not None
        assert messages_in(settings, "berichten") == [] and len(messages_in(settings, "bezig")) == 1
        with messaging.connect(settings) as other:
            time.sleep(folder_broker.RECOVER_EVERY_SECONDS)
            assert messaging.queues(other)[0](other.default_channel).get() is None  # its reader lives
        message.ack()
    assert messages_in(settings, "berichten") == [] and messages_in(settings, "bezig") == []


def test_a_requeued_message_is_the_same_file_first_in_line_again(settings: Settings) -> None:
    publish_letters(settings, 2)
    before = messages_in(settings, "berichten")
    with messaging.connect(settings) as connection:
        letters = messaging.queues(connection)[0](connection.default_channel)
        first = letters.get(no_ack=False)
        first.requeue()
        assert messages_in(settings, "berichten") == before
        again = letters.get(no_ack=False)
        assert text(again.body) == text(first.body)
        again.ack()


def test_what_a_closed_connection_did_not_acknowledge_is_given_back_once(settings: Settings) -> None:
    publish_letters(settings, 1)
    with messaging.connect(settings) as connection:
        assert messaging.queues(connection)[0](connection.default_channel).get(no_ack=False) is not None
    assert len(messages_in(settings, "berichten")) == 1 and messages_in(settings, "bezig") == []


READER_THAT_DIES = """
import sys, time
from shared import messaging
from shared.config import load_settings
settings = load_settings({"ZORGVULDIG_DATA_DIR": sys.argv[1]})
connection = messaging.connect(settings)
message = messaging.queues(connection)[0](connection.default_channel).get(no_ack=False)
body = message.body
print(body.decode() if isinstance(body, bytes) else body, flush=True)
time.sleep(60)
"""


def test_a_reader_killed_before_its_acknowledgement_gives_the_message_back_at_once(
    settings: Settings,
) -> None:
    publish_letters(settings, 1)
    reader = subprocess.Popen(
        [sys.executable, "-c", READER_THAT_DIES, str(settings.data_dir)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout is not None
        taken = reader.stdout.readline().strip()
        assert taken == json.dumps({"brief": 0})
        with messaging.connect(settings) as connection:
            letters = messaging.queues(connection)[0](connection.default_channel)
            time.sleep(folder_broker.RECOVER_EVERY_SECONDS)
            assert letters.get(no_ack=False) is None  # the living reader holds it
            os.kill(reader.pid, signal.SIGKILL)
            reader.wait(10)
            time.sleep(folder_broker.RECOVER_EVERY_SECONDS)
            again = letters.get(no_ack=False)
            assert again is not None and text(again.body) == taken
            assert again.properties["message_id"] == "m-0"
            again.ack()
    finally:
        if reader.poll() is None:
            reader.kill()
            reader.wait()


class TableWriterPausedAfterOpen(PausedWriter):
    """Holds the first writer of an exchange's table just after it opened the file for writing,
    before it locks or writes: where kombu's own transport leaves an empty table for others."""

    def __call__(self, file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        handle = self._open(file, mode, *args, **kwargs)
        if "w" in mode and str(file).startswith(self.folder) and not self.opened.is_set():
            self.opened.set()
            assert self.go_on.wait(10)
        return handle


def test_queues_declared_together_neither_read_a_half_written_exchange_table_nor_lose_a_binding(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Processes that start together each declare their queue, and each declaration writes the
    exchange's table of bindings that every publish reads. kombu's own transport creates that
    file empty and locks and writes it after: the outcome consumer, declaring its queue then,
    read the empty table (a `JSONDecodeError` in its log in a bench run)."""
    pause = TableWriterPausedAfterOpen(settings.broker_folder / "controle")
    monkeypatch.setattr(folder_broker, "open", pause, raising=False)
    monkeypatch.setattr(Path, "open", lambda path, mode="r", *a, **k: pause(path, mode, *a, **k))
    errors: list[BaseException] = []

    def declare(which: str) -> None:
        try:
            with messaging.connect(settings) as connection:
                queue = messaging.queues(connection)[0] if which == "brieven" else messaging.OUTCOMES
                queue(connection.default_channel).declare()
        except Exception as error:  # what kombu's transport raises on the empty table
            errors.append(error)

    notifier = threading.Thread(target=declare, args=("brieven",))
    notifier.start()
    assert pause.opened.wait(10), "no one wrote the exchange's table"
    consumer = threading.Thread(target=declare, args=("uitkomsten",))
    consumer.start()
    consumer.join(0.5)  # it fails at once on the empty table, or waits for the writer
    pause.go_on.set()
    notifier.join(10)
    consumer.join(10)
    assert errors == []
    with messaging.connect(settings) as connection:  # a publisher's view, before it declares anything
        table = connection.default_channel.get_table(messaging.EXCHANGE.name)
    assert sorted(binding.queue for binding in table) == [messaging.LETTERS.name, messaging.OUTCOMES.name]
