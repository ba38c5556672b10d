"""Messages between the services: versioned JSON, each with a deterministic message_id.

Domain events never go on the wire; these do. The relay makes a `LetterRequest` of each letter
cleared for sending; its message_id is derived from the letter's id, so publishing it twice
gives the same id and the notifier sends once. The notifier answers with a `LetterOutcome` per
sending, which the case service records on the letter's stream.

What is personal travels sealed (AES-GCM with the installation's letters key, shared by case and
notifier through their configuration): the recipients' addresses, the names and labels the
final privacy check compares a letter against, and an outcome's reason. A broker, its queues
and its dead letters never hold them readable.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NAMESPACE = uuid.UUID("6d1c1a0e-3f6b-4f7e-9a57-2f0c7e2b9d11")


class MalformedMessage(ValueError):
    """Raised when a message is not valid JSON of a known type and version."""


@dataclass(frozen=True)
class LetterRequest:
    """Send a standard letter of an incident to the recipients of one group.

    `sealed` holds {"recipients": [...], "recorded": [{"label", "value", "kind"}, ...]}: where
    the letter goes, and everything of the incident it must never contain (see `seal`)."""

    message_id: str
    letter_id: str
    incident_id: str
    school_id: str
    board_id: str
    letter: str
    group: str
    sealed: str
    statement: dict[str, str] = field(default_factory=dict)
    language: str = "nl"
    type: str = "brief.verzoek"
    version: int = 2

    @classmethod
    def for_letter(cls, letter_id: str, **fields: Any) -> LetterRequest:
        return cls(message_id=letter_message_id(letter_id), letter_id=letter_id, **fields)


@dataclass(frozen=True)
class LetterOutcome:
    """What became of one sending of a letter (notifier → case): how many recipients the mail
    server accepted and how many were not reached; `sealed` holds {"reason": ...}, which can
    quote the part of a name the privacy guard found. `bounced` counts mail that came back
    after it was accepted; `maybe_twice` the recipients who may have got the mail twice (sent
    again, with the same Message-ID, after a sending was interrupted). Both arrived later:
    a message without them decodes with 0."""

    message_id: str
    request_id: str  # the message_id of the LetterRequest this answers
    letter_id: str
    incident_id: str
    sent: int
    failed: int
    sealed: str
    bounced: int = 0
    maybe_twice: int = 0
    type: str = "brief.uitkomst"
    version: int = 1

    @classmethod
    def of(cls, request_id: str, **fields: Any) -> LetterOutcome:
        return cls(
            message_id=str(uuid.uuid5(NAMESPACE, f"uitkomst:{request_id}")), request_id=request_id, **fields
        )


@dataclass(frozen=True)
class Reminder:
    """Remind a case handler of an overdue aftercare moment or protocol step (reporting → notifier).

    Carries no content of the incident: the handler follows the link and signs in."""

    message_id: str
    incident_id: str
    school_id: str
    handler_id: str
    due_on: str
    kind: str = "nazorg"  # nazorg | stap | offline (a takedown without a known outcome)
    step: str = ""
    type: str = "herinnering"
    version: int = 1

    @classmethod
    def for_moment(cls, key: str, **fields: Any) -> Reminder:
        return cls(message_id=str(uuid.uuid5(NAMESPACE, f"herinnering:{key}")), **fields)


# --- the week coordinated (issue 24): notices to the school's own people, never a name ---


@dataclass(frozen=True)
class CareTeamNotice:
    """Tell one member of a school's care team that a melding was opened (reporting → notifier).

    Carries nothing of the incident: the member follows the link and signs in."""

    message_id: str
    incident_id: str
    board_id: str
    school_id: str
    member_id: str
    reason: str = "zorgteam"  # zorgteam: told at opening | toegevoegd: a handler added them since
    type: str = "zorgteam.melding"
    version: int = 1

    @classmethod
    def for_member(cls, **fields: Any) -> CareTeamNotice:
        key = f"zorgteam:{fields['incident_id']}:{fields['member_id']}"
        return cls(message_id=str(uuid.uuid5(NAMESPACE, key)), **fields)


@dataclass(frozen=True)
class TaskOverdue:
    """Remind the owner of a task that is past its date, once per owner and date (reporting →
    notifier). `sealed` holds {"what", "fixed", "recorded"}: the task's own words, the fixed
    sentence of its suggested step, and everything of the incident the mail must never contain;
    the notifier puts the words in the mail only when the privacy guard finds no name in them.
    A version 1 message carries none of it (sealed is ""): its mail goes out without the words."""

    message_id: str
    incident_id: str
    board_id: str
    school_id: str
    owner_id: str
    task_number: int
    due_on: str
    sealed: str = ""
    type: str = "taak.over_tijd"
    version: int = 2

    @classmethod
    def for_task(cls, **fields: Any) -> TaskOverdue:
        key = f"taak:{fields['incident_id']}:{fields['task_number']}:{fields['owner_id']}:{fields['due_on']}"
        return cls(message_id=str(uuid.uuid5(NAMESPACE, key)), **fields)


@dataclass(frozen=True)
class ReviewRequested:
    """Tell one person who may approve it that a letter waits for their review (reporting →
    notifier). Carries nothing of the letter: the approver follows the link and signs in."""

    message_id: str
    letter_id: str
    incident_id: str
    board_id: str
    school_id: str
    approver_id: str
    type: str = "brief.goedkeuring"
    version: int = 1

    @classmethod
    def for_approver(cls, **fields: Any) -> ReviewRequested:
        key = f"goedkeuring:{fields['letter_id']}:{fields['approver_id']}"
        return cls(message_id=str(uuid.uuid5(NAMESPACE, key)), **fields)


@dataclass(frozen=True)
class OtherSchoolNotice:
    """Send the standard, name-free notice to another school the image reached, with its one-time
    link (reporting → notifier). `sealed` holds {"address", "link", "perpetrators_school",
    "recorded", "letter_id"}: the school's contact address, the path of its one-time link,
    whether it is the perpetrator's school, what the mail must never contain, and the notice's
    reviewed letter (its return path names it; absent for a notice recorded before). A version
    1 message carries none of it (sealed is ""): the notifier cannot send it and reports it as
    not arrived."""

    message_id: str
    incident_id: str
    board_id: str
    school_id: str
    number: int
    sealed: str = ""
    type: str = "andere_school.bericht"
    version: int = 2

    @classmethod
    def for_school(cls, **fields: Any) -> OtherSchoolNotice:
        key = f"andere_school:{fields['incident_id']}:{fields['number']}"
        return cls(message_id=str(uuid.uuid5(NAMESPACE, key)), **fields)


@dataclass(frozen=True)
class SchoolNoticeOutcome:
    """The notice to another school did not arrive (notifier → case): the case service records
    it on the incident, so the handler calls the school. `sealed` holds {"reason"}."""

    message_id: str
    request_id: str  # the message_id of the OtherSchoolNotice this answers
    incident_id: str
    number: int
    sealed: str
    type: str = "andere_school.uitkomst"
    version: int = 1

    @classmethod
    def of(cls, request_id: str, **fields: Any) -> SchoolNoticeOutcome:
        key = f"andere_school_uitkomst:{request_id}"
        return cls(message_id=str(uuid.uuid5(NAMESPACE, key)), request_id=request_id, **fields)


Notice = CareTeamNotice | TaskOverdue | ReviewRequested | OtherSchoolNotice
Outcome = LetterOutcome | SchoolNoticeOutcome
Message = LetterRequest | Reminder | Notice | Outcome


def recipient_key(message_id: str, recipient: str) -> str:
    """A recipient of one message, named without their address: what the notifier's ledger
    keeps and what a bounce refers to; the case service matches it to the letter's recipients."""
    return hashlib.sha256(f"{message_id}|{recipient.strip().lower()}".encode()).hexdigest()


