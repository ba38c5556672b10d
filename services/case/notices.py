"""Notices to a school's own people (issue 24): a care-team member told of a new melding, a
task owner reminded once of an overdue task, an approver told a letter waits. They come from
the case's own read models (worklists.py, review_list.py) and are built as the case's messages,
so they are the case's background work; the followers' process (services/followers.py) runs
them beside the reports.

It publishes first and notes afterwards: a crash in between publishes the same notice again,
with the same message_id, which the notifier sends once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date

from kombu import Connection

from services.case.approvers import approvers_of
from services.case.notice_messages import other_school_notice_message, task_overdue_message
from services.case.review_list import ReviewList
from services.case.worklists import Worklists
from shared import messaging
from shared.accounts import Accounts
from shared.contracts import CareTeamNotice, ReviewRequested, encode
from shared.pacing import AtMostEvery

log = logging.getLogger("rapportage")

EVERY_SECONDS = 60.0
ASK_EVERY_SECONDS = 5.0


class Notices:
    def __init__(
        self,
        worklists: Worklists,
        connect: Callable[[], Connection],
        *,
        key: bytes,
        reviews: ReviewList | None = None,
        accounts: Accounts | None = None,
    ) -> None:
        self.worklists = worklists
        self.connect = connect
        self.key = key  # the letters key: a task's words and a school's address travel sealed
        self.reviews = reviews
        self.accounts = accounts
        self._sending = AtMostEvery(
            EVERY_SECONDS, log, "Berichten aan het zorgteam versturen lukt nu niet (%s)."
        )
        self._asking = AtMostEvery(ASK_EVERY_SECONDS, log, "Goedkeurders berichten lukt nu niet (%s).")

    def ask_reviewers(self) -> int:
        """Mails each person who may approve a waiting letter, once per letter: also whoever
        becomes an approver later, when an earlier one was locked or removed."""
        if self.reviews is None or self.accounts is None:
            return 0
        everyone = self.accounts.all()
        due = []
        for letter in self.reviews.every_waiting():
            asked = set(self.reviews.asked(letter.letter_id))
            who = approvers_of(
                author=letter.author,
                school_id=letter.school_id,
                board_id=letter.board_id,
                accounts=everyone,
                unavailable=self.accounts.locked,
                email_of=self.accounts.email,
            )
            due += [(letter, a.username) for a in who.people if a.username not in asked]
        if not due:
            return 0
        with self.connect() as connection:
            for letter, approver in due:
                notice = ReviewRequested.for_approver(
                    letter_id=str(letter.letter_id),
                    incident_id=str(letter.incident_id),
                    board_id=letter.board_id,
                    school_id=letter.school_id,
                    approver_id=approver,
                )
                messaging.publish(connection, encode(notice), message_id=notice.message_id)
                self.reviews.mark_asked(letter.letter_id, approver)
        log.info("%d bericht(en) over een brief die op goedkeuring wacht verstuurd.", len(due))
        return len(due)

    def send_due(self, today: date) -> int:
        """Publishes every alert not mailed yet and every overdue task not reminded yet."""
        self.worklists.catch_up()
        alerts = self.worklists.unmailed_alerts()
        overdue = self.worklists.overdue_unreminded(today)
        schools = self.worklists.unmailed_school_notices()
        if not (alerts or overdue or schools):
            return 0
        with self.connect() as connection:
            for member_id, incident_id, board_id, school_id, reason in alerts:
                notice = CareTeamNotice.for_member(
                    incident_id=str(incident_id),
                    board_id=board_id,
                    school_id=school_id,
                    member_id=member_id,
                    reason=reason,
                )
                messaging.publish(connection, encode(notice), message_id=notice.message_id)
                self.worklists.alert_mailed(member_id, incident_id)
            for task in overdue:
                reminder = task_overdue_message(
                    self.worklists.cases,
                    self.key,
                    incident_id=str(task.incident_id),
                    board_id=task.board_id,
                    school_id=task.school_id,
                    owner_id=task.owner_id,
                    task_number=task.number,
                    due_on=task.due_on.isoformat(),
                )
                messaging.publish(connection, encode(reminder), message_id=reminder.message_id)
                self.worklists.task_reminded(task)
            for incident_id, number, board_id, school_id in schools:
                school_notice = other_school_notice_message(
                    self.worklists.cases,
                    self.key,
                    incident_id=incident_id,
                    number=number,
                    board_id=board_id,
                    school_id=school_id,
                )
                if school_notice is None:
                    log.warning(
                        "Bericht aan een andere school niet verstuurd: de school staat niet (meer) bij de"
                        " melding, of de gegevens van de melding zijn gewist."
                    )
                else:
                    messaging.publish(connection, encode(school_notice), message_id=school_notice.message_id)
                self.worklists.school_notice_mailed(incident_id, number)
        log.info(
            "%d bericht(en) aan het zorgteam en %d herinnering(en) voor taken verstuurd.",
            len(alerts),
            len(overdue),
        )
        return len(alerts) + len(overdue) + len(schools)

    def maybe_send(self) -> None:
        """At most once a minute; a broker that is down just means: next minute."""
        self._sending.run(lambda: self.send_due(date.today()))

    def maybe_ask(self) -> None:
        """Every few seconds: a letter should not wait long for its approver to hear of it."""
        self._asking.run(self.ask_reviewers)
