"""Other schools the image reached (issue 24, item 3): recorded with their role, told, and their
confirmation of receipt through a one-time link that needs no account.

Like the tasks, the events are registered on `Incident` and the rules live here, in
`OtherSchools`, which the Incident inherits. A school is numbered by the version of the event
that recorded it. The link itself is made and checked by the application (it holds the key).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from services.case.domain.actions import IncidentPart
from services.case.domain.errors import CaseError, IncidentClosed
from services.case.domain.guards import refuse_material

ROLES = {
    "slachtoffer": "school van het slachtoffer",
    "dader": "school van de verspreider",
    "bereikt": "school die het beeld bereikte",
}
# A link expires this many days after the school was told (the notice asked for, or the call),
# or recorded when it was not told yet: the notice promises the school 30 days from its arrival.
CONFIRMATION_DAYS = 30
SCHOOL_DAYS_TO_CONFIRM = 2
# The standard notice is a letter of its own (a LetterRequest with this key): it waits for a
# second person's review like a letter to parents, and what came of it is on its stream.
NOTICE_LETTER = "andere_school"
NOTICE_TITLE = "Bericht aan een andere school (zonder namen, met een eenmalige link)"


class OtherSchoolIncomplete(CaseError):
    """Raised when another school lacks a name, a contact address or a role."""

    message = "Vul de naam, het contactadres en de rol van de andere school in."


class OtherSchoolAlreadyRecorded(CaseError):
    """Raised when the same school (name and contact address) is recorded twice, as a form sent
    twice would: two records would send the school two notices."""

    message = "Deze school staat al bij deze melding, met dezelfde naam en hetzelfde contactadres."


class NoticeAlreadyApproved(CaseError):
    """Raised when a school's notice is asked for again after one was approved: it goes out once."""

    message = (
        "Het standaardbericht aan deze school is al goedgekeurd en gaat maar één keer weg. Kwam het "
        "niet aan, of wilt u de school nog eens bereiken? Bel de school en leg dat hier vast."
    )


class LinkInvalid(CaseError):
    """Raised for a confirmation link that was not made here, or that names no recorded school."""

    message = "Deze link is niet geldig. Neem contact op met de school die u het bericht stuurde."


class LinkUsed(CaseError):
    """Raised when a confirmation link is used a second time."""

    message = "Deze link is al gebruikt: de ontvangst is al bevestigd. U hoeft niets meer te doen."


class LinkExpired(CaseError):
    """Raised for a confirmation link older than CONFIRMATION_DAYS, or of an erased incident."""

    message = (
        "Deze link is verlopen. Neem contact op met de school die u het bericht stuurde als u de "
        "ontvangst nog wilt bevestigen."
    )


@dataclass
class OtherSchool:
    """Another school as it stands now."""

    number: int
    name: str
    contact: str
    role: str
    recorded_on: date
    notified_on: date | None = None
    notified_how: str = ""
    confirmed_at: datetime | None = None
    feedback: str = ""
    notice_failed: str = ""  # why the standard notice did not arrive, if it did not
    notice_letter: str = ""  # the id of the notice's letter (its review and bounces), if any
    withdrawn: str = ""  # why the school was withdrawn as recorded by mistake, if it was

    def waiting_too_long(self, today: date) -> bool:
        """Told by notice more than two school days ago and no confirmation yet."""
        if self.withdrawn or self.confirmed_at or self.notified_on is None or self.notified_how != "bericht":
            return False
        return school_days_between(self.notified_on, today) > SCHOOL_DAYS_TO_CONFIRM


def school_days_between(start: date, end: date) -> int:
    """Weekdays after `start` up to and including `end` (holidays are the school's to know)."""
    days, current = 0, start
    while current < end:
        current += timedelta(days=1)
        days += current.weekday() < 5
    return days


def _same(school: OtherSchool, name: str, contact: str) -> bool:
    """The same school: its name and address alike, whatever the case and spacing."""
    return (" ".join(school.name.casefold().split()), school.contact.strip().casefold()) == (
        " ".join(name.casefold().split()),
        contact.strip().casefold(),
    )


