"""Letters in the parents' language: every language version is rendered and guarded like the
Dutch one, a language is added with template files only, and old records read as Dutch."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import pytest

from services.case.domain.incident import Incident
from shared import languages, letters
from shared.letters import CATALOGUE, LetterBlocked, RenderedLetter, languages_of
from shared.privacy import Recorded
from tests.examples import PLANTED_NAMES

Write = Callable[..., RenderedLetter]
RECORDED = [
    Recorded("omvang en impact", "Kevin Brouwersma", "namen"),
    Recorded("omvang en impact", "Groep 8b"),
    Recorded("notitie", "Noor Wijnaldum is erg geschrokken"),
]
EVERY_VERSION = [(key, lang.code) for key in CATALOGUE for lang in languages_of(key)]
ENGLISH = [key for key in CATALOGUE if "en" in [lang.code for lang in languages_of(key)]]
# The English letters that show what the school does, in the handler's words.
ENGLISH_WITH_STATEMENT = [key for key in ENGLISH if "what_we_do" in CATALOGUE[key].needs]
# How a name or class is written in an English sentence.
ENGLISH_FORMS = (
    "Kevin's parents were told.",
    "We spoke with Noor and her parents.",
    "It happened in Year 8.",
    "The pupils of class 8b were spoken to.",
    "Pupils of group eight b",
    "Brouwersma's family asked for privacy.",
    "N o o r is doing well.",
)


def all_text(letter: RenderedLetter) -> str:
    return f"{letter.subject}\n{letter.text}\n{letter.html}"


@pytest.mark.parametrize(("key", "language"), EVERY_VERSION, ids=[f"{k}-{c}" for k, c in EVERY_VERSION])
def test_every_language_version_renders_and_names_no_one(key: str, language: str, write: Write) -> None:
    letter = write(key, RECORDED, language=language)
    assert letter.subject and letter.text.strip() and "<p>" in letter.html
    for name in PLANTED_NAMES:
        assert name.lower() not in all_text(letter).lower()


def test_the_english_letter_is_english_from_subject_to_footer(write: Write) -> None:
    letter = write("ouders_klas", language="en")
    assert letter.subject == "Information about a situation in your child's class"
    assert "Dear parent(s)/carer(s)," in letter.text and "Kind regards," in letter.text
    assert '<html lang="en">' in letter.html
    assert "the pastoral care coordinator" in letter.text
    assert "Beste" not in all_text(letter)


@pytest.mark.parametrize("key", ENGLISH_WITH_STATEMENT)
@pytest.mark.parametrize("sentence", ENGLISH_FORMS)
def test_a_name_or_class_written_in_english_blocks_the_english_letter(
    key: str, sentence: str, write: Write
) -> None:
    with pytest.raises(LetterBlocked) as blocked:
        write(key, RECORDED, language="en", what_we_do=sentence)
    assert blocked.value.by_field().get("what_we_do"), blocked.value.reasons


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("A nude photo is going around.", "materiaal"),
        ("Call us on 06-12345678.", "telefoonnummer"),
        ("Mail the teacher at teacher@school.nl.", "e-mailadres"),
        ("See https://somewhere.invalid/photo.", "webadres"),
    ],
)
def test_details_and_identifiers_block_the_english_letter(text: str, why: str, write: Write) -> None:
    with pytest.raises(LetterBlocked) as blocked:
        write("ouders_alle", language="en", what_we_do=text)
    assert any(why in reason for reason in blocked.value.reasons)


def test_internal_letters_and_letters_to_parents_and_staff_all_have_english() -> None:
    assert set(ENGLISH) == set(CATALOGUE)


def test_the_export_spellings_of_a_language_are_recognised() -> None:
    assert [languages.language_of(w).code for w in ("Engels", "ENGLISH", "en", " eng ")] == ["en"] * 4  # type: ignore[union-attr]
    assert languages.language_of("Nederlands").code == "nl"  # type: ignore[union-attr]
    assert languages.language_of("Arabisch") is None


@pytest.fixture
def german(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The templates as a board would have them after adding German: a folder, nothing else."""
    root = tmp_path / "email"
    shutil.copytree(languages.TEMPLATES, root)
    (root / "de").mkdir()
    (root / "de" / "taal.toml").write_text(
        'naam = "Duits"\neigen_naam = "Deutsch"\nschrijfwijzen = ["duits", "de", "deutsch"]\n'
    )
    (root / "de" / "_layout.html").write_text(
        (root / "en" / "_layout.html").read_text().replace('lang="en"', 'lang="de"')
    )
    for version in ("ouders_klas", "ouders_klas/zonder_leerling"):  # both versions of the letter
        (root / "de" / version).mkdir(parents=True)
        (root / "de" / version / "subject.txt").write_text("Information über eine Situation in der Klasse")
        (root / "de" / version / "body.txt").write_text(
            "Liebe Eltern,\n\n{{ what_is_happening }}\n\n{{ what_we_do }}\n\nFragen: {{ contact_person }}\n"
        )
        (root / "de" / version / "body.html").write_text(
            '{% extends "_layout.html" %}{% block body %}<p>Liebe Eltern,</p>'
            "<p>{{ what_we_do }}</p>{% endblock %}"
        )
    for module in (languages, letters):
        monkeypatch.setattr(module, "TEMPLATES", root)
    caches = (languages.languages, letters.languages_of, letters._environment, letters.template_source)
    for cached in caches:
        cached.cache_clear()
    yield root
    for cached in caches:
        cached.cache_clear()