def letter_message_id(letter_id: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"brief:{letter_id}"))


MESSAGE_TYPES: dict[tuple[str, int], type[Message]] = {
    ("brief.verzoek", 2): LetterRequest,
    ("brief.uitkomst", 1): LetterOutcome,
    ("herinnering", 1): Reminder,
    ("zorgteam.melding", 1): CareTeamNotice,
    ("andere_school.bericht", 1): OtherSchoolNotice,  # queued before the address travelled sealed
    ("andere_school.bericht", 2): OtherSchoolNotice,
    ("andere_school.uitkomst", 1): SchoolNoticeOutcome,
    ("taak.over_tijd", 1): TaskOverdue,  # queued before the task's words travelled sealed
    ("taak.over_tijd", 2): TaskOverdue,
    ("brief.goedkeuring", 1): ReviewRequested,
}


class Unsealable(MalformedMessage):
    """Raised when a sealed part was not sealed with this installation's letters key."""


def seal(key: bytes, value: dict[str, Any]) -> str:
    """The value as JSON, encrypted and authenticated with `key`: hex of nonce + ciphertext."""
    nonce = os.urandom(12)
    plain = json.dumps(value, ensure_ascii=False, sort_keys=True).encode()
    return (nonce + AESGCM(key).encrypt(nonce, plain, None)).hex()


def unseal(key: bytes, sealed: str) -> dict[str, Any]:
    """The sealed value, or Unsealable."""
    try:
        blob = bytes.fromhex(sealed)
        value = json.loads(AESGCM(key).decrypt(blob[:12], blob[12:], None))
    except (ValueError, InvalidTag) as error:
        raise Unsealable(f"verzegeld deel niet te openen ({type(error).__name__})") from None
    if not isinstance(value, dict):
        raise Unsealable("verzegeld deel is geen JSON-object")
    return value


def encode(message: Message) -> str:
    return json.dumps(asdict(message), ensure_ascii=False, sort_keys=True)


def decode(body: str | bytes | dict[str, Any]) -> Message:
    """The message, or MalformedMessage saying why not."""
    try:
        data = body if isinstance(body, dict) else json.loads(body)
    except (ValueError, TypeError) as error:
        raise MalformedMessage(f"geen geldige JSON: {error}") from None
    if not isinstance(data, dict):
        raise MalformedMessage("geen JSON-object")
    message_type = MESSAGE_TYPES.get((data.get("type"), data.get("version")))  # type: ignore[arg-type]
    if message_type is None:
        raise MalformedMessage(f"onbekend berichttype {data.get('type')!r} versie {data.get('version')!r}")
    try:
        message = message_type(**data)
    except TypeError as error:
        raise MalformedMessage(f"velden kloppen niet: {error}") from None
    if not isinstance(getattr(message, "sealed", ""), str):
        raise MalformedMessage("het verzegelde deel moet tekst zijn")
    return message
