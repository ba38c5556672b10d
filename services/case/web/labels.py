"""What a recorded event's fields are called in Dutch, and how their values read: one place per
event type, used by the trail page, its CSV and PDF, and the rights copy.

The actions a handler records by form take their labels and answers from the form (`forms.FIELDS`),
so the trail asks what the form asked. Every other event type has its own entry in `EVENTS`: a
dict per event class name, from field name to a `Label`. Another part of the system adds the
events of its own aggregate with `register`. A field without a label shows as "Overig gegeven",
never as its code key; a test renders every event type and fails on any key or code it finds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from services.case.domain.other_schools import NOTICE_LETTER, NOTICE_TITLE
from services.case.domain.protocol import load_protocol
from services.case.domain.safeguards import AUDIENCES
from services.case.web import forms
from shared import formatting
from shared.accounts import school_name
from shared.languages import name_of
from shared.letters import CATALOGUE
from shared.letters import LABELS as LETTER_LABELS

FOLD_AFTER = 5  # a list longer than this is folded behind its count
UNLABELLED = "Overig gegeven"

Person = Callable[[str], str]


@dataclass(frozen=True)
class Shown:
    """A value as a person reads it: a sentence, or a list (folded behind `text` when long)."""

    text: str
    items: tuple[str, ...] = ()

    @property
    def folded(self) -> bool:
        return len(self.items) > FOLD_AFTER

    def plain(self) -> str:
        """One line, for the CSV and the PDF."""
        if not self.items:
            return self.text
        listed = ", ".join(self.items)
        return f"{self.text}: {listed}" if self.folded else listed


@dataclass(frozen=True)
class Label:
    """A field's Dutch name and how its value reads: a dict of codes, or a function of the value
    and the person lookup. `counted` names what a long list counts ("ontvangers")."""

    name: str
    codes: Mapping[str, str] = field(default_factory=dict)
    reads: Callable[[Any, Person], str] | None = None
    counted: str = ""
    hidden: bool = False


def _event_reference(value: Any, _: Person) -> str:
    return f"gebeurtenis #{value}"


def _letter(value: Any, _: Person) -> str:
    letter = CATALOGUE.get(str(value))
    if str(value) == NOTICE_LETTER:
        return NOTICE_TITLE
    return letter.title if letter else str(value).replace("_", " ")


def _protocol(value: Any, _: Person) -> str:
    try:
        protocol = load_protocol(str(value))
    except (FileNotFoundError, ValueError):
        return str(value)
    return f"{protocol.name}, versie {protocol.version}"


def _action_title(value: Any, _: Person) -> str:
    form = forms.action_forms().get(str(value))
    return form.title if form else UNLABELLED


STATEMENT = {spec.name: spec.label for spec in forms.FIELDS["CommunicationStatementWritten"]}
_REASON = Label("Reden")
LETTER_FIELDS = {"": "de brief als geheel", **LETTER_LABELS}

EVENTS: dict[str, dict[str, Label]] = {
    "Opened": {
        "situation": Label("Situatie", dict(forms.SITUATIONS)),
        "learned_how": Label("Hoe de school het hoorde"),
        "school_id": Label("School", reads=lambda v, _: school_name(str(v))),
        "board_id": Label("Bestuur", hidden=True),  # the school says it; the board is its own
        "protocol_id": Label("Protocol", reads=_protocol),
    },
    "Corrected": {
        "corrects": Label("Corrigeert", reads=_event_reference),
        "reason": _REASON,
        "changes": Label("Gewijzigd"),  # read with the corrected event's own labels
        "withdraws": Label("Ingetrokken"),
    },
    "Closed": {"reason": _REASON},
    "Reopened": {"reason": _REASON},
    "PersonalDataErased": {"reason": _REASON},
    "LetterRequested": {
        "letter": Label("Brief", reads=_letter),
        "group": Label("Groep ontvangers"),
        "recipients": Label("Ontvangers", counted="ontvangers"),
        "statement": Label("Communicatiestatement", STATEMENT),
        "language": Label("Taal", reads=lambda v, _: name_of(str(v))),
    },
    "LetterSent": {
        "request_version": Label("Brief klaargezet in", reads=_event_reference),
        "recipient_count": Label("Aantal ontvangers", reads=lambda v, _: formatting.number(v)),
        "maybe_twice": Label("Mogelijk twee keer gekregen", reads=lambda v, _: formatting.number(v)),
    },
    "LetterFailed": {
        "request_version": Label("Brief klaargezet in", reads=_event_reference),
        "reason": _REASON,
    },
    "LetterComposed": {
        "letter_id": Label("Brief", hidden=True),  # a reference to the letter's own stream
        "letter": Label("Brief", reads=_letter),
    },
    "LetterBounced": {
        "recipient_count": Label("Aantal ontvangers", reads=lambda v, _: formatting.number(v)),
        "reason": _REASON,
        # The address shows only on the letter's page, and only to the school's handlers.
        "recipient": Label("Ontvanger", hidden=True),
    },
    "LetterApproved": {"proposal_version": Label("Voorstel in", reads=_event_reference)},
    "LetterRefused": {
        "proposal_version": Label("Voorstel in", reads=_event_reference),
        "reason": _REASON,
        "field": Label("Over", reads=lambda v, _: LETTER_FIELDS.get(str(v), "de brief als geheel")),
    },
    "AgreementSetAside": {
        "agreement_version": Label("Afspraken vastgelegd in", reads=_event_reference),
        "for_action": Label("Bij de actie", reads=_action_title),
        "audiences": Label("Groepen", AUDIENCES),
        "reason": _REASON,
    },
    "StaffAccessGranted": {"staff_id": Label("Medewerker", reads=lambda v, person: person(str(v)))},
    "StaffAccessRevoked": {"staff_id": Label("Medewerker", reads=lambda v, person: person(str(v)))},
}
EVENTS["LetterProposed"] = EVENTS["LetterRequested"]


def register(event_type: str, labels: dict[str, Label]) -> None:
    """Adds (or extends) the labels of an event type, e.g. of another aggregate's events."""
    EVENTS[event_type] = {**EVENTS.get(event_type, {}), **labels}
    _label_of.cache_clear()


