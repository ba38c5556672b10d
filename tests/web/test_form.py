"""The case handler's form: every action, bad input with Dutch messages, nothing lost."""

from __future__ import annotations

import dataclasses
import re

from services.case.domain.errors import IncidentClosed, NothingToCorrect
from services.case.domain.incident import Incident
from services.case.web.forms import FIELDS, NOT_BY_FORM, action_forms
from tests.web.conftest import Browser

SCOPE = {
    "material_kind": "foto",
    "pupil_visible": "ja",
    "pupil_of_school": "ja",
    "other_schools_involved": "nee",
    "channels": ["whatsapp", "snapchat"],
    "shared_by": "Kevin Brouwersma",
}


def messages(html: str) -> list[str]:
    return re.findall(r"Let op:</strong> ([^<]+)", html)


def test_every_action_has_a_form_with_dutch_labels() -> None:
    recordable = set(Incident.action_classes()) - set(NOT_BY_FORM)
    assert set(action_forms()) == recordable
    for action, specs in FIELDS.items():
        event_fields = {f.name for f in dataclasses.fields(Incident.action_class(action))} - {
            "originator_id",
            "originator_version",
            "timestamp",
            "actor",
        }
        assert {s.name for s in specs} == event_fields, action


def test_anyone_not_signed_in_is_sent_to_the_login_page(app) -> None:
    response = app.test_client().get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/inloggen")


def test_a_handler_opens_an_incident_and_records_step_one(handler: Browser) -> None:
    page = handler.open_incident()
    response = handler.post(f"{page}/acties/ScopeAssessed", {**SCOPE, "expected_version": "1"})
    assert response.status_code == 302
    html = handler.get(page).text
    assert "Gedaan op" in html and "Anna de Vries" in html
    assert "WhatsApp, Snapchat" in html


def test_missing_fields_get_a_dutch_message_and_the_input_stays(handler: Browser) -> None:
    page = handler.open_incident()
    response = handler.post(
        f"{page}/acties/PoliceContacted", {"plan": "wijkagent spreekt de klas", "expected_version": "1"}
    )
    assert response.status_code == 422
    assert messages(response.text) == ["Vul dit veld in."]
    assert "wijkagent spreekt de klas</textarea>" in response.text
    assert "aria-invalid" in response.text or "fout-contact" in response.text


def test_an_invalid_date_and_choice_are_explained(handler: Browser) -> None:
    page = handler.open_incident()
    response = handler.post(
        f"{page}/acties/AftercarePlanned", {"for_whom": "iemand", "due_on": "volgende week"}
    )
    assert response.status_code == 422
    assert "Kies een van de mogelijkheden." in messages(response.text)
    assert any("jjjj-mm-dd" in m for m in messages(response.text))


def test_material_in_a_field_is_refused_and_nothing_is_recorded(handler: Browser) -> None:
    page = handler.open_incident()
    blob = "data:image/jpeg;base64," + "A" * 200
    response = handler.post(f"{page}/acties/NoteAdded", {"text": blob})
    assert response.status_code == 422
    assert "Het beeldmateriaal zelf mag nooit in Zorgvuldig komen" in response.text
    assert "Nog geen acties vastgelegd." in handler.get(page).text


def test_an_over_long_field_is_refused(handler: Browser) -> None:
    page = handler.open_incident()
    response = handler.post(f"{page}/acties/NoteAdded", {"text": "woord " * 500})
    assert response.status_code == 422
    assert "Gebruik hoogstens 2000 tekens." in messages(response.text)


