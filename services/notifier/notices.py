"""The notifier's handling of the notices to a school's own people (issue 24): a care-team
member told of a new melding, a task owner reminded of an overdue task. One mail each, to the
account's own address, with a link and no name; guarded like every letter.

An overdue task's own words arrive sealed in its message, beside what the privacy guard
compares against; they go along only when the guard finds nothing in them (a pupil's name, a
class, an identifier); otherwise the mail says only that a task is overdue.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from services.notifier.ledger import Summary
from services.notifier.sending import TransientFailure, build
from shared.boards import Board, School, board
from shared.contracts import CareTeamNotice, ReviewRequested, TaskOverdue, Unsealable, unseal
from shared.identity import Role
from shared.letters import LetterBlocked, RenderedLetter, render_notice
from shared.privacy import GuardNotReady, Recorded
from shared.recipients import valid_address

if TYPE_CHECKING:
    from services.notifier.letters import LetterHandler

FOLDERS = {
    CareTeamNotice: "zorgteam_melding",
    TaskOverdue: "taak_over_tijd",
    ReviewRequested: "goedkeuring_brief",
}


def send_notice(
    handler: LetterHandler, message: CareTeamNotice | TaskOverdue | ReviewRequested, delivered: frozenset[str]
) -> Summary:
    """Renders, guards and sends one notice to the account it names; the ledger says once."""
    from services.notifier.letters import recipient_key

    person = (
        message.member_id
        if isinstance(message, CareTeamNotice)
        else message.approver_id
        if isinstance(message, ReviewRequested)
        else message.owner_id
    )
    address = handler.accounts.email(person)
    if not valid_address(address):
        return handler.ledger.finish(message.message_id, failed=1, note="geen e-mailadres bekend")
    settings = board(message.board_id, handler.settings.boards_dir)
    school = settings.school(message.school_id)
    link = f"{handler.settings.site_url}/meldingen/{message.incident_id}"
    account = handler.accounts.get(person)
    if isinstance(message, TaskOverdue) and (account is None or account.role is not Role.CASE_HANDLER):
        link = f"{handler.settings.site_url}/"  # their tasks are on their home page; the case may not be
    try:
        if isinstance(message, CareTeamNotice):
            values = {"link": link, "added": message.reason == "toegevoegd"}
            letter = render_notice("zorgteam_melding", values, school, settings, handler.guard)
        elif isinstance(message, ReviewRequested):
            review = f"{link}/brieven/{message.letter_id}/beoordelen"
            letter = render_notice("goedkeuring_brief", {"link": review}, school, settings, handler.guard)
        else:
            letter = overdue_task(handler, message, school, settings, link)
    except GuardNotReady as not_ready:
        raise TransientFailure(str(not_ready)) from None
    except LetterBlocked as blocked:
        return handler.ledger.finish(
            message.message_id, failed=1, note="Tegengehouden: " + " ".join(blocked.reasons)
        )
    key = recipient_key(message.message_id, address)
    if key not in delivered:
        handler.sender.send(build(handler.settings, letter, address, school=school, key=key))
        handler.ledger.record_delivery(message.message_id, key)
    return handler.ledger.finish(message.message_id, failed=0, note="")


def overdue_task(
    handler: LetterHandler, message: TaskOverdue, school: School, settings: Board, link: str
) -> RenderedLetter:
    """The reminder with the task's words when the guard lets them through, else without (also
    when the message carries none: a version 1 message, or one sealed with another key)."""
    anchor = f"#taak-{message.task_number}" if "/meldingen/" in link else ""
    context = {"link": link + anchor, "due_on": _dutch_date(message.due_on)}
    try:
        sealed = unseal(handler.settings.letters_key, message.sealed) if message.sealed else {}
    except Unsealable:
        sealed = {}
    typed, fixed = str(sealed.get("what", "")), str(sealed.get("fixed", ""))
    if typed or fixed:
        what = " ".join(part for part in (fixed, typed) if part)
        try:
            return render_notice(
                "taak_over_tijd",
                {**context, "what": what},
                school,
                settings,
                handler.guard,
                typed={"wat": typed},
                recorded=[Recorded(**r) for r in sealed.get("recorded", [])],
                fixed=fixed,
            )
        except LetterBlocked:
            pass  # the words stay in Zorgvuldig; the owner still learns the task is overdue
    return render_notice("taak_over_tijd", {**context, "what": ""}, school, settings, handler.guard)


def _dutch_date(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{day}-{month}-{year}"
