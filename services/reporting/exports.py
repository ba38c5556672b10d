"""Exports of the audit trail and the evaluation report: CSV and PDF (fpdf2)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from fpdf import FPDF
from fpdf.enums import WrapMode, XPos, YPos

TRAIL_COLUMNS = (
    ("version", "#"),
    ("at", "Wanneer"),
    ("at_utc", "Tijdstip (UTC)"),
    ("who_name", "Wie"),
    ("who", "Gebruikersnaam"),
    ("what", "Wat"),
    ("type", "Soort gebeurtenis"),
    ("step", "Stap"),
    ("data", "Gegevens"),
    ("data_machine", "Gegevens (machineleesbaar)"),
    ("corrects", "Corrigeert"),
    ("corrected_by", "Gecorrigeerd in"),
)


def trail_csv(rows: Iterable[dict[str, Any]]) -> str:
    """The trail as a spreadsheet: what a person reads, and beside it the machine columns (the
    event type, the UTC time, the recorded data as JSON), every header in Dutch."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([header for _, header in TRAIL_COLUMNS])
    for row in rows:
        writer.writerow(["" if row.get(key) is None else row.get(key, "") for key, _ in TRAIL_COLUMNS])
    return out.getvalue()


def _latin(text: Any) -> str:
    """The PDF's built-in font is Latin-1: Dutch fits, other signs become close equivalents."""
    replaced = str(text).replace("–", "-").replace("—", "-").replace("…", "...").replace("’", "'")
    return replaced.replace("✓", "v").replace("○", "o").encode("latin-1", "replace").decode("latin-1")


def pdf(title: str, sections: list[tuple[str, list[str]]], footer: str) -> bytes:
    """A plain, printable PDF: a title, sections of lines, and a footer on every page."""
    document = FPDF(format="A4")
    document.set_auto_page_break(auto=True, margin=15)
    document.set_title(_latin(title))
    document.add_page()

    def write(height: float, text: Any) -> None:
        document.multi_cell(
            0, height, _latin(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT, wrapmode=WrapMode.CHAR
        )

    document.set_font("Helvetica", "B", 15)
    write(8, title)
    for heading, lines in sections:
        document.ln(3)
        document.set_font("Helvetica", "B", 12)
        write(7, heading)
        document.set_font("Helvetica", size=10)
        for line in lines or ["-"]:
            write(5, line)
    document.ln(4)
    document.set_font("Helvetica", "I", 8)
    write(4, footer)
    return bytes(document.output())
