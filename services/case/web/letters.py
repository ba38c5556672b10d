"""Letters from the case handler's side: compose from the communication statement, preview
exactly what will be sent, confirm. Confirming requests a letter (a LetterRequest of its own,
services/case/domain/letter_request.py); the relay and the notifier do the rest, and the
outcome lands on the letter's stream, shown in the incident's audit trail. "Verzonden
berichten" shows what the local mail catcher received, so a school sees what parents got."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from services.case.application import CaseManagement
from services.case.domain.errors import MaterialRefused
from services.case.domain.guards import looks_like_material
from services.case.domain.incident import Incident
from services.case.domain.letter_request import LetterRequest, Review
from services.case.domain.letters import DELETION_CALL_WAITS, deletion_call_ready, recorded_facts
from services.case.domain.safeguards import AUDIENCES, SAFETY_EXPLANATION
from services.case.four_eyes import needs_review
from services.case.screening import recorded_for_letters
from services.case.web import sent_mail
from shared.accounts import Accounts
from shared.boards import Board, board
from shared.identity import Actor, Role
from shared.languages import DUTCH, by_code, languages, name_of
from shared.letters import (
    CATALOGUE,
    CONTEXT_FIELDS,
    FACT_FIELDS,
    LABELS,
    STATEMENT_FIELDS,
    LetterBlocked,
    compose,
)
from shared.privacy import PrivacyGuard
from shared.recipients import RecipientGroup, RecipientGroups, valid_address

blueprint = Blueprint("letters", __name__)

# A whole school's addresses (5.000 of up to 254 characters) pass in the letter's form and a group's.
LARGE_FORM_ENDPOINTS = {"letters.compose_letter", "letters.recipient_groups"}
LARGE_FORM_BYTES = 4 * 1024 * 1024
FIELD_NAMES = {"group": "groep ontvangers", "recipients": "e-mailadressen", "language": "taal van de brief"}

Page = str | tuple[str, int] | Response


@blueprint.url_value_preprocessor
def room_for_a_whole_school(endpoint: str | None, values: dict[str, Any] | None) -> None:
    # Runs before every before_request (the CSRF check reads the form first).
    if endpoint in LARGE_FORM_ENDPOINTS:
        request.max_content_length = LARGE_FORM_BYTES
        request.max_form_memory_size = LARGE_FORM_BYTES


def cases() -> CaseManagement:
    application: CaseManagement = current_app.extensions["zorgvuldig.cases"]
    return application


def handler() -> Actor:
    actor: Actor | None = g.get("actor")
    if actor is None or actor.role is not Role.CASE_HANDLER:
        abort(403)
    return actor


def latest_statement(incident: Incident, language: str = DUTCH) -> dict[str, str]:
    """The communication statement last recorded in that language; empty when there is none."""
    statements = [
        a
        for a in incident.effective_actions()
        if a.is_a(Incident.CommunicationStatementWritten) and a.data.get("language", DUTCH) == language
    ]
    return {k: v for k, v in statements[-1].data.items() if k != "language"} if statements else {}


def letter_language(values: dict[str, Any], saved: RecipientGroup | None) -> str:
    """The language the handler chose, else the saved group's, else Dutch."""
    return str(values.get("language") or (saved.language if saved else DUTCH))


def statement_in(incident: Incident, values: dict[str, Any], language: str) -> str:
    """Puts the statement of the letter's language in the form when the language changed and
    the text on the form is still the recorded statement of the former one (what a handler
    typed or changed is never replaced). Returns a notice for the page, or ""."""
    shown = str(values.get("statement_language") or DUTCH)
    values["statement_language"] = language
    if language == shown:
        return ""
    before = latest_statement(incident, shown)
    if any(str(values.get(k, "")).strip() != before.get(k, "").strip() for k in STATEMENT_FIELDS):
        return ""
    statement = latest_statement(incident, language)
    values.update({k: statement.get(k, "") for k in STATEMENT_FIELDS})
    name = name_of(language)
    if statement:
        return f"De brief gaat in het {name}: hieronder staat het communicatiestatement in het {name}."
    return (
        f"De brief gaat in het {name}, maar er is nog geen communicatiestatement in het {name} "
        f"vastgelegd. Schrijf de tekst hieronder in het {name}, of leg het statement eerst vast bij de "
        f"melding ('Het communicatiestatement is opgesteld', in het {name})."
    )


def recipients_from(text: str) -> list[str]:
    """One address per line, or separated by commas or semicolons."""
    parts = text.replace(";", "\n").replace(",", "\n").splitlines()
    return [p.strip() for p in parts if p.strip()]


