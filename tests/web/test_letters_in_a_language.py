"""A letter in the parents' language: the group's language is the letter's, the statement of
that language fills the form, and what the handler typed is never replaced."""

from __future__ import annotations

from flask import Flask

from tests.examples import ENGLISH_STATEMENT
from tests.web.conftest import Browser, approve_waiting, trail_of

DUTCH = {
    "what_is_happening": "Er gaat beeldmateriaal van een leerling rond.",
    "what_we_think": "Wij vinden dit ernstig.",
    "what_we_do": "Wij werken samen met de politie.",
    "why": "Zodat de rust terugkeert.",
    "contact_person": "de intern begeleider",
}
ENGLISH = {k: v for k, v in ENGLISH_STATEMENT.items() if k != "language"}


def statement(handler: Browser, page: str, fields: dict[str, str], language: str) -> None:
    response = handler.post(f"{page}/acties/CommunicationStatementWritten", {**fields, "language": language})
    assert response.status_code == 302, response.text


def last_action(app: Flask, page: str):  # type: ignore[no-untyped-def]
    return trail_of(app, page)[-1]


def test_an_english_group_gets_the_english_letter_with_the_english_statement(app: Flask, browser) -> None:  # type: ignore[no-untyped-def]
    handler: Browser = browser("behandelaar.dewilg")
    saved = handler.post(
        "/ontvangers", {"name": "Ouders 7b (Engels)", "addresses": "parent@voorbeeld.nl", "language": "en"}
    )
    assert saved.status_code == 302
    assert "Brieven in het Engels." in handler.get("/ontvangers").text
    page = handler.open_incident()
    statement(handler, page, DUTCH, "nl")
    statement(handler, page, ENGLISH, "en")

    form = handler.get(f"{page}/brieven").text
    assert DUTCH["what_we_do"] in form and 'value="en"' in form  # Dutch first; English on offer

    # The handler picks the English group and leaves the language to the group.
    chosen = {"letter": "ouders_klas", "opgeslagen_groep": "Ouders 7b (Engels)", "recipients": ""}
    switched = handler.post(
        f"{page}/brieven", {**chosen, **DUTCH, "language": "", "statement_language": "nl"}
    )
    assert switched.status_code == 200
    assert "hieronder staat het communicatiestatement in het Engels" in switched.text
    assert ENGLISH["what_we_do"] in switched.text and DUTCH["what_we_do"] not in switched.text
    assert "Information about a situation in your child&#39;s class" in switched.text
    assert '<pre class="letter" lang="en">' in switched.text
    assert "Versturen aan" in switched.text  # the preview is there, but nothing is sent yet

    sent = handler.post(
        f"{page}/brieven",
        {**chosen, **ENGLISH, "language": "", "statement_language": "en", "bevestigd": "ja"},
    )
    assert sent.status_code == 302
    requested = last_action(app, page)
    assert requested.event_type == "LetterProposed" and requested.data["language"] == "en"
    assert requested.data["statement"]["what_we_do"] == ENGLISH["what_we_do"]
    assert (
        "in het Engels aan 1 ontvanger(s) wacht op goedkeuring" in handler.get(sent.headers["Location"]).text
    )
    assert approve_waiting(browser("directeur.dewilg"), app, page) == 1
    assert last_action(app, page).event_type == "LetterApproved"


def test_without_an_english_statement_the_handler_is_asked_to_write_one(browser) -> None:  # type: ignore[no-untyped-def]
    handler: Browser = browser("behandelaar.dewilg")
    page = handler.open_incident()
    statement(handler, page, DUTCH, "nl")
    asked = handler.post(
        f"{page}/brieven",
        {"letter": "ouders_klas", "group": "Ouders", "recipients": "a@voorbeeld.nl", **DUTCH,
         "language": "en", "statement_language": "nl"},
    )  # fmt: skip
    assert asked.status_code == 422
    assert "er is nog geen communicatiestatement in het Engels" in asked.text
    assert "Versturen aan" not in asked.text


def test_what_the_handler_typed_is_kept_when_the_language_changes(browser) -> None:  # type: ignore[no-untyped-def]
    handler: Browser = browser("behandelaar.dewilg")
    page = handler.open_incident()
    statement(handler, page, DUTCH, "nl")
    statement(handler, page, ENGLISH, "en")
    typed = {**ENGLISH, "what_we_do": "We work together with the youth worker."}
    kept = handler.post(
        f"{page}/brieven",
        {"letter": "ouders_klas", "group": "Ouders", "recipients": "a@voorbeeld.nl", **typed,
         "language": "en", "statement_language": "nl"},
    )  # fmt: skip
    assert "We work together with the youth worker." in kept.text


def test_a_letter_the_language_lacks_is_refused_beside_the_language_field(browser) -> None:  # type: ignore[no-untyped-def]
    handler: Browser = browser("behandelaar.dewilg")
    page = handler.open_incident()
    refused = handler.post(
        f"{page}/brieven",
        {"letter": "otv_advies", "group": "OTV", "recipients": "otv@voorbeeld.nl", **ENGLISH,
         "language": "xx", "statement_language": "xx"},
    )  # fmt: skip
    assert refused.status_code == 422
    assert 'id="fout-language"' in refused.text
    assert "Deze brief bestaat niet in de taal &#39;xx&#39;; kies Nederlands of Engels." in refused.text


def test_a_statement_without_a_language_is_dutch(app: Flask, browser) -> None:  # type: ignore[no-untyped-def]
    handler: Browser = browser("behandelaar.dewilg")
    page = handler.open_incident()
    statement_response = handler.post(f"{page}/acties/CommunicationStatementWritten", DUTCH)
    assert statement_response.status_code == 302
    assert last_action(app, page).data["language"] == "nl"
