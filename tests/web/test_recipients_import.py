"""The recipients page imports parents per class from a student administration's export."""

from __future__ import annotations

import io
import re
from pathlib import Path

from flask import Flask

from tests.web.conftest import Browser

EXPORTS = Path(__file__).parents[1] / "student_admin" / "exports"


def upload(handler: Browser, data: bytes, filename: str = "export.csv"):  # type: ignore[no-untyped-def]
    return handler.client.post(
        "/ontvangers/importeren",
        data={"csrf_token": handler.token, "bestand": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def save_from(handler: Browser, preview_html: str):  # type: ignore[no-untyped-def]
    fields = re.findall(
        r'<input type="(?:hidden|checkbox)"[^>]* name="(groep|adressen|bewaar|taal)" value="([^"]*)"',
        preview_html,
    )
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return handler.client.post("/ontvangers/importeren/bewaren", data={"csrf_token": handler.token, **data})


def test_the_recipients_page_links_to_the_import(handler: Browser) -> None:
    assert "Ouders importeren uit de leerlingadministratie" in handler.get("/ontvangers").text


def test_a_file_is_previewed_per_class_and_saved_as_groups(handler: Browser, app: Flask) -> None:
    preview = upload(handler, (EXPORTS / "parnassys.csv").read_bytes())
    assert preview.status_code == 200
    assert "Herkend als export van <strong>ParnasSys</strong>" in preview.text
    assert "Ouders Groep 7a" in preview.text and "geen groep of klas ingevuld" in preview.text
    assert "Drie" not in preview.text and "Vijf" not in preview.text  # no pupil's name on the page
    assert app.extensions["zorgvuldig.recipients"].of_school("de-wilg") == []  # nothing saved yet

    response = save_from(handler, preview.text)
    assert response.status_code == 302
    groups = app.extensions["zorgvuldig.recipients"].of_school("de-wilg")
    saved = {g.name: g.addresses for g in groups}
    assert saved["Ouders Groep 7a"] == ("ouder.een@voorbeeld.nl", "verzorger.een@voorbeeld.nl")
    # The parent whose home language is English gets the English letters: a group of their own.
    assert saved["Ouders Groep 7a (Engels)"] == ("ouder.twee@voorbeeld.nl",)
    assert set(saved) == {"Ouders Groep 7a", "Ouders Groep 7a (Engels)", "Ouders Groep 8"}
    assert {g.name: g.language for g in groups} == {
        "Ouders Groep 7a": "nl",
        "Ouders Groep 7a (Engels)": "en",
        "Ouders Groep 8": "nl",
    }


def test_a_home_language_without_letters_gets_the_dutch_ones_and_says_so(handler: Browser) -> None:
    preview = handler.post("/ontvangers/importeren", {"export": (EXPORTS / "somtoday.csv").read_text()})
    assert "Nog geen brieven in het Arabisch: deze ouders krijgen de Nederlandse brief." in preview.text
    assert "Ouders H3a (Arabisch)" not in preview.text


def test_pasted_text_is_previewed_too(handler: Browser) -> None:
    page = handler.post("/ontvangers/importeren", {"export": (EXPORTS / "somtoday.csv").read_text()})
    assert page.status_code == 200 and "Somtoday" in page.text


def test_an_image_renamed_csv_is_refused_in_dutch(handler: Browser) -> None:
    page = upload(handler, b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "klas.csv")
    assert page.status_code == 422
    assert "Dit is geen CSV-export maar een afbeelding (PNG)" in page.text


def test_a_binary_file_is_refused(handler: Browser) -> None:
    page = upload(handler, bytes(range(256)) * 8, "export.csv")
    assert page.status_code == 422 and "geen tekstbestand" in page.text


def test_a_file_over_the_limit_is_refused_with_the_limit(handler: Browser) -> None:
    page = upload(handler, b"Groep;E-mail verzorger 1\n" + b"7a;o@v.nl\n" * 500_000)
    assert page.status_code in (413, 422)
    assert "2 MB" in page.text


def test_other_forms_still_take_no_file(handler: Browser) -> None:
    response = handler.client.post(
        "/ontvangers",
        data={"csrf_token": handler.token, "name": "x", "bestand": (io.BytesIO(b"a"), "a.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code >= 400
    assert "neemt geen bestanden aan" in response.text


def test_only_a_case_handler_imports(browser) -> None:  # type: ignore[no-untyped-def]
    assert browser("medewerker.dewilg").get("/ontvangers/importeren").status_code == 403


def test_a_file_just_over_two_megabytes_is_refused_by_the_reader(handler: Browser) -> None:
    page = upload(handler, b"Groep;E-mail verzorger 1\n" + b"7a;o@v.nl\n" * 250_000)
    assert page.status_code == 422 and "de grens is 2 MB" in page.text


def test_a_much_larger_file_is_refused_before_it_is_read(handler: Browser) -> None:
    page = upload(handler, b"x" * (5 * 1024 * 1024))
    assert page.status_code == 413 and "groter dan 2 MB" in page.text
