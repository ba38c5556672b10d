"""Every action a handler records by form: its fields, gathered from each part of the case."""

from __future__ import annotations

from functools import cache
from typing import Any

from services.case.domain.incident import Incident, sentence
from services.case.web import conversation
from services.case.web.forms import authorities, care, communication, material, steps
from services.case.web.forms.questions import ActionForm, Field

FIELDS: dict[str, tuple[Field, ...]] = {
    **material.FIELDS,
    **care.FIELDS,
    **authorities.FIELDS,
    **communication.FIELDS,
    **steps.FIELDS,
}

REMINDERS = {"VictimConversationHeld": conversation.POLICE_QUESTIONS_REMINDER}
EXTRAS: dict[str, dict[str, Any]] = {
    "VictimConversationHeld": {"guidance": conversation.GUIDANCE, "first": conversation.NOT_YOUR_FAULT}
}

# Recorded by the letters pages and the notifier, not through a form of their own.
NOT_BY_FORM = ("LetterRequested", "LetterProposed", "LetterSent", "LetterFailed", "AgreementSetAside")


@cache
def action_forms() -> dict[str, ActionForm]:
    """Every action a handler records by form, in the order of the protocol (read-only)."""
    return {
        name: ActionForm(
            name, sentence(event_class), FIELDS[name], REMINDERS.get(name, ""), EXTRAS.get(name, {})
        )
        for name, event_class in Incident.action_classes().items()
        if name not in NOT_BY_FORM
    }
