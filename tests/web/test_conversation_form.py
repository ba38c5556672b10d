"""The victim-conversation form asks the police's questions in the checklist's own words."""

from __future__ import annotations

import re
from pathlib import Path

from services.case.web.conversation import QUESTIONS, SHORT_ANSWER_LENGTH
from services.case.web.forms import FIELDS, action_forms
from tests.web.conftest import Browser

# The source texts (protocol, Stappenplan, checklist) as the project received them.
SEED = Path(__file__).resolve().parents[2] / "docs" / "bronnen" / "protocol-stappenplan-checklist.txt"

# Misreadings of the scanner in the seed, and nothing else: each is a character the police's
# text cannot have had. Every other character of questions 7 to 14 is compared as it stands.
SCAN_ERRORS = {
    "gencemde": "genoemde",
    "bijvoorbesld": "bijvoorbeeld",
    "'Ja\u2019": "'Ja'",
}


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def seed_questions() -> dict[int, tuple[str, str]]:
    """Questions 7 to 14 of the checklist as the seed has them: (question, guidance)."""
    text = seed_text()
    part = text[text.index("Vaststellen feiten") : text.index("Het afronden van het gesprek")]
    for wrong, right in SCAN_ERRORS.items():
        assert wrong in part, f"scan error {wrong!r} no longer in the seed"
        part = part.replace(wrong, right)
    flat = " ".join(part.split())
    found = {}
    for number in range(7, 15):
        match = re.search(rf"(?<!\d){number}\. (.*?)(?= {number + 1}\. | Bepalen van acties| \|s er)", flat)
        assert match, number
        item = match.group(1).strip()
        question, _, guidance = item.partition(" (")
        found[number] = (question.strip(), guidance.rstrip(";").rstrip(")").strip())
    return found


def test_questions_7_to_14_are_the_seed_text_character_for_character() -> None:
    seeded = seed_questions()
    ours = {q.number: q for q in QUESTIONS if q.from_the_police}
    assert sorted(ours) == list(range(7, 15))
    for number, (question, guidance) in seeded.items():
        assert ours[number].text == question, number
        if guidance:
            assert ours[number].guidance == guidance, number
    assert ours[14].guidance in " ".join(seed_text().split())


def test_the_form_shows_each_question_with_its_guidance_and_the_rule() -> None:
    form = action_forms()["VictimConversationHeld"]
    assert "Vraag 7 tot en met 14 zijn in samenwerking met de Nationale Politie opgesteld" in form.reminder
    labels = {spec.name: spec for spec in form.fields}
    for q in QUESTIONS:
        assert labels[q.name].label == f"{q.number}. {q.text}"
        assert labels[q.name].hint == q.guidance
        assert labels[q.name].ask_no_further is (7 <= q.number <= 13)
    asked_for_police = {q.name for q in QUESTIONS if q.from_the_police}
    police = [s for s in FIELDS["VictimConversationHeld"] if s.name in asked_for_police]
    assert {s.kind for s in police} <= {"choice", "choices", "short"}


def test_the_page_shows_the_questions_the_rule_and_the_guidance_open_the_first_time(handler: Browser) -> None:
    page = handler.open_incident()
    html = handler.get(f"{page}/acties/VictimConversationHeld").text
    for q in QUESTIONS:
        assert q.text.replace("'", "&#39;") in html, q.number
    assert html.count("Niet verder doorvragen.") == 7
    assert re.search(r"<details [^>]*open>", html)
    assert "geen beloftes van geheimhouding" in html and "Dit is wat ik ga" in html


def conversation(**overrides: str) -> dict[str, str]:
    return {
        "how_are_you": "geschrokken",
        "told_adult": "nee",
        "naked": "bijna_naakt",
        "recognisable": "ja",
        "made_self": "nee",
        "knows_who_saw": "een paar klasgenoten",
        **overrides,
    }


def test_an_over_long_short_answer_is_refused_with_the_rule_and_kept(handler: Browser) -> None:
    page = handler.open_incident()
    typed = "de klas en daarna " * 20
    assert len(typed) > SHORT_ANSWER_LENGTH
    response = handler.post(f"{page}/acties/VictimConversationHeld", conversation(knows_how_spread=typed))
    assert response.status_code == 422
    assert "hoogstens 200 tekens" in response.text
    assert "Vraag bij een antwoord niet verder door" in response.text
    assert f'value="{typed.strip()}"' in response.text
    assert "Nog geen acties vastgelegd." in handler.get(page).text


def test_a_conversation_is_recorded_with_the_checklist_wording(handler: Browser) -> None:
    page = handler.open_incident()
    response = handler.post(f"{page}/acties/VictimConversationHeld", conversation())
    assert response.status_code == 302
    html = handler.get(page).text
    assert "Letterlijk de vragen van de checklist" in html
    again = handler.get(f"{page}/acties/VictimConversationHeld").text
    assert not re.search(r"<details [^>]*open>", again)
