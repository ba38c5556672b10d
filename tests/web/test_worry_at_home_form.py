"""The victim-conversation form reminds the handler first of all that it is not the pupil's
fault, and a worry about home marked at question 4 or 6 asks for a decision on the page."""

from __future__ import annotations

from tests.web.conftest import Browser
from tests.web.test_conversation_form import conversation


def test_the_form_opens_with_not_your_fault_before_the_first_question(handler: Browser) -> None:
    page = handler.open_incident()
    form = handler.get(f"{page}/acties/VictimConversationHeld").text
    reminder = form.index("Het is niet jouw schuld.")
    assert reminder < form.index("1. Hoe gaat het met je?")
    assert reminder < form.index("Vraag 7 tot en met 14")
    assert "Geef ook niet indirect de schuld" in form
    assert form.index("6. Indien nee") < form.index("Zorg over thuis?") < form.index("7. Kun je me")


def test_a_marked_worry_asks_for_a_decision_that_needs_a_reason(handler: Browser) -> None:
    page = handler.open_incident()
    recorded = handler.post(
        f"{page}/acties/VictimConversationHeld",
        {**conversation(why_not_told="bang voor de reactie thuis"), "worry_at_home": "vraag_6"},
    )
    assert recorded.status_code == 302
    assert "zorg over thuis aangegeven" in handler.get(page).text
    refused = handler.post(f"{page}/acties/NoRiskAtHomeFound", {"reason": "  "})
    assert refused.status_code == 422
    decided = handler.post(
        f"{page}/acties/NoRiskAtHomeFound", {"reason": "moeder steunt haar, zegt de mentor"}
    )
    assert decided.status_code == 302
    assert "zorg over thuis aangegeven" not in handler.get(page).text