@blueprint.route("/meldingen/<uuid:incident_id>/brieven", methods=["GET", "POST"])
def compose_letter(incident_id: UUID) -> Page:
    actor = handler()
    incident = cases().incident(actor, incident_id)
    values: dict[str, Any] = {
        **latest_statement(incident),
        "letter": "ouders_klas",
        "group": "",
        "recipients": "",
        "language": "",
        "statement_language": DUTCH,
    }
    revised = _revised(actor, incident_id, request.values.get("herzien", ""))
    if revised is not None and request.method == "GET":  # the rejected letter, to be fixed
        values.update(revised.statement)
        values.update(
            letter=revised.letter,
            group=revised.group,
            recipients="\n".join(revised.recipients),
            language=revised.language,
            statement_language=revised.language,
        )
    values.update({k: v for k, v in request.form.items() if k not in ("csrf_token", "bevestigd")})
    # What the letter may state comes from the record, never from the form.
    facts = recorded_facts(incident.effective_actions(), incident.situation)
    values.update({k: "ja" if v else "nee" for k, v in facts.items()})
    if revised is not None:
        values["herzien"] = str(revised.id)
        g.rejection = revised
    if request.method == "GET":
        return _page(incident, values)
    saved = (
        groups().get(actor.school_id, values.get("opgeslagen_groep", ""))
        if values.get("opgeslagen_groep")
        else None
    )
    language = letter_language(values, saved)
    notice = statement_in(incident, values, language)
    # One recipient field: a saved group, or addresses pasted into a new group (kept on sending).
    pasted, new_group = recipients_from(values.get("recipients", "")), values.get("group", "").strip()
    recipients, group = (list(saved.addresses), saved.name) if saved else (pasted, new_group)
    errors: dict[str, list[str]] = {}
    if saved is not None and (pasted or new_group):
        errors["recipients"] = [
            "Kies een bewaarde groep of plak de adressen van een nieuwe groep, niet allebei."
        ]
    elif not group:
        errors["group"] = ["Geef de groep ontvangers een naam, bijvoorbeeld 'Ouders groep 7'."]
    if not recipients:
        errors["recipients"] = ["Vul minstens één e-mailadres in."]
    board = board_of(incident)
    if too_many := board.too_many_recipients(len(recipients)):
        errors["recipients"] = [too_many]
    for name in CONTEXT_FIELDS:
        if looks_like_material(str(values.get(name, ""))):
            errors.setdefault(name, []).append(MaterialRefused.message)
    try:
        letter = compose(
            values["letter"],
            values,
            guard=guard(),
            board=board,
            school=board.school(incident.school_id),
            recorded=recorded_for_letters(incident),
            staff_names=staff_names(actor.school_id),
            language=language,
        )
    except LetterBlocked as blocked:
        for field, reasons in blocked.by_field().items():
            errors.setdefault(field, []).extend(reasons)
        return _page(incident, values, errors=errors, notice=notice, status=422)
    if errors:
        return _page(incident, values, errors=errors, preview=letter, notice=notice, status=422)
    reaches = {"letter": values["letter"]}
    if incident.held_back("LetterRequested", reaches):
        return _page(incident, values, errors={"": [SAFETY_EXPLANATION]}, status=409)
    if values["letter"] == "oproep_verwijderen" and not deletion_call_ready(incident.effective_actions()):
        return _page(incident, values, errors={"": [DELETION_CALL_WAITS]}, status=409)
    approval = len(recipients) > board.four_eyes_from or needs_review(
        values["letter"], values, recipients=len(recipients), board=board, language=language
    )
    confirmed = request.form.getlist("bevestigd") == ["ja"]
    override_reason = str(values.get("reden_afwijking", "")).strip()
    conflicts = incident.agreement_conflicts("LetterRequested", reaches)
    if not confirmed or (conflicts and not override_reason) or notice:
        return _page(
            incident,
            values,
            preview=letter,
            count=len(recipients),
            approval=approval,
            notice=notice,
            conflicts=conflicts,
            reason_missing=confirmed and not notice,
            status=422 if confirmed and not notice else 200,
        )
    statement = {
        k: str(values.get(k, ""))
        for k in (*CONTEXT_FIELDS, *FACT_FIELDS)
        if k != "school_name" and values.get(k)
    }
    cases().request_letter(
        actor,
        incident_id,
        letter=values["letter"],
        group=group,
        recipients=recipients,
        statement=statement,
        four_eyes_from=board.four_eyes_from,
        override_reason=override_reason if conflicts else "",
        language=language,
        needs_review=approval,
        revises=revised.id if revised is not None else None,
    )
    title = CATALOGUE[values["letter"]].title
    in_language = f" in het {name_of(language)}" if language != DUTCH else ""
    kept = keep_new_group(actor, saved, group, recipients, language)
    if approval:
        flash(
            f"De brief '{title}'{in_language} aan {len(recipients)} ontvanger(s) wacht op goedkeuring "
            "door een tweede persoon (een tweede behandelaar of de directeur van de school). Pas daarna "
            "wordt hij verzonden; u kunt hem niet zelf goedkeuren." + kept
        )
    else:
        flash(
            f"De brief '{title}'{in_language} staat klaar voor verzending aan "
            f"{len(recipients)} ontvanger(s). Het resultaat verschijnt in het logboek." + kept
        )
    return redirect(url_for("case.incident", incident_id=incident_id) + "#tijdlijn")


