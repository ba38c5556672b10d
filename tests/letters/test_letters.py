"""Letters carry general process information only (hard rule 2)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from shared.contracts import LetterRequest, MalformedMessage, decode, encode, seal, unseal
from shared.letters import CATALOGUE, LetterBlocked, RenderedLetter
from shared.privacy import Recorded
from tests.examples import PLANTED_NAMES

RECORDED = [
    Recorded("omvang en impact", "Kevin Brouwersma", "namen"),
    Recorded("omvang en impact", "Groep 8b"),
    Recorded("notitie", "Noor Wijnaldum is erg geschrokken"),
]
Write = Callable[..., RenderedLetter]

KEY = bytes(range(32))  # a letters key of this test installation


def all_text(letter: RenderedLetter) -> str:
    return f"{letter.subject}\n{letter.text}\n{letter.html}"


@pytest.mark.parametrize("key", list(CATALOGUE))
def test_every_letter_renders_in_three_parts_without_names(key: str, write: Write) -> None:
    letter = write(key, RECORDED)
    assert letter.subject and letter.text.strip() and "<p>" in letter.html
    for name in PLANTED_NAMES:
        assert name.lower() not in all_text(letter).lower()


@pytest.mark.parametrize("name", PLANTED_NAMES)
def test_a_name_typed_into_the_statement_blocks_the_letter(name: str, write: Write) -> None:
    with pytest.raises(LetterBlocked) as blocked:
        write("ouders_klas", RECORDED, what_is_happening=f"Het gaat om {name}.")
    assert blocked.value.by_field().get("what_is_happening")


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("Er gaat een naaktfoto rond.", "materiaal"),
        ("Bel ons op 06-12345678.", "telefoonnummer"),
        ("Mail naar juf@school.nl.", "e-mailadres"),
        ("Kijk op https://ergens.invalid/foto.", "webadres"),
    ],
)
def test_details_and_identifiers_block_the_letter(text: str, why: str, write: Write) -> None:
    with pytest.raises(LetterBlocked) as blocked:
        write("ouders_alle", what_we_do=text)
    assert any(why in reason for reason in blocked.value.reasons)


def test_markup_is_refused_and_a_missing_field_blocks_the_letter(write: Write) -> None:
    with pytest.raises(LetterBlocked) as blocked:
        write("ouders_alle", why="<script>x</script>")
    assert "opmaak" in blocked.value.by_field()["why"][0]
    with pytest.raises(LetterBlocked, match="Vul eerst in"):
        write("ouders_alle", why="")


def test_a_statement_over_the_limit_is_refused_with_its_length(write: Write) -> None:
    with pytest.raises(LetterBlocked) as blocked:
        write("ouders_alle", what_we_think="Wij nemen dit serieus. " * 300)
    assert "hoogstens 2000 tekens" in blocked.value.by_field()["what_we_think"][0]


def test_an_ampersand_in_plain_text_is_escaped_in_the_html(write: Write) -> None:
    letter = write("ouders_alle", why="Rust & veiligheid in de school.")
    assert "Rust &amp; veiligheid" in letter.html


def test_contract_messages_round_trip_and_malformed_ones_are_refused() -> None:
    message = LetterRequest.for_letter(
        "brief-7",
        incident_id="i",
        school_id="de-wilg",
        board_id="kindante",
        letter="ouders_klas",
        group="Ouders",
        sealed=seal(KEY, {"recipients": ["a@b.nl"], "recorded": []}),
        statement={},
    )
    assert decode(encode(message)) == message
    assert "a@b.nl" not in encode(message)  # the recipients travel sealed
    assert unseal(KEY, message.sealed)["recipients"] == ["a@b.nl"]
    with pytest.raises(MalformedMessage):
        unseal(bytes(32), message.sealed)  # another installation's key opens nothing
    assert (
        message.message_id
        == LetterRequest.for_letter(
            "brief-7",
            **{
                k: v
                for k, v in vars(message).items()
                if k not in ("message_id", "letter_id", "type", "version")
            },
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
