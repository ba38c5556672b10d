"""The second person's review of a letter: read exactly what parents will read, with what the
author typed highlighted and what deserves a second look marked, then approve or reject with
a reason the author sees beside the field it concerns.

The page and the decision both need the privacy guard: while it cannot run, nothing is shown
for review and nothing is approved (GuardNotReady, 503), so nothing is sent.
"""

from __future__ import annotations

from functools import cache
from typing import Any
from uuid import UUID

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from services.case.application import CaseManagement
from services.case.approvers import Approvers, approvers_of
from services.case.domain.errors import NoLetterToDecide
from services.case.domain.incident import Incident
from services.case.domain.letter_request import LetterRequest, Review
from services.case.domain.other_schools import NOTICE_LETTER, NOTICE_TITLE
from services.case.lists import ListUnavailable
from services.case.review_copy import fixed_copy, review_copies, without_allowed
from services.case.review_list import ReviewList, WaitingLetter
from services.case.screening import recorded_for_letters
from shared.accounts import Accounts
from shared.boards import board
from shared.identity import Actor, Role
from shared.letters import CATALOGUE, LABELS, Letter, RenderedLetter, compose, render_notice
from shared.privacy import PrivacyGuard
from shared.privacy.review import spans_to_review

blueprint = Blueprint("review", __name__)

QUESTION = (
    "Kan een ouder hieruit een leerling herkennen? (naam, bijnaam, klas, uiterlijk, familie, een "
    "kenmerk zoals 'de enige tweeling', wat er op het beeld te zien is)"
)
WHOLE_LETTER = "brief"  # the reject form's choice for a remark about the letter as a whole
ERASED = (
    "De persoonsgegevens van deze melding zijn gewist: de ontvangers van deze brief zijn niet meer "
    "te lezen. De brief wordt niet verzonden."
)

Page = str | tuple[str, int] | Response


def cases() -> CaseManagement:
    application: CaseManagement = current_app.extensions["zorgvuldig.cases"]
    return application


def accounts() -> Accounts:
    store: Accounts = current_app.extensions["zorgvuldig.accounts"]
    return store


def guard() -> PrivacyGuard:
    privacy: PrivacyGuard = current_app.extensions["zorgvuldig.guard"]
    return privacy


def reviewer() -> Actor:
    actor: Actor | None = g.get("actor")
    if actor is None or actor.role not in (Role.CASE_HANDLER, Role.OTV):
        abort(403)
    return actor


def review_list() -> ReviewList:
    found: ReviewList = current_app.extensions["zorgvuldig.review_list"]
    return found


def approvers_for(letter: LetterRequest) -> Approvers:
    store = accounts()
    return approvers_of(
        author=letter.composed_by,
        school_id=letter.school_id,
        board_id=letter.board_id,
        accounts=store.all(),
        unavailable=store.locked,
        notified=review_list().asked(letter.id),
        email_of=store.email,
    )


def erased(incident: Incident) -> bool:
    return incident.personal_data_erased


def _letter(actor: Actor, incident_id: UUID, letter_id: UUID) -> tuple[Incident, LetterRequest]:
    incident = cases().incident(actor, incident_id)  # another school's or board's: 404, as everywhere
    letter = next((lt for lt in cases().letters(actor, incident_id) if lt.id == letter_id), None)
    if letter is None:
        raise NoLetterToDecide()
    return incident, letter


@blueprint.get("/meldingen/<uuid:incident_id>/brieven/<uuid:letter_id>/beoordelen")
def review(incident_id: UUID, letter_id: UUID) -> Page:
    actor = reviewer()
    incident, letter = _letter(actor, incident_id, letter_id)
    return _page(actor, incident, letter)


