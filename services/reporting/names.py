"""The names a report shows for the codes it stores: a school's name from its board's file,
a channel's Dutch name. A code that has no name is shown as it is, and logged once, so that
whoever keeps the board's file can add it; a report never fails on a missing name."""

from __future__ import annotations

import logging
from functools import cache

from shared.boards import BoardFileError, board

log = logging.getLogger("rapportage")

CHANNELS = {
    "whatsapp": "WhatsApp",
    "snapchat": "Snapchat",
    "instagram": "Instagram",
    "tiktok": "TikTok",
    "email": "e-mail",
    "website": "een website",
    "anders": "anders",
}


class Names:
    """The names for one board's reports."""

    def __init__(self, board_id: str, boards_dir: str = "") -> None:
        self.board_id = board_id
        try:
            settings = board(board_id, boards_dir)
            self._schools = {key: school.name for key, school in settings.schools.items()}
            self._channels = {**CHANNELS, **settings.channels}
        except BoardFileError as error:
            log.warning("%s De rapportage toont de codes.", error)
            self._schools, self._channels = {}, dict(CHANNELS)

    def school(self, school_id: str) -> str:
        name = self._schools.get(school_id)
        if name is None:
            _missing(self.board_id, "school", school_id)
            return school_id
        return name

    def channel(self, code: str) -> str:
        name = self._channels.get(code)
        if name is None:
            _missing(self.board_id, "kanaal", code)
            return code
        return name


@cache
def _missing(board_id: str, kind: str, code: str) -> None:
    """Logs a code without a name once per process."""
    log.warning(
        "Het bestuursbestand van %s noemt geen %s %r; de rapportage toont de code.", board_id, kind, code
    )
