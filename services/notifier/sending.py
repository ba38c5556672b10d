"""Sending letters with aiosmtplib: one mail per recipient, a large letter spread over the
notifier's pool of SMTP connections, and failures told apart."""

from __future__ import annotations

import asyncio
import email
import email.policy
import threading
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formataddr, formatdate, parseaddr
from typing import Any

import aiosmtplib

from shared.boards import School
from shared.config import Settings
from shared.letters import RenderedLetter

# A letter borrows one more connection for each this many recipients (and no more than are free).
# A class's letter (up to 49 parents) keeps to its thread's own connection: each connection
# sending when a notifier is killed has its mail in doubt, and one in five of those is then sent
# twice; the threads' letters side by side keep a nearby mail server as busy (docs/metingen.md).
MAIL_PER_BORROWED_CONNECTION = 50


class TransientFailure(Exception):
    """The mail server or the network failed for now (4xx, refused connection): retry later."""


class AnsweredLater(TransientFailure):
    """The mail server answered 4xx: it did not take the mail (unlike a connection that broke
    off, after which it may have)."""


class PermanentFailure(Exception):
    """The mail server refused for good (5xx): do not retry."""


def build(
    settings: Settings,
    letter: RenderedLetter,
    recipient: str,
    *,
    school: School,
    key: str,
    sending_address: str = "",
    request: str = "",
    return_path: str = "",
) -> EmailMessage:
    """One recipient's e-mail, from the school: its name over the board's sending address
    (or the installation's). Its Message-ID derives from the letter request and the
    recipient alone, so a copy sent again after a crash is the same message to every mail
    system; replies go to the school's contact address. X-Zorgvuldig-Verzoek names the
    request, so that the school's page of sent mail shows each letter once with its count.
    A `return_path` (the letter's and the recipient's own, services/notifier/bounces.py)
    becomes the envelope sender, so a bounce says whose letter came back."""
    message = EmailMessage()
    message["From"] = formataddr((school.name, sending_address or parseaddr(settings.mail_from)[1]))
    message["To"] = recipient
    if school.contact_email:
        message["Reply-To"] = school.contact_email
    message["Subject"] = letter.subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = f"<{key[:40]}@{sender_domain(settings.mail_from)}>"
    message["X-Zorgvuldig-School"] = school.id
    message["X-Zorgvuldig-Bericht"] = key
    if request:
        message["X-Zorgvuldig-Verzoek"] = request
    if return_path:
        message["Return-Path"] = return_path  # the envelope's; taken off before sending
    message.set_content(letter.text)
    message.add_alternative(letter.html, subtype="html")
    message["Content-Language"] = letter.language  # after the content, which would clear it
    return message


@dataclass(frozen=True)
class Outgoing:
    """One recipient's mail of a letter, ready for the wire."""

    key: str
    recipient: str
    return_path: str
    data: bytes

    def message(self) -> EmailMessage:
        """The mail as a message object (for a sender that takes one)."""
        parsed = email.message_from_bytes(self.data, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


class LetterMail:
    """A letter composed once and rendered to bytes once; each recipient's mail is that with
    their own few headers in front (To, Date, Message-ID and the ledger's keys), the same
    headers `build` writes. Building the MIME message anew per recipient cost milliseconds."""

    def __init__(
        self, settings: Settings, letter: RenderedLetter, *, school: School, sending_address: str = ""
    ) -> None:
        base = EmailMessage()
        base["From"] = formataddr((school.name, sending_address or parseaddr(settings.mail_from)[1]))
        if school.contact_email:
            base["Reply-To"] = school.contact_email
        base["Subject"] = letter.subject
        base["X-Zorgvuldig-School"] = school.id
        base.set_content(letter.text)
        base.add_alternative(letter.html, subtype="html")
        base["Content-Language"] = letter.language  # after the content, which would clear it
        self._body = base.as_bytes(policy=email.policy.SMTP)
        self._domain = sender_domain(settings.mail_from)
        self._date = formatdate(localtime=True)

    def to(self, recipient: str, *, key: str, request: str = "", return_path: str = "") -> Outgoing:
        """The mail to one (valid, plain) address; ValueError for anything that could add a header."""
        if not recipient.isascii() or any(c in recipient for c in "\r\n<>,;"):
            raise ValueError("geen gewoon e-mailadres")
        head = f"To: {recipient}\r\nDate: {self._date}\r\nMessage-ID: <{key[:40]}@{self._domain}>\r\n"
        head += f"X-Zorgvuldig-Bericht: {key}\r\n"
        if request:
            head += f"X-Zorgvuldig-Verzoek: {request}\r\n"
        return Outgoing(key, recipient, return_path, head.encode("ascii") + self._body)


def sender_domain(mail_from: str) -> str:
    """The domain of the sender's address: where the Message-ID says the mail comes from."""
    address = parseaddr(mail_from)[1]
    return address.rpartition("@")[2] or "zorgvuldig.invalid"


class ConnectionBudget:
    """The notifier's SMTP connections beyond each sending thread's own: a letter to many
    borrows the ones free now and gives them back when it is sent, so one large letter
    spreads over the pool while small letters keep their own connection."""

    def __init__(self, extra: int) -> None:
        self._free = threading.Semaphore(max(extra, 0))

    def borrow(self, wanted: int) -> int:
        taken = 0
        while taken < wanted and self._free.acquire(blocking=False):
            taken += 1
        return taken

    def give_back(self, count: int) -> None:
        for _ in range(count):
            self._free.release()


@dataclass(frozen=True)
class Notes:
    """What the ledger writes at once about a letter's mails: accepted by the server, about to
    go out (started), and started but certainly not taken by the server (withdrawn: refused,
    answered 4xx, or never sent)."""

    accepted: list[str] = field(default_factory=list)
    started: list[str] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)

    @staticmethod
    def joined(many: list[Notes]) -> Notes:
        return Notes(
            [k for n in many for k in n.accepted],
            [k for n in many for k in n.started],
            [k for n in many for k in n.withdrawn],
        )


