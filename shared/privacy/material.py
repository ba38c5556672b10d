"""Words that describe the material. A letter speaks of "beelden" or "een filmpje" at most:
what is on it is never its business — not what is or is not worn, not the body, not what the
children do on it, not where it was taken. Matched on word stems and inside compounds
(naaktfoto, halfnaakt, blootfoto's, seksfilmpje), in Dutch, English and street terms, and as
phrases ("zonder kleren", "kleedde zich uit", "in de douche")."""

from __future__ import annotations

import re

from shared.privacy.text import normalise, words

# Stems found anywhere inside a word (compounds and inflections).
INSIDE = (
    "naakt", "bloot", "blote", "topless", "shirtless", "seks", "sexy", "porno", "porn", "nude",
    "naked", "geslachtsde", "penis", "vagina", "masturb", "ondergoed", "onderbroek", "lingerie",
    "bikini", "dickpic", "tieten", "boobs", "pussy", "piemel", "erotisch", "erotic", "pikant",
    "ontbloot", "uitgekleed", "uitkleden", "uitkleedde", "ontkleed", "ontkled", "sextape", "nudes",
    "noodz", "onderkleding", "badkleding", "zwembroek", "boxershort", "badpak", "tepel",
    "schaamstre", "schaamha", "kruisje", "borstjes", "billetjes", "neuk", "beffen", "aftrek",
    "rukken", "gerukt", "klaarkom", "orgasme", "zoenend", "tongzoen", "undress", "underwear",
    "handjob", "blowjob", "wank", "jerking", "horny", "geil", "hitsig", "snikkel", "memmen",
    "kontje", "badkamer", "slaapkamer", "kleedkamer", "douche", "shower", "bathroom", "bedroom",
    "lockerroom", "zonnebank", "onlyfans", "sexvideo", "sexfilm", "sexfoto", "sexpic", "sexcam",
)  # fmt: skip
# Whole words only: short or with innocent compounds (lul → lullig; bh; sex in sexting).
WHOLE = (
    "sex", "seks", "borst", "borsten", "tiet", "lul", "kut", "bh", "bhtje", "slipje", "slip",
    "string", "dick", "tits", "cock", "nudie", "nakie", "nakkie", "pik", "nsfw", "xxx", "kont",
    "billen", "beha", "bil", "bed", "bedje", "wc", "toilet", "toiletten", "wcs", "boxer", "boxers",
    "bra", "panties", "thong", "butt", "ass", "nipple", "nipples", "breasts", "genitals",
    "privates", "blootje", "naturel", "noods", "lichaam", "ontbloot", "shirtje", "broekje", "topje",
    "rokje", "handdoek", "towel", "zoenen", "zoende", "zoenden", "kuste", "vingeren", "gevingerd",
    "pijpbeurt", "gepijpt", "pijpte", "slet", "sletje", "hoer", "hoertje", "striptease", "stripte",
    "stripten", "kusten",
)  # fmt: skip
# Words with a stem above that a letter may use: the protocol's own terms, and everyday words
# that merely contain a stem (vingerafdruk, stripverhaal).
ALLOWED = frozenset(
    (
        "sexting", "stappenplansexting", "seksueel", "seksuele", "seksualiteit", "seksuologe",
        "seksuoloog", "kinderporno", "kinderpornografie", "kinderpornografisch",
        "kinderpornografische", "meldpuntkinderporno", "seksuologen", "seksisme",
        "sexchatten", "sexchatting", "seksueelgeweld", "blootgesteld",
        "blootstelling", "blootstaan", "blootgeven", "vingerafdruk", "vingerafdrukken", "strip",
        "strips", "stripverhaal", "stripboek", "stripboeken", "pijplijn", "pijpleiding",
        "aftrekken", "aftrekpost", "aftrekbaar", "sexualiteit", "seksuologie",
    )
)  # fmt: skip
_ALLOWED_INSIDE = ("seksueel", "seksuele", "sexting", "sexchat", "kinderporno")
# Phrases: what is worn or not, undressing as a separable verb, where a picture was taken.
PHRASES = re.compile(
    r"\b(?:zonder|geen|without|no)\s+(?:kleren|kleding|kleertjes|shirt|t-shirt|broek|bh|beha|onderbroek|"
    r"clothes|clothing|shirt|pants|top)\b"
    r"|\b(?:kleedt|kleedde|kleedden|kleed|kleden)\s+(?:zich|zichzelf|hem|haar|elkaar|hen)?\s*(?:helemaal\s+)?uit\b"
    r"|\b(?:trok|trekt|trokken|trekken|deed|doet|deden)\s+(?:zijn|haar|z'n|d'r|hun|de|het)?\s*"
    r"(?:shirt|t-shirt|broek|kleren|bh|beha|onderbroek|rok|jurk|trui|top|topje)\s+uit\b"
    r"|\b(?:niets|niks|weinig|bijna\s+niets|bijna\s+niks)\s+(?:aan|meer\s+aan)\b"
    r"|\b(?:in|met)\s+(?:zijn|haar|z'n|d'r)\s+(?:blootje|nakie|ondergoed)\b"
    r"|\b(?:took|takes|taking)\s+off\b|\bin\s+(?:the|a)\s+(?:shower|bath|bed)\b"
    r"|\b(?:in|onder)\s+(?:de|het|een)\s+(?:douche|bad|bed)\b"
    r"|\bhalf\s+(?:ontkleed|uitgekleed|bloot|naakt)\b"
)


def material_words(text: str) -> list[str]:
    """The words and phrases of the text that describe the material."""
    found = set()
    for word in words(text):
        if word in ALLOWED:
            continue
        if "se" in word:  # centrumseksueelgeweld, stappenplansexting: the allowed term inside
            for term in _ALLOWED_INSIDE:
                word = word.replace(term, "")
        if word in WHOLE or any(stem in word for stem in INSIDE):
            found.add(word)
    found.update(m.group(0) for m in PHRASES.finditer(normalise(text)))
    return sorted(found)
