"""Takedown per channel on the incident page and on the police's hand-over sheet."""

from __future__ import annotations

from tests.web.conftest import Browser

REQUEST = {
    "channel_kind": "url",
    "channel": "https://voorbeeld.invalid/album/17",
    "platform": "website",
    "route": "meldpunt",
    "reported_on": "2026-01-02",
    "reference": "MP-2026-0193",
}


def test_a_takedown_shows_per_channel_with_its_outcome_and_goes_on_the_hand_over_sheet(
    handler: Browser,
) -> None:
    page = handler.open_incident()
    assert handler.post(f"{page}/acties/TakedownRequested", REQUEST).status_code == 302
    html = handler.get(page).text
    section = html.split('id="offline-halen"')[1].split("</section>")[0]
    assert "https://voorbeeld.invalid/album/17" in section and "MP-2026-0193" in section
    assert "Na drie dagen nog niets bekend" in section  # reported long ago, no outcome
    link = section.split('href="')[1].split('"')[0].replace("&amp;", "&")
    form = handler.get(link).text
    version = link.rsplit("=", 1)[1]
    assert f'value="{version}"' in form
    assert handler.post(link, {"request_version": version, "outcome": "verwijderd"}).status_code == 302
    section = handler.get(page).text.split('id="offline-halen"')[1].split("</section>")[0]
    assert "Verwijderd" in section and "Na drie dagen" not in section

    sheet = handler.get(f"{page}/overdrachtsblad.txt").text
    part = sheet.split("Offline halen per kanaal")[1]
    assert "https://voorbeeld.invalid/album/17" in part and "MP-2026-0193" in part
    assert "Meldpunt Kinderporno" in part and "Uitkomst: Verwijderd" in part


def test_a_picture_pasted_as_the_channel_is_refused_on_the_form(handler: Browser) -> None:
    page = handler.open_incident()
    refused = handler.post(
        f"{page}/acties/TakedownRequested",
        {**REQUEST, "channel": "data:image/jpeg;base64,/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJ"},
    )
    assert refused.status_code == 422
    assert 'id="offline-halen"' not in handler.get(page).text
