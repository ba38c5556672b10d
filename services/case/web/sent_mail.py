"""What the local mail catcher received for a school, read back per letter request: one entry
per letter with its number of recipients, so that a letter to 35 parents is one line, not 35
copies of the same text."""

from __future__ import annotations

import email
import email.policy
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

NEWEST_FILES = 2000  # the page reads at most this many of the newest mails


@dataclass
class SentLetter:
    """One letter request as the recipients got it: the same subject and text to each."""

    request: str  # the request's id from X-Zorgvuldig-Verzoek; a mail without it stands alone
    subject: str
    at: datetime  # when the catcher received the first copy, in UTC
    copy: Path  # one recipient's copy, to read the text from
    recipients: list[str] = field(default_factory=list)


def read_mail(path: Path) -> EmailMessage:
    with path.open("rb") as file:
        message = email.message_from_binary_file(file, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def text_of(path: Path) -> str:
    body = read_mail(path).get_body(preferencelist=("plain",))
    return body.get_content() if body else ""


def received_at(path: Path) -> datetime:
    """The catcher names each file after the moment it arrived: 20261206T022900123456-….eml."""
    try:
        return datetime.strptime(path.stem[:15], "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return datetime.fromtimestamp(path.stat().st_mtime, UTC)


def sent_letters(folder: Path, school_id: str) -> list[SentLetter]:
    """The school's letters, newest first, each with all the addresses it went to."""
    letters: dict[str, SentLetter] = {}
    files = sorted(folder.glob("*.eml"), reverse=True)[:NEWEST_FILES] if folder.is_dir() else []
    for path in reversed(files):  # oldest first, so a letter's time is its first copy's
        message = read_mail(path)
        if message.get("X-Zorgvuldig-School") != school_id:
            continue
        request = str(message.get("X-Zorgvuldig-Verzoek") or path.stem)
        letter = letters.setdefault(
            request, SentLetter(request, str(message["Subject"] or ""), received_at(path), path)
        )
        letter.recipients.append(str(message["To"] or ""))
    return sorted(letters.values(), key=lambda letter: letter.at, reverse=True)
