"""Warnings said in the form, before saving: what recording this action would add to the
checklist's warnings (the protocol's order, the Meldpunt check), and which answers the risk at
home or the agreements with the pupil hold back. Server-rendered: the form shows them when it
opens and again when the handler asks to check the answers; no script is needed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from services.case.domain.incident import Incident, RecordedAction
from services.case.domain.protocol import CONDITIONS, Protocol, warnings
from services.case.web import forms

# What a form checks up front, before anything is filled in: the answers most likely to draw a
# warning given what is known. A report opens with the Meldpunt in mind unless a public URL is known.
PROBES: dict[str, Callable[[list[RecordedAction]], dict[str, Any]]] = {
    "MaterialReported": lambda actions: {
        "reported_to": "meldpunt",
        "public_url": CONDITIONS["openbare_url"](actions),
    },
}

HELD_BACK = (
    "Nu niet: er is een risico op eerwraak of huiselijk geweld vastgelegd. Raadpleeg eerst Veilig Thuis."
)
NOT_YET = "Volgens de afspraken met de leerling mag deze groep het nog niet weten; u geeft dan een reden."


def foreseen(incident: Incident, protocol: Protocol, action: str, values: dict[str, Any]) -> list[str]:
    """The warnings that recording this action with these values would add, in the protocol's words."""
    actions = incident.effective_actions()
    data = {**PROBES[action](actions), **values} if action in PROBES and not values else dict(values)
    probe = RecordedAction(incident.version + 1, action, "", datetime.now(UTC), data)
    before = {(w.key, w.message) for w in warnings(protocol, actions, incident.situation)}
    after = warnings(protocol, [*actions, probe], incident.situation)
    return [
        w.message for w in after if (w.key, w.message) not in before and w.version in (None, probe.version)
    ]


def option_notes(incident: Incident, form: forms.ActionForm) -> dict[str, dict[str, str]]:
    """Per choice field, the answers that the risk at home or the agreements hold back."""
    notes: dict[str, dict[str, str]] = {}
    for spec in form.fields:
        if spec.kind not in ("choice", "choices"):
            continue
        for code, _ in spec.choices:
            value: Any = [code] if spec.kind == "choices" else code
            if incident.held_back(form.action, {spec.name: value}):
                notes.setdefault(spec.name, {})[code] = HELD_BACK
            elif incident.agreement_conflicts(form.action, {spec.name: value}):
                notes.setdefault(spec.name, {})[code] = NOT_YET
    return notes
