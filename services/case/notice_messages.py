"""The case service's side of the notices that carry something of an incident: an overdue task
(its words) and the notice to another school (its address and one-time link), built as contract
messages, and a `SchoolNoticeOutcome` recorded on the incident.

As with a letter (services/case/letter_messages.py), what is personal travels sealed with the
letters key, beside everything the final privacy check compares against: the notifier reads no
case store.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from typing import Any
from uuid import UUID

from services.case.application import CaseManagement, IncidentNotFound
from services.case.domain.incident import Incident, sentence
from services.case.screening import recorded_for_letters
from shared.contracts import (
    MalformedMessage,
    OtherSchoolNotice,
    SchoolNoticeOutcome,
    TaskOverdue,
    seal,
    unseal,
)

log = logging.getLogger("uitkomsten")


def task_overdue_message(
    cases: CaseManagement, key: bytes, *, task_number: int, **fields: Any
) -> TaskOverdue:
    """The reminder of an overdue task, with its words sealed; without words when the incident
    or the task is gone (the owner still learns that a task is overdue)."""
    sealed: dict[str, Any] = {"what": "", "fixed": "", "recorded": []}
    try:
        incident = cases.stored_incident(UUID(fields["incident_id"]))
    except IncidentNotFound:
        incident = None
    task = incident.tasks.get(task_number) if incident is not None else None
    if incident is not None and task is not None:
        action = getattr(Incident, task.suggestion, None) if task.suggestion else None
        sealed = {
            "what": task.what,
            "fixed": sentence(action) if isinstance(action, type) else "",
            "recorded": [asdict(r) for r in recorded_for_letters(incident)],
        }
    return TaskOverdue.for_task(task_number=task_number, sealed=seal(key, sealed), **fields)


def other_school_notice_message(
    cases: CaseManagement, key: bytes, *, incident_id: UUID, number: int, board_id: str, school_id: str
) -> OtherSchoolNotice | None:
    """The notice to another school, with its address and one-time link sealed; None when the
    incident or the school is not there (any more, or was withdrawn), or the incident's personal
    data was erased after the notice was approved: its link no longer works, its address is gone."""
    try:
        incident = cases.stored_incident(incident_id)
    except IncidentNotFound:
        return None
    school = incident.other_schools.get(number)
    if school is None or school.withdrawn or incident.personal_data_erased:
        return None
    sealed = {
        "address": school.contact.strip(),
        "link": cases.confirmation_link(incident_id, number),
        "perpetrators_school": school.role == "dader",
        # the notice's letter: its return path names it, so a later bounce is recorded on it
        "letter_id": school.notice_letter,
        "recorded": [asdict(r) for r in recorded_for_letters(incident)],
    }
    return OtherSchoolNotice.for_school(
        incident_id=str(incident_id),
        board_id=board_id,
        school_id=school_id,
        number=number,
        sealed=seal(key, sealed),
    )


def record_school_notice_outcome(
    cases: CaseManagement, outcome: SchoolNoticeOutcome, key: bytes
) -> int | None:
    """Records on the incident that a school's notice did not arrive, once. One that cannot be
    opened, names an unknown incident or school, or arrives again records nothing and says so
    in the log: never an error that would bring the message back."""
    try:
        reason = str(unseal(key, outcome.sealed).get("reason", ""))
        incident_id = UUID(outcome.incident_id)
        incident = cases.stored_incident(incident_id)
    except (MalformedMessage, ValueError, IncidentNotFound) as error:
        log.warning("Uitkomst %s niet vast te leggen (%s); overgeslagen.", outcome.message_id[:8], error)
        return None
    school = incident.other_schools.get(outcome.number)
    if school is None:
        log.warning("Uitkomst %s noemt een onbekende school; overgeslagen.", outcome.message_id[:8])
        return None
    if school.notice_failed == reason:
        log.info("Uitkomst %s was al vastgelegd.", outcome.message_id[:8])
        return None
    return cases.record_school_notice_failed(incident_id, number=outcome.number, reason=reason)
