"""The checklist on the incident page: warnings on their step, 'niet nodig', the six phases."""

from __future__ import annotations

import re

from tests.web.conftest import Browser
from tests.web.test_handover import CONVERSATION, fill

SCOPE = {
    "material_kind": "foto",
    "pupil_visible": "ja",
    "pupil_of_school": "ja",
    "other_schools_involved": "ja",
    "other_schools": "De Klimop",
    "channels": ["whatsapp"],
}


def step_html(html: str, number: int) -> str:
    match = re.search(
        rf'<li class="step[^"]*" id="stap-{number}">(.*?)</li>\s*(?:<li class="step|</ol>)', html, re.S
    )
    assert match, number
    return match.group(1)


def test_warnings_from_facts_stand_on_their_step(handler: Browser) -> None:
    page = handler.open_incident()
    assert handler.post(f"{page}/acties/ScopeAssessed", SCOPE).status_code == 302
    url = {"url": "https://voorbeeld.invalid/pagina", "public": "ja"}
    assert handler.post(f"{page}/acties/SourceUrlRecorded", url).status_code == 302
    html = handler.get(page).text
    assert "nog niet gemeld bij de politie" in step_html(html, 4)
    assert "nog niet geïnformeerd" in step_html(html, 3)


def test_step_8_is_closed_as_not_needed_with_its_reason(handler: Browser) -> None:
    page = handler.open_incident()
    html = handler.get(page).text
    link = re.search(r'href="([^"]*StepNotNeeded[^"]*)"', step_html(html, 8))
    assert link and "step=informeren" in link.group(1)
    form = handler.get(link.group(1).replace("&amp;", "&")).text
    assert 'value="informeren" checked' in form
    response = handler.post(
        f"{page}/acties/StepNotNeeded", {"step": "informeren", "reason": "niemand weet ervan"}
    )
    assert response.status_code == 302
    step = step_html(handler.get(page).text, 8)
    assert "Niet nodig" in step and "Reden: niemand weet ervan" in step


def test_a_step_that_is_always_needed_cannot_be_closed_as_not_needed(handler: Browser) -> None:
    page = handler.open_incident()
    response = handler.post(f"{page}/acties/StepNotNeeded", {"step": "politie", "reason": "geen tijd"})
    assert response.status_code == 422
    assert "indien nodig" in response.text


def test_the_stappenplan_view_shows_per_phase_which_actions_are_done(handler: Browser) -> None:
    page = handler.open_incident()
    assert handler.post(f"{page}/acties/ScopeAssessed", SCOPE).status_code == 302
    html = handler.get(f"{page}?weergave=fasen").text
    assert "Stappenplan Sexting: de zes fasen" in html
    for title in ("Analyseer", "Reageer", "Faciliteer", "Activeer", "Communiceer", "Evalueer"):
        assert title in html
    phase_1 = re.search(r'id="fase-1">(.*?)</ul>', html, re.S).group(1)
    assert "1 van 6 gedaan" in phase_1
    assert "✓ De omvang en de impact zijn bepaald." in phase_1
    assert "acties/ActionPlanMade" in phase_1
    assert "acties/BuddiesChosen" in html and "acties/MediaStatementWritten" in html
    assert "acties/PerpetratorParentsHelped" in html and "acties/PerpetratorSchoolFeedbackAsked" in html
    assert "acties/PupilMessageDecided" in html


ACTION_LINK = re.compile(r'<a href="[^"]*/acties/[^"]*"[^>]*>([^<]+)</a>')


def test_an_open_step_says_what_is_missing_and_suggests_its_next_action_first(handler: Browser) -> None:
    page = handler.open_incident()
    step_1 = step_html(handler.get(page).text, 1)
    assert "Nog nodig: de omvang en de impact." in step_1
    assert ACTION_LINK.findall(step_1)[0] == "Omvang en impact bepalen"

    fill(handler, page, "VictimConversationHeld", CONVERSATION)
    step_2 = step_html(handler.get(page).text, 2)
    assert "Nog nodig: het gesprek met de ouders van het slachtoffer en passende hulp." in step_2
    assert ACTION_LINK.findall(step_2)[0] == "Gesprek met de ouders van het slachtoffer vastleggen"
    assert "Nog nodig" not in step_html(handler.get(page).text, 4)  # not applicable: no URL known