class OtherSchoolRecorded(Aggregate.Event):
    """Een andere school is vastgelegd, met haar rol: van het slachtoffer, van de verspreider of bereikt."""

    actor: str
    number: int
    name: str
    contact: str
    role: str
    personal: ClassVar[tuple[str, ...]] = ("name", "contact")

    def apply(self, incident: Any) -> None:
        incident.other_schools[self.number] = OtherSchool(
            self.number, self.name, self.contact, self.role, self.timestamp.date()
        )


class OtherSchoolNotified(Aggregate.Event):
    """Een andere school is op de hoogte gebracht: met het standaardbericht, of gebeld (met de reden)."""

    actor: str
    number: int
    how: str  # bericht | gebeld
    on: str
    reason: str
    letter_id: str  # the notice's letter, which waits for review ("" for a call)
    personal: ClassVar[tuple[str, ...]] = ("reason",)
    class_version: ClassVar[int] = 2

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["letter_id"] = ""  # notices recorded before they were letters went out unreviewed

    def apply(self, incident: Any) -> None:
        school = incident.other_schools[self.number]
        school.notified_on, school.notified_how = date.fromisoformat(self.on), self.how
        if self.letter_id:
            school.notice_letter = self.letter_id


class OtherSchoolConfirmed(Aggregate.Event):
    """Een andere school heeft de ontvangst bevestigd via de eenmalige link."""

    actor: str
    number: int
    feedback: str
    personal: ClassVar[tuple[str, ...]] = ("feedback",)

    def apply(self, incident: Any) -> None:
        school = incident.other_schools[self.number]
        school.confirmed_at, school.feedback = self.timestamp, self.feedback


class OtherSchoolNoticeFailed(Aggregate.Event):
    """Het standaardbericht aan een andere school kwam niet aan; bel de school."""

    actor: str
    number: int
    reason: str
    personal: ClassVar[tuple[str, ...]] = ("reason",)  # the mail server's answer may quote the address

    def apply(self, incident: Any) -> None:
        incident.other_schools[self.number].notice_failed = self.reason


class OtherSchoolWithdrawn(Aggregate.Event):
    """Een andere school is ingetrokken: per vergissing vastgelegd; de vastlegging blijft zichtbaar."""

    actor: str
    number: int
    reason: str
    personal: ClassVar[tuple[str, ...]] = ("reason",)

    def apply(self, incident: Any) -> None:
        incident.other_schools[self.number].withdrawn = self.reason


CONFIRMER = "andere school"  # the actor of a confirmation: no account, the link's holder


