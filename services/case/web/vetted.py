"""Vetted sentences on the statement form: each offered as a button that adds it to its field.

Without script the button posts the form, and the page comes back with the sentence added and
nothing recorded; with script (static/vaste_zinnen.js) the sentence is added in place.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from werkzeug.datastructures import MultiDict

from services.case.domain.incident import Incident
from services.case.web.forms import ActionForm
from shared.boards import Board, board
from shared.languages import DUTCH
from shared.vetted_sentences import sentences_for, with_sentence

OFFERED_ON = frozenset({Incident.CommunicationStatementWritten.__name__})
CHOICE = "zin"  # the name of the buttons: "<field>:<index>"


def board_of(incident: Incident) -> Board:
    return board(incident.board_id, current_app.extensions["zorgvuldig.settings"].boards_dir)


def offered(incident: Incident, form: ActionForm, values: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    """Per field of the form, the sentences a handler may add, in the statement's language."""
    if form.action not in OFFERED_ON:
        return {}
    language = str(values.get("language") or DUTCH)
    found = {spec.name: sentences_for(board_of(incident), spec.name, language) for spec in form.fields}
    return {name: sentences for name, sentences in found.items() if sentences}


def chosen(posted: MultiDict[str, str]) -> bool:
    return CHOICE in posted


def with_chosen_sentence(
    incident: Incident, form: ActionForm, values: dict[str, Any], posted: MultiDict[str, str]
) -> dict[str, Any]:
    """The form's values with the chosen sentence added to its field; unchanged for a choice
    the form does not offer."""
    field, _, index = posted.get(CHOICE, "").partition(":")
    sentences = offered(incident, form, values).get(field, ())
    if not index.isdigit() or int(index) >= len(sentences):
        return values
    return {**values, field: with_sentence(str(values.get(field) or ""), sentences[int(index)])}
