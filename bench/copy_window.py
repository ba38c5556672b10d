"""Benchmark of the window in which a killed notifier leaves a second copy (issue 22, item 4).

A kill leaves a copy of a mail when it falls after the mail's final line left the notifier and
before its acceptance was noted where the next worker reads it. For a kill at a moment chosen at
random while letters go out, the expected number of copies is the sum of those windows divided
by the time the sending took. The kill tests count copies per kill, but with a hundred kills
any count from 4 to 17 fits a rate of 0.1; this bench measures the windows of every mail
instead, which takes a minute and varies little between runs.

LETTERS letters to PARENTS parents each (as the kill test sends), through the real relay, worker
and ledger in this process (as bench/letters.py runs them), to the kill tests' mail server in a
process of its own (tests/e2e/mail_server.py). Twice: with the acceptance journal (services/
notifier/journal.py), and with the journal switched off, when only the ledger's write counts.
Timestamps come from hooks on aiosmtplib's write of the final line and on the ledger; the
clock is the same monotonic clock for both.
"""

from __future__ import annotations

import contextvars
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from aiosmtplib.protocol import SMTPProtocol

from bench import free_port, heading, line, percentile
from bench.letters import Installation
from services.notifier.__main__ import hand_over_often
from services.notifier.ledger import Ledger
from services.notifier.sending import Connection, Outgoing
from shared.privacy import NameFinder, PrivacyGuard
from tests.e2e.mail_server import Mailbox

LETTERS = int(os.environ.get("ZORGVULDIG_BENCH_LETTERS", "40"))
# Another mail server on 127.0.0.1 (Postfix, say) instead of the kill tests' own; without the
# split, which needs the moment the server accepted each mail.
SMTP_PORT = os.environ.get("ZORGVULDIG_BENCH_SMTP_PORT", "")
PARENTS = 25

_sending: contextvars.ContextVar[str] = contextvars.ContextVar("sending", default="")


class Windows:
    """Per mail: when its final line was written, and when its acceptance was first noted
    (in the journal, or by the ledger's committed write)."""

    def __init__(self) -> None:
        self.final_line: dict[str, float] = {}
        self.noted: dict[str, float] = {}
        self.server: dict[str, float] = {}  # when the mail server accepted it, by key[:40]

    def split(self) -> tuple[list[float], list[float]]:
        """The window in two: final line → the server's acceptance (its reading and its work),
        and the acceptance → the note (the 250's way back, the thread's turn, the note)."""
        there, back = [], []
        for key, start in self.final_line.items():
            accepted = self.server.get(key[:40])
            if accepted is not None and key in self.noted:
                there.append(accepted - start)
                back.append(self.noted[key] - accepted)
        return there, back

    def sizes(self) -> list[float]:
        return [self.noted[k] - t for k, t in self.final_line.items() if k in self.noted]

    def expected_copies_per_kill(self) -> float:
        """Sum of the windows over the time from the first final line to the last note."""
        sizes = self.sizes()
        if not sizes:
            return 0.0
        span = max(self.noted.values()) - min(self.final_line.values())
        return sum(sizes) / span if span > 0 else 0.0


@contextmanager
def hooked(windows: Windows, journal: bool) -> Iterator[None]:
    """Hooks on the final line of DATA, the journal's note and the ledger's write."""
    write, send_outgoing = SMTPProtocol.write, Connection.send_outgoing
    accepted_now, record = Ledger.accepted_now, Ledger.record_deliveries

    def timed_write(protocol: SMTPProtocol, data: bytes) -> None:
        write(protocol, data)
        key = _sending.get()
        if key and data.endswith(b"\r\n.\r\n"):
            windows.final_line[key] = time.monotonic()

    async def timed_send(connection: Connection, outgoing: Outgoing) -> None:
        _sending.set(outgoing.key)  # each lane is a task of its own: this is its context
        await send_outgoing(connection, outgoing)

    def timed_note(ledger: Ledger, message_id: str, key: str) -> None:
        if journal:
            accepted_now(ledger, message_id, key)
            windows.noted.setdefault(key, time.monotonic())

    def timed_record(ledger: Ledger, message_id: str, keys: Sequence[str], **rest: Any) -> None:
        record(ledger, message_id, keys, **rest)
        now = time.monotonic()
        for key in keys:
            windows.noted.setdefault(key, now)

    patches: list[tuple[type, str, Callable[..., Any]]] = [
        (SMTPProtocol, "write", timed_write),
        (Connection, "send_outgoing", timed_send),
        (Ledger, "accepted_now", timed_note),
        (Ledger, "record_deliveries", timed_record),
    ]
    originals = [(owner, name, getattr(owner, name)) for owner, name, _ in patches]
    for owner, name, replacement in patches:
        setattr(owner, name, replacement)
    try:
        yield
    finally:
        for owner, name, original in originals:
            setattr(owner, name, original)


def measure(guard: PrivacyGuard, journal: bool) -> tuple[Windows, float]:
    """The windows of LETTERS × PARENTS mails; and the mails per second."""
    windows = Windows()
    port = int(SMTP_PORT or free_port())
    with tempfile.TemporaryDirectory() as folder:
        box = None if SMTP_PORT else Mailbox(port, Path(folder) / "aangenomen.txt")
        try:
            setup = Installation(str(Path(folder) / "data"), port, guard)
            for number in range(LETTERS):
                setup.request([f"ouder{number}.{n}@voorbeeld.nl" for n in range(PARENTS)])
            mails = LETTERS * PARENTS
            with hooked(windows, journal):
                start = time.monotonic()
                setup.start(1)
                deadline = start + 300
                while len(windows.noted) < mails and time.monotonic() < deadline:
                    time.sleep(0.02)
                elapsed = time.monotonic() - start
                setup.close()
            if box is not None:
                windows.server = {
                    message_id.strip("<>").partition("@")[0]: at for message_id, at in box.accepted_at.items()
                }
        finally:
            if box is not None:
                box.stop()
    return windows, mails / elapsed


def main() -> None:
    heading(f"Venster voor een tweede exemplaar na een harde stop ({LETTERS} brieven aan {PARENTS})")
    hand_over_often()
    guard = PrivacyGuard(NameFinder.shared(wait=True))
    measure(guard, journal=True)  # once first: templates, the guard's first letters, imports
    for round_ in (1, 2):  # in turn, so a busy moment of the machine does not favour one
        for label, journal in (
            ("zonder journaal (alleen het grootboek)", False),
            ("met journaal (nu)", True),
        ):
            windows, rate = measure(guard, journal)
            sizes = [s * 1000 for s in windows.sizes()]
            if not sizes:
                line(label, "geen mails gemeten")
                continue
            line(f"{label}, ronde {round_}", f"{len(sizes)} mails, {rate:.0f}/s")
            line(
                "  venster laatste regel → notitie, p50 / gemiddeld / p99",
                f"{statistics.median(sizes):.2f} / {statistics.fmean(sizes):.2f}"
                f" / {percentile(sizes, 0.99):.1f} ms",
            )
            there, back = ([s * 1000 for s in part] for part in windows.split())
            if there:
                line(
                    "  waarvan mailserver / terug tot notitie, p50 (gemiddeld)",
                    f"{statistics.median(there):.2f} ({statistics.fmean(there):.2f})"
                    f" / {statistics.median(back):.2f} ({statistics.fmean(back):.2f}) ms",
                )
            line(
                "  tweede exemplaren per stop midden in het verzenden",
                f"{windows.expected_copies_per_kill():.2f}",
            )


if __name__ == "__main__":
    main()
