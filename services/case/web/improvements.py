"""Improvements for the protocol that a school shares with its board, after the evaluation.

The handler writes the improvement and names the step it is about; the text passes the same
privacy guard as a letter (no name, class, identifier or word about the material), and a second
handler or the director reviews it before the board sees it. Only a shared text is kept
unsealed; a refused one stays sealed with the incident and is erased with it."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from services.case.domain.incident import Incident
from services.case.screening import recorded_for_letters
from services.case.web import forms, labels
from services.case.web.letters import board_of, cases, guard, handler, staff_names
from shared.letters import allowed_for
from shared.privacy import Finding

blueprint = Blueprint("improvements", __name__)

# How the three events read in the trail.
_STEP = labels.Label("Stap", dict(forms.NOT_NEEDED_STEPS))
_PROPOSAL = labels.Label("Voorstel in", reads=lambda value, _: f"gebeurtenis #{value}")
labels.register("ImprovementProposed", {"step": _STEP, "text": labels.Label("Verbetering")})
labels.register(
    "ImprovementShared", {"proposal_version": _PROPOSAL, "step": _STEP, "text": labels.Label("Verbetering")}
)
labels.register("ImprovementRefused", {"proposal_version": _PROPOSAL, "reason": labels.Label("Reden")})

MAX_TEXT = 1000
Page = str | tuple[str, int] | Response


def steps_of(incident: Incident) -> list[tuple[str, str]]:
    """The steps of the incident's own protocol, as the board reads them."""
    protocol = cases().protocol(incident.protocol_id)
    return [(step.key, f"Stap {step.number}. {step.title}") for step in protocol.steps]


def guarded(incident: Incident, text: str) -> list[str]:
    """What the letters' guard finds in the text, in Dutch; empty when it may be shared."""
    board = board_of(incident)
    school = board.school(incident.school_id)
    privacy = guard()
    findings: list[Finding] = privacy.check(
        {"text": text},
        [text],
        privacy.forbidden(recorded_for_letters(incident)),
        allowed_for(board, school, staff_names(incident.school_id)),
    )
    return [finding.reason for finding in findings]


@blueprint.route("/meldingen/<uuid:incident_id>/verbeteringen", methods=["GET", "POST"])
def propose(incident_id: UUID) -> Page:
    actor = handler()
    incident = cases().incident(actor, incident_id)
    values: dict[str, Any] = {"step": "", "text": ""}
    errors: list[str] = []
    if request.method == "POST":
        values = {"step": request.form.get("step", ""), "text": request.form.get("text", "").strip()}
        if values["step"] not in dict(steps_of(incident)):
            errors.append("Kies de stap van het protocol waar de verbetering over gaat.")
        if not values["text"]:
            errors.append("Schrijf de verbetering voor het protocol op.")
        elif len(values["text"]) > MAX_TEXT:
            errors.append(f"Gebruik hoogstens {MAX_TEXT} tekens.")
        else:
            errors += guarded(incident, values["text"])
        if not errors:
            cases().propose_improvement(actor, incident_id, step=values["step"], text=values["text"])
            flash(
                "De verbetering wacht op beoordeling door een tweede behandelaar of de directeur. Pas "
                "daarna ziet het bestuur haar."
            )
            return redirect(url_for("improvements.propose", incident_id=incident_id))
    return render_template(
        "case/improvements.html",
        incident=incident,
        steps=steps_of(incident),
        values=values,
        errors=errors,
        waiting=incident.improvements_awaiting_review(),
        shared=[a for a in incident.effective_actions() if a.is_a(Incident.ImprovementShared)],
        current_actor_id=actor.id,
    ), (422 if errors else 200)


@blueprint.post("/meldingen/<uuid:incident_id>/verbeteringen/<int:version>/besluit")
def decide(incident_id: UUID, version: int) -> Response:
    """A second handler shares the improvement with the board, or does not, with a reason."""
    actor = handler()
    incident = cases().incident(actor, incident_id)
    share = request.form.get("besluit") == "delen"
    reason = request.form.get("reden", "").strip()
    here = url_for("improvements.propose", incident_id=incident_id)
    proposal = next((a for a in incident.improvements_awaiting_review() if a.version == version), None)
    if share and proposal is not None:
        found = guarded(incident, str(proposal.data.get("text", "")))
        if found:  # a name recorded since the proposal: the guard reads the text again
            flash("De verbetering kan zo niet worden gedeeld: " + " ".join(found))
            return redirect(here)
    if not share and not reason:
        flash("Geef een reden om de verbetering niet te delen; de opsteller ziet die in de tijdlijn.")
        return redirect(here)
    cases().decide_improvement(actor, incident_id, proposal_version=version, share=share, reason=reason)
    flash("De verbetering is gedeeld met het bestuur." if share else "De verbetering wordt niet gedeeld.")
    return redirect(here)
