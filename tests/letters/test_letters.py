"""Letters carry general process information only (hard rule 2)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.contracts import LetterRequest, MalformedMessage, decode, encode
from shared.letters import CATALOGUE, STATEMENT_FIELDS, LetterBlocked, compose, forbidden_terms
from tests.examples import ACTIONS, PLANTED_NAMES

STATEMENT = ACTIONS["CommunicationStatementWritten"]
EXTRA = {
    "meeting_when": "dinsdag 1 december, 19.30 uur",
    "meeting_where": "de aula",
    "url": "https://x.invalid/a",
}
PERSONAL = [
    ACTIONS["ScopeAssessed"]["shared_by"],
    ACTIONS["ScopeAssessed"]["seen_by"],
    ACTIONS["VictimConversationHeld"]["how_are_you"],
    ACTIONS["NoteAdded"]["text"],
]


def all_text(letter) -> str:  # type: ignore[no-untyped-def]
    return f"{letter.subject}\n{letter.text}\n{letter.html}"


@pytest.mark.parametrize("key", list(CATALOGUE))
def test_every_letter_renders_in_three_parts_without_names(key: str) -> None:
    letter = compose(key, {**STATEMENT, **EXTRA}, school_name="Basisschool De Wilg", personal_values=PERSONAL)
    assert letter.subject and letter.text.strip() and "<p>" in letter.html
    for name in PLANTED_NAMES:
        assert name.lower() not in all_text(letter).lower()


def test_the_planted_names_are_what_the_guard_looks_for() -> None:
    terms = {t.lower() for t in forbidden_terms(PERSONAL)}
    for name in PLANTED_NAMES:
        assert name.lower() in terms


@pytest.mark.parametrize("name", PLANTED_NAMES)
def test_a_name_typed_into_the_statement_blocks_the_letter(name: str) -> None:
    with pytest.raises(LetterBlocked) as blocked:
        compose(
            "ouders_klas",
            {**STATEMENT, "what_is_happening": f"Het gaat om {name}."},
            school_name="De Wilg",
            personal_values=PERSONAL,
        )
    assert any(name in reason for reason in blocked.value.reasons)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("Er gaat een naaktfoto rond.", "materiaal"),
        ("Bel ons op 06-12345678.", "telefoonnummer"),
        ("Mail naar juf@school.nl.", "e-mailadres"),
        ("Kijk op https://ergens.invalid/foto.", "webadres"),
    ],
)
def test_details_and_identifiers_block_the_letter(text: str, why: str) -> None:
    with pytest.raises(LetterBlocked) as blocked:
        compose("ouders_alle", {**STATEMENT, "what_we_do": text}, school_name="De Wilg", personal_values=[])
    assert any(why in reason for reason in blocked.value.reasons)


def test_html_is_escaped_and_a_missing_field_blocks_the_letter() -> None:
    letter = compose(
        "ouders_alle", {**STATEMENT, "why": "<script>x</script>"}, school_name="De Wilg", personal_values=[]
    )
    assert "<script>" not in letter.html and "&lt;script&gt;" in letter.html
    with pytest.raises(LetterBlocked, match="Vul eerst in"):
        compose("ouders_alle", {**STATEMENT, "why": ""}, school_name="De Wilg", personal_values=[])


names = st.sampled_from(PLANTED_NAMES)
filler = st.text(alphabet=st.characters(whitelist_categories=("Ll", "Lu", "Zs", "Nd")), max_size=40)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    key=st.sampled_from(list(CATALOGUE)),
    statement=st.fixed_dictionaries(
        {
            field: st.one_of(filler, st.builds(lambda a, n, b: f"{a} {n} {b}", filler, names, filler))
            for field in (*STATEMENT_FIELDS, "meeting_when", "meeting_where")
        }
    ),
)
def test_no_letter_ever_carries_a_planted_name(key: str, statement: dict[str, str]) -> None:
    values = {
        **statement,
        "url": "https://x.invalid/a",
        "contact_person": statement["contact_person"] or "de ib'er",
    }
    try:
        letter = compose(key, values, school_name="De Wilg", personal_values=PERSONAL)
    except LetterBlocked:
        return
    text = all_text(letter).lower()
    for name in PLANTED_NAMES:
        assert name.lower() not in text


def test_contract_messages_round_trip_and_malformed_ones_are_refused() -> None:
    message = LetterRequest.for_notification(
        7,
        incident_id="i",
        request_version=3,
        school_id="de-wilg",
        board_id="kindante",
        letter="ouders_klas",
        group="Ouders",
        recipients=["a@b.nl"],
        statement={},
    )
    assert decode(encode(message)) == message
    assert (
        message.message_id
        == LetterRequest.for_notification(
            7, **{k: v for k, v in vars(message).items() if k not in ("message_id", "type", "version")}
        ).message_id
    )
    for bad in (
        "niet-json",
        "[]",
        '{"type": "brief.verzoek", "version": 99}',
        '{"type": "brief.verzoek", "version": 1}',
    ):
        with pytest.raises(MalformedMessage):
            decode(bad)
