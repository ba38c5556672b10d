"""The application's commands for other schools (issue 24, item 3): recording them, noting how
they were told, and the one-time link with which a school confirms receipt without an account.

The link holds the incident's id and the school's number, signed with a key of this
installation: it names nothing of the incident, a forged one is refused, and the incident
refuses a second use, a use after 30 days and a use after its personal data was erased.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import time
from datetime import date
from typing import Any
from uuid import UUID, uuid4

from services.case.domain.incident import Incident
from services.case.domain.letter_request import LetterRequest, Review
from services.case.domain.other_schools import (
    CONFIRMER,
    NOTICE_LETTER,
    ROLES,
    LinkInvalid,
    NoticeAlreadyApproved,
    OtherSchoolIncomplete,
)
from shared.identity import Actor


def _key(chain_key: bytes) -> bytes:
    return hmac.new(chain_key, b"bevestiging-andere-school", hashlib.sha256).digest()


def confirmation_token(chain_key: bytes, incident_id: UUID, number: int) -> str:
    """The one-time link's token for one school of one incident."""
    payload = incident_id.bytes + struct.pack(">I", number)
    mac = hmac.new(_key(chain_key), payload, hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(payload + mac).decode().rstrip("=")


def read_token(chain_key: bytes, token: str) -> tuple[UUID, int]:
    """The incident and school a token names; LinkInvalid when it was not made here."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (ValueError, TypeError):
        raise LinkInvalid() from None
    if len(raw) != 36:
        raise LinkInvalid()
    payload, mac = raw[:20], raw[20:]
    if not hmac.compare_digest(mac, hmac.new(_key(chain_key), payload, hashlib.sha256).digest()[:16]):
        raise LinkInvalid()
    return UUID(bytes=payload[:16]), struct.unpack(">I", payload[16:])[0]


NOTIFIER = "notifier"


def may_ask_notice(cases: Any, school: Any) -> bool:
    """A school gets the standard notice once: not while one waits for its review, nor after one
    was approved (it is sent with the school's one message id, so a second approval would send
    nothing and would take over the first's bounces); again only after a rejection."""
    if school.notice_letter:
        earlier = cases.letter_request(UUID(school.notice_letter))
        return earlier is None or earlier.review is Review.REJECTED
    return school.notified_how != "bericht"  # one asked for before notices were reviewed went out


class OtherSchoolCommands:
    """Mixed into CaseManagement beside Coordinating; uses its load, save and change."""

    chain: Any
    _change: Any
    _load: Any
    _save: Any
    _require_handler: Any
    _visible: Any
    letter_request: Any

    def record_other_school(
        self, actor: Actor, incident_id: UUID, *, name: str, contact: str, role: str
    ) -> int:
        """A handler records another school involved, with its contact address and role."""
        return self._change(  # type: ignore[no-any-return]
            actor, incident_id, None,
            lambda i: i.record_other_school(actor=actor.id, name=name, contact=contact, role=role),
        )  # fmt: skip

    def other_school_notified(
        self, actor: Actor, incident_id: UUID, *, number: int, how: str, on: date, reason: str = ""
    ) -> int:
        """A handler notes how a school was told: a call with the reason, or the standard notice,
        which becomes a letter of its own that waits for a second person's review, as a letter
        to parents does (services/case/web/review.py); only once approved does it go out."""
        if how == "bericht":
            return self._request_school_notice(actor, incident_id, number=number, on=on)
        return self._change(  # type: ignore[no-any-return]
            actor, incident_id, None,
            lambda i: i.other_school_notified(actor=actor.id, number=number, how=how, on=on, reason=reason),
        )  # fmt: skip

    def _request_school_notice(self, actor: Actor, incident_id: UUID, *, number: int, on: date) -> int:
        self._require_handler(actor)
        incident: Incident = self._visible(actor, incident_id, for_change=True)
        school = incident.other_school(number)
        if not may_ask_notice(self, school):
            earlier = self.letter_request(UUID(school.notice_letter)) if school.notice_letter else None
            if earlier is not None and earlier.awaiting_review:
                raise OtherSchoolIncomplete("Het bericht aan deze school wacht al op goedkeuring.")
            raise NoticeAlreadyApproved()
        letter_id = uuid4()
        incident.other_school_notified(
            actor=actor.id, number=number, how="bericht", on=on, letter_id=letter_id
        )
        notice = LetterRequest.request(
            letter_id=letter_id,
            incident_id=incident_id,
            actor=actor.id,
            school_id=incident.school_id,
            board_id=incident.board_id,
            letter=NOTICE_LETTER,
            group=ROLES.get(school.role, school.role),
            recipients=[school.contact],
            statement={},
            awaiting_review=True,
        )
        return self._save(incident, notice)  # type: ignore[no-any-return]

    def withdraw_other_school(self, actor: Actor, incident_id: UUID, *, number: int, reason: str) -> int:
        """A handler withdraws a school recorded by mistake, with the reason. Not while its
        notice waits for review: the reviewer rejects that first, so it cannot be approved after."""
        self._require_handler(actor)
        incident: Incident = self._visible(actor, incident_id, for_change=True)
        school = incident.other_school(number)
        notice = self.letter_request(UUID(school.notice_letter)) if school.notice_letter else None
        if notice is not None and notice.awaiting_review:
            raise OtherSchoolIncomplete(
                "Het bericht aan deze school wacht nog op goedkeuring. Laat het eerst afkeuren; "
                "trek de school daarna in."
            )
        incident.withdraw_other_school(actor=actor.id, number=number, reason=reason)
        return self._save(incident)  # type: ignore[no-any-return]

    def confirmation_link(self, incident_id: UUID, number: int) -> str:
        """The path of a school's one-time link (the handler's page shows it beside the school)."""
        return f"/bevestigen/{confirmation_token(self.chain.key, incident_id, number)}"

    def check_confirmation(self, token: str, *, today: date) -> Incident:
        """The incident behind a link that may still be used; LinkInvalid, LinkUsed or LinkExpired."""
        from services.case.application import IncidentNotFound

        incident_id, number = read_token(self.chain.key, token)
        try:
            incident: Incident = self._load(incident_id)
        except IncidentNotFound:
            raise LinkInvalid() from None
        refusal = incident.confirmation_refused(number=number, today=today)
        if refusal is not None:
            raise refusal
        return incident

    def confirm_receipt(self, token: str, *, today: date, feedback: str = "") -> int:
        """The school confirms once through its link; a concurrent edit by a handler is retried."""
        from services.case.application import ConcurrentEdit, IncidentNotFound

        incident_id, number = read_token(self.chain.key, token)
        for attempt in range(20):
            try:
                incident: Incident = self._load(incident_id, for_change=True)
            except IncidentNotFound:
                raise LinkInvalid() from None
            incident.confirm_receipt(number=number, today=today, feedback=feedback)
            try:
                return self._save(incident)  # type: ignore[no-any-return]
            except ConcurrentEdit:
                time.sleep(min(0.01 * attempt, 0.2))
        raise ConcurrentEdit()

    def record_school_notice_failed(self, incident_id: UUID, *, number: int, reason: str) -> int:
        """The notifier reports that a school's notice did not arrive; retried on a concurrent edit."""
        from services.case.application import ConcurrentEdit

        for attempt in range(50):
            incident: Incident = self._load(incident_id, for_change=True)
            incident.school_notice_failed(actor=NOTIFIER, number=number, reason=reason)
            try:
                return self._save(incident)  # type: ignore[no-any-return]
            except ConcurrentEdit:
                time.sleep(min(0.01 * attempt, 0.2))
        raise ConcurrentEdit()


__all__ = ["CONFIRMER", "OtherSchoolCommands", "confirmation_token", "read_token"]