def test_a_file_upload_is_refused(handler: Browser) -> None:
    from io import BytesIO

    page = handler.open_incident()
    response = handler.post(
        f"{page}/acties/NoteAdded",
        {"text": "zie bijlage", "bijlage": (BytesIO(b"\x89PNG\r\n"), "foto.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 415
    assert "geen bestanden" in response.text


def test_a_concurrent_edit_conflicts_visibly_and_keeps_the_input(handler: Browser, browser) -> None:
    page = handler.open_incident()
    colleague = browser("behandelaar.dewilg")
    assert (
        colleague.post(f"{page}/acties/NoteAdded", {"text": "eerst", "expected_version": "1"}).status_code
        == 302
    )
    response = handler.post(f"{page}/acties/NoteAdded", {"text": "mijn notitie", "expected_version": "1"})
    assert response.status_code == 409
    assert "Iemand anders heeft intussen een actie vastgelegd" in response.text
    assert "mijn notitie</textarea>" in response.text
    assert handler.get(page).text.count("<strong>Een notitie is toegevoegd.</strong>") == 1


def test_a_correction_keeps_the_original_visible(handler: Browser) -> None:
    page = handler.open_incident()
    handler.post(f"{page}/acties/ScopeAssessed", SCOPE)
    response = handler.post(
        f"{page}/correctie/2", {**SCOPE, "material_kind": "video", "reason": "was een video"}
    )
    assert response.status_code == 302
    trail = handler.get(f"{page}/tijdlijn").text
    assert "De omvang en de impact zijn bepaald." in trail
    assert "Een eerdere actie is gecorrigeerd" in trail
    timeline = handler.get(page).text
    assert '(gecorrigeerd in <a href="#actie-3">#3</a>)' in timeline
    assert 'Corrigeert <a href="#actie-2">#2</a>. Reden: was een video' in timeline
    assert "<dt>Soort materiaal</dt><dd>Video</dd>" in timeline  # labels, not codes
    assert f'href="{page}/correctie/2"' in timeline


def test_a_correction_that_changes_nothing_is_told_so_in_dutch(handler: Browser) -> None:
    page = handler.open_incident()
    handler.post(f"{page}/acties/NoteAdded", {"text": "eerste notitie"})
    response = handler.post(f"{page}/correctie/2", {"text": "eerste notitie", "reason": "per ongeluk"})
    assert response.status_code == 422
    assert NothingToCorrect.message in response.text  # it said "2", the version's number
    assert "eerste notitie</textarea>" in response.text


def test_an_action_on_an_incident_closed_meanwhile_is_refused_in_dutch(handler: Browser) -> None:
    page = handler.open_incident()
    assert handler.post(f"{page}/afsluiten", {"reason": "afgerond", "bevestigd": "ja"}).status_code == 302
    response = handler.post(f"{page}/acties/ScopeAssessed", SCOPE)  # a form opened before closing
    assert response.status_code == 422
    assert IncidentClosed.message in response.text  # it said "ScopeAssessed"


def test_a_withdrawn_action_stays_visible_and_cannot_be_corrected_again(handler: Browser) -> None:
    page = handler.open_incident()
    handler.post(f"{page}/acties/NoteAdded", {"text": "verkeerde melding"})
    response = handler.post(
        f"{page}/correctie/2",
        {"text": "verkeerde melding", "reason": "hoort bij een andere melding", "withdraws": "ja"},
    )
    assert response.status_code == 302
    timeline = handler.get(page).text
    assert "<em>(ingetrokken)</em>" in timeline
    assert "verkeerde melding" in timeline
    assert f'href="{page}/correctie/2"' not in timeline


def test_unknown_incidents_and_actions_are_404(handler: Browser) -> None:
    assert handler.get("/meldingen/00000000-0000-0000-0000-000000000000").status_code == 404
    page = handler.open_incident()
    assert handler.get(f"{page}/acties/BestaatNiet").status_code == 404
    assert handler.get("/bestaat-niet").status_code == 404


def test_another_school_cannot_see_the_incident(handler: Browser, browser) -> None:
    page = handler.open_incident()
    other = browser("behandelaar.hetanker")
    response = other.get(page)
    assert response.status_code == 404
    assert "Deze melding bestaat niet of u heeft er geen toegang toe." in response.text
    assert "refused" not in response.text
    log = handler.get(f"{page}/toegang").text
    assert "Bram Peters" in log and "nee, geweigerd" in log


def test_the_board_states_a_reason_before_it_sees_a_case(handler: Browser, browser) -> None:
    page = handler.open_incident()
    board = browser("bestuur")
    assert "Waarom bekijkt u deze melding?" in board.get(page).text
    shown = board.get(page, query_string={"reden": "jaarverslag veiligheid"})
    assert shown.status_code == 200
    assert "De mentor hoorde het" not in shown.text  # screened for the board
    assert "jaarverslag veiligheid" in handler.get(f"{page}/toegang").text


def test_closing_and_reopening_need_a_reason(handler: Browser) -> None:
    page = handler.open_incident()
    handler.post(f"{page}/afsluiten", {"reason": ""})
    assert "open" in handler.get(page).text
    handler.post(f"{page}/afsluiten", {"reason": "afgerond", "bevestigd": "ja"})
    assert '<dd id="status">gesloten</dd>' in handler.get(page).text
    handler.post(f"{page}/heropenen", {"reason": "nieuwe informatie"})
    assert '<dd id="status">open</dd>' in handler.get(page).text


def test_every_page_carries_the_security_headers(handler: Browser) -> None:
    response = handler.get("/")
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_post_without_csrf_token_is_refused(app) -> None:
    client = app.test_client()
    response = client.post("/inloggen", data={"gebruikersnaam": "x", "wachtwoord": "y"})
    assert response.status_code == 400
    assert "Het formulier is verlopen" in response.text


def test_ten_wrong_passwords_lock_the_account_with_a_clear_message(app) -> None:
    client = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/inloggen").text).group(1)
    for _ in range(10):
        response = client.post(
            "/inloggen", data={"csrf_token": token, "gebruikersnaam": "otv", "wachtwoord": "fout"}
        )
    assert "vergrendeld" in response.text
    response = client.post(
        "/inloggen",
        data={"csrf_token": token, "gebruikersnaam": "otv", "wachtwoord": "demo-zorgvuldig"},
    )
    assert response.status_code == 401 and "vergrendeld" in response.text
