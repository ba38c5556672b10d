"""What the OTV and the board see of a case: its course, without who (issue 5, hard rule 4).

The OTV sees the pupils of an incident only when the school asked it for advice on that
incident; the board never. For them every personal field is screened: a list of people
becomes numbered pseudonyms, the same person keeping the same number throughout the
incident, and free text becomes "[afgeschermd]". Only the view is screened; the stored
events stay as they are. The name of a letter's recipient group ("Ouders groep 6b") names a
class: the OTV and the board read "een groep ouders (n)" instead, also after advice was asked.
"""

from __future__ import annotations

import copy
from typing import Any

from services.case.domain.incident import Incident, sentence
from services.case.domain.letter_request import TRAIL_CLASSES
from shared.identity import Actor, Role
from shared.privacy import Recorded

SCREENED = "[afgeschermd]"


def screens_people(actor: Actor, incident: Incident) -> bool:
    """True when the actor sees this incident with its people screened."""
    if actor.role is Role.BOARD:
        return True
    if actor.role is Role.OTV:
        return not incident.otv_advice_requested
    return False


class Pseudonyms:
    """Numbers each distinct person of one incident in order of first appearance."""

    def __init__(self) -> None:
        self._numbers: dict[str, int] = {}

    def of(self, person: str) -> str:
        number = self._numbers.setdefault(person, len(self._numbers) + 1)
        return f"Persoon {number}"


def personal_fields(action: str) -> tuple[str, ...]:
    """The sealed fields of an action, by its event class name."""
    event_class = getattr(Incident, action, None) or TRAIL_CLASSES.get(action)
    return tuple(getattr(event_class, "personal", ()))


def coded_fields(action: str) -> tuple[str, ...]:
    """The sealed fields of an action that hold fixed answers, not names."""
    return tuple(getattr(getattr(Incident, action, None), "coded", ()))


def screen_value(value: Any, pseudonyms: Pseudonyms) -> Any:
    if isinstance(value, list):
        return [pseudonyms.of(v) if isinstance(v, str) else screen_value(v, pseudonyms) for v in value]
    if isinstance(value, dict):
        return {key: screen_value(v, pseudonyms) for key, v in value.items()}
    if isinstance(value, str):
        return SCREENED if value else value
    return value


def screen_data(action: str, data: dict[str, Any], pseudonyms: Pseudonyms) -> dict[str, Any]:
    """The action's data with its personal fields screened."""
    personal, coded = personal_fields(action), coded_fields(action)
    return without_group_name({
        key: _screen_code(v) if key in coded else screen_value(v, pseudonyms) if key in personal else v
        for key, v in data.items()
    })  # fmt: skip


def hides_group_names(actor: Actor) -> bool:
    """True for the roles that read a recipient group by its size, not its name."""
    return actor.role in (Role.OTV, Role.BOARD)


def group_label(count: int) -> str:
    return f"een groep ouders ({count})"


def without_group_name(data: dict[str, Any]) -> dict[str, Any]:
    """A letter's data (a group with its recipients) with the group named by its size only."""
    recipients = data.get("recipients")
    if "group" not in data or not isinstance(recipients, list):
        return data
    return {**data, "group": group_label(len(recipients))}


def with_group_sizes(incident: Incident) -> Incident:
    """A copy of the incident whose letters name their recipient group by its size only."""
    shown = copy.deepcopy(incident)
    for action in shown.actions:
        action.data = without_group_name(action.data)
    return shown


def _screen_code(value: Any) -> Any:
    """A fixed answer is screened whole: no pseudonym, as it names nobody."""
    if isinstance(value, list):
        return [SCREENED] if value else value
    return SCREENED if value else value


def screened_incident(incident: Incident) -> Incident:
    """A copy of the incident with every personal field screened."""
    pseudonyms = Pseudonyms()
    screened = copy.deepcopy(incident)
    screened.learned_how = screen_value(screened.learned_how, pseudonyms)
    for action in screened.actions:
        action.data = screen_data(action.action, action.data, pseudonyms)
    return screened


ROLE_LABELS = {
    "slachtoffer": "slachtoffer",
    "maker": "maker van het materiaal",
    "deler": "verspreider",
    "ontvanger": "ontvanger",
    "anders": "betrokken leerling",
}


def recorded_for_letters(incident: Incident) -> list[Recorded]:
    """Everything of the incident a letter must never contain, with where it was recorded:
    every part of every pupil in the register, every person in a list of people, and the
    names and class labels in free text. Addresses of recipients are not in it: they are
    where letters go, not what they say."""
    recorded: list[Recorded] = [Recorded("hoe de school het hoorde", incident.learned_how)]
    for pupil in incident.pupils():
        role = ROLE_LABELS.get(pupil.data.get("role", ""), "betrokken leerling")
        label = f"betrokken leerling: {role}"
        for name in ("name", "nickname"):
            recorded.append(Recorded(label, str(pupil.data.get(name, "")), "leerling"))
        recorded.append(Recorded(label, str(pupil.data.get("class_label", "")), "tekst"))
        recorded.extend(Recorded(label, str(a), "leerling") for a in pupil.data.get("accounts", []))
    for action in incident.actions:
        if action.is_a(Incident.PupilRecorded):
            continue
        where = sentence(getattr(Incident, action.action)).rstrip(".").lower()
        coded = coded_fields(action.action)
        for key in personal_fields(action.action):
            if key == "recipients" or key in coded:  # fixed answers name nobody
                continue
            recorded.extend(_recorded(action.data.get(key), where))
    return recorded


def _recorded(value: Any, where: str) -> list[Recorded]:
    if isinstance(value, list):
        return [Recorded(where, str(item), "namen") for item in value if isinstance(item, str)]
    if isinstance(value, dict):
        return [r for item in value.values() for r in _recorded(item, where)]
    if isinstance(value, str):
        return [Recorded(where, value, "tekst")]
    return []
