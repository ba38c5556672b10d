"""Text that reads differently than it is stored never enters (issue 23, item 6)."""

from __future__ import annotations

import pytest

from services.case.domain.errors import UnreadableText
from services.case.domain.guards import refuse_material


@pytest.mark.parametrize(
    "text",
    [
        "Sara\u202eraaD",  # a right-to-left override: shows "Sara Daar" reversed
        "Noor\u2067 Wijnaldum\u2069",  # a right-to-left isolate
        "Daan\u202aVos",
        "een\x00nul",
        "bel\x07letje",
        "escape\x1b[31m",
        "C1\x85teken",
    ],
)
def test_control_characters_and_direction_overrides_are_refused(text: str) -> None:
    with pytest.raises(UnreadableText):
        refuse_material({"name": text})
    with pytest.raises(UnreadableText):
        refuse_material({"names": ["Sara", text]})


def test_line_breaks_tabs_and_every_script_are_kept() -> None:
    refuse_material(
        {"text": "regel een\r\nregel twee\tmet een tab", "name": "محمد بن علي", "other": "Zoë Ağaoğlu"}
    )
