"""The letter's page says how many recipients may have got the letter twice, because a sending
was interrupted after the mail server may already have taken their mail: a count, never who."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import pytest
from flask import Flask

from services.case.domain.letter_request import LetterRequest
from services.case.letter_messages import record_outcome
from shared.contracts import LetterOutcome, letter_message_id, seal
from tests.web.conftest import Browser, approve_waiting
from tests.web.test_letters_web import STATEMENT

LINE = "ontvangers hebben deze brief mogelijk twee keer gekregen"


def sent_letter(app: Flask, browser) -> tuple[str, UUID]:  # type: ignore[no-untyped-def]
    """An incident's page and its letter to three parents, approved and cleared for sending."""
    anna: Browser = browser("behandelaar.dewilg")
    page = anna.open_incident()
    recipients = "\n".join(f"ouder{n}@voorbeeld.nl" for n in range(3))
    data = {"letter": "ouders_klas", "group": "Ouders groep 7", "recipients": recipients, **STATEMENT}
    assert anna.post(f"{page}/brieven", {**data, "bevestigd": "ja"}).status_code == 302
    approve_waiting(browser("directeur.dewilg"), app, page)
    cases = app.extensions["zorgvuldig.cases"]
    (letter_id,) = cases.stored_incident(UUID(page.rsplit("/", 1)[1])).letter_ids()
    return page, letter_id


def letter_page(browser, page: str, letter_id: UUID) -> str:  # type: ignore[no-untyped-def]
    response = browser("behandelaar.dewilg").get(f"{page}/brieven/{letter_id}?reden=nazien")
    assert response.status_code == 200
    return str(response.text)


def test_the_letter_page_says_how_many_may_have_got_it_twice(app: Flask, browser) -> None:  # type: ignore[no-untyped-def]
    page, letter_id = sent_letter(app, browser)
    settings, cases = app.extensions["zorgvuldig.settings"], app.extensions["zorgvuldig.cases"]
    outcome = LetterOutcome.of(
        letter_message_id(str(letter_id)),
        letter_id=str(letter_id),
        incident_id=page.rsplit("/", 1)[1],
        sent=3,
        failed=0,
        maybe_twice=2,
        sealed=seal(settings.letters_key, {"reason": ""}),
    )
    assert record_outcome(cases, outcome, settings.letters_key) is not None

    shown = letter_page(browser, page, letter_id)
    line = shown.split('id="mogelijk-twee-keer">', 1)[1].split("</p>", 1)[0]
    assert line.startswith("2 " + LINE) and "dezelfde mail" in line
    assert "@" not in line  # a count, never who
    timeline = browser("behandelaar.dewilg").get(page + "?reden=x").text
    assert "Mogelijk twee keer gekregen" in timeline


def test_an_outcome_recorded_before_the_count_still_loads_and_says_nothing(
    app: Flask, browser, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """Version 1 of the Sent event had no count: it reads as no one sent twice."""
    page, letter_id = sent_letter(app, browser)
    cases = app.extensions["zorgvuldig.cases"]
    letter = cases.letter_request(letter_id)
    event = LetterRequest.Sent(
        originator_id=letter_id,
        originator_version=letter.version + 1,
        timestamp=datetime.now(tz=UTC),
        incident_id=letter.incident_id,
        actor="notifier",
        outcome_id="uitkomst-van-vroeger",
        recipient_count=3,
        maybe_twice=0,
    )
    vars(event).pop("maybe_twice")
    with monkeypatch.context() as old_schema:
        old_schema.setattr(LetterRequest.Sent, "class_version", 1)
        stored = cases.mapper.to_stored_event(event)
    cases.recorder.insert_events([stored])

    reread = cases.letter_request(letter_id)
    assert (reread.sent_count, reread.maybe_twice) == (3, 0)
    shown = letter_page(browser, page, letter_id)
    assert "Afgeleverd bij de mailserver</dt><dd>3</dd>" in shown
    assert "mogelijk twee keer" not in shown
    assert "Mogelijk twee keer gekregen" not in browser("behandelaar.dewilg").get(page + "?reden=x").text


def test_a_count_out_of_range_is_kept_within_what_was_sent(app: Flask, browser) -> None:  # type: ignore[no-untyped-def]
    page, letter_id = sent_letter(app, browser)
    settings, cases = app.extensions["zorgvuldig.settings"], app.extensions["zorgvuldig.cases"]
    for number, (sent, maybe_twice) in enumerate([(3, -5), (2, 9)]):
        outcome = LetterOutcome.of(
            f"{letter_message_id(str(letter_id))}-{number}",
            letter_id=str(letter_id),
            incident_id=page.rsplit("/", 1)[1],
            sent=sent,
            failed=0,
            maybe_twice=maybe_twice,
            sealed=seal(settings.letters_key, {"reason": ""}),
        )
        assert record_outcome(cases, outcome, settings.letters_key) is not None
    assert cases.letter_request(letter_id).maybe_twice == 2  # 0 for the first, at most 2 for the second