class OtherSchools(IncidentPart):
    """Commands and queries of the other schools, mixed into `Incident`."""

    compose_letter: Any

    @property
    def other_schools(self) -> dict[int, OtherSchool]:
        return self.__dict__.setdefault("_other_schools", {})

    def record_other_school(self, *, actor: str, name: str, contact: str, role: str) -> int:
        """Records another school involved; returns its number. Raises OtherSchoolIncomplete."""
        if getattr(self, "status", None) is not None and self.status.value == "gesloten":  # type: ignore[attr-defined]
            raise IncidentClosed()
        if not (name.strip() and "@" in contact and role in ROLES):
            raise OtherSchoolIncomplete()
        if any(_same(s, name, contact) for s in self.other_schools.values() if not s.withdrawn):
            raise OtherSchoolAlreadyRecorded()
        refuse_material({"name": name, "contact": contact})
        number = self.version + 1
        self.trigger_event(
            self.registered(OtherSchoolRecorded),
            actor=actor, number=number, name=name.strip(), contact=contact.strip(), role=role,
        )  # fmt: skip
        return number

    def other_school_notified(
        self, *, actor: str, number: int, how: str, on: date, reason: str = "", letter_id: UUID | None = None
    ) -> None:
        """Records that a school was told: by telephone with a reason, or by the standard notice,
        which is the letter `letter_id` (a LetterRequest awaiting a second person's review, made
        by the application beside this command). Raises OtherSchoolIncomplete, and what
        `compose_letter` raises (a closed incident, a risk at home)."""
        self.other_school(number, current=True)
        if how not in ("bericht", "gebeld") or (how == "gebeld" and not reason.strip()):
            raise OtherSchoolIncomplete("Zeg hoe de school is ingelicht; bij bellen met de reden waarom.")
        if how == "bericht" and letter_id is None:
            raise OtherSchoolIncomplete(
                "Het standaardbericht gaat alleen weg na goedkeuring door een tweede persoon."
            )
        refuse_material({"reason": reason})
        if how == "bericht":
            self.compose_letter(actor=actor, letter_id=letter_id, letter=NOTICE_LETTER, awaiting_review=True)
        self.trigger_event(
            self.registered(OtherSchoolNotified),
            actor=actor, number=number, how=how, on=on.isoformat(), reason=reason.strip(),
            letter_id=str(letter_id) if how == "bericht" else "",
        )  # fmt: skip

    def confirm_receipt(self, *, number: int, today: date, feedback: str = "") -> None:
        """The holder of a genuine link confirms once, within CONFIRMATION_DAYS of the school being
        recorded. Raises LinkInvalid, LinkUsed or LinkExpired."""
        refusal = self.confirmation_refused(number=number, today=today)
        if refusal is not None:
            raise refusal
        refuse_material({"feedback": feedback})
        self.trigger_event(
            self.registered(OtherSchoolConfirmed),
            actor=CONFIRMER,
            number=number,
            feedback=feedback.strip(),
        )

    def confirmation_refused(self, *, number: int, today: date) -> CaseError | None:
        """Why a school's link may not be used now, or None when it may."""
        school = self.other_schools.get(number)
        if school is None or school.withdrawn:
            return LinkInvalid()
        if self.personal_data_erased:
            return LinkExpired()
        if school.confirmed_at is not None:
            return LinkUsed()
        if (
            today - max(school.recorded_on, school.notified_on or school.recorded_on)
        ).days > CONFIRMATION_DAYS:
            return LinkExpired()
        return None

    def school_notice_failed(self, *, actor: str, number: int, reason: str) -> None:
        """Records that the standard notice to a school did not arrive (the notifier says why)."""
        self.other_school(number)
        self.trigger_event(
            self.registered(OtherSchoolNoticeFailed), actor=actor, number=number, reason=reason
        )

    def other_schools_settled(self) -> tuple[int, int]:
        """(settled, recorded): a school is settled once it confirmed receipt or was called with a
        reason. Step 1's "andere scholen" is done when every recorded school is."""
        schools = [s for s in self.other_schools.values() if not s.withdrawn]
        settled = [s for s in schools if s.confirmed_at is not None or s.notified_how == "gebeld"]
        return len(settled), len(schools)

    def withdraw_other_school(self, *, actor: str, number: int, reason: str) -> None:
        """Withdraws a school recorded by mistake (a wrong school or address): it no longer
        counts for step 1, gets no notice and its link no longer works; the record stays in the
        trail. Raises OtherSchoolIncomplete without a reason or for a school withdrawn before."""
        self.other_school(number, current=True)
        if not reason.strip():
            raise OtherSchoolIncomplete(
                "Zeg waarom de school wordt ingetrokken, bijvoorbeeld: verkeerd adres."
            )
        refuse_material({"reason": reason})
        self.trigger_event(
            self.registered(OtherSchoolWithdrawn), actor=actor, number=number, reason=reason.strip()
        )

    def other_school(self, number: int, *, current: bool = False) -> OtherSchool:
        """The recorded school; with `current`, one that was not withdrawn."""
        school = self.other_schools.get(number)
        if school is None:
            raise OtherSchoolIncomplete("Deze school is niet bij deze melding vastgelegd.")
        if current and school.withdrawn:
            raise OtherSchoolIncomplete("Deze school is ingetrokken; leg zo nodig de juiste school vast.")
        return school
