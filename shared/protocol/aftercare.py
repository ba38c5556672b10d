"""Aftercare for everyone the incident touched (Kindante step 9, the Stappenplan's "plan
momenten in voor nazorg aan alle betrokkenen"): the roles a moment is for, never a name, and
which of the roles the incident touched still have no moment planned."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

# Who an aftercare moment is for, by role.
AFTERCARE_ROLES: dict[str, str] = {
    "slachtoffer": "het slachtoffer",
    "ouders_slachtoffer": "de ouders van het slachtoffer",
    "leerlingen_deelden": "de leerlingen die het deelden",
    "ouders_leerlingen_deelden": "de ouders van de leerlingen die het deelden",
    "leerlingen_zagen": "de leerlingen die het zagen",
    "ouders_leerlingen_zagen": "de ouders van de leerlingen die het zagen",
    "medewerkers": "de medewerkers",
}
# Roles recorded before the list above; they stay readable and count as their own role.
EARLIER_ROLES: dict[str, str] = {"dader": "de dader of verspreider", "klas": "de klas"}
VICTIM_ROLES = ("slachtoffer", "ouders_slachtoffer")

NOT_A_ROLE = (
    "Kies voor wie de nazorg is uit de rollen (het slachtoffer, de leerlingen die het deelden of "
    "zagen, hun ouders, de medewerkers). Een naam hoort hier niet: die staat alleen versleuteld bij "
    "de betrokken leerlingen."
)


def role_label(code: str) -> str:
    """The role as a person reads it; an unknown code reads as 'een andere betrokkene'."""
    return AFTERCARE_ROLES.get(code) or EARLIER_ROLES.get(code) or "een andere betrokkene"


def is_role(code: Any) -> bool:
    return isinstance(code, str) and (code in AFTERCARE_ROLES or code in EARLIER_ROLES)


def touched_roles(pupil_visible: bool) -> tuple[str, ...]:
    """The roles an incident touches: all of them, the victim and the victim's parents only when
    a pupil of the school is visible."""
    return tuple(role for role in AFTERCARE_ROLES if pupil_visible or role not in VICTIM_ROLES)


def roles_without_aftercare(actions: Iterable[Any], pupil_visible: bool) -> list[str]:
    """The touched roles for which no aftercare moment was planned yet."""
    planned = {a.data.get("for_whom") for a in actions if a.action == "AftercarePlanned"}
    return [role for role in touched_roles(pupil_visible) if role not in planned]
