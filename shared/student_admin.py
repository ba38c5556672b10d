"""Parents' addresses per class from an export of the student administration (ParnasSys,
Magister, Somtoday), read in memory and never stored.

Only a small text file passes: anything that looks like an image, an archive, a document or
other binary, or is larger than 2 MB, is refused before a single row is read (hard rule 1).
From what passes only the class and the validated parents' addresses are kept; pupils' names
and every other column are never read into the result.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from shared.languages import DUTCH, language_of
from shared.recipients import MAX_ADDRESSES, valid_address

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 10_000

# The first bytes of files that are never a CSV export.
_SIGNATURES = {
    b"\x89PNG": "een afbeelding (PNG)",
    b"\xff\xd8\xff": "een afbeelding (JPEG)",
    b"GIF8": "een afbeelding (GIF)",
    b"II*\x00": "een afbeelding (TIFF)",
    b"MM\x00*": "een afbeelding (TIFF)",
    b"RIFF": "een afbeelding of film (RIFF)",
    b"\x00\x00\x01\x00": "een pictogram",
    b"%PDF": "een PDF-document",
    b"PK\x03\x04": "een archief of Office-document (ZIP, XLSX)",
    b"PK\x05\x06": "een archief (ZIP)",
    b"\x1f\x8b": "een archief (gzip)",
    b"7z\xbc\xaf": "een archief (7-Zip)",
    b"Rar!": "een archief (RAR)",
    b"BZh": "een archief (bzip2)",
    b"\xd0\xcf\x11\xe0": "een oud Office-document (XLS, DOC)",
    b"\x1a\x45\xdf\xa3": "een film (MKV/WebM)",
    b"OggS": "geluid of film (Ogg)",
    b"ID3": "geluid (MP3)",
}
_BASE64_RUN = re.compile(r"[A-Za-z0-9+/]{120,}={0,2}")


class ExportRefused(Exception):
    """Raised when a file or pasted text is not an export we may read; the message is Dutch."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Layout:
    """The columns of one system's export, as header names after `_normalise`."""

    name: str
    group: tuple[str, ...]
    emails: tuple[tuple[str, ...], ...]  # per parent: the names that column goes by
    language: tuple[str, ...] = ()


LAYOUTS = (
    Layout(
        "ParnasSys",
        group=("groep", "groepsnaam"),
        emails=(
            ("emailverzorger1", "emailadresverzorger1", "emailouderverzorger1"),
            ("emailverzorger2", "emailadresverzorger2", "emailouderverzorger2"),
        ),
        language=("taalthuis", "thuistaal"),
    ),
    Layout(
        "Magister",
        group=("klas", "klasnaam"),
        emails=(
            ("emailouder1", "emailouderverz1", "ouder1email"),
            ("emailouder2", "emailouderverz2", "ouder2email"),
        ),
        language=("voertaal", "taal"),
    ),
    Layout(
        "Somtoday",
        group=("stamgroep", "stamgroepnaam"),
        emails=(
            ("verzorger1emailadres", "verzorger1email", "emailverzorger1"),
            ("verzorger2emailadres", "verzorger2email", "emailverzorger2"),
        ),
        language=("taal", "correspondentietaal"),
    ),
)


@dataclass(frozen=True)
class SkippedRow:
    row: int  # as a spreadsheet numbers it: the header is row 1 (0: about a whole class)
    reason: str
    partly: bool = False  # the row's other addresses were taken


@dataclass
class ClassAddresses:
    name: str
    addresses: list[str] = field(default_factory=list)
    languages: set[str] = field(default_factory=set)  # as the export writes them
    # The addresses per language the letters exist in (a language without letters: Dutch).
    by_language: dict[str, list[str]] = field(default_factory=dict)
    without_letters: set[str] = field(default_factory=set)  # languages with no letters yet


@dataclass
class Import:
    layout: str
    rows: int
    classes: dict[str, ClassAddresses]
    skipped: list[SkippedRow]

    @property
    def address_count(self) -> int:
        return sum(len(c.addresses) for c in self.classes.values())


def read_export(data: bytes | str) -> Import:
    """The classes and their parents' addresses; ExportRefused for anything else."""
    text = _as_text(data)
    try:
        return _read(text, _dialect(text))
    except csv.Error:
        raise ExportRefused(
            "Het bestand is geen geldige CSV: een aanhalingsteken wordt niet gesloten of een rij is "
            "afgebroken. Exporteer opnieuw uit de leerlingadministratie."
        ) from None


def _read(text: str, dialect: type[csv.Dialect]) -> Import:
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    header = next(reader, None)
    if not header:
        raise ExportRefused("Het bestand is leeg.")
    layout, columns = _recognise(header)
    classes: dict[str, ClassAddresses] = {}
    skipped: list[SkippedRow] = []
    seen: dict[str, set[str]] = {}
    rows = 0
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        rows += 1
        if rows > MAX_ROWS:
            raise ExportRefused(
                f"Het bestand heeft meer dan {MAX_ROWS:,} rijen; dat is de grens. ".replace(",", ".")
                + "Exporteer per bouw of per klas en importeer de delen na elkaar."
            )
        reason, taken = _take_row(row, columns, classes, seen)
        if reason:
            skipped.append(SkippedRow(number, reason, partly=taken))
    for group in list(classes.values()):
        if len(group.addresses) > MAX_ADDRESSES:
            del classes[group.name]
            skipped.append(
                SkippedRow(0, f"klas {group.name}: meer dan {MAX_ADDRESSES} adressen, niet overgenomen")
            )
    if not rows:
        raise ExportRefused("Het bestand heeft wel kolomnamen maar geen rijen met leerlingen.")
    return Import(layout.name, rows, dict(sorted(classes.items())), skipped)


