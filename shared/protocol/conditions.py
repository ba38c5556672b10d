"""The conditions a protocol step can apply under, or stay open while, by the names the
protocol files use. Each is read from an incident's recorded actions. Unknown facts count as
"applies": when in doubt the victim has priority (step 2 starts while step 1 continues)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from shared.protocol.actions import RecordedAction
from shared.protocol.safeguards import undecided_worry


def pupil_visible(actions: Sequence[RecordedAction]) -> bool:
    scopes = [a for a in actions if a.action == "ScopeAssessed"]
    return not scopes or scopes[-1].data.get("pupil_visible") != "nee"


def public_url(actions: Sequence[RecordedAction]) -> bool:
    return any(
        a.data.get("public") or a.data.get("public_url")
        for a in actions
        if a.action in ("SourceUrlRecorded", "MaterialReported")
    )


def url_known(actions: Sequence[RecordedAction]) -> bool:
    return any(a.action == "SourceUrlRecorded" for a in actions)


def reported(actions: Sequence[RecordedAction]) -> bool:
    return any(a.action == "MaterialReported" for a in actions)


def police_ask_report(actions: Sequence[RecordedAction]) -> bool:
    return any(a.action == "PoliceContacted" and "melden" in a.data.get("outcomes", []) for a in actions)


def worry_undecided(actions: Sequence[RecordedAction]) -> bool:
    return undecided_worry(actions) is not None


def recorded_in(actions: Sequence[Any]) -> set[Any]:
    """The numbers of the other schools recorded and not withdrawn, read from recorded actions."""
    withdrawn = {a.data.get("number") for a in actions if a.action == "OtherSchoolWithdrawn"}
    return {a.data.get("number") for a in actions if a.action == "OtherSchoolRecorded"} - withdrawn


def unsettled_in(actions: Sequence[Any]) -> bool:
    """A recorded school neither confirmed receipt nor was called, read from recorded actions.
    The reports' facts hold the other schools' events among the actions; the Incident keeps them
    apart (the application passes the condition to the checklist as held, from its state)."""
    numbers = recorded_in(actions)
    called = ("OtherSchoolNotified", "gebeld")
    settled = {
        a.data.get("number")
        for a in actions
        if a.action == "OtherSchoolConfirmed" or (a.action, a.data.get("how")) == called
    }
    return bool(numbers - settled)


def all_told_in(actions: Sequence[Any]) -> bool:
    """At least one school recorded, and every one confirmed receipt or was called: the other
    schools are informed. Read from recorded actions, as `unsettled_in`."""
    return bool(recorded_in(actions)) and not unsettled_in(actions)


# The protocol's warning that pupils of another school are involved and no school was informed.
OTHER_SCHOOLS_NOT_INFORMED = "andere_scholen_niet_geinformeerd"


# A recorded school neither confirmed receipt nor was called.
OTHER_SCHOOLS_UNSETTLED = "andere_scholen_niet_rond"

CONDITIONS: dict[str, Callable[[Sequence[RecordedAction]], bool]] = {
    "altijd": lambda actions: True,
    OTHER_SCHOOLS_UNSETTLED: unsettled_in,
    "zorg_thuis_zonder_besluit": worry_undecided,
    "leerling_zichtbaar": pupil_visible,
    "openbare_url": public_url,
    "url_bekend": url_known,
    "politie_vraagt_melding": police_ask_report,
    "al_gemeld": reported,
}
