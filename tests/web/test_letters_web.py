"""Composing a letter in the form: saved groups, preview, confirm; groups stay with their school."""

from __future__ import annotations

from tests.web.conftest import Browser

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

    incident = cases.repository.get(UUID(page.rsplit("/", 1)[1]))
    requested = incident.actions[-1]
    assert requested.action == "LetterRequested" and requested.data["group"] == "Ouders groep 7"
    assert requested.data["recipients"] == ["een@voorbeeld.nl", "twee@voorbeeld.nl"]

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
    assert "De brief noemt &#39;Kevin Brouwersma&#39;" in blocked.text
    assert "Versturen aan" not in blocked.text
