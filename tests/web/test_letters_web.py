"""Composing a letter in the form: saved groups, preview, confirm; groups stay with their school."""

from __future__ import annotations

from tests.examples import HANDLER
from tests.web.conftest import Browser, approve_waiting

STATEMENT = {
    "what_is_happening": "Er gaat beeldmateriaal van een leerling rond.",
    "what_we_think": "Wij vinden dit ernstig.",
    "what_we_do": "Wij werken samen met de politie.",
    "why": "Zodat de rust terugkeert.",
    "contact_person": "de intern begeleider",
}


def test_a_saved_group_fills_the_recipients_of_a_letter(app, browser) -> None:  # type: ignore[no-untyped-def]
    handler: Browser = browser("behandelaar.dewilg")
    bad = handler.post(
        "/ontvangers", {"name": "Ouders groep 7", "addresses": "ouder@voorbeeld.nl\ngeen-adres"}
    )
    assert bad.status_code == 422 and "kloppen niet" in bad.text
    saved = handler.post(
        "/ontvangers", {"name": "Ouders groep 7", "addresses": "een@voorbeeld.nl; twee@voorbeeld.nl"}
    )
    assert saved.status_code == 302
    assert "Ouders groep 7" in handler.get("/ontvangers").text
    assert "Ouders groep 7" not in browser("behandelaar.hetanker").get("/ontvangers").text

    page = handler.open_incident()
    preview = handler.post(
        f"{page}/brieven",
        {"letter": "ouders_klas", "opgeslagen_groep": "Ouders groep 7", "recipients": "", **STATEMENT},
    )
    assert preview.status_code == 200 and "Versturen aan 2 ontvanger(s)" in preview.text
    sent = handler.post(
        f"{page}/brieven",
        {
            "letter": "ouders_klas",
            "opgeslagen_groep": "Ouders groep 7",
            "recipients": "",
            "bevestigd": "ja",
            **STATEMENT,
        },
    )
    assert sent.status_code == 302
    cases = app.extensions["zorgvuldig.cases"]
    from uuid import UUID

    requested = cases.audit_trail(HANDLER, UUID(page.rsplit("/", 1)[1]))[-1]
    assert requested.event_type == "LetterProposed" and requested.data["group"] == "Ouders groep 7"
    assert requested.data["recipients"] == ["een@voorbeeld.nl", "twee@voorbeeld.nl"]
    assert approve_waiting(browser("directeur.dewilg"), app, page) == 1
    assert cases.audit_trail(HANDLER, UUID(page.rsplit("/", 1)[1]))[-1].event_type == "LetterApproved"

    handler.post("/ontvangers/verwijderen", {"name": "Ouders groep 7"})
    assert "Nog geen groepen bewaard." in handler.get("/ontvangers").text


def test_a_name_in_the_statement_blocks_the_letter_in_the_preview(browser) -> None:  # type: ignore[no-untyped-def]
    handler: Browser = browser("behandelaar.dewilg")
    page = handler.open_incident()
    handler.post(
        f"{page}/acties/ScopeAssessed",
        {
            "material_kind": "foto",
            "pupil_visible": "ja",
            "pupil_of_school": "ja",
            "other_schools_involved": "nee",
            "shared_by": "Kevin Brouwersma",
        },
    )
    blocked = handler.post(
        f"{page}/brieven",
        {
            "letter": "ouders_klas",
            "group": "Ouders",
            "recipients": "a@b.nl",
            **STATEMENT,
            "what_is_happening": "Kevin Brouwersma deelde iets.",
        },
    )
    assert blocked.status_code == 422
    assert 'id="fout-what_is_happening"' in blocked.text  # the reason stands next to its field
    assert "&#39;kevin&#39; is (een deel van) de naam" in blocked.text
    assert "Kevin Brouwersma deelde iets." in blocked.text  # what was typed is kept
    assert "Versturen aan" not in blocked.text


def record_pupil(handler: Browser, page: str, name: str, class_label: str = "") -> None:
    response = handler.post(
        f"{page}/acties/PupilRecorded",
        {"role": "slachtoffer", "name": name, "nickname": "", "class_label": class_label, "accounts": ""},
    )
    assert response.status_code == 302, response.text


def test_the_victim_in_the_register_is_blocked_by_first_name_and_class(browser) -> None:  # type: ignore[no-untyped-def]
    handler: Browser = browser("behandelaar.dewilg")
    page = handler.open_incident()
    record_pupil(handler, page, "Daan de Vries", "groep 7b")
    for sentence in (
        "Daan is erg geschrokken.",
        "Het gaat om een leerling uit 7b.",
        "Daans ouders weten het.",
    ):
        blocked = handler.post(
            f"{page}/brieven",
            {
                "letter": "ouders_klas",
                "group": "Ouders",
                "recipients": "a@b.nl",
                **STATEMENT,
                "why": sentence,
            },
        )
        assert blocked.status_code == 422, sentence
        assert 'id="fout-why"' in blocked.text
        assert "Daan de Vries" not in blocked.text  # never the whole recorded name in the reason


