"""Composition root of the process that follows the event log: the reports, the case's
incident lists, and the reminders and notices that fall due.

python -m services.followers            keeps them up to date (until SIGTERM)
python -m services.followers herbouw    rebuilds every report and list from the first event

The reports (services/reporting/) read the case's events through the one documented reader
(shared/event_log.py) and send their reminders; the incident lists and the notices to a
school's own people are the case's (services/case/); they meet here, not in each other.
"""

from __future__ import annotations

import argparse
import logging
import sys

from services.case.application import CaseManagement
from services.case.lists import IncidentLists
from services.case.notices import Notices
from services.case.request_list import RequestList
from services.case.review_list import ReviewList
from services.case.worklists import Worklists
from services.reporting.projections import protocol_of
from services.reporting.projector import Projector
from services.reporting.reminders import Reminders
from services.reporting.store import ReportStore
from shared import messaging
from shared.accounts import Accounts
from shared.process import start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.followers", description="Rapportage bijwerken.")
    parser.add_argument("opdracht", nargs="?", choices=["herbouw"], help="herbouw: alles opnieuw opbouwen")
    args = parser.parse_args(argv)
    settings, stop = start("rapportage")
    cases = CaseManagement(env=settings.event_store_env())
    projector = Projector(cases, ReportStore(settings))
    lists = IncidentLists(settings, cases)
    requests = RequestList(lists)
    worklists = Worklists(settings, cases)
    reviews = ReviewList(lists)
    if args.opdracht == "herbouw":
        print(f"Rapportage herbouwd: {projector.rebuild()} gebeurtenissen verwerkt.")
        print(f"Meldingenlijst herbouwd: {lists.rebuild()} gebeurtenissen verwerkt.")
        print(f"Lijst met AVG-verzoeken herbouwd: {requests.catch_up()} gebeurtenissen verwerkt.")
        print(f"Takenlijst herbouwd: {worklists.rebuild()} gebeurtenissen verwerkt.")
        print(f"Lijst met brieven die wachten herbouwd: {reviews.catch_up()} gebeurtenissen verwerkt.")
        return 0
    logging.getLogger("rapportage").info("Rapportage volgt de gebeurtenissen.")
    reminders = Reminders(projector.store, lambda: messaging.connect(settings), protocol_of)
    notices = Notices(  # care team and tasks (issue 24), approvers of waiting letters (issue 28)
        worklists,
        lambda: messaging.connect(settings),
        key=settings.letters_key,
        reviews=reviews,
        accounts=Accounts(settings),
    )

    def after_batch() -> None:
        lists.catch_up()  # the incident lists follow the same log; pages catch up only the last events
        requests.catch_up()
        reminders.maybe_send()
        notices.maybe_send()
        notices.maybe_ask()

    projector.run(stop, on_batch=after_batch)
    logging.getLogger("rapportage").info("Rapportage gestopt.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
