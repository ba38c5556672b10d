"""Exports of the student administration: three layouts, and what is refused (made-up data)."""

from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path

import pytest

from shared.student_admin import MAX_BYTES, MAX_ROWS, ExportRefused, read_export

EXPORTS = Path(__file__).parent / "exports"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"


def export(name: str) -> bytes:
    return (EXPORTS / name).read_bytes()


def test_a_parnassys_export_in_windows_1252_gives_addresses_per_group() -> None:
    result = read_export(export("parnassys.csv"))
    assert result.layout == "ParnasSys"
    assert result.classes["Groep 7a"].addresses == [
        "ouder.een@voorbeeld.nl",
        "verzorger.een@voorbeeld.nl",
        "ouder.twee@voorbeeld.nl",
    ]
    assert result.classes["Groep 7a"].languages == {"Nederlands", "Engels"}
    assert result.classes["Groep 7a"].by_language == {
        "nl": ["ouder.een@voorbeeld.nl", "verzorger.een@voorbeeld.nl"],
        "en": ["ouder.twee@voorbeeld.nl"],
    }
    assert result.classes["Groep 8"].addresses == ["ouder.vier@voorbeeld.nl", "ouder.een@voorbeeld.nl"]
    reasons = {s.row: (s.reason, s.partly) for s in result.skipped}
    assert reasons == {
        4: ("geen e-mailadres van een ouder of verzorger", False),
        5: ("e-mailadres ouder/verzorger 1 is geen geldig e-mailadres", True),
        6: ("geen groep of klas ingevuld", False),
    }


def test_a_magister_export_with_a_byte_order_mark_and_commas() -> None:
    result = read_export(export("magister.csv"))
    assert result.layout == "Magister"
    assert {k: len(v.addresses) for k, v in result.classes.items()} == {"1A": 3, "2B": 1}
    assert [s.row for s in result.skipped] == [4]


def test_a_somtoday_export_with_tabs() -> None:
    result = read_export(export("somtoday.csv"))
    assert result.layout == "Somtoday"
    assert {k: len(v.addresses) for k, v in result.classes.items()} == {"H3a": 3, "V4b": 1}
    assert result.skipped == []
    # No letters exist in Arabic yet: those parents are counted with the Dutch letters, and noted.
    assert set(result.classes["H3a"].by_language) == {"nl"}
    assert result.classes["H3a"].without_letters == {"Arabisch"}


def test_the_languages_are_recognised_as_exports_write_them() -> None:
    text = "Klas;E-mail ouder 1;Taal\n1A;a@v.nl;English\n1A;b@v.nl;EN\n1A;c@v.nl;engels\n1A;d@v.nl;NL\n"
    assert read_export(text).classes["1A"].by_language == {
        "en": ["a@v.nl", "b@v.nl", "c@v.nl"],
        "nl": ["d@v.nl"],
    }


def test_pasted_text_is_read_like_a_file() -> None:
    assert read_export(export("somtoday.csv").decode()).address_count == 4


def test_no_pupil_name_reaches_the_result() -> None:
    result = read_export(export("parnassys.csv"))
    assert "Voorbeeld" not in repr(result) and "Vier" not in repr(result)


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (export("kapot.csv"), "geen geldige CSV"),
        (PNG, "afbeelding (PNG)"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "afbeelding (JPEG)"),
        (b"%PDF-1.7\n", "PDF"),
        (gzip.compress(b"Groep;E-mail verzorger 1\n"), "archief"),
        (b"Groep;E-mail\x00\x01\x02 verzorger 1\n", "geen tekstbestand"),
        (b"Naam;Adres\nA;B\n", "niet herkend"),
        (b"alleen een regel tekst zonder kolommen\n", "geen kolommen"),
        (b"Groep;E-mail verzorger 1\n", "geen rijen"),
        (
            b"Groep;E-mail verzorger 1;Foto\n7a;a@voorbeeld.nl;data:image/png;base64,iVBORw0KGgo=\n",
            "data-URI",
        ),
        (b"Groep;E-mail verzorger 1;Foto\n7a;a@voorbeeld.nl;" + b"QUJD" * 60 + b"\n", "base64"),
    ],
)
def test_what_is_not_a_small_text_export_is_refused_in_dutch(data: bytes, says: str) -> None:
    with pytest.raises(ExportRefused) as refused:
        read_export(data)
    assert says in refused.value.message


def test_an_image_renamed_csv_is_refused() -> None:
    # The name does not matter: only the bytes are looked at.
    with pytest.raises(ExportRefused, match="afbeelding"):
        read_export(PNG + b"Groep;E-mail verzorger 1\n")


def test_an_xlsx_is_refused_as_an_office_document() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(ExportRefused, match="Office-document"):
        read_export(buffer.getvalue())


def test_more_than_two_megabytes_is_refused_with_the_limit() -> None:
    data = b"Groep;E-mail verzorger 1\n" + b"7a;ouder@voorbeeld.nl\n" * (MAX_BYTES // 20)
    with pytest.raises(ExportRefused, match="de grens is 2 MB"):
        read_export(data)


def test_more_rows_than_the_limit_is_refused_with_the_limit() -> None:
    data = "Groep;E-mail verzorger 1\n" + "".join(f"7a;o{i}@v.nl\n" for i in range(MAX_ROWS + 1))
    with pytest.raises(ExportRefused, match=r"meer dan 10\.000 rijen"):
        read_export(data)


def test_ten_thousand_rows_are_read() -> None:
    data = "Groep;E-mail verzorger 1\n" + "".join(f"Groep {i % 40};o{i}@v.nl\n" for i in range(MAX_ROWS))
    result = read_export(data)
    assert result.rows == MAX_ROWS and len(result.classes) == 40