class GroupCommit:
    """Writes what several connections did in one transaction: each connection's accepted
    mail together with the mail it sends next (started), so the ledger knows, before a mail
    goes out, that it may have been sent. A connection waits until its write is done before
    it sends again, so the window in which a crash can send a copy stays one mail per
    connection, while the ledger commits far less often. The write runs as soon as what came
    in together is collected (a callback at the end of this turn of the event loop, not a
    task that would wait two turns). Before that, each acceptance is handed to `accepted`
    the moment its 250 is read (the ledger's journal, services/notifier/journal.py): the
    shorter the time between the server's 250 and a note that survives a kill, the fewer
    copies a killed process leaves."""

    def __init__(self, write: Callable[[Notes], None]) -> None:
        self.write = write
        self._pending: list[tuple[Notes, asyncio.Future[None]]] = []
        self.withdrawn: list[str] = []  # written with the next note, or by the caller at the end

    async def note(self, accepted: str | None, started: str | None) -> None:
        loop = asyncio.get_running_loop()
        done: asyncio.Future[None] = loop.create_future()
        if not self._pending:
            loop.call_soon(self._flush)
        withdrawn, self.withdrawn = self.withdrawn, []
        self._pending.append(
            (Notes([accepted] if accepted else [], [started] if started else [], withdrawn), done)
        )
        await done

    def _flush(self) -> None:
        batch, self._pending = self._pending, []
        try:
            self.write(Notes.joined([notes for notes, _ in batch]))
        except BaseException as error:  # every waiting connection learns of it
            for _, done in batch:
                done.set_exception(error)
            return
        for _, done in batch:
            done.set_result(None)


class Connection:
    """One SMTP connection that stays open between mails; after any error it is dropped and
    the next mail opens a new one. Failures are told apart as PermanentFailure (5xx) and
    TransientFailure (4xx, network)."""

    def __init__(self, settings: Settings, timeout: float) -> None:
        self.settings = settings
        self.timeout = timeout
        self._client: aiosmtplib.SMTP | None = None

    async def _connected(self) -> aiosmtplib.SMTP:
        if self._client is None or not self._client.is_connected:
            s = self.settings
            client = aiosmtplib.SMTP(
                hostname=s.smtp_host,
                port=s.smtp_port,
                username=s.smtp_user or None,
                password=s.smtp_password or None,
                start_tls=s.smtp_starttls,
                timeout=self.timeout,
            )
            await client.connect()
            self._client = client
        return self._client

    async def drop(self) -> None:
        client, self._client = self._client, None
        if client is not None and client.is_connected:
            try:
                await client.quit()
            except (aiosmtplib.SMTPException, OSError):
                client.close()

    @property
    def is_open(self) -> bool:
        return self._client is not None

    async def send(self, message: EmailMessage) -> None:
        return_path = message["Return-Path"]
        if return_path is not None:
            del message["Return-Path"]  # the receiving server writes its own from the envelope
        await self._guarded(lambda client: client.send_message(message, sender=return_path or None))

    async def send_outgoing(self, outgoing: Outgoing) -> None:
        sender = outgoing.return_path or parseaddr(self.settings.mail_from)[1]
        await self._guarded(lambda client: client.sendmail(sender, [outgoing.recipient], outgoing.data))

    async def _guarded(self, action: Callable[[aiosmtplib.SMTP], Awaitable[Any]]) -> None:
        try:
            await action(await self._connected())
        except aiosmtplib.SMTPRecipientsRefused as refused:
            await self.drop()
            codes = [r.code for r in refused.recipients]
            if all(500 <= c < 600 for c in codes):
                raise PermanentFailure(f"ontvanger geweigerd ({codes[0]})") from None
            raise AnsweredLater(f"ontvanger tijdelijk geweigerd ({codes[0]})") from None
        except aiosmtplib.SMTPResponseException as error:
            await self.drop()
            if 500 <= error.code < 600:
                raise PermanentFailure(f"mailserver weigerde ({error.code})") from None
            raise AnsweredLater(f"mailserver antwoordde {error.code}") from None
        except (aiosmtplib.SMTPException, OSError) as error:
            await self.drop()
            raise TransientFailure(f"mailserver niet bereikbaar ({type(error).__name__})") from None


