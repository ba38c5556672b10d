"""Letters that come back after the mail server accepted them (bounces).

Each letter goes out with a return path of its own per recipient (VERP):
terug+<letter id>-<recipient key>@domain, with the recipient named by a key, never by the
address. A recipient's mail server sends its bounce there; the notifier reads the mailbox (a
folder of .eml files or a Maildir; on the embedded default the mail catcher's folder), finds
the letter and the recipient from the address the bounce was sent to, reads why with
flufl.bounce and the delivery report, and reports it to the case service as a `LetterOutcome`
with `bounced=1`. A bounce whose reason cannot be read is reported as "onbekend", never
dropped; one that names no letter of ours is left where it is.
"""

from __future__ import annotations

import email
import email.policy
import logging
import re
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from email.utils import getaddresses
from pathlib import Path

from flufl.bounce import all_failures

from services.notifier.ledger import Ledger
from services.notifier.outcomes import ReportsOutcomes
from shared.contracts import NAMESPACE, LetterOutcome, letter_message_id, seal

log = logging.getLogger("teruggekomen")

UNKNOWN = "onbekend"
KEY_LENGTH = 16  # hex characters of the recipient key in the return path: 64 bits
_VERP = re.compile(rf"\+([0-9a-f]{{32}})-([0-9a-f]{{{KEY_LENGTH}}})@", re.IGNORECASE)
# Where a bounce keeps the address it was sent to: the envelope's, then the header's.
_DELIVERED_TO = ("X-Original-To", "Delivered-To", "Envelope-To", "To", "Cc")


def return_path(bounce_address: str, letter_id: str, key: str) -> str:
    """The envelope sender of one letter to one recipient ("" for a letter without an id)."""
    local, _, domain = bounce_address.partition("@")
    try:
        letter = uuid.UUID(letter_id).hex
    except ValueError:
        return ""
    return f"{local}+{letter}-{key[:KEY_LENGTH]}@{domain}"


@dataclass(frozen=True)
class Bounce:
    letter_id: str
    recipient_key: str  # the first KEY_LENGTH characters of the recipient's key
    reason: str


def read_bounce(raw: bytes) -> Bounce | None:
    """The letter, recipient and reason of a bounce; None when it was not sent to one of our
    return paths (then it is no bounce of a letter) or is only a delay notice."""
    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    found = _return_path_in(message)
    if found is None:
        return None
    letter_id, key = found
    try:
        temporary, permanent = all_failures(message)
    except Exception:
        temporary, permanent = frozenset(), frozenset()
    if temporary and not permanent:
        return None  # "still trying": the mail may yet arrive
    return Bounce(letter_id, key, _reason(message) or UNKNOWN)


def _return_path_in(message: Message) -> tuple[str, str] | None:
    for header in _DELIVERED_TO:
        for _, address in getaddresses([str(v) for v in message.get_all(header, [])]):
            if match := _VERP.search(address + "@"):
                return str(uuid.UUID(match.group(1))), match.group(2).lower()
    return None


def _reason(message: Message) -> str:
    """The remote server's own words (Diagnostic-Code), else its status code."""
    status = ""
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        payload = part.get_payload()
        blocks = payload if isinstance(payload, list) else []
        for block in blocks:
            if not isinstance(block, Message):
                continue
            diagnostic = str(block.get("Diagnostic-Code", "")).strip()
            if diagnostic:
                return _short(diagnostic.partition(";")[2].strip() or diagnostic)
            status = status or str(block.get("Status", "")).strip()
    return f"status {status}" if status else ""


def _short(text: str) -> str:
    return " ".join(text.split())[:300]


class BounceFolder:
    """The local mailbox: *.eml files in a folder, or a Maildir's new/ and cur/."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def messages(self) -> Iterator[tuple[str, bytes]]:
        for sub in ("", "new", "cur"):
            place = self.folder / sub if sub else self.folder
            if not place.is_dir():
                continue
            for path in sorted(place.iterdir()):
                if path.is_file() and not path.name.startswith(".") and (sub or path.suffix == ".eml"):
                    yield f"{sub}/{path.name}", path.read_bytes()


class BounceReader:
    """Reads the mailbox once per call and reports each new bounce, once: the ledger keeps
    which mails it has read, so the mail catcher's folder (which also holds what was sent)
    and a restarted notifier never report a bounce twice."""

    def __init__(
        self, mailbox: BounceFolder, ledger: Ledger, outcomes: ReportsOutcomes, letters_key: bytes
    ) -> None:
        self.mailbox = mailbox
        self.ledger = ledger
        self.outcomes = outcomes
        self.letters_key = letters_key

    def read_once(self) -> int:
        """Reports every bounce not read before; returns how many it reported."""
        reported = 0
        read = self.ledger.bounces_read()
        for name, raw in self.mailbox.messages():
            if name in read:
                continue
            bounce = read_bounce(raw)
            if bounce is not None:
                self.report(bounce)
                reported += 1
            self.ledger.note_bounce_read(name)
        return reported

    def report(self, bounce: Bounce) -> None:
        request_id = letter_message_id(bounce.letter_id)
        self.outcomes.publish(
            LetterOutcome(
                message_id=str(uuid.uuid5(NAMESPACE, f"teruggekomen:{request_id}:{bounce.recipient_key}")),
                request_id=request_id,
                letter_id=bounce.letter_id,
                incident_id="",
                sent=0,
                failed=0,
                bounced=1,
                sealed=seal(
                    self.letters_key, {"reason": bounce.reason, "recipient_key": bounce.recipient_key}
                ),
            )
        )
        log.info("Teruggekomen brief %s gemeld.", bounce.letter_id[:8])

    def run(self, stop: threading.Event, every: float = 2.0) -> None:
        """Reads the mailbox every few seconds until stopped; a failure waits and tries again."""
        while not stop.is_set():
            try:
                self.read_once()
            except Exception as error:
                log.warning("Teruggekomen brieven niet gelezen (%s); later opnieuw.", type(error).__name__)
            stop.wait(every)


def read_in_background(reader: BounceReader, stop: threading.Event) -> threading.Thread:
    thread = threading.Thread(target=reader.run, args=(stop,), name="teruggekomen", daemon=True)
    thread.start()
    return thread
