"""Which letters wait for a second person before they go out (four eyes).

Every letter that reaches parents or pupils waits, whatever the number of recipients. A
board's file may exempt briefings to staff, and may let a letter through whose typed text is
only vetted sentences (shared/vetted_sentences.py): nothing typed is left to read. Letters to
professionals outside the school (the IT service desk, the OTV) wait from the board's
`vier_ogen_vanaf` recipients on, as before.
"""

from __future__ import annotations

from collections.abc import Mapping

from shared.boards import Board
from shared.letters import CATALOGUE, CONTEXT_FIELDS
from shared.vetted_sentences import only_vetted

PARENTS_OR_PUPILS = frozenset({"ouders", "leerlingen", "ouders en leerlingen"})
STAFF = "medewerkers"


def needs_review(
    letter_key: str, statement: Mapping[str, str], *, recipients: int, board: Board, language: str
) -> bool:
    """True when the letter must wait for a second person's approval."""
    audience = CATALOGUE[letter_key].audience
    typed = {name: str(statement.get(name, "")) for name in CONTEXT_FIELDS if name != "school_name"}
    if board.vetted_skip_review and only_vetted(typed, board, language):
        return False
    if audience in PARENTS_OR_PUPILS:
        return True
    if audience == STAFF:
        return not board.staff_letters_skip_review
    return recipients > board.four_eyes_from
