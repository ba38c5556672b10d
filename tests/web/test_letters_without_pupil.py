"""An incident opened as abuse material without a pupil of the school gets the letters'
version that speaks of the material and the law, from the preview to the sent request."""

from __future__ import annotations

from flask import Flask

from tests.web.conftest import Browser, trail_of

STATEMENT = {
    "what_is_happening": "Onder leerlingen wordt verboden materiaal gedeeld.",
    "what_we_think": "Wij vinden dit ernstig.",
    "what_we_do": "Wij werken samen met de politie.",
    "why": "Zodat het verspreiden stopt.",
    "contact_person": "de intern begeleider",
}
DELETION = {"letter": "oproep_verwijderen", "group": "Ouders en leerlingen", "recipients": "een@voorbeeld.nl"}


def test_the_deletion_call_for_material_without_a_pupil_speaks_of_the_law(
    app: Flask, handler: Browser
) -> None:
    opened = handler.post(
        "/meldingen/nieuw",
        {"situation": "kinderporno_gedeeld", "learned_how": "Een ouder meldde het bij de directeur"},
    )
    page = opened.headers["Location"]
    handler.post(f"{page}/acties/PoliceContacted", {"contact": "wijkagent", "plan": "samen optrekken"})
    # The form cannot choose the version: a field that says otherwise is overruled by the record.
    preview = handler.post(f"{page}/brieven", {**DELETION, **STATEMENT, "no_pupil_visible": "nee"})
    assert preview.status_code == 200
    assert "kinderpornografisch materiaal" in preview.text
    assert "zonder dat die leerling" not in preview.text and "leerling op de beelden" not in preview.text
    assert handler.post(f"{page}/brieven", {**DELETION, **STATEMENT, "bevestigd": "ja"}).status_code == 302
    assert trail_of(app, page)[-1].data["statement"]["no_pupil_visible"] == "ja"


def test_a_pupil_seen_after_all_brings_back_the_letter_about_that_pupil(handler: Browser) -> None:
    opened = handler.post(
        "/meldingen/nieuw",
        {"situation": "kinderporno_gedeeld", "learned_how": "Een ouder meldde het bij de directeur"},
    )
    page = opened.headers["Location"]
    handler.post(
        f"{page}/acties/ScopeAssessed",
        {
            "material_kind": "foto",
            "pupil_visible": "ja",
            "pupil_of_school": "ja",
            "other_schools_involved": "nee",
        },
    )
    handler.post(f"{page}/acties/PoliceContacted", {"contact": "wijkagent", "plan": "samen optrekken"})
    preview = handler.post(f"{page}/brieven", {**DELETION, **STATEMENT})
    assert "kinderpornografisch" not in preview.text and "zonder dat die leerling" in preview.text
