"""Vetted sentences: wording for the communication statement that the Stappenplan Sexting and
the board's file offer per field, which a handler inserts with one click.

A sentence here names no one and describes nothing of the material: it was read once, by the
people who wrote this file or the board's. A letter whose typed text consists only of such
sentences can skip the second person's review where the board's file allows it
(`zonder_controle_bij_vaste_zinnen`), since there is nothing typed left to read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from shared.boards import Board
from shared.languages import DUTCH

# The Stappenplan's communication statement: Wat speelt er? Wat vindt u? Wat doet u? Waarom?
# Contactpersoon? Process level only; no sentence claims a step the incident may not have taken.
STAPPENPLAN: dict[str, dict[str, tuple[str, ...]]] = {
    DUTCH: {
        "what_is_happening": (
            "Op school is bekend geworden dat er beeldmateriaal wordt rondgestuurd dat daar niet hoort.",
            "De school is op de hoogte en pakt dit zorgvuldig op, samen met de betrokkenen.",
            "Wij kunnen om de betrokken leerlingen te beschermen geen namen of details noemen.",
        ),
        "what_we_think": (
            "Wij vinden het ernstig dat dit gebeurt.",
            "Het is nooit de schuld van degene die op de beelden staat.",
            "Wij willen dat iedereen zich op school veilig voelt.",
        ),
        "what_we_do": (
            "Wij volgen het stappenplan van ons schoolbestuur.",
            "Wij praten met de betrokken leerlingen en hun ouders.",
            "Wij praten in de klas over wat er is gebeurd en over hoe we met elkaar omgaan.",
            "Wij houden u op de hoogte als dat nodig is.",
        ),
        "why": (
            "Zo beschermen wij de leerlingen die het raakt.",
            "Doorsturen en verspreiden van zulk beeldmateriaal is strafbaar en doet kinderen schade.",
            "Wij willen dat iedereen weet wat hij of zij kan doen.",
        ),
        "contact_person": (
            "de directeur van de school",
            "de intern begeleider",
            "de vertrouwenspersoon van de school",
            "de leerkracht of mentor van uw kind",
        ),
    },
    "en": {
        "what_is_happening": (
            "The school has learned that images are being passed around that should not be.",
            "The school is aware and is dealing with this carefully, together with those involved.",
            "To protect the pupils involved, we cannot give names or details.",
        ),
        "what_we_think": (
            "We take this seriously.",
            "It is never the fault of the person in the images.",
            "We want everyone to feel safe at school.",
        ),
        "what_we_do": (
            "We follow the step-by-step plan of our school board.",
            "We talk with the pupils involved and their parents.",
            "We talk in class about what happened and about how we treat each other.",
            "We will keep you informed where needed.",
        ),
        "why": (
            "This is how we protect the pupils it affects.",
            "Forwarding and spreading such images is a criminal offence and harms children.",
            "We want everyone to know what they can do.",
        ),
        "contact_person": (
            "the head of the school",
            "the school's care coordinator",
            "the school's confidential adviser",
            "your child's teacher or mentor",
        ),
    },
}

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_SPACE = re.compile(r"\s+")


def sentences_for(board: Board, field: str, language: str = DUTCH) -> tuple[str, ...]:
    """The vetted sentences offered for a field: the Stappenplan's, then the board's own."""
    own = board.vetted_sentences.get(field, ()) if language == DUTCH else ()
    return tuple(dict.fromkeys((*STAPPENPLAN.get(language, {}).get(field, ()), *own)))


def with_sentence(current: str, sentence: str) -> str:
    """The field's text with the sentence added at its end, on the same line as a new sentence."""
    current = current.rstrip()
    return f"{current} {sentence}" if current else sentence


def only_vetted(typed: Mapping[str, str], board: Board, language: str = DUTCH) -> bool:
    """True when every sentence a person typed in these fields is a vetted sentence of that
    field, written as offered (spacing aside). An empty letter is not vetted text."""
    seen_any = False
    for field, value in typed.items():
        text = _SPACE.sub(" ", value or "").strip()
        if not text:
            continue
        seen_any = True
        vetted = {_SPACE.sub(" ", s).strip() for s in sentences_for(board, field, language)}
        if not all(sentence in vetted for sentence in _sentences(text)):
            return False
    return seen_any


def _sentences(text: str) -> Iterable[str]:
    return (part.strip() for part in _SENTENCE_END.split(text) if part.strip())
