"""The notifier's standard notice to another school the image reached (issue 24, item 3): one
name-free mail to the school's contact address, asking it to act on its side and to confirm
receipt through its one-time link. The address and the link arrive sealed in the message,
beside what the privacy guard compares against. Guarded like every letter; a notice the mail
server refuses, one without a valid address, or one that carries none (a version 1 message)
goes back as a `SchoolNoticeOutcome`, which the case service records as not arrived.

A notice names its reviewed letter: it goes out with that letter's return path (VERP), so a
bounce after the mail server accepted it is recorded on the letter as any letter's is, and
what the mail server did is reported on the letter as a `LetterOutcome` too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from services.notifier.bounces import return_path
from services.notifier.ledger import Summary
from services.notifier.notices import render_notice
from services.notifier.sending import PermanentFailure, TransientFailure, build
from shared.boards import board
from shared.contracts import (
    LetterOutcome,
    OtherSchoolNotice,
    SchoolNoticeOutcome,
    Unsealable,
    letter_message_id,
    seal,
    unseal,
)
from shared.letters import LetterBlocked
from shared.privacy import GuardNotReady, Recorded
from shared.recipients import valid_address

if TYPE_CHECKING:
    from services.notifier.letters import LetterHandler


def send_school_notice(
    handler: LetterHandler, message: OtherSchoolNotice, delivered: frozenset[str]
) -> Summary:
    from services.notifier.letters import recipient_key

    if not message.sealed:
        return _failed(handler, message, "Het bericht kwam zonder adres (een oudere versie); bel de school.")
    try:
        sealed = unseal(handler.settings.letters_key, message.sealed)
    except Unsealable as error:
        return _failed(handler, message, f"Niet verzonden: {error}.")
    address = str(sealed.get("address", "")).strip()
    letter_id = str(sealed.get("letter_id", ""))
    if not valid_address(address):
        return _failed(
            handler, message, "Het contactadres van de school is geen geldig e-mailadres.", letter_id
        )
    settings = board(message.board_id, handler.settings.boards_dir)
    sender = settings.school(message.school_id)
    link = handler.settings.site_url + str(sealed.get("link", ""))
    try:
        letter = render_notice(
            "andere_school",
            {"link": link, "perpetrators_school": bool(sealed.get("perpetrators_school"))},
            sender,
            settings,
            handler.guard,
            recorded=[Recorded(**r) for r in sealed.get("recorded", [])],
        )
    except GuardNotReady as not_ready:
        raise TransientFailure(str(not_ready)) from None
    except LetterBlocked as blocked:
        return _failed(handler, message, "Tegengehouden: " + " ".join(blocked.reasons), letter_id)
    # Keyed as the letter's recipient, so the case service matches a bounce to the school.
    key = recipient_key(letter_message_id(letter_id) if letter_id else message.message_id, address)
    if key not in delivered:
        bounces_to = return_path(handler.settings.bounce_address, letter_id, key) if letter_id else ""
        try:
            handler.sender.send(
                build(handler.settings, letter, address, school=sender, key=key, return_path=bounces_to)
            )
        except PermanentFailure as refused:
            return _failed(handler, message, f"De mailserver weigerde het bericht: {refused}", letter_id)
        handler.ledger.record_delivery(message.message_id, key)
    _report_on_letter(handler, message, letter_id, sent=1, reason="")
    return handler.ledger.finish(message.message_id, failed=0, note="")


def _report_on_letter(
    handler: LetterHandler, message: OtherSchoolNotice, letter_id: str, *, sent: int, reason: str
) -> None:
    """What the mail server did, on the notice's letter (a notice without one has none)."""
    if letter_id:
        handler.outcomes.publish(
            LetterOutcome.of(
                message.message_id,
                letter_id=letter_id,
                incident_id=message.incident_id,
                sent=sent,
                failed=1 - sent,
                sealed=seal(handler.settings.letters_key, {"reason": reason}),
            )
        )


def _failed(handler: LetterHandler, message: OtherSchoolNotice, reason: str, letter_id: str = "") -> Summary:
    """The incident shows that the notice did not arrive, so the handler calls the school: the
    case service records it from the outcome message (the reason sealed: it may quote a name)."""
    _report_on_letter(handler, message, letter_id, sent=0, reason=reason)
    handler.outcomes.publish(
        SchoolNoticeOutcome.of(
            message.message_id,
            incident_id=message.incident_id,
            number=message.number,
            sealed=seal(handler.settings.letters_key, {"reason": reason}),
        )
    )
    return handler.ledger.finish(message.message_id, failed=1, note=reason)