def keep_new_group(
    actor: Actor, saved: RecipientGroup | None, group: str, recipients: list[str], language: str
) -> str:
    """Pasted addresses become a group for the next letter, unless the name is taken; says so."""
    if saved is not None or groups().get(actor.school_id, group) is not None:
        return ""
    if not all(valid_address(address) for address in recipients):
        return ""
    groups().save(actor.school_id, group, recipients, language)
    return f" De adressen zijn bewaard als groep '{group}'."


def _revised(actor: Actor, incident_id: UUID, letter_id: str) -> LetterRequest | None:
    """The rejected letter of this incident that the author fixes now, or None."""
    try:
        wanted = UUID(letter_id)
    except ValueError:
        return None
    found = next((lt for lt in cases().letters(actor, incident_id) if lt.id == wanted), None)
    return found if found is not None and found.review is Review.REJECTED else None


def guard() -> PrivacyGuard:
    """The process's privacy guard; GuardNotReady (503) until it has loaded."""
    privacy: PrivacyGuard = current_app.extensions["zorgvuldig.guard"]
    return privacy


def board_of(incident: Incident) -> Board:
    return board_named(incident.board_id)


def board_named(board_id: str) -> Board:
    return board(board_id, current_app.extensions["zorgvuldig.settings"].boards_dir)


def staff_names(school_id: str) -> list[str]:
    """The school's own people, whom a letter may name (its contact person, its director)."""
    accounts: Accounts = current_app.extensions["zorgvuldig.accounts"]
    return accounts.names_at_school(school_id)


def _page(
    incident: Incident,
    values: dict[str, Any],
    *,
    errors: dict[str, list[str]] | None = None,
    preview: Any = None,
    count: int = 0,
    approval: bool = False,
    conflicts: list[str] | None = None,
    reason_missing: bool = False,
    notice: str = "",
    status: int = 200,
) -> Page:
    return render_template(
        "letters/compose.html",
        notice=notice,
        languages=list(languages().values()),
        language_name=name_of,
        conflicts=conflicts or [],
        reason_missing=reason_missing,
        audiences=AUDIENCES,
        safety_explanation=SAFETY_EXPLANATION,
        incident=incident,
        values=values,
        errors=errors or {},
        preview=preview,
        count=count,
        approval=approval,
        catalogue=CATALOGUE,
        labels=LABELS,
        field_names=FIELD_NAMES,
        saved_groups=groups().of_school(incident.school_id),
    ), status


# ------------------------------------------------------------------ recipient groups


def groups() -> RecipientGroups:
    store: RecipientGroups = current_app.extensions["zorgvuldig.recipients"]
    return store


@blueprint.route("/ontvangers", methods=["GET", "POST"])
def recipient_groups() -> Page:
    actor = handler()
    errors: list[str] = []
    values = {"name": "", "addresses": "", "language": DUTCH}
    if request.method == "POST":
        values = {
            "name": request.form.get("name", "").strip(),
            "addresses": request.form.get("addresses", ""),
            "language": request.form.get("language", "") or DUTCH,
        }
        addresses = recipients_from(values["addresses"])
        invalid = [a for a in addresses if not valid_address(a)]
        if not values["name"] or len(values["name"]) > 100:
            errors.append("Geef de groep een naam van hoogstens 100 tekens, bijvoorbeeld 'Ouders groep 7'.")
        if not addresses:
            errors.append("Vul minstens één e-mailadres in.")
        if invalid:
            errors.append(f"{len(invalid)} adres(sen) kloppen niet; controleer bijvoorbeeld '{invalid[0]}'.")
        if too_many := board_named(actor.board_id).too_many_recipients(len(addresses)):
            errors.append(too_many)
        if by_code(values["language"]) is None:
            errors.append("Kies een taal uit de lijst.")
        if not errors:
            groups().save(actor.school_id, values["name"], addresses, values["language"])
            flash(f"De groep '{values['name']}' is bewaard ({len(addresses)} adressen).")
            return redirect(url_for("letters.recipient_groups"))
    return render_template(
        "letters/groups.html",
        groups=groups().of_school(actor.school_id),
        values=values,
        errors=errors,
        languages=list(languages().values()),
        language_name=name_of,
    ), (422 if errors else 200)


@blueprint.post("/ontvangers/verwijderen")
def delete_recipient_group() -> Response:
    actor = handler()
    name = request.form.get("name", "")
    groups().delete(actor.school_id, name)
    flash(f"De groep '{name}' en haar adressen zijn verwijderd.")
    return redirect(url_for("letters.recipient_groups"))


# ------------------------------------------------------------------ sent messages


@blueprint.get("/berichten")
def sent() -> Page:
    """The school's sent letters, one line per letter with its count; one opened at a time."""
    actor = handler()
    folder = current_app.extensions["zorgvuldig.settings"].mail_dir
    letters = sent_mail.sent_letters(folder, actor.school_id)
    opened = next((letter for letter in letters if letter.request == request.args.get("brief")), None)
    text = sent_mail.text_of(opened.copy) if opened else ""
    return render_template("letters/sent.html", letters=letters, opened=opened, text=text, folder=folder)
