"""The hand-over sheet for the police: what the school knows, on one page.

Built from the incident's effective actions (corrections applied): the answers to questions
7 to 14 of the conversation with the victim as recorded, the scope, the channels, the
source URL, the reporting and deletion steps with their dates, and the school's contact
person. Never the material: only recorded metadata, no image, no data URI. The question
labels come from `labels`, which takes them from the forms: the sheet asks what the form asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from fpdf import FPDF
from fpdf.enums import WrapMode, XPos, YPos

from services.case.domain.errors import CaseError
from services.case.domain.guards import looks_like_material
from services.case.domain.incident import Incident, RecordedAction
from services.case.domain.takedown import CHANNEL_KINDS, OUTCOMES, route_label, takedowns
from services.case.web import forms, labels
from shared import formatting

# Questions 7 to 14 of the checklist, by the fields the conversation's event stores them in.
POLICE_QUESTIONS = (
    "naked", "recognisable", "knows_who_saw", "where_seen",
    "made_self", "knows_how_spread", "how_found_out", "help_wanted",
)  # fmt: skip
SCOPE_FIELDS = (
    "material_kind", "pupil_visible", "pupil_of_school", "shared_by", "possessed_by", "seen_by",
    "other_schools_involved", "other_schools",
)  # fmt: skip
NOT_INCLUDED = "[niet opgenomen]"
MAX_ANSWER = 400  # characters per answer before the page would no longer hold everything

Line = tuple[str, str]


class HandoverSheetUnavailable(CaseError):
    """Raised when the PDF cannot be made; nothing is sent and no download is logged."""

    message = (
        "Het overdrachtsblad kon niet worden gemaakt. Er is niets gedownload; probeer het opnieuw "
        "of gebruik de tekstversie."
    )


@dataclass(frozen=True)
class Contact:
    name: str
    school: str
    email: str = ""


@dataclass(frozen=True)
class HandoverSheet:
    title: str
    sections: tuple[tuple[str, tuple[Line, ...]], ...]
    watermark: str


def watermark(name: str, username: str, at: datetime) -> str:
    return f"Gedownload door {name} ({username}) op {formatting.moment(at)} - vertrouwelijk"


def build(incident: Incident, contact: Contact, mark: str) -> HandoverSheet:
    """The sheet's content, from what the incident recorded."""
    actions = incident.effective_actions()
    sections = (
        ("Melding", (
            ("School", contact.school),
            ("Geopend op", _date(incident.created_on)),
            ("Situatie", dict(forms.SITUATIONS).get(incident.situation, incident.situation)),
            ("Kenmerk", str(incident.id)),
        )),
        ("Contactpersoon van de school", tuple(
            line for line in (("Naam", contact.name), ("School", contact.school), ("E-mail", contact.email))
            if line[1]
        )),
        ("Gesprek met het slachtoffer: vragen 7 tot en met 14, zoals vastgelegd", _answers(actions)),
        ("Omvang", _fields(actions, Incident.ScopeAssessed, SCOPE_FIELDS, "De omvang is nog niet bepaald.")),
        ("Kanalen", _channels(actions)),
        ("Bronsite of URL", _steps(actions, Incident.SourceUrlRecorded, Incident.InternetFilterRequested)),
        ("Contact met de politie", _steps(actions, Incident.PoliceContacted, Incident.ReportDecided)),
        ("Melden", _steps(actions, Incident.MaterialReported)),
        ("Verwijderen", _steps(
            actions, Incident.DeletionCalled, Incident.DeletionConfirmed, Incident.MeetingHeld
        )),
        ("Offline halen per kanaal", _takedowns(actions)),
    )  # fmt: skip
    return HandoverSheet("Overdrachtsblad voor de politie", sections, mark)


def _answers(actions: list[RecordedAction]) -> tuple[Line, ...]:
    conversations = [a for a in actions if a.is_a(Incident.VictimConversationHeld)]
    if not conversations:
        return (("", "Het gesprek met het slachtoffer is nog niet vastgelegd."),)
    lines: list[Line] = []
    for conversation in conversations:
        lines.append(("Vastgelegd op", _date(conversation.at)))
        lines.extend(_line(conversation, name) for name in POLICE_QUESTIONS)
    return tuple(lines)


def _fields(actions: list[RecordedAction], kind: type, names: tuple[str, ...], none: str) -> tuple[Line, ...]:
    recorded = [a for a in actions if a.is_a(kind)]
    if not recorded:
        return (("", none),)
    latest = recorded[-1]
    return (("Vastgelegd op", _date(latest.at)), *(_line(latest, name) for name in names))


