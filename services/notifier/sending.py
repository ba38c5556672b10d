"""Sending one letter to one recipient with aiosmtplib, and telling failures apart."""

from __future__ import annotations

import asyncio
from email.message import EmailMessage
from email.utils import formataddr, formatdate, parseaddr

import aiosmtplib

from shared.boards import School
from shared.config import Settings
from shared.letters import RenderedLetter


class TransientFailure(Exception):
    """The mail server or the network failed for now (4xx, refused connection): retry later."""


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


def sender_domain(mail_from: str) -> str:
    """The domain of the sender's address: where the Message-ID says the mail comes from."""
    address = parseaddr(mail_from)[1]
    return address.rpartition("@")[2] or "zorgvuldig.invalid"


class Sender:
    """Sends through the configured SMTP server over one connection that stays open between
    letters (as a mail client does); after any error the connection is dropped and the next
    letter opens a new one."""

    def __init__(self, settings: Settings, *, timeout: float = 15.0) -> None:
        self.settings = settings
        self.timeout = timeout
        self._runner = asyncio.Runner()
        self._client: aiosmtplib.SMTP | None = None

    def send(self, message: EmailMessage) -> None:
        self._runner.run(self._send(message))

    def close(self) -> None:
        if self._client is not None:
            self._runner.run(self._drop())
        self._runner.close()

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

    async def _drop(self) -> None:
        client, self._client = self._client, None
        if client is not None and client.is_connected:
            try:
                await client.quit()
            except (aiosmtplib.SMTPException, OSError):
                client.close()

    async def _send(self, message: EmailMessage) -> None:
        try:
            client = await self._connected()
            return_path = message["Return-Path"]
            if return_path is not None:
                del message["Return-Path"]  # the receiving server writes its own from the envelope
            await client.send_message(message, sender=str(return_path) if return_path else None)
        except aiosmtplib.SMTPRecipientsRefused as refused:
            await self._drop()
            codes = [r.code for r in refused.recipients]
            if all(500 <= c < 600 for c in codes):
                raise PermanentFailure(f"ontvanger geweigerd ({codes[0]})") from None
            raise TransientFailure(f"ontvanger tijdelijk geweigerd ({codes[0]})") from None
        except aiosmtplib.SMTPResponseException as error:
            await self._drop()
            if 500 <= error.code < 600:
                raise PermanentFailure(f"mailserver weigerde ({error.code})") from None
            raise TransientFailure(f"mailserver antwoordde {error.code}") from None
        except (aiosmtplib.SMTPException, OSError) as error:
            await self._drop()
            raise TransientFailure(f"mailserver niet bereikbaar ({type(error).__name__})") from None
