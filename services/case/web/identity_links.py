"""The administrator links people who signed in with their school's own account, and wait
for access, to a role and a school (the same as `python -m services.case.beheer koppel`).
An administrator sees and links only identities of their own board's providers."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from shared.config import OidcProvider, Settings
from shared.identities import Identities, LinkRefused
from shared.identity import Role

blueprint = Blueprint("identity_links", __name__, url_prefix="/beheer/identiteiten")

LINKABLE_ROLES = (Role.CASE_HANDLER, Role.STAFF, Role.OTV, Role.BOARD)


@blueprint.before_request
def administrators_only() -> None:
    if g.get("actor") is None or not g.actor.is_administrator:
        abort(403)


def _own_providers() -> dict[str, OidcProvider]:
    settings: Settings = current_app.extensions["zorgvuldig.settings"]
    return {p.name: p for p in settings.oidc_providers if g.actor.administers(p.board_id)}


def _identities() -> Identities:
    identities: Identities | None = current_app.extensions.get("zorgvuldig.identities")
    if identities is None:
        abort(404)
    return identities


@blueprint.get("")
def waiting() -> str:
    providers = _own_providers()
    people = [w for w in _identities().waiting() if w.provider in providers]
    return render_template("admin/identities.html", people=people, providers=providers, roles=LINKABLE_ROLES)


@blueprint.post("")
def link() -> Response:
    provider = _own_providers().get(request.form.get("aanbieder", ""))
    if provider is None:
        abort(404)
    try:
        role = Role(request.form.get("rol", ""))
    except ValueError:
        role = None
    if role not in LINKABLE_ROLES:
        flash("Kies een rol.")
        return redirect(url_for("identity_links.waiting"))
    assert role is not None
    try:
        username = _identities().link(
            provider,
            request.form.get("sub", ""),
            role=role,
            school_id=request.form.get("school", "").strip(),
            linked_by=g.actor.id,
        )
    except LinkRefused as refused:
        flash(refused.message)
        return redirect(url_for("identity_links.waiting"))
    flash(
        f"Gekoppeld: {username} is nu {role.label}. Bij de volgende keer inloggen heeft deze persoon toegang."
    )
    return redirect(url_for("identity_links.waiting"))
