"""The victim conversation's form: the checklist's questions, in its order and words."""

from __future__ import annotations

from services.case.web import conversation
from services.case.web.forms.questions import CHANNELS, YES_NO_UNKNOWN, Choices, Field

ANSWERS_7: Choices = (
    ("naakt", "Naakt"),
    ("bijna_naakt", "Bijna naakt"),
    ("nee", "Nee"),
    ("weet_niet", "Geen antwoord"),
)
ANSWERS_YES_NO: Choices = (("ja", "Ja"), ("nee", "Nee"), ("weet_niet", "Geen antwoord"))
# The answer is a choice where the checklist names the options, one short line elsewhere.
CONVERSATION_KINDS: dict[str, tuple[str, Choices]] = {
    "told_adult": ("choice", YES_NO_UNKNOWN),
    "naked": ("choice", ANSWERS_7),
    "recognisable": ("choice", ANSWERS_YES_NO),
    "knows_who_saw": ("short", ()),
    "where_seen": ("choices", (*CHANNELS, ("weet_niet", "Weet ik niet"))),
    "made_self": ("choice", ANSWERS_YES_NO),
    "knows_how_spread": ("short", ()),
    "how_found_out": ("short", ()),
    "help_wanted": ("short", ()),
}
CONVERSATION_REQUIRED = ("how_are_you", "told_adult", "naked", "recognisable", "made_self")


def conversation_fields() -> tuple[Field, ...]:
    """The victim conversation: the checklist's questions, in its order and words."""
    specs = [
        Field(
            q.name,
            q.label,
            *CONVERSATION_KINDS.get(q.name, ("long", ())),
            required=q.name in CONVERSATION_REQUIRED,
            hint=q.guidance,
            heading=q.heading,
            ask_no_further=q.ask_no_further,
        )
        for q in conversation.QUESTIONS
    ]
    after_six = next(i for i, spec in enumerate(specs) if spec.name == "why_not_told") + 1
    specs.insert(
        after_six,
        Field(
            "worry_at_home",
            "Zorg over thuis?",
            "choices",
            conversation.WORRIES,
            required=False,
            hint=conversation.WORRY_HINT,
        ),
    )
    specs.append(
        Field(
            "agreements",
            "Afspraken met de leerling",
            "long",
            required=False,
            hint="Wat is afgesproken: wie mag het weten, wat (nog) niet, in welk tempo.",
            heading="Afronding",
        )
    )
    specs.append(
        Field(
            "wording", "Vraagstelling", "fixed", conversation.WORDINGS, value=conversation.WORDING_CHECKLIST
        )
    )
    return tuple(specs)