def test_every_action_link_reads_as_something_to_do(handler: Browser) -> None:
    page = handler.open_incident()
    links = ACTION_LINK.findall(handler.get(page).text) + ACTION_LINK.findall(
        handler.get(f"{page}?weergave=fasen").text
    )
    assert len(links) > 40
    for text in links:
        assert not text.endswith(".") and not re.search(r"\b(is|zijn|heeft)\b", text), text
        assert text.split()[-1].endswith("en"), text  # ends in the verb: "… vastleggen"


MELDPUNT = "Kinderporno behandelt alleen materiaal op een openbare URL"


def warnings_before_saving(html: str) -> str:
    match = re.search(r'<section class="warnings[^"]*" id="vooraf".*?</section>', html, re.S)
    return match.group(0) if match else ""


def test_the_meldpunt_check_shows_in_the_form_before_saving(handler: Browser) -> None:
    page = handler.open_incident()
    form = handler.get(f"{page}/acties/MaterialReported").text  # no public URL known
    assert MELDPUNT in warnings_before_saving(form)

    answers = {
        "reported_to": "politie",
        "public_url": "nee",
        "reported_on": "2026-12-01",
        "controleren": "ja",
    }
    checked = handler.post(f"{page}/acties/MaterialReported", answers)
    assert checked.status_code == 200 and warnings_before_saving(checked.text) == ""
    checked = handler.post(f"{page}/acties/MaterialReported", {**answers, "reported_to": "meldpunt"})
    assert MELDPUNT in warnings_before_saving(checked.text)
    assert "Het materiaal is gemeld" not in handler.get(page).text  # checking saves nothing

    url = {"url": "https://voorbeeld.invalid/pagina", "public": "ja"}
    assert handler.post(f"{page}/acties/SourceUrlRecorded", url).status_code == 302
    assert warnings_before_saving(handler.get(f"{page}/acties/MaterialReported").text) == ""


def test_an_order_warning_shows_in_the_form_before_saving(handler: Browser) -> None:
    page = handler.open_incident()
    form = handler.get(f"{page}/acties/DeletionCalled").text
    assert "Waarschuwing:" in warnings_before_saving(form)


def test_the_risk_at_home_marks_the_groups_it_holds_back_in_the_form(handler: Browser) -> None:
    page = handler.open_incident()
    flag = {"source": "leerling", "explanation": "bang voor de reactie thuis"}
    assert handler.post(f"{page}/acties/SafetyRiskFlagged", flag).status_code == 302
    form = handler.get(f"{page}/acties/GroupInformed").text
    parents = re.search(r'value="ouders_klas"[^<]*<span class="option-note">([^<]+)</span>', form)
    assert parents and "Veilig Thuis" in parents.group(1)
    assert not re.search(r'value="medewerkers"[^<]*<span class="option-note">', form)


def test_warnings_drop_off_a_closed_incident(handler: Browser) -> None:
    page = handler.open_incident()
    reported = {"reported_to": "meldpunt", "public_url": "nee", "reported_on": "2026-12-01"}
    assert handler.post(f"{page}/acties/MaterialReported", reported).status_code == 302
    assert MELDPUNT in handler.get(page).text
    version = re.search(r'name="expected_version" value="(\d+)"', handler.get(page).text)
    assert version
    closing = {"reason": "afgerond", "expected_version": version.group(1), "bevestigd": "ja"}
    assert handler.post(f"{page}/afsluiten", closing).status_code == 302
    closed = handler.get(page).text
    assert MELDPUNT not in closed and "Nog nodig" not in closed


def test_the_phases_view_offers_the_stappenplans_analyse_and_react_items_with_their_guidance(
    handler: Browser,
) -> None:
    page = handler.open_incident()
    html = handler.get(f"{page}?weergave=fasen").text
    assert "Benader de betrokkenen cultuursensitief: wat ligt gevoelig?" in html
    assert "Inventariseer vooraf welke hulp er voor ouders beschikbaar is" in html
    assert "Denk na over alternatieve interventies." in html
    assert "problematiseren of normaliseren?" in html
    assert "/acties/CultureSensitivityConsidered" in html and "/acties/MeetingPlanned" in html
    form = handler.get(f"{page}/acties/PupilMessageDecided").text
    assert "Problematiseren of normaliseren?" in form