@blueprint.post("/meldingen/<uuid:incident_id>/brieven/<uuid:letter_id>/goedkeuren")
def approve(incident_id: UUID, letter_id: UUID) -> Page:
    actor = reviewer()
    incident, letter = _letter(actor, incident_id, letter_id)
    if erased(incident):
        return _page(actor, incident, letter, problem=ERASED, status=409)
    if not approvers_for(letter).includes(actor.id):
        return _page(actor, incident, letter, problem=_not_yours(actor, letter), status=403)
    _guarded(incident, letter)  # the guard must run now: LetterBlocked or GuardNotReady stop it
    cases().decide_letter(actor, incident_id, letter_id=letter_id, approve=True)
    flash("De brief is goedgekeurd en wordt verzonden. Het resultaat verschijnt in het logboek.")
    return redirect(url_for("case.incident", incident_id=incident_id) + "#tijdlijn")


@blueprint.post("/meldingen/<uuid:incident_id>/brieven/<uuid:letter_id>/afkeuren")
def reject(incident_id: UUID, letter_id: UUID) -> Page:
    actor = reviewer()
    incident, letter = _letter(actor, incident_id, letter_id)
    if not approvers_for(letter).includes(actor.id):
        return _page(actor, incident, letter, problem=_not_yours(actor, letter), status=403)
    reason = request.form.get("reden", "").strip()
    field = request.form.get("veld", WHOLE_LETTER)
    if not reason:
        return _page(
            actor, incident, letter, reason_missing=True, chosen_field=field, status=422,
            problem="Schrijf erbij waarom de brief niet weg kan; de opsteller ziet het naast het veld.",
        )  # fmt: skip
    cases().decide_letter(
        actor, incident_id, letter_id=letter_id, approve=False, reason=reason,
        field="" if field == WHOLE_LETTER else field,
    )  # fmt: skip
    flash("De brief is afgekeurd en niet verzonden. De opsteller ziet uw reden en kan hem aanpassen.")
    return redirect(url_for("case.incident", incident_id=incident_id) + "#tijdlijn")


def _not_yours(actor: Actor, letter: LetterRequest) -> str:
    if actor.id == letter.composed_by:
        return "U hebt deze brief zelf opgesteld. Een tweede persoon moet hem lezen en goedkeuren."
    own = accounts().email(letter.composed_by).strip().casefold()
    if own and accounts().email(actor.id).strip().casefold() == own:
        return (
            "Deze brief is opgesteld met een ander account met uw e-mailadres: u kunt hem niet zelf "
            "goedkeuren. Een tweede persoon moet hem lezen en goedkeuren."
        )
    return "U kunt deze brief niet goedkeuren. " + approvers_for(letter).waiting_note


def _guarded(incident: Incident, letter: LetterRequest) -> None:
    """The letter checked by the guard as the notifier will check it."""
    if letter.letter == NOTICE_LETTER:
        _school_notice(incident, letter)
        return
    settings = board(incident.board_id, current_app.extensions["zorgvuldig.settings"].boards_dir)
    compose(
        letter.letter,
        letter.statement,
        guard=guard(),
        board=settings,
        school=settings.school(incident.school_id),
        recorded=recorded_for_letters(incident),
        staff_names=accounts().names_at_school(incident.school_id),
        language=letter.language,
    )


def _school_notice(incident: Incident, letter: LetterRequest) -> RenderedLetter:
    """The notice to another school as the notifier renders and guards it, with the school's own
    one-time link; LetterBlocked or GuardNotReady as the notifier would meet them."""
    settings = board(incident.board_id, current_app.extensions["zorgvuldig.settings"].boards_dir)
    stored = cases().stored_incident(incident.id)  # the page's copy may be screened for the OTV
    school = next((s for s in stored.other_schools.values() if s.notice_letter == str(letter.id)), None)
    link = current_app.extensions["zorgvuldig.settings"].site_url + (
        cases().confirmation_link(incident.id, school.number) if school else "/bevestigen/"
    )
    return render_notice(
        NOTICE_LETTER,
        {"link": link, "perpetrators_school": school is not None and school.role == "dader"},
        settings.school(incident.school_id),
        settings,
        guard(),
        recorded=recorded_for_letters(stored),
    )


