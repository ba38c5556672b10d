"""Parents from the student administration: a handler pastes or picks the CSV export, sees per
class how many addresses and which rows were skipped and why, and saves one recipient group per
class. The file is read in memory and never stored; only validated addresses are kept.

This is the one form that takes a file, and only a small text file: the export is checked for
images, archives and other binaries before a row is read (shared/student_admin.py).
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass
from typing import IO, Any

from flask import Blueprint, Flask, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask import Request as FlaskRequest
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from services.case.web import errors
from shared.identity import Actor, Role
from shared.languages import DUTCH, Language, by_code
from shared.recipients import MAX_ADDRESSES, RecipientGroups, valid_address
from shared.student_admin import MAX_BYTES, MAX_ROWS, ClassAddresses, ExportRefused, Import, read_export

blueprint = Blueprint("recipients_import", __name__, url_prefix="/ontvangers/importeren")

LARGE_FORM_ENDPOINTS = {"recipients_import.preview", "recipients_import.save"}
LARGE_FORM_BYTES = 2 * MAX_BYTES  # the export (at most 2 MB) plus the form around it, or its addresses
MAX_GROUPS = 200

Page = str | tuple[str, int] | Response


class Request(FlaskRequest):
    """Flask's request, keeping an uploaded file in memory: Werkzeug would spool a larger one to
    a temporary file on disk, and the export must never be written anywhere."""

    def _get_file_stream(self, *args: Any, **kwargs: Any) -> IO[bytes]:
        return io.BytesIO()


def init_app(app: Flask) -> None:
    app.request_class = Request
    app.register_blueprint(blueprint)

    @app.url_value_preprocessor
    def room_for_an_export(endpoint: str | None, values: dict[str, Any] | None) -> None:
        # Runs before every before_request (the CSRF check reads the form first).
        if endpoint in LARGE_FORM_ENDPOINTS:
            request.max_content_length = LARGE_FORM_BYTES
            request.max_form_memory_size = LARGE_FORM_BYTES

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(error: RequestEntityTooLarge) -> tuple[Response | str, int]:
        if request.endpoint in LARGE_FORM_ENDPOINTS:
            return _form(errors=[_too_large_message()], status=413)
        return errors.answer(errors.HTTP_MESSAGES[413], 413)


def _too_large_message() -> str:
    return (
        "Het bestand is groter dan 2 MB; dat is de grens. Exporteer alleen de kolommen groep of klas "
        "en de e-mailadressen van ouders, of exporteer per bouw."
    )


def handler() -> Actor:
    actor: Actor | None = g.get("actor")
    if actor is None or actor.role is not Role.CASE_HANDLER:
        abort(403)
    return actor


def groups() -> RecipientGroups:
    store: RecipientGroups = current_app.extensions["zorgvuldig.recipients"]
    return store


def _form(*, errors: list[str] | None = None, status: int = 200) -> tuple[str, int]:
    return render_template(
        "recipients/import.html", errors=errors or [], max_rows=MAX_ROWS, max_addresses=MAX_ADDRESSES
    ), status


@blueprint.get("")
def form() -> Page:
    handler()
    return _form()


@blueprint.post("")
def preview() -> Page:
    handler()
    picked = request.files.get("bestand")
    data: bytes | str = picked.read(MAX_BYTES + 1) if picked and picked.filename else b""
    if not data:
        data = request.form.get("export", "")
    if not data or (isinstance(data, str) and not data.strip()):
        flash("Kies een bestand of plak de export in het tekstvak.")
        return redirect(url_for("recipients_import.form"))
    started = time.perf_counter()
    try:
        result = read_export(data)
    except ExportRefused as refused:
        return _form(errors=[refused.message], status=422)
    finally:
        del data  # the export itself goes no further than this request
    existing = {group.name for group in groups().of_school(g.actor.school_id)}
    return render_template(
        "recipients/preview.html",
        result=result,
        proposals=proposed_groups(result),
        existing=existing,
        seconds=time.perf_counter() - started,
    )


@dataclass(frozen=True)
class ProposedGroup:
    """One group to save: the parents of one class who get letters in one language."""

    name: str
    language: Language
    addresses: list[str]
    found: ClassAddresses


def proposed_groups(result: Import) -> list[ProposedGroup]:
    """Per class a group in Dutch and one per other language its parents read letters in."""
    proposals = []
    for name, found in result.classes.items():
        for code in sorted(found.by_language, key=lambda code: (code != DUTCH, code)):
            language = by_code(code)
            if language is None:
                continue
            label = f"Ouders {name}" if code == DUTCH else f"Ouders {name} ({language.name})"
            proposals.append(ProposedGroup(label, language, found.by_language[code], found))
    return proposals


@blueprint.post("/bewaren")
def save() -> Page:
    actor = handler()
    names = request.form.getlist("groep")
    chosen = set(request.form.getlist("bewaar"))
    lists = request.form.getlist("adressen")
    group_languages = request.form.getlist("taal")
    if len(names) != len(lists) or len(names) != len(group_languages) or len(names) > MAX_GROUPS:
        return _form(
            errors=["Het formulier is niet compleet aangekomen. Importeer het bestand opnieuw."], status=422
        )
    saved = 0
    for name, addresses_text, language in zip(names, lists, group_languages, strict=True):
        if name not in chosen:
            continue
        if by_code(language) is None:
            return _form(errors=["De taal van een groep klopt niet meer. Importeer opnieuw."], status=422)
        addresses = addresses_text.split()
        name = name.strip()[:100]
        if not name or not addresses or len(addresses) > MAX_ADDRESSES:
            continue
        if not all(valid_address(a) for a in addresses):
            return _form(
                errors=[f"De adressen voor '{name}' kloppen niet meer. Importeer opnieuw."], status=422
            )
        groups().save(actor.school_id, name, addresses, language)
        saved += 1
    flash(
        f"{saved} groep(en) ontvangers bewaard uit de leerlingadministratie." if saved else "Niets bewaard."
    )
    return redirect(url_for("letters.recipient_groups"))