def test_a_board_adds_a_language_with_template_files_only(german: Path, write: Write) -> None:
    assert [lang.code for lang in languages_of("ouders_klas")] == ["nl", "de", "en"]
    assert [lang.code for lang in languages_of("ouders_alle")] == ["nl", "en"]
    assert languages.language_of("Deutsch").code == "de"  # type: ignore[union-attr]
    letter = write(
        "ouders_klas", RECORDED, what_we_do="Wir arbeiten mit der Polizei zusammen.", language="de"
    )
    assert letter.subject == "Information über eine Situation in der Klasse"
    with pytest.raises(LetterBlocked):  # the guard runs on the new language too
        write("ouders_klas", RECORDED, what_we_do="Kevin geht es gut.", language="de")


def test_a_letter_that_does_not_exist_in_a_language_says_so_in_dutch(german: Path, write: Write) -> None:
    with pytest.raises(LetterBlocked) as blocked:
        write("ouders_alle", language="de")
    assert blocked.value.by_field() == {
        "language": ["Deze brief bestaat niet in het Duits; kies Nederlands of Engels."]
    }
    with pytest.raises(LetterBlocked, match="in de taal 'xx'"):
        write("ouders_klas", language="xx")


def test_letters_recorded_before_languages_read_as_dutch() -> None:
    for event_class in (
        Incident.LetterRequested,
        Incident.LetterProposed,
        Incident.CommunicationStatementWritten,
    ):
        state = {"originator_id": uuid4(), "originator_version": 2, "timestamp": datetime.now(tz=UTC)}
        event_class.upcast_v1_v2(state)  # type: ignore[attr-defined]
        assert state["language"] == "nl"


def test_the_language_travels_from_the_request_through_approval_to_the_notifier() -> None:
    from services.case.application import CaseManagement
    from services.case.relay import TOPICS, Relay
    from shared.contracts import LetterRequest, decode, encode
    from tests.examples import HANDLER, OPENING, SECOND_HANDLER

    cases = CaseManagement(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    incident_id, _ = cases.open_incident(HANDLER, **OPENING)
    common = {"letter": "ouders_alle", "statement": {"what_we_do": "We work with the police."}}
    cases.request_letter(HANDLER, incident_id, group="Ouders (Engels)", recipients=["p@voorbeeld.nl"],
                         four_eyes_from=30, language="en", **common)  # fmt: skip
    many = [f"p{n}@voorbeeld.nl" for n in range(31)]
    letter_id, _ = cases.request_letter(HANDLER, incident_id, group="Alle ouders (Engels)", recipients=many,
                                   four_eyes_from=30, language="en", **common)  # fmt: skip
    cases.decide_letter(SECOND_HANDLER, incident_id, letter_id=letter_id, approve=True)
    relay = Relay(cases, None, None)  # type: ignore[arg-type]
    published = cases.recorder.select_notifications(start=1, limit=100, topics=TOPICS)
    # A letter awaiting review is not published: only once it is approved.
    messages = [decode(encode(m)) for n in published if (m := relay.message_for(n)) is not None]
    assert [(m.group, m.language) for m in messages] == [  # type: ignore[union-attr]
        ("Ouders (Engels)", "en"),
        ("Alle ouders (Engels)", "en"),
    ]
    older = {k: v for k, v in vars(messages[0]).items() if k != "language"}
    assert decode(older).language == "nl"  # type: ignore[union-attr]
    assert isinstance(messages[0], LetterRequest)
