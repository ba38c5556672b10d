"""Sixty-odd sentences a director might write (corpus.txt): every one that must be stopped is
stopped, and of those that must pass, the share wrongly blocked is printed and kept under 10%."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from shared.letters import LetterBlocked, RenderedLetter
from shared.privacy import Recorded

CORPUS = Path(__file__).with_name("corpus.txt")
INCIDENT = [
    Recorded("betrokken leerling: slachtoffer", "Daan Verbeek", "leerling"),
    Recorded("betrokken leerling: slachtoffer", "groep 7b"),
    Recorded("betrokken leerling: verspreider", "Fatima El Amrani", "leerling"),
    Recorded("betrokken leerling: ontvanger", "Sem Pieters", "leerling"),
    Recorded("notitie", "De moeder van Lotte Bakker belde de mentor."),
]


def sentences() -> list[tuple[str, str]]:
    rows = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            verdict, sentence = line.split("\t", 1)
            rows.append((verdict, sentence.replace("\\u200b", "\u200b")))
    return rows


def test_the_corpus_is_large_and_balanced() -> None:
    rows = sentences()
    assert len(rows) >= 60
    assert abs(sum(v == "DOOR" for v, _ in rows) - sum(v == "TEGEN" for v, _ in rows)) <= 4


def test_no_sentence_that_must_be_stopped_passes_and_few_are_wrongly_blocked(
    write: Callable[..., RenderedLetter], capsys: pytest.CaptureFixture[str]
) -> None:
    false_passes, false_blocks = [], []
    passing = [s for v, s in sentences() if v == "DOOR"]
    for verdict, sentence in sentences():
        try:
            write("ouders_alle", INCIDENT, what_we_do=sentence)
            blocked: list[str] = []
        except LetterBlocked as error:
            blocked = error.reasons
        if verdict == "TEGEN" and not blocked:
            false_passes.append(sentence)
        if verdict == "DOOR" and blocked:
            false_blocks.append(f"{sentence} → {'; '.join(blocked)}")
    with capsys.disabled():
        wrongly = f"{len(false_blocks)} van {len(passing)} goede zinnen ten onrechte tegengehouden"
        print(f"\nPrivacycontrole, corpus: {wrongly}")
        for line in false_blocks:
            print(f"  ten onrechte tegengehouden: {line}")
    assert false_passes == [], f"doorgelaten terwijl het tegengehouden moest worden: {false_passes}"
    assert len(false_blocks) < 0.10 * len(passing)