def letter_to(handler: Browser, page: str, count: int, confirm: bool = True):  # type: ignore[no-untyped-def]
    recipients = "\n".join(f"ouder{n}@voorbeeld.nl" for n in range(count))
    data = {"letter": "ouders_alle", "group": "Alle ouders", "recipients": recipients, **STATEMENT}
    return handler.post(f"{page}/brieven", {**data, "bevestigd": "ja"} if confirm else data)


def test_a_letter_to_many_waits_for_a_second_handler(app, browser) -> None:  # type: ignore[no-untyped-def]
    from uuid import UUID

    anna: Browser = browser("behandelaar.dewilg")
    page = anna.open_incident()
    preview = letter_to(anna, page, 31, confirm=False)
    assert "wacht deze brief op goedkeuring" in preview.text
    assert letter_to(anna, page, 31).status_code == 302
    cases = app.extensions["zorgvuldig.cases"]
    incident_id = UUID(page.rsplit("/", 1)[1])
    proposal = cases.audit_trail(HANDLER, incident_id)[-1]
    assert proposal.event_type == "LetterProposed"

    own = anna.get(page + "?reden=x").text
    assert "u kunt hem niet zelf goedkeuren" in own and "Lezen en beoordelen" not in own
    refused = anna.post(f"{page}/brieven/{proposal.letter_id}/goedkeuren")
    assert refused.status_code == 403 and "zelf opgesteld" in refused.text

    jet: Browser = browser("directeur.dewilg")
    assert "Lezen en beoordelen" in jet.get(page + "?reden=x").text
    assert jet.post(f"{page}/brieven/{proposal.letter_id}/goedkeuren").status_code == 302
    approved = cases.audit_trail(HANDLER, incident_id)[-1]
    assert approved.event_type == "LetterApproved" and approved.actor == "directeur.dewilg"
    again = jet.post(f"{page}/brieven/{proposal.letter_id}/afkeuren", {"reden": "toch niet"})
    assert again.status_code == 422

    # Fewer recipients than the board's number: to parents, a second person reads it all the same.
    assert letter_to(anna, page, 1).status_code == 302
    assert cases.audit_trail(HANDLER, incident_id)[-1].event_type == "LetterProposed"


def test_without_a_loaded_guard_no_letter_is_composed(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from services.web import create_app
    from shared.accounts import Accounts
    from shared.config import load_settings
    from shared.demo import seed_demo
    from shared.privacy import NameFinder, PrivacyGuard

    settings = load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path)})
    accounts = Accounts(settings)
    seed_demo(settings, accounts)
    broken = NameFinder()
    broken._error = "deduce ontbreekt"
    app = create_app(settings, accounts=accounts, guard=PrivacyGuard(broken))
    assert app.test_client().get("/gereed").status_code == 503
    handler = Browser(app.test_client()).sign_in("behandelaar.dewilg")
    page = handler.open_incident()
    response = handler.post(
        f"{page}/brieven", {"letter": "ouders_klas", "group": "Ouders", "recipients": "a@b.nl", **STATEMENT}
    )
    assert response.status_code == 503 and "privacycontrole" in response.text


def test_the_incident_page_shows_what_became_of_a_letter(app, browser) -> None:  # type: ignore[no-untyped-def]
    """The letter's events live on its own stream; the incident's timeline still reads them."""
    from uuid import UUID

    anna: Browser = browser("behandelaar.dewilg")
    page = anna.open_incident()
    assert letter_to(anna, page, 2).status_code == 302
    assert approve_waiting(browser("directeur.dewilg"), app, page) == 1
    cases = app.extensions["zorgvuldig.cases"]
    letter_id = cases.stored_incident(UUID(page.rsplit("/", 1)[1])).letter_ids()[0]
    cases.record_letter_outcome(
        letter_id, outcome_id="uitkomst-1", sent=2, failed=0, reason="", actor_id="notifier"
    )

    timeline = anna.get(page + "?reden=x").text.split('class="timeline"', 1)[1]
    assert "Een standaardbrief is afgeleverd bij de mailserver." in timeline
    assert "Een tweede persoon heeft de brief goedgekeurd" in timeline
    # Newest first: the delivery above the approval, and no letter's number posing as an action's.
    assert timeline.index("afgeleverd bij de mailserver") < timeline.index("brief goedgekeurd")
    assert f'id="brief-{letter_id}-' in timeline
