"""Sending one letter to one recipient with aiosmtplib, and telling failures apart."""

from __future__ import annotations

import asyncio
from email.message import EmailMessage
from email.utils import make_msgid

import aiosmtplib

from shared.config import Settings
from shared.letters import RenderedLetter


class TransientFailure(Exception):
    """The mail server or the network failed for now (4xx, refused connection): retry later."""


class PermanentFailure(Exception):
    """The mail server refused for good (5xx): do not retry."""


def build(
    settings: Settings, letter: RenderedLetter, recipient: str, *, school_id: str, key: str
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = recipient
    message["Subject"] = letter.subject
    message["Message-ID"] = make_msgid(idstring=key[:32], domain="zorgvuldig.local")
    message["X-Zorgvuldig-School"] = school_id
    message["X-Zorgvuldig-Bericht"] = key
    message.set_content(letter.text)
    message.add_alternative(letter.html, subtype="html")
    return message


class Sender:
    """Sends through the configured SMTP server; one connection per mail keeps it simple."""

    def __init__(self, settings: Settings, *, timeout: float = 15.0) -> None:
        self.settings = settings
        self.timeout = timeout

    def send(self, message: EmailMessage) -> None:
        asyncio.run(self._send(message))

    async def _send(self, message: EmailMessage) -> None:
        s = self.settings
        try:
            await aiosmtplib.send(
                message,
                hostname=s.smtp_host,
                port=s.smtp_port,
                username=s.smtp_user or None,
                password=s.smtp_password or None,
                start_tls=s.smtp_starttls,
                timeout=self.timeout,
            )
        except aiosmtplib.SMTPRecipientsRefused as refused:
            codes = [r.code for r in refused.recipients]
            if all(500 <= c < 600 for c in codes):
                raise PermanentFailure(f"ontvanger geweigerd ({codes[0]})") from None
            raise TransientFailure(f"ontvanger tijdelijk geweigerd ({codes[0]})") from None
        except aiosmtplib.SMTPResponseException as error:
            if 500 <= error.code < 600:
                raise PermanentFailure(f"mailserver weigerde ({error.code})") from None
            raise TransientFailure(f"mailserver antwoordde {error.code}") from None
        except (aiosmtplib.SMTPException, OSError) as error:
            raise TransientFailure(f"mailserver niet bereikbaar ({type(error).__name__})") from None
