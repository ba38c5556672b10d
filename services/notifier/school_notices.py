"""The notifier's standard notice to another school the image reached (issue 24, item 3): one
name-free mail to the school's contact address as recorded in the incident, asking it to act on
its side and to confirm receipt through its one-time link. Guarded like every letter; a notice
the mail server refuses, or one without a valid address, lands in the incident as not arrived.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from services.case.domain.incident import Incident
from services.case.screening import recorded_for_letters
from services.notifier.ledger import Summary
from services.notifier.notices import _cases, render_notice
from services.notifier.sending import PermanentFailure, TransientFailure, build
from shared.boards import board
from shared.contracts import OtherSchoolNotice
from shared.letters import LetterBlocked
from shared.privacy import GuardNotReady
from shared.recipients import valid_address

if TYPE_CHECKING:
    from services.notifier.letters import LetterHandler


def send_school_notice(
    handler: LetterHandler, message: OtherSchoolNotice, delivered: frozenset[str]
) -> Summary:
    from services.notifier.letters import recipient_key

    incident: Incident = _cases(handler).repository.get(UUID(message.incident_id))
    school = incident.other_schools.get(message.number)
    if school is None:
        return handler.ledger.finish(message.message_id, failed=1, note="school niet vastgelegd")
    address = school.contact.strip()
    if not valid_address(address):
        return _failed(handler, message, "Het contactadres van de school is geen geldig e-mailadres.")
    settings = board(message.board_id, handler.settings.boards_dir)
    sender = settings.school(message.school_id)
    link = handler.settings.site_url + _cases(handler).confirmation_link(incident.id, message.number)
    try:
        letter = render_notice(
            "andere_school",
            {"link": link, "perpetrators_school": school.role == "dader"},
            sender,
            settings,
            handler.guard,
            recorded=recorded_for_letters(incident),
        )
    except GuardNotReady as not_ready:
        raise TransientFailure(str(not_ready)) from None
    except LetterBlocked as blocked:
        return _failed(handler, message, "Tegengehouden: " + " ".join(blocked.reasons))
    key = recipient_key(message.message_id, address)
    if key not in delivered:
        try:
            handler.sender.send(build(handler.settings, letter, address, school=sender, key=key))
        except PermanentFailure as refused:
            return _failed(handler, message, f"De mailserver weigerde het bericht: {refused}")
        handler.ledger.record_delivery(message.message_id, key)
    return handler.ledger.finish(message.message_id, failed=0, note="")


def _failed(handler: LetterHandler, message: OtherSchoolNotice, reason: str) -> Summary:
    """The incident shows that the notice did not arrive, so the handler calls the school."""
    _cases(handler).record_school_notice_failed(
        UUID(message.incident_id), number=message.number, reason=reason
    )
    return handler.ledger.finish(message.message_id, failed=1, note=reason)