def _page(
    actor: Actor,
    incident: Incident,
    letter: LetterRequest,
    *,
    problem: str = "",
    reason_missing: bool = False,
    chosen_field: str = "",
    status: int = 200,
) -> Page:
    settings = board(incident.board_id, current_app.extensions["zorgvuldig.settings"].boards_dir)
    school = settings.school(incident.school_id)
    forbidden = guard().forbidden(recorded_for_letters(incident))  # GuardNotReady: 503, no review
    allowed = [school.name, *accounts().names_at_school(incident.school_id), *settings.help_sites]
    if letter.letter == NOTICE_LETTER:
        copies = [fixed_copy(_school_notice(incident, letter))]
    else:
        copies = review_copies(
            letter.letter,
            letter.statement,
            school_name=school.name,
            languages=[letter.language],
            looks=without_allowed(lambda text: spans_to_review(text, forbidden), allowed),
        )
    who = approvers_for(letter)
    return render_template(
        "letters/review.html",
        incident=incident,
        letter=letter,
        title=NOTICE_TITLE if letter.letter == NOTICE_LETTER else CATALOGUE[letter.letter].title,
        copies=copies,
        question=QUESTION,
        approvers=who,
        may_decide=letter.awaiting_review and who.includes(actor.id) and not erased(incident),
        is_author=actor.id == letter.composed_by,
        erased_note=ERASED if erased(incident) and letter.awaiting_review else "",
        fields=[(name, LABELS.get(name, name)) for name in copies[0].typed_fields] if copies else [],
        whole_letter=WHOLE_LETTER,
        problem=problem,
        reason_missing=reason_missing,
        chosen_field=chosen_field,
        values={"reden": request.form.get("reden", "")},
    ), status


# ------------------------------------------------------------------ the approver's home page


def waiting_for(actor: Actor) -> list[WaitingLetter]:
    """The letters this person may approve now: the home page counts them, naming no one."""
    if actor.role not in (Role.CASE_HANDLER, Role.OTV):
        return []
    store = accounts()
    everyone = store.all()
    found = []
    for waiting in review_list().waiting(actor):
        who = approvers_of(
            author=waiting.author,
            school_id=waiting.school_id,
            board_id=waiting.board_id,
            accounts=everyone,
            unavailable=store.locked,
            email_of=store.email,
        )
        if who.includes(actor.id):
            found.append(waiting)
    return found


def letters_in_review(actor: Actor, letters: list[LetterRequest]) -> dict[str, Any]:
    """For the incident page, of its letters (`cases().letters`): those that wait (and whether
    this person may decide on each), and the rejected ones no later letter has replaced yet."""
    if actor.role not in (Role.CASE_HANDLER, Role.OTV):
        return {"waiting": [], "rejected": [], "may_review": set()}
    replaced = {lt.revises for lt in letters if lt.revises}
    waiting = [lt for lt in letters if lt.awaiting_review]
    store = accounts()
    everyone, locked = store.all(), cache(store.locked)  # read once for all the waiting letters
    asked = review_list().asked_of([lt.id for lt in waiting])
    may_review = {
        lt.id
        for lt in waiting
        if approvers_of(
            author=lt.composed_by,
            school_id=lt.school_id,
            board_id=lt.board_id,
            accounts=everyone,
            unavailable=locked,
            notified=asked.get(lt.id, []),
        ).includes(actor.id)
    }
    return {
        "waiting": waiting,
        "may_review": may_review,
        # A rejected notice to another school shows, with its reason, beside that school.
        "rejected": [
            lt
            for lt in letters
            if lt.review is Review.REJECTED and str(lt.id) not in replaced and lt.letter != NOTICE_LETTER
        ],
    }


@blueprint.app_template_global("letters_waiting_for_me")
def letters_waiting_for_me() -> list[WaitingLetter]:
    """For the home page (letters/waiting_home.html)."""
    actor: Actor | None = g.get("actor")
    if actor is None:
        return []
    try:
        return waiting_for(actor)
    except ListUnavailable:
        return []  # the home page still opens; the letters wait on their incidents' pages too


@blueprint.app_template_global("letter_titles")
def letter_titles() -> dict[str, Any]:
    return {**CATALOGUE, NOTICE_LETTER: Letter(NOTICE_LETTER, NOTICE_TITLE, "andere school", needs=())}
