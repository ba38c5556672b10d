"""A mail server of its own for the kill tests: aiosmtpd on 127.0.0.1 in a process of its own,
as a school's mail server is, which writes down each mail it accepts (its recipients and
Message-ID, one line per mail) before it answers 250.

In the test's own process it shared the interpreter with the test, which stores two letter
requests after every kill: then the server waited up to 5 ms for each command it answered,
and each mail stayed longer in flight than any mail server keeps it.

    python -m tests.e2e.mail_server PORT FILE
"""

from __future__ import annotations

import email
import signal
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

READY = "klaar"


class Accepting:
    """The DATA handler: the mail's recipients, Message-ID and the moment it was accepted, one
    line, written before 250."""

    def __init__(self, path: Path) -> None:
        self.file = path.open("a", encoding="utf-8")

    async def handle_DATA(self, server, session, envelope) -> str:  # type: ignore[no-untyped-def]
        message = email.message_from_bytes(envelope.content)
        accepted = time.monotonic()  # the same clock in every process: bench/copy_window.py
        self.file.write(f"{','.join(envelope.rcpt_tos)}\t{message['Message-ID']}\t{accepted:.6f}\n")
        self.file.flush()
        return "250 OK"


def serve(port: int, path: Path) -> None:
    from aiosmtpd.controller import Controller

    controller = Controller(Accepting(path), hostname="127.0.0.1", port=port)
    controller.start()
    print(READY, flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    stop.wait()
    controller.stop()


class Mailbox:
    """The test's view of the server: which Message-IDs each recipient received, and how many
    mails were accepted, read from the server's file."""

    def __init__(self, port: int, path: Path) -> None:
        self.port, self.path = port, path
        path.touch()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.e2e.mail_server", str(port), str(path)],
            cwd=Path(__file__).resolve().parents[2],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        if self.process.stdout.readline().strip() != READY:
            raise RuntimeError("de mailserver van de test startte niet")

    def _lines(self) -> list[str]:
        text = self.path.read_text(encoding="utf-8")
        return text.splitlines() if text.endswith("\n") else text.splitlines()[:-1]

    @property
    def count(self) -> int:
        return len(self._lines())

    @property
    def received(self) -> dict[str, list[str]]:
        received: dict[str, list[str]] = defaultdict(list)
        for line in self._lines():
            recipients, message_id = line.split("\t")[:2]
            for recipient in recipients.split(","):
                received[recipient.lower()].append(message_id)
        return received

    @property
    def accepted_at(self) -> dict[str, float]:
        """Per Message-ID, when the server accepted it (first time; time.monotonic)."""
        accepted: dict[str, float] = {}
        for line in self._lines():
            _, message_id, at = line.split("\t")
            accepted.setdefault(message_id, float(at))
        return accepted

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


if __name__ == "__main__":
    serve(int(sys.argv[1]), Path(sys.argv[2]))