def _channels(actions: list[RecordedAction]) -> tuple[Line, ...]:
    scopes = [a for a in actions if a.is_a(Incident.ScopeAssessed)]
    if not scopes:
        return (("", "Nog niet vastgelegd."),)
    return (_line(scopes[-1], "channels"),)


def _takedowns(actions: list[RecordedAction]) -> tuple[Line, ...]:
    """Per channel or platform: where it was reported, when, the reference and the outcome."""
    lines: list[Line] = []
    for request in takedowns(actions, date.min):
        channel = request.channel if not looks_like_material(request.channel) else NOT_INCLUDED
        kind = CHANNEL_KINDS.get(request.channel_kind, request.channel_kind)
        platform = dict(forms.CHANNELS).get(request.platform, request.platform)
        lines += [
            (kind, f"{channel} ({platform})"),
            ("Gemeld bij", route_label(request.route)),
            ("Datum", formatting.day(request.reported_on)),
            ("Kenmerk", request.reference or "-"),
            ("Uitkomst", OUTCOMES.get(request.outcome, request.outcome)),
        ]
    return tuple(lines) or (("", "Nog geen verzoek om het materiaal offline te halen vastgelegd."),)


def _steps(actions: list[RecordedAction], *kinds: type) -> tuple[Line, ...]:
    """Each recorded action of these kinds: its title and date, then its fields."""
    lines: list[Line] = []
    for action in actions:
        if action.is_a(*kinds):
            title = forms.action_forms()[action.action].title
            lines.append((_date(action.at), title))
            lines.extend(_line(action, name) for name in action.data)
    return tuple(lines) or (("", "Nog niets vastgelegd."),)


def _line(action: RecordedAction, name: str) -> Line:
    value = labels.show(action.action, name, action.data.get(name, "")).plain()
    if looks_like_material(value):  # the domain refuses it at the door; this is the second lock
        value = NOT_INCLUDED
    if len(value) > MAX_ANSWER:
        value = value[:MAX_ANSWER] + " ... (ingekort; zie de tekstversie)"
    return labels.label(action.action, name), value or "-"


def _date(at: datetime) -> str:
    return formatting.moment(at)


# ------------------------------------------------------------------------- renderings


def as_text(sheet: HandoverSheet) -> str:
    """The plain-text version: the same content, the watermark above and below."""
    out = [sheet.watermark, "", sheet.title.upper(), "=" * len(sheet.title), ""]
    for heading, lines in sheet.sections:
        out += [heading, "-" * len(heading)]
        out += [f"{label}: {value}" if label else value for label, value in lines]
        out.append("")
    out += ["Het beeldmateriaal zelf staat nooit in Zorgvuldig en niet op dit blad.", "", sheet.watermark]
    return "\n".join(out) + "\n"


FONT_SIZES = (9.0, 8.0, 7.0, 6.0)


def as_pdf(sheet: HandoverSheet) -> bytes:
    """One A4 page, text only. Raises HandoverSheetUnavailable rather than send a partial file."""
    try:
        for size in FONT_SIZES:
            document = _render(sheet, size)
            if document.page_no() == 1:
                return bytes(document.output())
    except Exception as error:  # fpdf2 raises plain exceptions; the handler gets a Dutch one
        raise HandoverSheetUnavailable() from error
    raise HandoverSheetUnavailable()


def _render(sheet: HandoverSheet, size: float) -> FPDF:
    document = FPDF(format="A4")
    document.set_auto_page_break(auto=True, margin=12)
    document.set_margins(14, 12, 14)
    document.set_title(latin(sheet.title))
    document.set_creator("Zorgvuldig")
    document.set_subject(latin(sheet.watermark))  # the mark travels in the file's properties too
    document.add_page()
    height = size * 0.5

    def write(text: str, style: str = "", points: float = size) -> None:
        document.set_font("Helvetica", style, points)
        document.multi_cell(
            0, points * 0.5, latin(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT, wrapmode=WrapMode.CHAR
        )

    write(sheet.watermark, "I", size - 1)
    write(sheet.title, "B", size + 5)
    for heading, lines in sheet.sections:
        document.ln(height * 0.6)
        write(heading, "B", size + 1)
        for label, value in lines:
            write(f"{label}: {value}" if label else value)
    document.ln(height)
    write("Het beeldmateriaal zelf staat nooit in Zorgvuldig en niet op dit blad.", "I", size - 1)
    write(sheet.watermark, "I", size - 1)
    return document


def latin(text: Any) -> str:
    """The built-in font is Latin-1: Dutch fits, other signs become close equivalents."""
    replaced = str(text).replace("–", "-").replace("—", "-").replace("…", "...").replace("’", "'")
    return replaced.encode("latin-1", "replace").decode("latin-1")
