"""The page of sent mail lists each letter request once, with its count of recipients, and
shows the text of one letter at a time: a letter to 35 parents is one line, not 35 copies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask

from services.notifier.sending import build
from shared.boards import School
from shared.letters import RenderedLetter
from tests.web.conftest import Browser

WILG, ANKER = School("de-wilg", "Basisschool De Wilg"), School("het-anker", "Basisschool Het Anker")


def caught(app: Flask, school: School, request: str, subject: str, addresses: list[str], minute: int) -> None:
    """Writes the mails as the mail catcher keeps them: one file per recipient, named by arrival."""
    settings = app.extensions["zorgvuldig.settings"]
    folder = settings.mail_dir
    folder.mkdir(parents=True, exist_ok=True)
    letter = RenderedLetter(subject, f"Beste ouder,\n\nDe tekst van {subject}.\n", "<p>tekst</p>")
    arrived = datetime(2026, 12, 6, 2, minute, tzinfo=UTC)
    for number, address in enumerate(addresses):
        mail = build(settings, letter, address, school=school, key=f"{request}-{number}", request=request)
        at = arrived + timedelta(microseconds=number)
        (folder / f"{at:%Y%m%dT%H%M%S%f}-{number:08x}.eml").write_bytes(bytes(mail))


def test_each_letter_is_listed_once_with_its_count_and_none_opened(handler: Browser, app: Flask) -> None:
    parents = [f"ouder{n}@voorbeeld.nl" for n in range(35)]
    caught(app, WILG, "verzoek-klas", "Informatie over de klas", parents, minute=29)
    caught(app, WILG, "verzoek-team", "Briefing voor het team", ["team@dewilg.voorbeeld.nl"], minute=40)
    caught(app, ANKER, "verzoek-anker", "Brief van een andere school", ["a@b.nl"], minute=45)

    page = handler.get("/berichten").text
    assert page.count("<h2>Informatie over de klas</h2>") == 1 and "aan 35 ontvangers" in page
    assert "Briefing voor het team" in page and "aan 1 ontvanger" in page
    assert page.index("Briefing voor het team") < page.index("Informatie over de klas")  # newest first
    assert "6 december 2026, 03:29" in page  # the catcher's UTC time, shown in Amsterdam
    assert "De tekst van" not in page and "ouder0@voorbeeld.nl" not in page
    assert "Brief van een andere school" not in page  # only the school's own


def test_one_letter_is_opened_at_a_time_with_its_addresses_folded(handler: Browser, app: Flask) -> None:
    parents = [f"ouder{n}@voorbeeld.nl" for n in range(35)]
    caught(app, WILG, "verzoek-klas", "Informatie over de klas", parents, minute=29)
    caught(app, WILG, "verzoek-team", "Briefing voor het team", ["team@dewilg.voorbeeld.nl"], minute=40)

    page = handler.get("/berichten?brief=verzoek-klas").text
    assert page.count("De tekst van Informatie over de klas.") == 1
    assert "De tekst van Briefing voor het team" not in page
    assert "<summary>Alle 35 adressen</summary>" in page and page.count("@voorbeeld.nl</li>") == 35
    assert "/berichten?brief=verzoek-team" in page  # the other can be opened instead


def test_a_mail_without_a_request_stands_on_its_own(handler: Browser, app: Flask) -> None:
    caught(app, WILG, "", "Een oudere brief", ["a@voorbeeld.nl", "b@voorbeeld.nl"], minute=10)
    page = handler.get("/berichten").text
    assert page.count("<h2>Een oudere brief</h2>") == 2 and "aan 1 ontvanger" in page
