"""The reporting pages at /rapportage, in the look of the case form.

Every page says how fresh it is. After a handler's action a page waits briefly for the
reporting process to catch up rather than show stale figures. Access follows hard rule 4
through the case service (case_records.py), which also logs every look at an incident's
report or trail. The web process's composition root mounts these pages (services/web.py).
"""

from __future__ import annotations

import time
from datetime import date
from typing import Any
from uuid import UUID

from flask import Blueprint, Response, abort, current_app, g, render_template, request

from services.reporting import charts, exports, wording
from services.reporting.board_view import BoardCounts, board_view
from services.reporting.case_records import CaseRecords
from services.reporting.names import Names
from services.reporting.overview import FIGURE_KINDS, milestone_hours_from_totals, overview_from_totals
from services.reporting.projections import (
    MILESTONES,
    SUPPRESS_BELOW,
    aftercare,
    aftercare_by_role,
    evaluation,
    improvements,
    progress,
    protocol_of,
    recorded_actions,
)
from services.reporting.store import ReportStore
from shared.identity import Actor, Role
from shared.protocol.model import StepState

Page = str | tuple[str, int] | Response


def shared_by_step(
    found: list[dict[str, Any]], counts: BoardCounts, named: Names
) -> list[tuple[str, list[dict[str, Any]]]]:
    """The improvements schools shared, per step of the protocol; a school is named only from
    five incidents on (SUPPRESS_BELOW), below that it is 'een school van het bestuur'."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for item in found:
        known = counts.per_school.get(item["school_id"], 0) >= SUPPRESS_BELOW
        who = named.school(item["school_id"]) if known else "een school van het bestuur"
        grouped.setdefault(item["step"], []).append({**item, "school": who})
    return sorted(grouped.items())


def create_blueprint(store: ReportStore, records: CaseRecords, *, wait_seconds: float = 2.0) -> Blueprint:
    """The report pages under /rapportage; `records` is what they ask of the case service."""
    blueprint = Blueprint("reporting", __name__, url_prefix="/rapportage")

    def actor() -> Actor:
        who: Actor | None = g.get("actor")
        if who is None or who.is_administrator:
            abort(403)
        return who

    def fresh() -> dict[str, Any]:
        """Waits (briefly) until the reports have processed every stored event."""
        target = records.last_position()
        deadline = time.monotonic() + wait_seconds
        position, updated = store.position()
        while position < target and time.monotonic() < deadline:
            time.sleep(0.05)
            position, updated = store.position()
        return {"position": position, "updated": updated, "behind": max(0, target - position)}

    def visible_facts() -> list[dict[str, Any]]:
        who = actor()
        if who.role is Role.CASE_HANDLER:
            return store.all_facts(board_id=who.board_id, school_id=who.school_id)
        if who.role in (Role.OTV, Role.BOARD):
            return store.all_facts(board_id=who.board_id)
        return []

    def incident_facts(incident_id: UUID, what: str) -> dict[str, Any] | None:
        """The facts of an incident the actor may see (else 404); the look is logged."""
        who = actor()
        reason = request.args.get("reden", "").strip()
        if who.role in (Role.OTV, Role.BOARD) and not reason:
            return None
        records.record_view(who, incident_id, what=what, reason=reason)
        facts = store.facts([str(incident_id)]).get(str(incident_id))
        if facts is None:
            raise records.not_found()
        return facts

    def evaluation_texts(incident_id: UUID | str) -> dict[str, Any]:
        """The latest evaluation as the actor may read it: sealed texts opened for the school,
        screened for the board and the OTV (they are personal data)."""
        return records.latest_evaluation(actor(), UUID(str(incident_id)))

    def with_texts(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The school's own improvements, read from its evaluated incidents only."""
        texts = []
        for item in found:
            text = str(evaluation_texts(item["incident_id"]).get("protocol_improvements", "")).strip()
            if text:
                texts.append({**item, "text": text})
        return texts

    def ask_reason() -> Page:
        return render_template("case/reason.html", target=request.path, incident_id=None)

    def names(board_id: str) -> Names:
        return Names(board_id, current_app.extensions["zorgvuldig.settings"].boards_dir)

    @blueprint.get("/")
    def index() -> Page:
        who = actor()
        freshness = fresh()
        if who.role in (Role.OTV, Role.BOARD):
            return board_page(who, freshness)
        facts = visible_facts()
        today = date.today()
        rows = []
        for item in sorted(facts, key=lambda f: f["opened_at"], reverse=True):
            result = progress(item, protocol_of(item["protocol_id"]), today)
            rows.append({"facts": item, "progress": result})
        every_moment = [m for item in facts for m in aftercare(item, today)]
        moments = [m for m in every_moment if not m.held]
        return render_template(
            "reporting/school.html",
            rows=rows,
            moments=sorted(moments, key=lambda m: m.due_on),
            by_role=aftercare_by_role(every_moment),
            improvements=with_texts(improvements(facts)),
            freshness=freshness,
            milestones=MILESTONES,
            charts=charts.school_charts(facts, protocol_of, today),
            school=names(who.board_id).school(who.school_id),
            words=wording,
        )

    def board_page(who: Actor, freshness: dict[str, Any]) -> Page:
        """The anonymous overview of every school of the board, a page of schools at a time."""
        totals = store.board_totals(who.board_id, FIGURE_KINDS)
        overview = overview_from_totals(totals)
        named = names(who.board_id)
        until = request.args.get("kwartaal", "")
        counts = BoardCounts.read(store, who.board_id, until)
        view = board_view(
            counts,
            named,
            page=request.args.get("pagina", 1, type=int) or 1,
            until=until,
            search=request.args.get("school", ""),
        )
        return render_template(
            "reporting/board.html",
            overview=overview,
            view=view,
            charts=charts.board_charts(overview, view, milestone_hours_from_totals(totals), named.channel),
            milestones=MILESTONES,
            improvements=store.board_improvements(who.board_id),
            shared=shared_by_step(store.board_shared_improvements(who.board_id), counts, named),
            school_name=named.school,
            freshness=freshness,
            words=wording,
        )

    @blueprint.get("/meldingen/<uuid:incident_id>")
    def incident(incident_id: UUID) -> Page:
        freshness = fresh()
        facts = incident_facts(incident_id, "rapportage")
        if facts is None:
            return ask_reason()
        result = progress(facts, protocol_of(facts["protocol_id"]), date.today())
        return render_template(
            "reporting/incident.html",
            facts=facts,
            progress=result,
            evaluation=evaluation_texts(incident_id) if evaluation(facts) else None,
            moments=aftercare(facts, date.today()),
            milestones=MILESTONES,
            freshness=freshness,
            words=wording,
            reason=request.args.get("reden", ""),
        )

    def trail_rows(incident_id: UUID, protocol_id: str) -> list[dict[str, Any]]:
        """The trail as rows, from the incident's stream alone (the case checks access; the
        protocol comes from the report's facts, not from replaying the incident again)."""
        return records.trail_rows(actor(), incident_id, protocol_of(protocol_id))

    @blueprint.get("/meldingen/<uuid:incident_id>/logboek")
    def trail(incident_id: UUID) -> Page:
        facts = incident_facts(incident_id, "logboek (rapportage)")
        if facts is None:
            return ask_reason()
        protocol = protocol_of(facts["protocol_id"])
        rows = trail_rows(incident_id, facts["protocol_id"])
        step = request.args.get("stap", "")
        who = request.args.get("wie", "")
        shown = [r for r in rows if (not step or str(r["step"]) == step) and (not who or r["who"] == who)]
        at_version = request.args.get("versie", type=int)
        earlier = None
        if at_version:
            earlier = records.checklist_at(incident_id, at_version)  # as the incident page showed it then
        return render_template(
            "reporting/trail.html",
            incident_id=incident_id,
            rows=shown,
            all_rows=rows,
            step=step,
            who=who,
            steps=protocol.steps,
            actors=sorted({r["who"] for r in rows}),
            at_version=at_version,
            earlier=earlier,
            StepState=StepState,
            reason=request.args.get("reden", ""),
        )

    @blueprint.get("/meldingen/<uuid:incident_id>/logboek.csv")
    def trail_csv(incident_id: UUID) -> Page:
        facts = incident_facts(incident_id, "export logboek (csv)")
        if facts is None:
            return ask_reason()
        rows = trail_rows(incident_id, facts["protocol_id"])
        return Response(
            exports.trail_csv(rows),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="logboek-{incident_id}.csv"'},
        )

    @blueprint.get("/meldingen/<uuid:incident_id>/logboek.pdf")
    def trail_pdf(incident_id: UUID) -> Page:
        facts = incident_facts(incident_id, "export logboek (pdf)")
        if facts is None:
            return ask_reason()
        rows = trail_rows(incident_id, facts["protocol_id"])
        lines = [f"#{r['version']}  {r['at']}  {r['who_name']}: {r['what']}  {r['data']}" for r in rows]
        body = exports.pdf(
            "Logboek van een melding",
            [("Gebeurtenissen", lines)],
            f"Zorgvuldig - melding {incident_id}. Vertrouwelijk.",
        )
        return Response(
            body,
            mimetype="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="logboek-{incident_id}.pdf"'},
        )

    @blueprint.get("/meldingen/<uuid:incident_id>/evaluatie.pdf")
    def evaluation_pdf(incident_id: UUID) -> Page:
        facts = incident_facts(incident_id, "export evaluatie (pdf)")
        if facts is None:
            return ask_reason()
        result = progress(facts, protocol_of(facts["protocol_id"]), date.today())
        held = evaluation_texts(incident_id) if evaluation(facts) else {}
        steps = [
            f"Stap {s.step.number}. {s.step.title}: {s.state.value}"
            + (f" ({wording.day(s.done_at)})" if s.done_at else "")
            for s in result.steps
        ]
        timeline = [
            f"{wording.moment(a.at)}  {said}"
            for a in recorded_actions(facts)
            if (said := records.sentence(a.action))
        ]
        body = exports.pdf(
            "Evaluatie voor het ZAT-overleg",
            [
                ("Stappen", steps),
                ("Verloop", timeline),
                ("Wat ging goed?", [str(held.get("went_well", "Nog niet geëvalueerd."))]),
                ("Wat kan beter?", [str(held.get("could_be_better", "-"))]),
                ("Verbeteringen voor het protocol", [str(held.get("protocol_improvements", "-"))]),
                ("Preventie", [str(held.get("prevention", "-"))]),
            ],
            "Zorgvuldig - alleen procesinformatie, zonder namen.",
        )
        return Response(
            body,
            mimetype="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="evaluatie-{incident_id}.pdf"'},
        )

    return blueprint
