"""Words that describe the material. A letter speaks of "beelden" or "een filmpje" at most:
what is on it is never its business. Matched on word stems and inside compounds
(naaktfoto, halfnaakt, blootfoto's, seksfilmpje), in Dutch, English and street terms."""

from __future__ import annotations

from shared.privacy.text import words

# Stems found anywhere inside a word (compounds).
INSIDE = (
    "naakt", "bloot", "blote", "topless", "seks", "sexy", "porno", "porn", "nude", "naked",
    "geslachtsde", "penis", "vagina", "masturb", "ondergoed", "onderbroek", "lingerie", "bikini",
    "dickpic", "tieten", "boobs", "pussy", "piemel", "erotisch", "erotic", "pikant", "ontbloot",
    "uitgekleed", "uitkleden", "sextape", "nudes", "onderkleding", "badkleding",
)  # fmt: skip
# Whole words only: short or with innocent compounds (lul → lullig; bh; sex in sexting).
WHOLE = (
    "sex", "seks", "borst", "borsten", "tiet", "lul", "kut", "bh", "slipje", "string", "dick",
    "tits", "cock", "nudie", "nakie", "pik", "nsfw", "xxx", "kont", "billen", "beha",
)  # fmt: skip
# Words with a stem above that a letter may use: the protocol's own terms.
ALLOWED = frozenset(
    (
        "sexting", "stappenplansexting", "seksueel", "seksuele", "seksualiteit", "seksuologe",
        "seksuoloog", "kinderporno", "kinderpornografie", "kinderpornografisch",
        "kinderpornografische", "meldpuntkinderporno", "seksuologen", "seksisme", "blootgesteld",
        "blootstelling", "blootstaan", "blootgeven",
    )
)  # fmt: skip


def material_words(text: str) -> list[str]:
    """The words of the text that describe the material."""
    found = set()
    for word in words(text):
        if word in ALLOWED:
            continue
        if word in WHOLE or any(stem in word for stem in INSIDE):
            found.add(word)
    return sorted(found)
