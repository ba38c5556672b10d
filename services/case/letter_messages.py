"""The case service's side of the letter contract: a letter cleared for sending as a
`LetterRequest` message, and a `LetterOutcome` recorded on the letter's own stream.

The message carries all the notifier needs, so the notifier reads no case store: the letter's
fields, and sealed with the letters key the recipients and what the final privacy check
compares against (the pupils in the register and the names in the incident's records).
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from uuid import UUID

from services.case.application import CaseManagement, IncidentNotFound
from services.case.domain.letter_request import LetterNotReady
from services.case.domain.other_schools import NOTICE_LETTER
from services.case.personal_data import ERASED
from services.case.screening import recorded_for_letters
from shared.contracts import LetterOutcome, LetterRequest, MalformedMessage, seal, unseal

log = logging.getLogger("uitkomsten")

NOTIFIER = "notifier"


def letter_request_message(cases: CaseManagement, letter_id: UUID, key: bytes) -> LetterRequest | None:
    """The message that sends a letter; None when the letter is unknown, not cleared for sending,
    has an outcome already, or its incident's personal data was erased (there is no one left to
    send it to). A notice to another school is no such letter: once approved it goes out with
    its one-time link (services/case/notice_messages.py)."""
    letter = cases.letter_request(letter_id)
    if letter is None or not letter.cleared_for_sending or letter.outcomes or ERASED in letter.recipients:
        return None
    if letter.letter == NOTICE_LETTER:
        return None
    try:
        incident = cases.stored_incident(UUID(letter.incident_id))
    except IncidentNotFound:
        return None
    recorded = [asdict(r) for r in recorded_for_letters(incident)]
    return LetterRequest.for_letter(
        str(letter_id),
        incident_id=letter.incident_id,
        school_id=letter.school_id,
        board_id=letter.board_id,
        letter=letter.letter,
        group=letter.group,
        statement=dict(letter.statement),
        language=letter.language,
        sealed=seal(key, {"recipients": list(letter.recipients), "recorded": recorded}),
    )


def record_outcome(cases: CaseManagement, outcome: LetterOutcome, key: bytes) -> int | None:
    """Records a notifier's outcome on its letter's stream, once. An outcome for an unknown
    letter, one that arrives again, or one that cannot be opened records nothing and says so in
    the log: it is never an error that would bring the message back."""
    try:
        opened = unseal(key, outcome.sealed)
        reason = str(opened.get("reason", ""))
        letter_id = UUID(outcome.letter_id)
    except (MalformedMessage, ValueError) as error:
        log.warning("Uitkomst %s niet te lezen (%s); overgeslagen.", outcome.message_id[:8], error)
        return None
    if cases.letter_request(letter_id) is None:
        log.warning("Uitkomst %s noemt een onbekende brief; overgeslagen.", outcome.message_id[:8])
        return None
    if outcome.bounced:
        notification_id = cases.record_letter_bounce(
            letter_id,
            outcome_id=outcome.message_id,
            recipient_key=str(opened.get("recipient_key", "")),
            reason=reason,
            actor_id=NOTIFIER,
        )
        if notification_id is None:
            log.info("Teruggekomen brief %s was al vastgelegd.", outcome.message_id[:8])
        return notification_id
    try:
        notification_id = cases.record_letter_outcome(
            letter_id,
            outcome_id=outcome.message_id,
            sent=outcome.sent,
            failed=outcome.failed,
            reason=reason,
            actor_id=NOTIFIER,
            maybe_twice=outcome.maybe_twice,
        )
    except LetterNotReady:
        log.warning(
            "Uitkomst %s voor een brief die niet verzonden mocht worden; overgeslagen.",
            outcome.message_id[:8],
        )
        return None
    if notification_id is None:
        log.info("Uitkomst %s was al vastgelegd.", outcome.message_id[:8])
    return notification_id
