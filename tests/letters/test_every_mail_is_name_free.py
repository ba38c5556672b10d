"""Hard rule 2 tried by an adversary, over every kind of mail the notifier sends.

A hurried director writes the pupils' names, nicknames, classes and handles into every free-text
field the system has (the statement, the meeting, the URL, a task, another school's name and the
reason it was told, how the school heard, the takedown's channel). Each mail is then built by the
notifier's own handler, with the real guard, from the incident's own records. The mail either
goes out without any of it in its subject, text or HTML, or it does not go out at all.

A new kind of mail (a template folder, or a message type the notifier reads) fails
`test_every_kind_of_mail_is_tried` until it is tried here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from email.message import EmailMessage
from typing import Any
from uuid import UUID

import pytest

from services.case.application import CaseManagement
from services.case.letter_messages import letter_request_message
from services.case.notice_messages import other_school_notice_message, task_overdue_message
from services.notifier.ledger import Ledger
from services.notifier.letters import LetterHandler
from services.notifier.notices import FOLDERS
from services.reporting.projector import Projector
from services.reporting.reminders import overdue
from services.reporting.store import ReportStore
from shared.accounts import Accounts
from shared.config import Settings, load_settings
from shared.contracts import (
    MESSAGE_TYPES,
    CareTeamNotice,
    LetterOutcome,
    LetterRequest,
    Message,
    OtherSchoolNotice,
    Reminder,
    ReviewRequested,
    SchoolNoticeOutcome,
    TaskOverdue,
    decode,
)
from shared.demo import seed_demo
from shared.identity import Actor
from shared.languages import TEMPLATES
from shared.letters import CATALOGUE, PARTS, REMINDER_FOLDERS, WITHOUT_PUPIL
from shared.privacy import PrivacyGuard
from tests.examples import ACTIONS, OPENING, PLANTED_NAMES
from tests.fakes import Outbox, Outcomes

BOARD_FILE = """
id = "kindante"
naam = "Kindante"
[scholen.de-wilg]
naam = "Basisschool De Wilg"
zorgteam = ["directeur.dewilg", "behandelaar.dewilg"]
"""

# The pupils as the register holds them: the planted names, with every other handle on them.
PUPILS = (
    {
        "role": "slachtoffer",
        "name": "Noor Wijnaldum",
        "nickname": "Noortje",
        "class_label": "groep 8b",
        "accounts": ["@noor_w2014"],
    },
    {
        "role": "dader",
        "name": "Kevin Brouwersma",
        "nickname": "Kev",
        "class_label": "groep 7b",
        "accounts": ["@kevinb_07", "kevin.brouwersma@gmail.com"],
    },
)

# What a hurried director writes, each slipping one handle on a pupil past a reader in a hurry.
HURRIED = {
    "full name": "Noor Wijnaldum is erg geschrokken.",
    "first name": "Wij praten vandaag met Noor.",
    "surname": "De ouders Wijnaldum zijn gebeld.",
    "lowercase": "met kevin brouwersma is gesproken.",
    "nickname": "Noortje krijgt rust.",
    "possessive": "Kevins ouders zijn op school geweest.",
    "class": "Het speelt in groep 7b.",
    "class shorthand": "Vooral 8B heeft het gezien.",
    "class in words": "In groep zeven wordt erover gepraat.",
    "handle": "Het account @noor_w2014 is gemeld.",
    "e-mail": "Mail kevin.brouwersma@gmail.com niet meer.",
    "a pupil nobody recorded": "Bel de ouders van Aylin Yıldız uit groep 5a.",
    "everything": "Kev (groep 7b, @kevinb_07) stuurde Noortje's foto door; Noor Wijnaldum is thuis.",
}

# What may never appear in a mail, whatever the field it was typed in.
FORBIDDEN = re.compile(
    r"\b(noor\w*|wijnaldum\w*|kev\w*|brouwersma\w*)\b|\b[78]\s*b\b|groep\s+(zeven|acht)\b|noor_w2014|kevinb_07|aylin|y[ıi]ld[ıi]z|\b5\s*a\b",
    re.IGNORECASE,
)
LINK_HOST = "https://zorgvuldig.voorbeeld.invalid"


@dataclass
class School:
    """Basisschool De Wilg with one incident in which both pupils are recorded."""

    settings: Settings
    accounts: Accounts
    cases: CaseManagement
    handler: LetterHandler
    outbox: Outbox
    incident_id: UUID = field(init=False)

    def actor(self, username: str) -> Actor:
        account = self.accounts.get(username)
        assert account is not None
        return account.actor

    def open(self, hurried: str) -> UUID:
        anna = self.actor("behandelaar.dewilg")
        self.incident_id, _ = self.cases.open_incident(anna, **{**OPENING, "learned_how": hurried})
        for pupil in PUPILS:
            self.cases.record_action(anna, self.incident_id, "PupilRecorded", pupil)
        self.cases.record_action(anna, self.incident_id, "NoteAdded", {"text": hurried})
        police = {**ACTIONS["PoliceContacted"], "plan": hurried}  # the deletion call may go out
        self.cases.record_action(anna, self.incident_id, "PoliceContacted", police)
        return self.incident_id

    def mails_of(self, message: Message) -> list[EmailMessage]:
        before = len(self.outbox.mails)
        self.handler.handle(message)  # type: ignore[arg-type]
        return self.outbox.mails[before:]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, guard: PrivacyGuard) -> Iterator[School]:
    tmp_path = tmp_path_factory.mktemp("elke-mail")
    boards = tmp_path / "besturen"
    boards.mkdir()
    (boards / "kindante.toml").write_text(BOARD_FILE, encoding="utf-8")
    settings = load_settings(
        {
            "ZORGVULDIG_DATA_DIR": str(tmp_path),
            "ZORGVULDIG_BOARDS_DIR": str(boards),
            "ZORGVULDIG_SITE_URL": LINK_HOST,
        }
    )
    accounts = Accounts(settings)
    seed_demo(settings, accounts)
    cases = CaseManagement(env=settings.event_store_env())
    outbox = Outbox()
    handler = LetterHandler(settings, Ledger(settings), outbox, accounts, guard=guard, outcomes=Outcomes())
    yield School(settings, accounts, cases, handler, outbox)


def readable(mail: EmailMessage) -> str:
    """The subject and every text and HTML part, as the recipient reads them."""
    parts = [str(mail["Subject"])]
    for part in mail.walk():
        if not part.is_multipart():
            payload = part.get_payload(decode=True)
            parts.append(payload.decode("utf-8", "replace") if isinstance(payload, bytes) else str(payload))
    return "\n".join(parts)


def assert_name_free(mails: list[EmailMessage]) -> None:
    for mail in mails:
        text = readable(mail)
        for name in PLANTED_NAMES:
            assert name.lower() not in text.lower(), f"{name!r} in {mail['Subject']!r}"
        found = FORBIDDEN.search(text)
        assert found is None, f"{found.group(0)!r} in {mail['Subject']!r}:\n{text}"


# ------------------------------------------------------------------ how each mail is made


def standard_letter(key: str, without_pupil: bool) -> Callable[[School, str], list[EmailMessage]]:
    def send(school: School, hurried: str) -> list[EmailMessage]:
        incident_id = school.open(hurried)
        statement = {
            **{
                name: f"{value} {hurried}" for name, value in ACTIONS["CommunicationStatementWritten"].items()
            },
            "language": "nl",
            "meeting_when": f"dinsdag 19.30 uur, {hurried}",
            "meeting_where": f"de aula; {hurried}",
            "url": "https://x.invalid/noor-wijnaldum-groep-7b",
            "no_pupil_visible": "ja" if without_pupil else "nee",
        }
        letter_id, _ = school.cases.request_letter(
            school.actor("behandelaar.dewilg"),
            incident_id,
            letter=key,
            group="Ouders groep 7b",
            recipients=["ouder@voorbeeld.invalid"],
            statement=statement,
            four_eyes_from=10,
        )
        message = letter_request_message(school.cases, letter_id, school.settings.letters_key)
        assert isinstance(message, LetterRequest)
        return school.mails_of(message)

    return send


def care_team(reason: str) -> Callable[[School, str], list[EmailMessage]]:
    def send(school: School, hurried: str) -> list[EmailMessage]:
        incident_id = school.open(hurried)
        notice = CareTeamNotice.for_member(
            incident_id=str(incident_id),
            board_id="kindante",
            school_id="de-wilg",
            member_id="directeur.dewilg",
            reason=reason,
        )
        mails = school.mails_of(notice)
        assert mails, "the care team must hear of it"
        return mails

    return send


def overdue_task(school: School, hurried: str) -> list[EmailMessage]:
    incident_id = school.open(hurried)
    anna, mees = school.actor("behandelaar.dewilg"), school.actor("medewerker.dewilg")
    yesterday = date.today() - timedelta(days=1)
    school.cases.create_task(
        anna, incident_id, step="medewerkers", suggestion="", what=hurried, owner=mees, due_on=yesterday
    )
    task_number = max(school.cases.stored_incident(incident_id).tasks)
    notice = task_overdue_message(
        school.cases,
        school.settings.letters_key,
        incident_id=str(incident_id),
        board_id="kindante",
        school_id="de-wilg",
        owner_id="medewerker.dewilg",
        task_number=task_number,
        due_on=yesterday.isoformat(),
    )
    mails = school.mails_of(notice)
    assert mails, "the owner must still learn that the task is overdue"
    return mails


def review_requested(school: School, hurried: str) -> list[EmailMessage]:
    incident_id = school.open(hurried)
    letter_id, _ = school.cases.request_letter(
        school.actor("behandelaar.dewilg"),
        incident_id,
        letter="ouders_klas",
        group=f"Ouders van {hurried}",
        recipients=["ouder@voorbeeld.invalid"],
        statement={**ACTIONS["CommunicationStatementWritten"], "what_is_happening": hurried},
        four_eyes_from=10,
        needs_review=True,
    )
    notice = ReviewRequested.for_approver(
        letter_id=str(letter_id),
        incident_id=str(incident_id),
        board_id="kindante",
        school_id="de-wilg",
        approver_id="directeur.dewilg",
    )
    mails = school.mails_of(notice)
    assert mails, "the approver must hear of it"
    return mails


def other_school(school: School, hurried: str) -> list[EmailMessage]:
    incident_id = school.open(hurried)
    anna = school.actor("behandelaar.dewilg")
    school.cases.record_other_school(
        anna,
        incident_id,
        name=f"De Linde, school van {hurried}",
        contact="info@delinde.invalid",
        role="dader",
    )
    number = max(school.cases.stored_incident(incident_id).other_schools)
    school.cases.other_school_notified(
        anna, incident_id, number=number, how="bericht", on=date.today(), reason=hurried
    )
    notice = other_school_notice_message(
        school.cases,
        school.settings.letters_key,
        incident_id=incident_id,
        board_id="kindante",
        school_id="de-wilg",
        number=number,
    )
    assert notice is not None
    return school.mails_of(notice)


def reminder(kind: str) -> Callable[[School, str], list[EmailMessage]]:
    """The reporting process finds what is overdue in its read model, as it does once a minute;
    the handler the director typed into the takedown and the aftercare stays in the incident."""

    def send(school: School, hurried: str) -> list[EmailMessage]:
        incident_id = school.open(hurried)
        anna = school.actor("behandelaar.dewilg")
        school.cases.record_action(
            anna,
            incident_id,
            "TakedownRequested",
            {
                **ACTIONS["TakedownRequested"],
                "channel": hurried,
                "reference": hurried,
                "reported_on": "2026-01-02",
            },
        )
        school.cases.record_action(
            anna, incident_id, "AftercarePlanned", {"for_whom": "slachtoffer", "due_on": "2026-01-05"}
        )
        store = ReportStore(school.settings)
        Projector(school.cases, store).catch_up()
        today = date.today() + timedelta(days=365)
        found = [
            message
            for _, message in overdue(store.every_fact(), today, school.cases.protocol)
            if message.incident_id == str(incident_id) and message.kind == kind
        ]
        assert found, f"no {kind} reminder is due"
        mails = [mail for message in found for mail in school.mails_of(message)]
        assert mails, f"the {kind} reminder must reach its handler"
        return mails

    return send


REMINDER_KINDS = {folder: kind for kind, folder in REMINDER_FOLDERS.items()}

# Every kind of mail, by its template folder, and the message that makes the notifier send it.
MAILS: dict[str, tuple[type[Message], Callable[[School, str], list[EmailMessage]]]] = {
    **{key: (LetterRequest, standard_letter(key, without_pupil=False)) for key in CATALOGUE},
    **{
        f"{key}/{WITHOUT_PUPIL}": (LetterRequest, standard_letter(key, without_pupil=True))
        for key in CATALOGUE
    },
    FOLDERS[CareTeamNotice]: (CareTeamNotice, care_team("zorgteam")),
    f"{FOLDERS[CareTeamNotice]} (toegevoegd)": (CareTeamNotice, care_team("toegevoegd")),
    FOLDERS[TaskOverdue]: (TaskOverdue, overdue_task),
    FOLDERS[ReviewRequested]: (ReviewRequested, review_requested),
    "andere_school": (OtherSchoolNotice, other_school),
    **{folder: (Reminder, reminder(kind)) for folder, kind in REMINDER_KINDS.items()},
}


def template_folders() -> set[str]:
    dutch = TEMPLATES / "nl"
    return {
        str(path.parent.relative_to(dutch))
        for path in dutch.rglob(PARTS[0])
        if not path.parent.name.startswith("_")
    }


def test_every_kind_of_mail_is_tried() -> None:
    covered = {kind.partition(" ")[0] for kind in MAILS}
    assert covered == template_folders(), "a new kind of mail: try it in MAILS"
    sent = set(MESSAGE_TYPES.values()) - {LetterOutcome, SchoolNoticeOutcome}  # the messages that are no mail
    assert sent <= {message_type for message_type, _ in MAILS.values()}


@pytest.mark.parametrize("hurried", list(HURRIED.values()), ids=list(HURRIED))
@pytest.mark.parametrize("kind", list(MAILS))
def test_no_mail_carries_a_pupil_whatever_a_hurried_director_typed(
    world: School, kind: str, hurried: str
) -> None:
    _, send = MAILS[kind]
    assert_name_free(send(world, hurried))


@pytest.mark.parametrize("kind", list(MAILS))
def test_every_kind_of_mail_goes_out_when_the_director_writes_no_name(world: School, kind: str) -> None:
    """The other side: a guard that refuses everything would pass the test above."""
    _, send = MAILS[kind]
    calm = "De school neemt dit serieus."
    if kind in CATALOGUE or kind.endswith(WITHOUT_PUPIL):
        mails = _standard_without_names(world, kind)
    else:
        mails = send(world, calm)
    assert mails, f"{kind}: no mail went out"
    assert_name_free(mails)


def _standard_without_names(school: School, kind: str) -> list[EmailMessage]:
    key, _, version = kind.partition("/")
    incident_id = school.open("De mentor hoorde het van een ouder.")
    statement: dict[str, Any] = {
        **ACTIONS["CommunicationStatementWritten"],
        "meeting_when": "dinsdag 1 december, 19.30 uur",
        "meeting_where": "de aula",
        "url": "https://x.invalid/a",
        "no_pupil_visible": "ja" if version else "nee",
    }
    letter_id, _ = school.cases.request_letter(
        school.actor("behandelaar.dewilg"),
        incident_id,
        letter=key,
        group="Ouders",
        recipients=["ouder@voorbeeld.invalid"],
        statement=statement,
        four_eyes_from=10,
    )
    message = letter_request_message(school.cases, letter_id, school.settings.letters_key)
    assert isinstance(message, LetterRequest)
    return school.mails_of(message)


def test_the_forbidden_forms_are_found_in_a_mail() -> None:
    """The assertion itself would see a leak."""
    for text in HURRIED.values():
        assert FORBIDDEN.search(text) or any(n in text for n in PLANTED_NAMES), text
    assert FORBIDDEN.search("De mentor van Basisschool De Wilg") is None


def test_a_notice_queued_before_its_words_travelled_sealed_still_goes_out_or_is_reported(
    world: School,
) -> None:
    incident_id = world.open("Lesbrief klaarzetten")
    fields = {"incident_id": str(incident_id), "board_id": "kindante", "school_id": "de-wilg"}
    task = decode({**fields, "owner_id": "medewerker.dewilg", "task_number": 1, "due_on": "2026-01-05",
                   "message_id": "v1-taak", "type": "taak.over_tijd", "version": 1})  # fmt: skip
    (mail,) = world.mails_of(task)
    assert "over tijd" in readable(mail)
    school = decode({**fields, "number": 2, "message_id": "v1-school", "type": "andere_school.bericht",
                     "version": 1})  # fmt: skip
    published = world.handler.outcomes.published  # type: ignore[attr-defined]
    before = len(published)
    assert world.mails_of(school) == []
    (outcome,) = published[before:]
    assert isinstance(outcome, SchoolNoticeOutcome) and outcome.number == 2
