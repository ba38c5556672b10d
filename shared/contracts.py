"""Messages between the services: versioned JSON, each with a deterministic message_id.

Domain events never go on the wire; these do. The relay makes a `LetterRequest` of each
stored `LetterRequested` event; its message_id is derived from the event's notification id,
so publishing the same event twice gives the same id and the notifier sends once.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

NAMESPACE = uuid.UUID("6d1c1a0e-3f6b-4f7e-9a57-2f0c7e2b9d11")


class MalformedMessage(ValueError):
    """Raised when a message is not valid JSON of a known type and version."""


@dataclass(frozen=True)
class LetterRequest:
    """Send a standard letter of an incident to the recipients of one group."""

    message_id: str
    incident_id: str
    request_version: int
    school_id: str
    board_id: str
    letter: str
    group: str
    recipients: list[str]
    statement: dict[str, str] = field(default_factory=dict)
    language: str = "nl"  # added later: a request without it is Dutch
    type: str = "brief.verzoek"
    version: int = 1

    @classmethod
    def for_notification(cls, notification_id: int, **fields: Any) -> LetterRequest:
        return cls(message_id=message_id("brief", notification_id), **fields)


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
    notifier). What the task is stays in the incident: the notifier reads it there and puts it
    in the mail only when the privacy guard finds no name in it."""

    message_id: str
    incident_id: str
    board_id: str
    school_id: str
    owner_id: str
    task_number: int
    due_on: str
    type: str = "taak.over_tijd"
    version: int = 1

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
    link (reporting → notifier). The address and the link are read from the incident, not carried."""

    message_id: str
    incident_id: str
    board_id: str
    school_id: str
    number: int
    type: str = "andere_school.bericht"
    version: int = 1

    @classmethod
    def for_school(cls, **fields: Any) -> OtherSchoolNotice:
        key = f"andere_school:{fields['incident_id']}:{fields['number']}"
        return cls(message_id=str(uuid.uuid5(NAMESPACE, key)), **fields)


Notice = CareTeamNotice | TaskOverdue | ReviewRequested | OtherSchoolNotice
Message = LetterRequest | Reminder | Notice


def message_id(kind: str, notification_id: int) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{notification_id}"))


MESSAGE_TYPES: dict[tuple[str, int], type[Message]] = {
    ("brief.verzoek", 1): LetterRequest,
    ("herinnering", 1): Reminder,
    ("zorgteam.melding", 1): CareTeamNotice,
    ("andere_school.bericht", 1): OtherSchoolNotice,
    ("taak.over_tijd", 1): TaskOverdue,
    ("brief.goedkeuring", 1): ReviewRequested,
}


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
    recipients = getattr(message, "recipients", [])
    if not isinstance(recipients, list) or not all(isinstance(r, str) for r in recipients):
        raise MalformedMessage("ontvangers moeten een lijst van adressen zijn")
    return message
