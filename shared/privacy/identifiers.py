"""Personal identifiers in a letter: phone numbers, e-mail and web addresses, accounts on social
media, and numbers shaped like a citizen service number (BSN). People write them to dodge a
filter ("anna [at] school [punt] nl", "hxxp://foto-site[.]nl"), so the disguises are undone
first. What a letter should be able to say is let through: the school's own contact address
and telephone number and the help sites and numbers of the board's list.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers

from shared.privacy.text import normalise

TLDS = (
    "nl|com|org|net|be|eu|info|io|nu|me|tv|app|co|de|uk|fr|online|site|xyz|ly|gg|to|cc|biz|link|"
    "live|chat|social|club|shop|store|page|blog|pics|photos|video|porn|sex|xxx|ru|cn"
)
_AT = re.compile(
    r"\s*[\[\(\{<]\s*(?:at|apenstaart(?:je)?|@)\s*[\]\)\}>]\s*|\s+(?:at|apenstaartje)\s+(?=[a-z0-9-]+\s*(?:\.|\[|\(|punt|dot))"
)
_DOT = re.compile(
    r"\s*[\[\(\{<]\s*(?:dot|punt|\.)\s*[\]\)\}>]\s*|\s+(?:dot|punt)\s+(?=(?:" + TLDS + r")\b)"
    # "foto-site . nl": only before endings that are no Dutch word ("school. Nu" stays a sentence)
    r"|(?<=[a-z0-9])\s*\.\s+(?=(?:nl|com|org|net|eu|info)\b)|(?<=[a-z0-9])\s+\.\s*(?=(?:nl|com|org|net|eu|info)\b)"
)
_HXXP = re.compile(r"\bh[xt]{2}p(s?)\s*(?::|\[:\])\s*/\s*/", re.IGNORECASE)
_EMAIL = re.compile(r"[a-z0-9._%+-]+\s*@\s*[a-z0-9-]+(?:\s*\.\s*[a-z0-9-]+)*\s*\.\s*(?:" + TLDS + r")\b")
_URL = re.compile(r"\bhttps?://[^\s<>\"]+|\bwww\.[^\s<>\"]+")
_DOMAIN = re.compile(r"(?<![@\w.-])((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:" + TLDS + r"))\b(?![.-]\w)")
_HANDLE = re.compile(r"(?<![\w@.])@[a-z0-9_.]{2,30}")
_PLATFORM_HANDLE = re.compile(
    r"\b(?:snapchat|snap|insta|instagram|tiktok|twitter|telegram|discord|facebook|fb|threads|bereal)"
    r"\s*(?:account|naam|name|id)?\s*[:=]\s*[a-z0-9_.]{2,30}"
)
PLATFORMS = (
    "snapchat|snap|insta|instagram|ig|tiktok|tik tok|twitter|x|telegram|discord|facebook|fb|threads|"
    "bereal|whatsapp|roblox|fortnite|minecraft|youtube|twitch|steam|xbox|psn|playstation|reddit|pinterest|"
    "kik|signal|onlyfans|vsco|likee|yubo|wink|omegle"
)
_AFTER_PLATFORM = re.compile(
    rf"\b(?:{PLATFORMS})\b[^.!?\n]{{0,40}}?\b(?:heet|heten|noemt\s+zich|als|onder|naam|account|"
    r"accountnaam|gebruikersnaam|username|user|handle|tag|gamertag|id|is|called|named|as)\b\s*:?\s*"
    r"(?:(?:hij|ze|zij|het|he|she|they|nu|now)\s+)?"
    r"[\"'“‘]?([a-z0-9][a-z0-9._-]{2,29})"
)
_NAME_WORD = re.compile(
    r"\b(?:gebruikersnaam|accountnaam|gamertag|username|handle|schermnaam|nickname|bijnaam|alias)\b"
    r"\s*(?:is|was|:|=)?\s*[\"'“‘]?([a-z0-9][a-z0-9._-]{2,29})"
)
_HASHTAG = re.compile(r"(?<![\w&])#[a-z0-9_]{3,40}")
_HANDLE_SHAPED = re.compile(
    r"(?<![\w@./-])(?=[a-z0-9._]*[a-z]{2})[a-z0-9]+(?:[._][a-z0-9]+)*(?![\w@/-]|\.\w)"
)
_DIGIT_RUN = re.compile(r"\+?\(?\d[\d\s().\-/]{6,}\d")
# The shortest valid number of any country has four digits, and the matcher allows at most four
# separators between two digits of a number: a text without such a run holds no phone number
# and need not go through the matcher, the slowest of the layers.
SHORTEST_NUMBER = 4
_FOUR_DIGITS = re.compile(rf"\d(?:\D{{0,4}}\d){{{SHORTEST_NUMBER - 1}}}")
_BSN = re.compile(r"(?<![\d-])\d{9}(?![\d-])")


@dataclass(frozen=True)
class Allowed:
    """What a letter may say of contact details: the school's own address, number and site,
    and the help sites and numbers the board lists (stappenplansexting.nl, 113, …)."""

    emails: frozenset[str] = frozenset()
    phones: frozenset[str] = frozenset()
    sites: frozenset[str] = frozenset()
    names: frozenset[str] = frozenset()
    streets: frozenset[str] = frozenset()  # words of the school's own address

    @classmethod
    def of(
        cls,
        *,
        emails: tuple[str, ...] | list[str] = (),
        phones: tuple[str, ...] | list[str] = (),
        sites: tuple[str, ...] | list[str] = (),
        names: tuple[str, ...] | list[str] = (),
        address: str = "",
    ) -> Allowed:
        return cls(
            frozenset(normalise(e) for e in emails if e),
            frozenset(digits(p) for p in phones if p),
            frozenset(host(s) for s in sites if s),
            frozenset(normalise(n) for n in names if n),
            frozenset(re.findall(r"[a-z]+", normalise(address))),
        )

    def site_allowed(self, address: str) -> bool:
        name = host(address)
        return any(name == site or name.endswith("." + site) for site in self.sites)


@lru_cache(maxsize=256)
def undisguised(text: str) -> str:
    """The normalised text with written-out @ and dots put back (anna [at] school [punt] nl)."""
    plain = normalise(text)
    plain = _HXXP.sub(lambda m: f"http{m.group(1)}://", plain)
    plain = _AT.sub("@", plain)
    return _DOT.sub(".", plain)


def digits(number: str) -> str:
    """A phone number as its digits in national form: +31 6 / 0031 6 / 06 → 06…"""
    plain = re.sub(r"\(0\)", "", number)
    only = re.sub(r"\D", "", plain)
    if plain.strip().startswith("+"):
        only = "00" + only
    if only.startswith("0031"):
        only = "0" + only[4:]
    return only


def host(address: str) -> str:
    name = normalise(address).strip().rstrip(".,;:!?)")
    name = re.sub(r"^[a-z]+://", "", name).split("/")[0].split("?")[0]
    return name.removeprefix("www.")


def emails(text: str, allowed: Allowed) -> list[str]:
    found = []
    for match in _EMAIL.finditer(undisguised(text)):
        address = re.sub(r"\s+", "", match.group(0))
        if address not in allowed.emails:
            found.append(address)
    return found


def web_addresses(text: str, allowed: Allowed) -> list[str]:
    plain = _EMAIL.sub(" ", undisguised(text))
    found = []
    for match in _URL.finditer(plain):
        if not allowed.site_allowed(match.group(0)):
            found.append(match.group(0))
    plain = _URL.sub(" ", plain)
    for match in _DOMAIN.finditer(plain):
        if not allowed.site_allowed(match.group(1)):
            found.append(match.group(1))
    return found


def phone_numbers(text: str, allowed: Allowed) -> list[str]:
    """Phone numbers in every Dutch notation, and foreign ones written with +. Digits inside a
    web address (a link's path, an id) are not a phone number."""
    plain = _URL.sub(" ", normalise(text))
    candidates = []
    if _FOUR_DIGITS.search(plain):
        matches = phonenumbers.PhoneNumberMatcher(plain, "NL", leniency=phonenumbers.Leniency.VALID)
        candidates = [m.raw_string for m in matches]
    for match in _DIGIT_RUN.finditer(plain):
        number = digits(match.group(0))
        if (number.startswith("0") and len(number) >= 10) or (number.startswith("00") and len(number) >= 11):
            candidates.append(match.group(0))
    found = []
    for candidate in candidates:
        number = digits(candidate)
        if number not in allowed.phones and not any(
            number.endswith(a) and len(a) >= 9 for a in allowed.phones
        ):
            found.append(candidate.strip())
    return sorted(set(found))


def citizen_numbers(text: str) -> list[str]:
    return _BSN.findall(_URL.sub(" ", normalise(text)))


def accounts(text: str, ordinary: Callable[[str], bool] = lambda word: False) -> list[str]:
    """Accounts and tags on any platform, with or without @: @naam, "snap: naam", "op insta
    heet ze fatima.e", "gamertag xXsemXx", #hashtags, and words shaped like a handle
    (daan_2013, sem.b.13, xxsemxx12). `ordinary` says which words after a platform's name are
    ordinary words rather than a handle."""
    plain = _EMAIL.sub(" ", undisguised(text))
    found = [m.group(0) for m in _HANDLE.finditer(plain)]
    found += [m.group(0) for m in _PLATFORM_HANDLE.finditer(plain)]
    found += [m.group(0) for m in _HASHTAG.finditer(plain)]
    without_links = _URL.sub(" ", plain)
    for pattern in (_AFTER_PLATFORM, _NAME_WORD):
        for match in pattern.finditer(without_links):
            if _handle(match.group(1).strip("._-"), ordinary):
                found.append(match.group(1).strip("._-"))
    for match in _HANDLE_SHAPED.finditer(_DOMAIN.sub(" ", without_links)):
        token = match.group(0)
        if token.isalpha():  # most words: no digit, no underscore
            continue
        if "_" in token or (_MIXED.search(token) and not _INNOCENT_MIX.fullmatch(token)):
            found.append(token)
    return sorted(set(found))


_MIXED = re.compile(r"[a-z]{2,}\d|\d[a-z]{2,}|[a-z]\d+[a-z]")
# 2de, 3e, 19.30u, 10uur, 2x, mp4, 4g, covid19, a4, h2o, 8ste
_INNOCENT_MIX = re.compile(
    r"\d+(?:e|de|ste|ste|ds|der|x|u|uur|h|ste|jarig|jarige|jarigen|uurs|minuten|min|km|m|kg|jr|jaar|ke)"
    r"|\d+[.:]\d+(?:u|uur|h)?|mp[34]|[345]g|covid\d+|a\d|h2o|\d+(?:nd|rd|st|th)"
)


def _handle(word: str, ordinary: Callable[[str], bool]) -> bool:
    """A word after a platform's name that is no ordinary word: a handle."""
    return not ordinary(word) and word not in ("de", "het", "een", "the", "a", "an")
