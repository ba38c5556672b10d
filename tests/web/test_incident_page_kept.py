"""The incident page's timeline and the trail page are made once per version of the incident and
its letters, and kept in memory beside the incident's events: a new event, from this process or
another, shows at once; an erasure, here or elsewhere, leaves nothing personal on a page or in
memory; and what one person was shown is never handed to another."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from uuid import UUID

import pytest
from flask import Flask

from services.case.application import CaseManagement
from services.web import create_app
from shared.accounts import Accounts
from shared.config import Settings, load_settings
from shared.demo import seed_demo
from shared.identity import Actor, Role
from shared.privacy import PrivacyGuard
from tests.examples import ACTIONS
from tests.web.conftest import Browser

ANNA = Actor(
    "behandelaar.dewilg", "Anna de Vries", Role.CASE_HANDLER, board_id="kindante", school_id="de-wilg"
)
NAME = "Brouwersma"  # in tests.examples' note: a pupil's surname, personal data


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path)})


@pytest.fixture
def app(settings: Settings, guard: PrivacyGuard) -> Flask:
    accounts = Accounts(settings)
    seed_demo(settings, accounts)
    return create_app(settings, accounts=accounts, guard=guard)


def another_process(settings: Settings) -> CaseManagement:
    return CaseManagement(env=settings.event_store_env())


def shown_twice(anna: Browser, page: str) -> tuple[str, str]:
    """The incident page and the trail page, each opened twice: the second is the kept one."""
    for _ in range(2):
        incident, trail = anna.get(page).text, anna.get(page + "/tijdlijn").text
    return incident, trail


def opened(anna: Browser) -> tuple[str, UUID]:
    """A new incident Anna opened: its page and its id."""
    page = anna.open_incident()
    return page, UUID(page.rsplit("/", 1)[1])


def opened_with_a_named_note(app: Flask, anna: Browser) -> tuple[str, UUID]:
    """A new incident Anna opened, with the example note that names a pupil (NAME)."""
    page, incident_id = opened(anna)
    app.extensions["zorgvuldig.cases"].record_action(
        ANNA, incident_id, "NoteAdded", dict(ACTIONS["NoteAdded"])
    )
    return page, incident_id


def test_an_action_of_another_process_shows_at_once(app, settings, browser) -> None:  # type: ignore[no-untyped-def]
    anna: Browser = browser("behandelaar.dewilg")
    page, incident_id = opened(anna)
    shown_twice(anna, page)

    elsewhere = another_process(settings)
    elsewhere.record_action(ANNA, incident_id, "NoteAdded", {"text": "Gesprek met de wijkagent gepland"})
    incident, trail = anna.get(page).text, anna.get(page + "/tijdlijn").text
    assert "Gesprek met de wijkagent gepland" in incident.split('class="timeline"', 1)[1]
    assert "Gesprek met de wijkagent gepland" in trail

    elsewhere.record_action(ANNA, incident_id, "LetterRequested", dict(ACTIONS["LetterRequested"]))
    shown_twice(anna, page)
    letter_id = elsewhere.stored_incident(incident_id).letter_ids()[0]
    elsewhere.record_letter_outcome(
        letter_id, outcome_id="u-1", sent=3, failed=0, reason="", actor_id="notifier"
    )
    incident, trail = anna.get(page).text, anna.get(page + "/tijdlijn").text
    assert "afgeleverd bij de mailserver" in incident.split('class="timeline"', 1)[1]
    assert "afgeleverd bij de mailserver" in trail


def test_an_action_recorded_here_shows_at_once(app, browser) -> None:  # type: ignore[no-untyped-def]
    anna: Browser = browser("behandelaar.dewilg")
    page = anna.open_incident()
    before, _ = shown_twice(anna, page)
    answer = anna.post(page + "/acties/NoteAdded", {"text": "Ouders gebeld"})
    assert answer.status_code == 302
    incident, trail = anna.get(page).text, anna.get(page + "/tijdlijn").text
    assert "Ouders gebeld" not in before
    assert "Ouders gebeld" in incident and "Ouders gebeld" in trail


@pytest.mark.parametrize("where", ["hier", "elders"])
def test_an_erasure_leaves_nothing_personal_on_a_page_or_in_memory(app, settings, browser, where) -> None:  # type: ignore[no-untyped-def]
    """Erased by another process, the key this process had read stays in its cache a while:
    the pages must not open the events with it once the erasure is among them."""
    anna: Browser = browser("behandelaar.dewilg")
    page, incident_id = opened_with_a_named_note(app, anna)
    cases: CaseManagement = app.extensions["zorgvuldig.cases"]
    incident, trail = shown_twice(anna, page)
    assert NAME in incident and NAME in trail  # kept now, with the name

    eraser = cases if where == "hier" else another_process(settings)
    eraser.erase_personal_data(incident_id, actor_id="bewaartermijn", reason="bewaartermijn voorbij")
    incident, trail = shown_twice(anna, page)
    assert NAME not in incident and NAME not in trail
    assert "bewaartermijn voorbij" in trail  # the erasure itself is in the trail
    assert incident_id not in cases.histories  # nothing read before the erasure is kept


def test_what_one_person_was_shown_is_never_handed_to_another(app, browser) -> None:  # type: ignore[no-untyped-def]
    anna: Browser = browser("behandelaar.dewilg")
    page, incident_id = opened_with_a_named_note(app, anna)
    cases: CaseManagement = app.extensions["zorgvuldig.cases"]
    incident, trail = shown_twice(anna, page)
    assert NAME in incident and NAME in trail and "Corrigeren" in incident

    readers: dict[str, Callable[[str], str]] = {
        "bestuur": lambda path: browser("bestuur").get(path + "?reden=controle").text,
        "otv": lambda path: browser("otv").get(path + "?reden=advies").text,
        "behandelaar.hetanker": lambda path: str(browser("behandelaar.hetanker").get(path).status_code),
    }
    for who, read in readers.items():
        for path in (page, page + "/tijdlijn"):
            assert NAME not in read(path), (who, path)
    staff = browser("medewerker.dewilg")
    cases.record_action(ANNA, incident_id, "StaffAccessGranted", {"staff_id": "medewerker.dewilg"})
    assert "Corrigeren" not in staff.get(page).text  # Anna's rendering had her links


def test_a_correction_shows_at_once_on_the_entry_it_corrects(app, browser) -> None:  # type: ignore[no-untyped-def]
    """Each entry's rendering is kept across new events: a correction changes an old entry."""
    anna: Browser = browser("behandelaar.dewilg")
    page, incident_id = opened(anna)
    cases: CaseManagement = app.extensions["zorgvuldig.cases"]
    version = cases.incident(ANNA, incident_id).version + 1
    cases.record_action(ANNA, incident_id, "NoteAdded", {"text": "Gesprek op dinsdag"})
    shown_twice(anna, page)
    cases.correct(
        ANNA, incident_id, corrects=version, reason="was woensdag", changes={"text": "Gesprek op woensdag"}
    )
    timeline = anna.get(page).text.split('class="timeline"', 1)[1]
    assert f'(gecorrigeerd in <a href="#actie-{version + 1}">#{version + 1}</a>)' in timeline
    assert "Gesprek op woensdag" in timeline and "Gesprek op dinsdag" not in timeline
    cases.correct(ANNA, incident_id, corrects=version, reason="ging niet door", withdraws=True)
    assert "<em>(ingetrokken)</em>" in anna.get(page).text
