"""What the conversation with the victim binds, through the form, the letters and the JSON API:
an agreement that a group may not be told yet needs a reason to go against, and a risk of
honour-related or domestic violence holds back informing the parents."""

from __future__ import annotations

from flask import Flask

from shared.accounts import Accounts
from tests.web.conftest import Browser, approve_waiting, trail_of
from tests.web.test_letters_web import STATEMENT

AGREEMENTS = {
    "not_yet_told": "ouders_alle",
    "who_may_know": "de mentor en de vertrouwenspersoon",
    "pace": "eerst een week rust",
    "buddies": "twee vriendinnen uit de klas",
}
FLAG = {"source": "leerling", "explanation": "De leerling is bang voor de reactie thuis."}
LETTER_TO_ALL = {
    "letter": "ouders_alle",
    "group": "Alle ouders",
    "recipients": "een@voorbeeld.nl",
    **STATEMENT,
}


def events(app: Flask, page: str) -> list[str]:
    return [entry.event_type for entry in trail_of(app, page)]


def test_agreements_are_shown_at_the_top_of_the_incident_until_it_is_closed(handler: Browser) -> None:
    page = handler.open_incident()
    assert handler.post(f"{page}/acties/AgreementsRecorded", AGREEMENTS).status_code == 302
    shown = handler.get(page).text
    assert "Afspraken met de leerling" in shown
    assert "ouders van andere klassen of alle ouders" in shown and "eerst een week rust" in shown
    assert shown.index("Afspraken met de leerling") < shown.index("Stappen")
    handler.post(f"{page}/afsluiten", {"reason": "afgerond", "bevestigd": "ja"})
    assert "Afspraken met de leerling" not in handler.get(page).text


def test_informing_a_group_against_an_agreement_needs_a_reason_that_is_recorded(
    app: Flask, handler: Browser
) -> None:
    page = handler.open_incident()
    handler.post(f"{page}/acties/AgreementsRecorded", AGREEMENTS)
    form = handler.get(f"{page}/acties/GroupInformed").text
    assert "Afspraken met de leerling" in form and "Reden om toch door te gaan" in form
    refused = handler.post(f"{page}/acties/GroupInformed", {"group": "ouders_alle", "how": "brief"})
    assert refused.status_code == 422 and "wijkt af van een afspraak met de leerling" in refused.text
    assert "GroupInformed" not in events(app, page)
    assert (
        handler.post(f"{page}/acties/GroupInformed", {"group": "ouders_klas", "how": "brief"}).status_code
        == 302
    )
    done = handler.post(
        f"{page}/acties/GroupInformed",
        {"group": "ouders_alle", "how": "brief", "reden_afwijking": "de politie vraagt het nu"},
    )
    assert done.status_code == 302
    assert events(app, page)[-2:] == ["AgreementSetAside", "GroupInformed"]
    trail = handler.get(f"{page}/tijdlijn").text
    assert "Afgeweken van een afspraak met het slachtoffer" in trail and "de politie vraagt het nu" in trail


def test_a_letter_against_an_agreement_shows_it_on_the_preview_and_needs_a_reason(
    app: Flask, handler: Browser, browser
) -> None:  # type: ignore[no-untyped-def]
    page = handler.open_incident()
    handler.post(f"{page}/acties/AgreementsRecorded", AGREEMENTS)
    preview = handler.post(f"{page}/brieven", LETTER_TO_ALL)
    assert preview.status_code == 200
    assert "Afspraken met de leerling" in preview.text and "Reden om toch door te gaan" in preview.text
    refused = handler.post(f"{page}/brieven", {**LETTER_TO_ALL, "bevestigd": "ja"})
    assert refused.status_code == 422 and "Geef een reden om toch te versturen" in refused.text
    assert "LetterRequested" not in events(app, page)
    sent = handler.post(
        f"{page}/brieven",
        {**LETTER_TO_ALL, "bevestigd": "ja", "reden_afwijking": "met de leerling besproken"},
    )
    assert sent.status_code == 302
    assert events(app, page)[-2:] == ["AgreementSetAside", "LetterProposed"]
    assert approve_waiting(browser("directeur.dewilg"), app, page) == 1
    assert events(app, page)[-2:] == ["GroupInformed", "LetterApproved"]
    class_letter = handler.post(f"{page}/brieven", {**LETTER_TO_ALL, "letter": "ouders_klas"})
    assert "Reden om toch door te gaan" not in class_letter.text