@cache
def _label_of(event_type: str, name: str) -> Label | None:
    own = EVENTS.get(event_type, {}).get(name)
    if own is not None:
        return own
    spec = next((f for f in forms.FIELDS.get(event_type, ()) if f.name == name), None)
    if spec is None:
        return None
    return Label(spec.label, dict(spec.choices), counted="regels" if spec.kind == "lines" else "keuzes")


def label(event_type: str, name: str) -> str:
    """The Dutch name of one field of an event type."""
    found = _label_of(event_type, name)
    return found.name if found else UNLABELLED


def show(event_type: str, name: str, value: Any, person: Person = str) -> Shown:
    """One recorded value as a person reads it: codes as their Dutch answer, lists as lists."""
    found = _label_of(event_type, name) or Label(UNLABELLED)
    if isinstance(value, list):
        items = tuple(_one(found, item, person) for item in value)
        if not items:
            return Shown(formatting.NOTHING)
        return Shown(f"{formatting.number(len(items))} {found.counted or 'waarden'}", items)
    if isinstance(value, dict):
        codes = found.codes
        return Shown(
            "" if value else formatting.NOTHING,
            tuple(f"{codes.get(k, UNLABELLED)}: {_plain(v)}" for k, v in value.items()),
        )
    return Shown(_one(found, value, person))


def _one(found: Label, value: Any, person: Person) -> str:
    if found.reads is not None:
        return found.reads(value, person)
    if isinstance(value, bool):
        return formatting.yes_no(value)
    text = str(value)
    if text in found.codes:
        return found.codes[text]
    if _is_date(text):
        return formatting.day(text)
    return text or formatting.NOTHING


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return formatting.yes_no(value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _is_date(text: str) -> bool:
    return len(text) == 10 and text[4] == "-" and text[7] == "-" and text.replace("-", "").isdigit()


def details(
    event_type: str, data: Mapping[str, Any], person: Person = str, corrected_type: str = ""
) -> tuple[tuple[str, Shown], ...]:
    """Every shown field of an event, labelled; a correction's changes read with the labels of
    the event it corrects."""
    lines: list[tuple[str, Shown]] = []
    for name, value in data.items():
        found = _label_of(event_type, name)
        if found is not None and found.hidden:
            continue
        if event_type == "Corrected" and name == "changes" and isinstance(value, dict):
            for changed, new in value.items():
                lines.append(
                    (f"{label(corrected_type, changed)} (nieuw)", show(corrected_type, changed, new, person))
                )
            continue
        lines.append((label(event_type, name), show(event_type, name, value, person)))
    return tuple(lines)
