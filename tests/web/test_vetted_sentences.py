"""Vetted sentences: offered per field of the statement form, added with one click."""

from __future__ import annotations

import dataclasses

from shared.boards import board
from shared.letters import CATALOGUE, compose
from shared.vetted_sentences import STAPPENPLAN, only_vetted, sentences_for
from tests.web.conftest import Browser

STATEMENT = "/acties/CommunicationStatementWritten"


def test_the_statement_form_offers_the_stappenplan_and_the_boards_sentences_per_field(
    handler: Browser,
) -> None:
    page = handler.get(handler.open_incident() + STATEMENT).text
    assert "Wij vinden het ernstig dat dit gebeurt." in page
    assert "Wij werken volgens het protocol van Kindante voor deze situaties." in page  # the board's own
    assert 'name="zin" value="what_we_think:0"' in page
    assert "vaste_zinnen.js" in page


def test_a_sentence_is_added_with_one_click_without_script_and_nothing_is_recorded(handler: Browser) -> None:
    incident = handler.open_incident()
    response = handler.post(
        incident + STATEMENT,
        {"language": "nl", "what_we_think": "Wij zijn geschrokken.", "zin": "what_we_think:0"},
    )
    assert response.status_code == 200
    assert "Wij zijn geschrokken. Wij vinden het ernstig dat dit gebeurt.</textarea>" in response.text
    assert "Wij zijn geschrokken" not in handler.get(incident).text  # nothing recorded yet


def test_a_choice_the_form_does_not_offer_changes_nothing(handler: Browser) -> None:
    incident = handler.open_incident()
    response = handler.post(incident + STATEMENT, {"language": "nl", "why": "Omdat.", "zin": "why:99"})
    assert response.status_code == 200
    assert "Omdat.</textarea>" in response.text


def test_only_vetted_sentences_are_vetted_text() -> None:
    kindante = board("kindante")
    vetted = {
        "what_we_think": " ".join(STAPPENPLAN["nl"]["what_we_think"][:2]),
        "what_we_do": sentences_for(kindante, "what_we_do")[-1],
        "contact_person": "de intern begeleider",
    }
    assert only_vetted(vetted, kindante)
    assert not only_vetted(
        {**vetted, "why": "Omdat de enige tweeling van groep 8 rust nodig heeft."}, kindante
    )
    assert not only_vetted({**vetted, "what_we_think": vetted["what_we_think"] + " Ook Noor."}, kindante)
    assert not only_vetted({}, kindante)
    assert only_vetted({"why": STAPPENPLAN["en"]["why"][0]}, kindante, "en")


def test_every_vetted_sentence_passes_the_guard(guard) -> None:  # type: ignore[no-untyped-def]
    kindante = board("kindante")
    school = kindante.school("de-wilg")
    for language in STAPPENPLAN:
        values = {
            field: " ".join(sentences_for(kindante, field, language)) for field in STAPPENPLAN[language]
        }
        values["contact_person"] = sentences_for(kindante, "contact_person", language)[0]
        compose("ouders_klas", values, guard=guard, board=kindante, school=school, language=language)
    assert CATALOGUE["ouders_klas"]


def test_a_boards_file_adds_its_own_sentences(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "eigen.toml").write_text(
        'naam = "Eigen"\nzonder_controle_bij_vaste_zinnen = true\n'
        '[vaste_zinnen]\nwaarom = ["Zo blijft het rustig in de klas."]\n',
        encoding="utf-8",
    )
    own = board("eigen", str(tmp_path))
    assert own.vetted_skip_review and not own.staff_letters_skip_review
    assert "Zo blijft het rustig in de klas." in sentences_for(own, "why")
    assert dataclasses.replace(own, vetted_sentences={}).vetted_sentences == {}