@dataclass(frozen=True)
class _Columns:
    group: int
    emails: tuple[tuple[str, int], ...]  # (label, index)
    language: int | None


def _take_row(
    row: list[str], columns: _Columns, classes: dict[str, ClassAddresses], seen: dict[str, set[str]]
) -> tuple[str, bool]:
    """Adds the row's valid addresses to its class; returns why (part of) it was skipped, and
    whether some address of it was taken."""
    for cell in row:
        if cell.lstrip().lower().startswith("data:") or _BASE64_RUN.search(cell):
            raise ExportRefused(
                "Het bestand bevat ingesloten gegevens (een data-URI of base64). Zorgvuldig neemt "
                "nooit beeldmateriaal of bestanden op; gebruik een gewone export met alleen tekst."
            )
    group = _cell(row, columns.group)
    if not group:
        return "geen groep of klas ingevuld", False
    if len(group) > 80:
        return "de groep of klas is langer dan 80 tekens", False
    found, problems = [], []
    for label, index in columns.emails:
        value = _cell(row, index)
        if not value:
            continue
        if valid_address(value):
            found.append(value.lower())
        else:
            problems.append(f"{label} is geen geldig e-mailadres")
    if not found:
        return ("; ".join(problems) if problems else "geen e-mailadres van een ouder of verzorger"), False
    target = classes.setdefault(group, ClassAddresses(group))
    known = seen.setdefault(group, set())
    written = _cell(row, columns.language)[:40] if columns.language is not None else ""
    language = language_of(written) if written else None
    if written:
        target.languages.add(written)
        if language is None:
            target.without_letters.add(written)
    for address in found:
        if address not in known:
            known.add(address)
            target.addresses.append(address)
            target.by_language.setdefault(language.code if language else DUTCH, []).append(address)
    return "; ".join(problems), True


def _cell(row: list[str], index: int) -> str:
    return row[index].strip() if index < len(row) else ""


def _as_text(data: bytes | str) -> str:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if len(raw) > MAX_BYTES:
        raise ExportRefused(
            f"Het bestand is {len(raw) / 1024 / 1024:.1f} MB; de grens is 2 MB. Exporteer alleen de "
            "kolommen groep of klas en de e-mailadressen van ouders, of exporteer per bouw."
        )
    for signature, what in _SIGNATURES.items():
        if raw.startswith(signature):
            raise ExportRefused(
                f"Dit is geen CSV-export maar {what}. Zorgvuldig neemt alleen een tekstbestand (CSV) "
                "aan; afbeeldingen en andere bestanden komen nooit in het systeem."
            )
    if b"\x00" in raw[:65536]:
        raise ExportRefused(
            "Dit is geen tekstbestand (CSV). Kies de CSV-export van de leerlingadministratie."
        )
    text = _decode(raw)
    controls = sum(1 for ch in text[:65536] if unicodedata.category(ch) == "Cc" and ch not in "\t\r\n")
    if controls:
        raise ExportRefused(
            "Dit is geen tekstbestand (CSV). Kies de CSV-export van de leerlingadministratie."
        )
    return text


def _decode(raw: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252, which older exports use."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        raise ExportRefused(
            "De tekens in het bestand zijn niet te lezen; exporteer als CSV in UTF-8."
        ) from None


def _dialect(text: str) -> type[csv.Dialect]:
    first_line = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count)
    if not first_line.count(delimiter):
        raise ExportRefused(
            "Dit lijkt geen CSV-export: de eerste regel heeft geen kolommen gescheiden door "
            "puntkomma's, komma's of tabs."
        )

    class Export(csv.excel):
        strict = True

    Export.delimiter = delimiter
    return Export


def _normalise(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]", "", plain)


def _recognise(header: list[str]) -> tuple[Layout, _Columns]:
    names = [_normalise(h) for h in header]

    def index_of(options: Iterable[str]) -> int | None:
        return next((i for i, n in enumerate(names) if n in options), None)

    for layout in LAYOUTS:
        group = index_of(layout.group)
        emails = tuple(
            (f"e-mailadres ouder/verzorger {n}", i)
            for n, options in enumerate(layout.emails, start=1)
            if (i := index_of(options)) is not None
        )
        if group is not None and emails:
            return layout, _Columns(group, emails, index_of(layout.language))
    raise ExportRefused(
        "De kolommen zijn niet herkend. Verwacht wordt een export van ParnasSys (Groep, E-mail "
        "verzorger 1), Magister (Klas, E-mail ouder 1) of Somtoday (Stamgroep, Verzorger 1 e-mailadres)."
    )
