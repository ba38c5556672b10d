"""How fast an export of the student administration is read: 10,000 rows (the limit) in each
of the three layouts, parsed and validated in memory (target: under 2 seconds), and the refusal
of 10,001 rows. Also the whole import page through Flask (upload, parse, preview).

`python -m bench.student_admin` runs it on its own.
"""

from __future__ import annotations

import io
import tempfile

from bench import heading, line, median, timed, verdict
from shared.student_admin import MAX_ROWS, ExportRefused, read_export

TARGET_SECONDS = 2.0

HEADERS = {
    "ParnasSys": ("Groep;Roepnaam;Achternaam;E-mail verzorger 1;E-mail verzorger 2;Taal thuis", ";"),
    "Magister": ("Stamnr,Roepnaam,Achternaam,Klas,E-mail ouder 1,E-mail ouder 2,Voertaal", ","),
    "Somtoday": (
        "\t".join(
            [
                *("Leerlingnummer", "Roepnaam", "Achternaam", "Stamgroep"),
                *("Verzorger 1 e-mailadres", "Verzorger 2 e-mailadres", "Taal"),
            ]
        ),
        "\t",
    ),
}


def export(layout: str, rows: int) -> bytes:
    """A made-up export: 40 classes, two parents per pupil, one in twenty addresses broken."""
    header, sep = HEADERS[layout]
    lines = [header]
    for i in range(rows):
        second = f"verzorger{i}@voorbeeld.nl" if i % 20 else "geen-adres"
        if layout == "ParnasSys":
            cells = [f"Groep {i % 40}", "Kind", f"Nr{i}", f"ouder{i}@voorbeeld.nl", second, "Nederlands"]
        elif layout == "Magister":
            cells = [
                str(i),
                "Kind",
                f"Nr{i}",
                f"{i % 6 + 1}{'ABCDEFG'[i % 7]}",
                f"ouder{i}@voorbeeld.nl",
                second,
                "nl",
            ]
        else:
            cells = [str(i), "Kind", f"Nr{i}", f"H{i % 40}", f"ouder{i}@voorbeeld.nl", second, "Nederlands"]
        lines.append(sep.join(cells))
    return ("\r\n".join(lines) + "\r\n").encode()


def main() -> None:
    rows = f"{MAX_ROWS:,}".replace(",", ".")
    heading(f"Export van de leerlingadministratie inlezen ({rows} rijen, doel < {TARGET_SECONDS:.0f} s)")
    for layout in HEADERS:
        data = export(layout, MAX_ROWS)
        samples = []
        for _ in range(5):
            result, seconds = timed(lambda data=data: read_export(data))
            samples.append(seconds)
        size = f"{len(data) / 1024 / 1024:.2f} MB"
        note = f"{size}, {len(result.classes)} klassen, {result.address_count} adressen"
        line(f"{layout}: mediaan van 5", f"{median(samples) * 1000:.0f} ms", note)
        line(f"{layout}: traagste", f"{max(samples) * 1000:.0f} ms", verdict(max(samples) < TARGET_SECONDS))
    data = export("ParnasSys", MAX_ROWS + 1)
    try:
        _, seconds = timed(lambda: read_export(data))
        line("10.001 rijen", "niet geweigerd", "NIET gehaald")
    except ExportRefused as refused:
        line("10.001 rijen geweigerd", "ja", refused.message[:60] + "…")
    _whole_page()


def _whole_page() -> None:
    from bench import csrf_token
    from services.web import create_app
    from shared.accounts import DEMO_PASSWORD, Accounts
    from shared.config import load_settings
    from shared.demo import seed_demo

    with tempfile.TemporaryDirectory() as folder:
        settings = load_settings({"ZORGVULDIG_DATA_DIR": folder})
        accounts = Accounts(settings)
        seed_demo(settings, accounts)
        client = create_app(settings, accounts=accounts).test_client()
        token = csrf_token(client.get("/inloggen").text)
        client.post(
            "/inloggen",
            data={"csrf_token": token, "gebruikersnaam": "behandelaar.dewilg", "wachtwoord": DEMO_PASSWORD},
        )
        token = csrf_token(client.get("/ontvangers/importeren").text)
        data = export("Magister", MAX_ROWS)
        samples = []
        for _ in range(3):
            response, seconds = timed(
                lambda: client.post(
                    "/ontvangers/importeren",
                    data={"csrf_token": token, "bestand": (io.BytesIO(data), "export.csv")},
                    content_type="multipart/form-data",
                )
            )
            assert response.status_code == 200, response.status_code
            samples.append(seconds)
        line(
            "Importpagina (upload, inlezen, voorbeeld): mediaan van 3",
            f"{median(samples) * 1000:.0f} ms",
            verdict(max(samples) < TARGET_SECONDS),
        )


if __name__ == "__main__":
    main()
