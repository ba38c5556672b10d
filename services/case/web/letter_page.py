"""One letter's page: what it is, whom it reached, and which recipients' mail came back after
the mail server had accepted it, and why. The school's handlers see those addresses; the OTV
and the board see only that a recipient's mail came back, never the address."""

from __future__ import annotations

from uuid import UUID

from flask import Blueprint, render_template

from services.case.domain.letter_request import LetterRequest
from services.case.web.views import Page, actor, ask_reason, cases, stated_reason
from shared.identity import Role
from shared.letters import CATALOGUE

blueprint = Blueprint("letter_page", __name__)

UNKNOWN = "onbekend"


@blueprint.get("/meldingen/<uuid:incident_id>/brieven/<uuid:letter_id>")
def letter(incident_id: UUID, letter_id: UUID) -> Page:
    reason = stated_reason(incident_id)
    if reason is None:
        return ask_reason(incident_id)
    cases().record_view(actor(), incident_id, what="brief", reason=reason)
    shown = next((x for x in cases().letters(actor(), incident_id) if x.id == letter_id), None)
    if shown is None:
        return render_template("letters/letter_missing.html", incident_id=incident_id), 404
    return render_template(
        "letters/letter.html",
        incident_id=incident_id,
        letter=shown,
        title=CATALOGUE[shown.letter].title if shown.letter in CATALOGUE else shown.letter,
        bounced=bounced_lines(shown, addresses=actor().role is Role.CASE_HANDLER),
    )


def bounced_lines(letter: LetterRequest, *, addresses: bool) -> list[tuple[str, str]]:
    """Each bounce as (who, why): the address for the school, "een ontvanger" for others."""
    lines = []
    for recipient, why in letter.bounced:
        who = (recipient or "ontvanger onbekend") if addresses else "een ontvanger"
        lines.append((who, why or UNKNOWN))
    return lines
