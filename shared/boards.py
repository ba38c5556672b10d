"""Boards and their schools as the letters know them: a school's name, contact address,
telephone number, website and care team (the accounts told of every new melding), the
help sites and numbers a letter may point to, from how many recipients a letter to
professionals needs a second person's approval (one to parents or pupils always does:
services/case/four_eyes.py), its vetted sentences, how many addresses one letter may reach,
the names of channels that the reports do not know yet, and the board's own look on the pages
(colours, logo).

One TOML file per board in shared/boards/, or in the folder ZORGVULDIG_BOARDS_DIR names (a
board's own file there wins). A board without a file gets the defaults below.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from shared.formatting import number

BUILT_IN = Path(__file__).resolve().parent / "boards"
# The national help lines the protocol names (Centrum Seksueel Geweld, Slachtofferhulp, Veilig
# Thuis, Helpwanted, de Kindertelefoon, 113), with their sites and numbers.
DEFAULT_HELP_SITES = (
    "stappenplansexting.nl", "helpwanted.nl", "meldknop.nl", "veiligthuis.nl", "113.nl",
    "kindertelefoon.nl", "bureaujeugdenmedia.nl", "offlimits.nl", "slachtofferhulp.nl",
    "centrumseksueelgeweld.nl", "meldpunt-kinderporno.nl",
)  # fmt: skip
DEFAULT_HELP_NUMBERS = ("113", "0800-0113", "0800-0432", "0800-2000", "0800-0188", "0900-0101", "020-2615275")
DEFAULT_FOUR_EYES_FROM = 30
# A whole school's parents in one letter; a board's file may set a lower (or higher) limit.
DEFAULT_MAX_RECIPIENTS = 5000


@dataclass(frozen=True)
class School:
    id: str
    name: str
    contact_email: str = ""
    phone: str = ""
    website: str = ""
    address: str = ""  # the school's own street and postcode, which a letter may name
    contact_person: str = ""  # whom parents may call or write to, as each letter's last lines name
    care_team: tuple[str, ...] = ()  # account names told of every new melding ("zorgteam")


@dataclass(frozen=True)
class Board:
    id: str
    name: str
    four_eyes_from: int = DEFAULT_FOUR_EYES_FROM
    help_sites: tuple[str, ...] = DEFAULT_HELP_SITES
    help_numbers: tuple[str, ...] = DEFAULT_HELP_NUMBERS
    schools: dict[str, School] = field(default_factory=dict)
    channels: dict[str, str] = field(default_factory=dict)  # channel code -> the name reports show
    # The board's own vetted sentences per statement field (shared/vetted_sentences.py), and
    # whether a letter of only vetted sentences skips the review; whether letters to staff do.
    vetted_sentences: dict[str, tuple[str, ...]] = field(default_factory=dict)
    vetted_skip_review: bool = False
    staff_letters_skip_review: bool = False
    sending_address: str = ""  # the address letters come from, under the school's name
    max_recipients: int = DEFAULT_MAX_RECIPIENTS  # addresses in one letter or one group
    # The board's own look ([huisstijl]): design tokens over the neutral theme, and a logo file
    # beside the board file; services/case/web/house_style.py decides what of it a page may use.
    house_style: dict[str, str] = field(default_factory=dict)
    folder: Path | None = None  # where the board file was read, so that its logo can be found

    def too_many_recipients(self, count: int) -> str:
        """The Dutch sentence that refuses a letter or group above the limit; "" within it."""
        if count <= self.max_recipients:
            return ""
        return (
            f"Een brief of groep gaat naar hoogstens {number(self.max_recipients)} adressen; dit zijn "
            f"er {number(count)}. Verdeel de adressen over meer groepen."
        )

    def school(self, school_id: str) -> School:
        return self.schools.get(school_id) or School(school_id, school_id.replace("-", " ").title())


# The board file's Dutch names for the statement fields it may add vetted sentences to.
VETTED_FIELDS = {
    "wat_er_speelt": "what_is_happening",
    "wat_wij_ervan_vinden": "what_we_think",
    "wat_wij_doen": "what_we_do",
    "waarom": "why",
    "contactpersoon": "contact_person",
}


class BoardFileError(ValueError):
    """Raised when a board's file cannot be read; says which and why, in Dutch."""


@cache
def board(board_id: str, folder: str = "") -> Board:
    """The board's settings from its file, or the defaults."""
    for directory in (Path(folder),) if folder else ():
        path = directory / f"{board_id}.toml"
        if path.is_file():
            return _read(path, board_id)
    path = BUILT_IN / f"{board_id}.toml"
    return _read(path, board_id) if path.is_file() else Board(board_id, board_id.replace("-", " ").title())


def _read(path: Path, board_id: str) -> Board:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        schools = {
            key: School(
                key,
                str(value["naam"]),
                str(value.get("contactadres", "")),
                str(value.get("telefoon", "")),
                str(value.get("website", "")),
                str(value.get("adres", "")),
                str(value.get("contactpersoon", "")),
                tuple(str(name) for name in value.get("zorgteam", ())),
            )
            for key, value in data.get("scholen", {}).items()
        }
        return Board(
            board_id,
            str(data.get("naam", board_id)),
            int(data.get("vier_ogen_vanaf", DEFAULT_FOUR_EYES_FROM)),
            tuple(data.get("hulpsites", DEFAULT_HELP_SITES)),
            tuple(str(n) for n in data.get("hulpnummers", DEFAULT_HELP_NUMBERS)),
            schools,
            {str(key): str(name) for key, name in data.get("kanalen", {}).items()},
            {
                VETTED_FIELDS[key]: tuple(str(s) for s in sentences)
                for key, sentences in data.get("vaste_zinnen", {}).items()
            },
            bool(data.get("zonder_controle_bij_vaste_zinnen", False)),
            bool(data.get("brieven_aan_medewerkers_zonder_controle", False)),
            str(data.get("afzendadres", "")),
            int(data.get("hoogstens_ontvangers", DEFAULT_MAX_RECIPIENTS)),
            {str(key): str(value) for key, value in data.get("huisstijl", {}).items()},
            path.parent,
        )
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise BoardFileError(f"Het bestuursbestand {path.name} klopt niet: {error}") from None