def test_a_risk_at_home_holds_back_parent_letters_and_points_to_veilig_thuis(
    app: Flask, handler: Browser, browser
) -> None:  # type: ignore[no-untyped-def]
    page = handler.open_incident()
    assert handler.post(f"{page}/acties/SafetyRiskFlagged", FLAG).status_code == 302
    shown = handler.get(page).text
    assert "Risico op eerwraak of huiselijk geweld" in shown
    assert "Raadpleeg eerst Veilig Thuis (stap 2 van de Meldcode" in shown
    held = handler.post(f"{page}/brieven", {**LETTER_TO_ALL, "letter": "ouders_klas"})
    assert held.status_code == 409 and "kan de leerling thuis" in held.text
    assert "Zo wordt de brief verstuurd" not in held.text
    confirmed = handler.post(f"{page}/brieven", {**LETTER_TO_ALL, "letter": "ouders_klas", "bevestigd": "ja"})
    assert confirmed.status_code == 409
    parents = handler.post(f"{page}/acties/VictimParentsConversationHeld", {"summary": "gesprek"})
    assert parents.status_code == 422 and "Veilig Thuis" in parents.text
    staff = handler.post(f"{page}/brieven", {**LETTER_TO_ALL, "letter": "medewerkers"})
    assert staff.status_code == 200 and "Zo wordt de brief verstuurd" in staff.text
    assert "LetterRequested" not in events(app, page) and "VictimParentsConversationHeld" not in events(
        app, page
    )

    handler.post(
        f"{page}/acties/VeiligThuisConsulted", {"anonymous": "ja", "advice": "eerst veiligheidsplan"}
    )
    assert "Veilig Thuis is geraadpleegd" in handler.get(page).text
    handler.post(f"{page}/acties/SafetyRiskLifted", {"reason": "na overleg met Veilig Thuis veilig"})
    assert "Risico op eerwraak" not in handler.get(page).text
    again = handler.post(f"{page}/brieven", {**LETTER_TO_ALL, "letter": "ouders_klas", "bevestigd": "ja"})
    assert again.status_code == 302
    assert events(app, page)[-3:] == ["VeiligThuisConsulted", "SafetyRiskLifted", "LetterProposed"]
    assert approve_waiting(browser("directeur.dewilg"), app, page) == 1
    assert events(app, page)[-2:] == ["GroupInformed", "LetterApproved"]


def test_the_api_holds_back_parents_and_asks_a_reason_against_an_agreement(app: Flask) -> None:
    accounts: Accounts = app.extensions["zorgvuldig.accounts"]
    client = app.test_client()
    headers = {"Authorization": f"Bearer {accounts.issue_token('behandelaar.dewilg')}"}

    def post(path: str, body: object):  # type: ignore[no-untyped-def]
        return client.post(path, json=body, headers=headers)

    opened = post("/api/meldingen", {"situation": "beeld_leerling", "learned_how": "via de mentor"})
    base = f"/api/meldingen/{opened.json['id']}/acties"
    agreements = {**AGREEMENTS, "not_yet_told": ["ouders_alle"]}
    state = post(f"{base}/AgreementsRecorded", {"data": agreements}).json
    assert state["agreements"]["not_yet_told"] == ["ouders_alle"]
    conflict = post(f"{base}/GroupInformed", {"data": {"group": "ouders_alle", "how": "brief"}})
    assert conflict.status_code == 409 and "afspraak met de leerling" in conflict.json["fout"]
    went = post(
        f"{base}/GroupInformed",
        {"data": {"group": "ouders_alle", "how": "brief"}, "override_reason": "op advies van de politie"},
    )
    assert went.status_code == 201
    assert [a["action"] for a in went.json["actions"]][-2:] == ["AgreementSetAside", "GroupInformed"]

    assert post(f"{base}/SafetyRiskFlagged", {"data": FLAG}).json["safety_risk"] is True
    held = post(f"{base}/GroupInformed", {"data": {"group": "ouders_klas", "how": "brief"}})
    assert held.status_code == 409 and "Veilig Thuis" in held.json["fout"]
    parents = post(f"{base}/VictimParentsConversationHeld", {"data": {"summary": "gesprek"}})
    assert parents.status_code == 409
    pupils = post(f"{base}/GroupInformed", {"data": {"group": "leerlingen", "how": "klassengesprek"}})
    assert pupils.status_code == 201
    warnings = [w["key"] for w in pupils.json["warnings"]]
    assert "veilig_thuis_eerst" in warnings
