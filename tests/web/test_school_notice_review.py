"""The notice to another school goes through the same guard and review as a letter to parents
(issue 24): it waits for a second person, who reads it on the review page; its author cannot
approve it; only an approved notice is sent. Once sent, a bounce after the mail server
accepted it (VERP) is recorded on the notice's letter and shows beside the school."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple
from uuid import UUID

import pytest
from flask import Flask

from services.case.letter_messages import letter_request_message, record_outcome
from services.case.notice_messages import other_school_notice_message
from services.case.worklists import Worklists
from services.notifier.bounces import BounceFolder, BounceReader, read_bounce
from services.notifier.ledger import Ledger
from services.notifier.letters import LetterHandler
from services.web import create_app
from shared.accounts import Accounts
from shared.config import load_settings
from shared.contracts import LetterOutcome, OtherSchoolNotice
from shared.demo import seed_demo
from shared.identity import Role
from shared.privacy import PrivacyGuard
from tests.fakes import Outbox, Outcomes
from tests.integration.test_bounces import delivery_report
from tests.web.conftest import Browser

ADDRESS = "info@delinde.invalid"


@pytest.fixture
def app(tmp_path: Path, guard: PrivacyGuard) -> Flask:
    settings = load_settings(
        {"ZORGVULDIG_DATA_DIR": str(tmp_path), "ZORGVULDIG_BOUNCE_ADDRESS": "terug@zorgvuldig.invalid"}
    )
    accounts = Accounts(settings)
    seed_demo(settings, accounts)
    return create_app(settings, accounts=accounts, guard=guard)


def notice_asked(handler: Browser) -> tuple[str, UUID]:
    page = handler.open_incident()
    handler.post(f"{page}/andere-scholen", {"naam": "Basisschool De Linde", "adres": ADDRESS, "rol": "dader"})
    assert handler.post(f"{page}/andere-scholen/2/ingelicht", {"hoe": "bericht"}).status_code == 302
    return page, UUID(page.rsplit("/", 1)[1])


def unsent(app: Flask) -> list[tuple[UUID, int, str, str]]:
    lists = Worklists(app.extensions["zorgvuldig.settings"], app.extensions["zorgvuldig.cases"])
    lists.catch_up()
    return lists.unmailed_school_notices()


def notice_letter(app: Flask, incident_id: UUID) -> str:
    """The id of the letter that carries the notice to the school asked in `notice_asked`."""
    letter_id: str = (
        app.extensions["zorgvuldig.cases"].stored_incident(incident_id).other_schools[2].notice_letter
    )
    return letter_id


class ApprovedNotice(NamedTuple):
    page: str  # the incident's page
    incident_id: UUID
    letter_id: str  # the letter that carries the notice


def notice_approved(app: Flask, handler: Browser, browser: Callable[[str], Browser]) -> ApprovedNotice:
    """A notice asked as in `notice_asked` and approved by the director."""
    page, incident_id = notice_asked(handler)
    letter_id = notice_letter(app, incident_id)
    browser("directeur.dewilg").post(f"{page}/brieven/{letter_id}/goedkeuren")
    return ApprovedNotice(page, incident_id, letter_id)


def notice_to_school(app: Flask, incident_id: UUID) -> OtherSchoolNotice | None:
    """The notice to that school as the followers build it, None when it may not go out."""
    settings, cases = app.extensions["zorgvuldig.settings"], app.extensions["zorgvuldig.cases"]
    return other_school_notice_message(
        cases,
        settings.letters_key,
        incident_id=incident_id,
        number=2,
        board_id="kindante",
        school_id="de-wilg",
    )


def test_a_notice_to_another_school_waits_for_a_second_persons_review(
    app: Flask, handler: Browser, browser: Callable[[str], Browser]
) -> None:
    page, incident_id = notice_asked(handler)
    cases = app.extensions["zorgvuldig.cases"]
    letter_id = notice_letter(app, incident_id)
    assert "het standaardbericht wacht op goedkeuring door een tweede persoon" in handler.get(page).text
    assert unsent(app) == []  # nothing goes out before the review
    assert letter_request_message(cases, UUID(letter_id), b"\0" * 32) is None  # nor as a letter

    own = handler.post(f"{page}/brieven/{letter_id}/goedkeuren")
    assert own.status_code == 403 and "U hebt deze brief zelf opgesteld." in own.text
    assert unsent(app) == []

    director = browser("directeur.dewilg")
    assert "Bericht aan een andere school" in director.get("/").text  # waiting on the home page
    assert "Lezen en beoordelen" in director.get(page).text
    review = director.get(f"{page}/brieven/{letter_id}/beoordelen").text
    assert "Bericht aan een andere school" in review and "Geachte collega" in review
    assert cases.confirmation_link(incident_id, 2) in review  # the school's own link, as it is sent
    assert "De Linde" not in review.split("Geachte collega", 1)[1]
    assert director.post(f"{page}/brieven/{letter_id}/goedkeuren").status_code == 302
    assert unsent(app) == [(incident_id, 2, "kindante", "de-wilg")]
    assert "goedgekeurd en gaat binnen enkele minuten weg" in handler.get(page).text


def test_a_rejected_notice_is_not_sent_and_its_reason_shows_beside_the_school(
    app: Flask, handler: Browser, browser: Callable[[str], Browser]
) -> None:
    page, incident_id = notice_asked(handler)
    letter_id = notice_letter(app, incident_id)
    director = browser("directeur.dewilg")
    refused = director.post(
        f"{page}/brieven/{letter_id}/afkeuren", {"reden": "Eerst bellen.", "veld": "brief"}
    )
    assert refused.status_code == 302
    assert unsent(app) == []
    shown = handler.get(page).text
    assert "het standaardbericht is afgekeurd door" in shown and "Eerst bellen." in shown
    assert "Afgekeurde brieven" not in shown  # no letter form to revise it in: the school is asked again
    assert handler.post(f"{page}/andere-scholen/2/ingelicht", {"hoe": "bericht"}).status_code == 302
    assert "wacht op goedkeuring" in handler.get(page).text


def test_a_notice_that_bounces_after_acceptance_shows_on_the_incident(
    app: Flask, handler: Browser, browser: Callable[[str], Browser], guard: PrivacyGuard, tmp_path: Path
) -> None:
    settings, cases = app.extensions["zorgvuldig.settings"], app.extensions["zorgvuldig.cases"]
    page, incident_id, letter_id = notice_approved(app, handler, browser)

    outbox, outcomes = Outbox(), Outcomes()
    notifier = LetterHandler(
        settings,
        Ledger(settings),
        outbox,
        app.extensions["zorgvuldig.accounts"],
        guard=guard,
        outcomes=outcomes,
    )
    notice = notice_to_school(app, incident_id)
    assert notice is not None
    notifier.handle(notice)
    (mail,) = outbox.mails
    return_path = str(mail["Return-Path"])
    assert re.fullmatch(rf"terug\+{UUID(letter_id).hex}-[0-9a-f]{{16}}@zorgvuldig\.invalid", return_path)
    (sent,) = outcomes.published
    assert isinstance(sent, LetterOutcome) and sent.sent == 1
    record_outcome(cases, sent, settings.letters_key)
    assert "bericht verstuurd, nog niet bevestigd" in handler.get(page).text

    # days later the school's mail server sends the notice back
    bounce = read_bounce(delivery_report(return_path, ADDRESS))
    assert bounce is not None
    BounceReader(BounceFolder(tmp_path), Ledger(settings), outcomes, settings.letters_key).report(bounce)
    record_outcome(cases, outcomes.published[-1], settings.letters_key)  # type: ignore[arg-type]
    letter = cases.letter_request(UUID(letter_id))
    assert letter.bounced == [(ADDRESS, "550 5.1.1 Mailbox bestaat niet")]
    shown = handler.get(page).text
    assert "Het bericht kwam terug:</strong> 550 5.1.1 Mailbox bestaat niet" in shown
    assert 'id="teruggekomen-2"' in shown


def test_once_a_notice_is_approved_the_page_offers_only_a_call(
    app: Flask, handler: Browser, browser: Callable[[str], Browser]
) -> None:
    page = notice_approved(app, handler, browser).page
    shown = handler.get(page).text.split('id="school-2"', 1)[1]
    assert '<option value="bericht">' not in shown and '<option value="gebeld">' in shown
    again = handler.post(f"{page}/andere-scholen/2/ingelicht", {"hoe": "bericht"}, follow_redirects=True)
    assert "gaat maar één keer weg" in again.text
    assert "wacht op goedkeuring door een tweede persoon" not in again.text


def test_a_notice_approved_before_the_incident_was_erased_is_not_sent(
    app: Flask, handler: Browser, browser: Callable[[str], Browser]
) -> None:
    cases = app.extensions["zorgvuldig.cases"]
    incident_id = notice_approved(app, handler, browser).incident_id
    cases.erase_personal_data(incident_id, actor_id="bewaartermijn", reason="bewaartermijn verstreken")
    assert notice_to_school(app, incident_id) is None


def test_the_authors_second_account_cannot_approve_the_notice(
    app: Flask, handler: Browser, browser: Callable[[str], Browser]
) -> None:
    accounts = app.extensions["zorgvuldig.accounts"]
    accounts.create(
        "anna.tweede",
        name="Anna de Vries",
        role=Role.CASE_HANDLER,
        board_id="kindante",
        school_id="de-wilg",
        password="een-tweede-wachtwoord",
        email="Behandelaar.DeWilg@school.voorbeeld.invalid",  # the author's own address
    )
    page, incident_id = notice_asked(handler)
    letter_id = notice_letter(app, incident_id)
    second = Browser(app.test_client()).sign_in("anna.tweede", "een-tweede-wachtwoord")
    own = second.post(f"{page}/brieven/{letter_id}/goedkeuren")
    assert own.status_code == 403 and "met een ander account met uw e-mailadres" in own.text
    assert "Bericht aan een andere school" not in second.get("/").text  # not waiting for them
    assert unsent(app) == []


def test_a_school_withdrawn_after_its_notice_was_approved_gets_no_notice(
    app: Flask, handler: Browser, browser: Callable[[str], Browser]
) -> None:
    page, incident_id, _ = notice_approved(app, handler, browser)
    done = handler.post(
        f"{page}/andere-scholen/2/ingetrokken", {"reden": "Verkeerde school gekozen"}, follow_redirects=True
    )
    assert "De school is ingetrokken." in done.text
    shown = done.text.split('id="school-2"', 1)[1].split("</li>", 1)[0]
    assert "<del>" in shown and "ingetrokken: Verkeerde school gekozen" in shown
    assert "School intrekken" not in shown and 'name="hoe"' not in shown
    assert notice_to_school(app, incident_id) is None
