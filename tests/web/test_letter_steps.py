"""Sending a letter completes the step it carries out, and the deletion call waits for the police."""

from __future__ import annotations

from flask import Flask

from services.case.domain.letters import DELETION_CALL_WAITS
from tests.web.conftest import Browser, approve_waiting, trail_of
from tests.web.test_letters_web import STATEMENT


def actions_of(app: Flask, page: str) -> list[str]:
    return [entry.event_type for entry in trail_of(app, page)]


DELETION = {"letter": "oproep_verwijderen", "group": "Ouders en leerlingen", "recipients": "een@voorbeeld.nl"}


def test_the_deletion_call_waits_for_the_police_and_then_completes_step_5(app: Flask, browser) -> None:  # type: ignore[no-untyped-def]
    handler: Browser = browser("behandelaar.dewilg")
    page = handler.open_incident()
    early = handler.post(f"{page}/brieven", {**DELETION, **STATEMENT, "police_contacted": "ja"})
    assert early.status_code == 409 and DELETION_CALL_WAITS.split(":")[0] in early.text
    assert handler.post(f"{page}/brieven", {**DELETION, **STATEMENT, "bevestigd": "ja"}).status_code == 409
    assert "LetterRequested" not in actions_of(app, page)

    handler.post(
        f"{page}/acties/PoliceContacted", {"contact": "wijkagent", "plan": "wijkagent spreekt de klas"}
    )
    preview = handler.post(f"{page}/brieven", {**DELETION, **STATEMENT})
    assert preview.status_code == 200 and "De school werkt hierin samen met de politie." in preview.text
    sent = handler.post(f"{page}/brieven", {**DELETION, **STATEMENT, "bevestigd": "ja"})
    assert sent.status_code == 302
    assert actions_of(app, page)[-1] == "LetterProposed"  # to parents and pupils: four eyes first
    assert approve_waiting(browser("directeur.dewilg"), app, page) == 1
    assert actions_of(app, page)[-2:] == ["DeletionCalled", "LetterApproved"]
    assert "Gedaan" in handler.get(page).text.split('id="stap-5"')[1].split("</h3>")[0]


def test_a_form_cannot_claim_a_fact_that_is_not_recorded(app: Flask, handler: Browser) -> None:
    page = handler.open_incident()
    letter = {"letter": "medewerkers", "group": "Team", "recipients": "team@voorbeeld.nl", **STATEMENT}
    preview = handler.post(f"{page}/brieven", {**letter, "police_contacted": "ja"})
    assert (
        preview.status_code == 200
        and "bezig is, samen met de politie" not in preview.text.split("Zo wordt de brief")[1]
    )
    handler.post(f"{page}/brieven", {**letter, "police_contacted": "ja", "bevestigd": "ja"})
    assert trail_of(app, page)[-1].data["statement"]["police_contacted"] == "nee"


def test_a_class_letter_completes_step_8_and_a_proposed_one_when_approved(app: Flask, browser) -> None:  # type: ignore[no-untyped-def]
    handler: Browser = browser("behandelaar.dewilg")
    page = handler.open_incident()
    class_letter = {"letter": "ouders_klas", "group": "Ouders", "recipients": "een@voorbeeld.nl", **STATEMENT}
    assert handler.post(f"{page}/brieven", {**class_letter, "bevestigd": "ja"}).status_code == 302
    assert actions_of(app, page)[-1] == "LetterProposed"  # one parent: four eyes all the same
    assert approve_waiting(browser("directeur.dewilg"), app, page) == 1
    assert actions_of(app, page)[-2:] == ["GroupInformed", "LetterApproved"]
    assert "Gedaan" in handler.get(page).text.split('id="stap-8"')[1].split("</h3>")[0]

    many = "\n".join(f"ouder{n}@voorbeeld.nl" for n in range(40))
    proposed = handler.post(
        f"{page}/brieven", {**class_letter, "letter": "ouders_alle", "recipients": many, "bevestigd": "ja"}
    )
    assert proposed.status_code == 302 and actions_of(app, page)[-1] == "LetterProposed"
    letter_id = trail_of(app, page)[-1].letter_id
    director = browser("directeur.dewilg")
    assert director.post(f"{page}/brieven/{letter_id}/goedkeuren").status_code == 302
    assert actions_of(app, page)[-2:] == ["GroupInformed", "LetterApproved"]