class Sender:
    """Sends through the configured SMTP server over a connection of its own that stays open
    between letters (as a mail client does). A letter to many recipients also borrows the
    pool's free connections (`budget`) and spreads its recipients over them."""

    def __init__(
        self, settings: Settings, *, timeout: float = 15.0, budget: ConnectionBudget | None = None
    ) -> None:
        self.settings = settings
        self.timeout = timeout
        self.budget = budget
        self._runner = asyncio.Runner()
        self._own = Connection(settings, timeout)

    def send(self, message: EmailMessage) -> None:
        self._runner.run(self._own.send(message))

    def send_each(
        self,
        mails: Sequence[Outgoing],
        note: Callable[[Notes], None],
        accepted: Callable[[str], None] | None = None,
    ) -> dict[str, str]:
        """Sends each mail over this sender's connection and the borrowed ones. Hands `note`
        (in batches) the keys of the mails about to go out, before they do, and of the
        accepted ones, before that connection sends again; hands `accepted` each accepted
        key the moment the server's 250 is read, before anything else (the ledger's journal).
        Returns the refused keys with why. Raises TransientFailure once the mails in flight
        are done, when the server should be tried again later."""
        return self._runner.run(self._send_each(list(mails), note, accepted))

    async def _send_each(
        self, mails: list[Outgoing], note: Callable[[Notes], None], accepted_now: Callable[[str], None] | None
    ) -> dict[str, str]:
        wanted = len(mails) // MAIL_PER_BORROWED_CONNECTION
        borrowed = self.budget.borrow(wanted) if self.budget and wanted else 0
        lanes = [self._own, *(Connection(self.settings, self.timeout) for _ in range(borrowed))]
        waiting = deque(mails)
        refused: dict[str, str] = {}
        trouble: list[TransientFailure] = []
        commit = GroupCommit(note)

        def next_mail() -> Outgoing | None:
            return waiting.popleft() if waiting and not trouble else None

        async def lane(connection: Connection) -> None:
            mail = next_mail()
            if mail is not None:
                await commit.note(None, mail.key)
            while mail is not None and not trouble:
                accepted: str | None = None
                try:
                    await connection.send_outgoing(mail)
                    if accepted_now is not None:
                        accepted_now(mail.key)
                    accepted = mail.key
                except PermanentFailure as error:
                    refused[mail.key] = str(error)
                    commit.withdrawn.append(mail.key)
                except TransientFailure as error:
                    trouble.append(error)
                    if isinstance(error, AnsweredLater):
                        commit.withdrawn.append(mail.key)
                    return
                mail = next_mail()
                if accepted or mail:  # the acceptance, and the next mail started, in one write
                    await commit.note(accepted, mail.key if mail else None)
            if mail is not None:  # started, but another connection's trouble stopped this one
                commit.withdrawn.append(mail.key)

        try:
            await asyncio.gather(*(lane(connection) for connection in lanes))
            if commit.withdrawn:
                note(Notes(withdrawn=commit.withdrawn))
        finally:
            for connection in lanes[1:]:
                await connection.drop()
            if self.budget:
                self.budget.give_back(borrowed)
        if trouble:
            raise trouble[0]
        return refused

    def close(self) -> None:
        if self._own.is_open:
            self._runner.run(self._own.drop())
        self._runner.close()
