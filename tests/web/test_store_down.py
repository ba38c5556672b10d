"""A store that cannot be reached is a clear 503, never a stack trace."""

from __future__ import annotations

import re


def test_an_unreachable_account_store_is_a_503_in_dutch(app) -> None:  # type: ignore[no-untyped-def]
    settings = app.extensions["zorgvuldig.settings"]
    (settings.data_dir / "accounts.sqlite").unlink()
    (settings.data_dir / "accounts.sqlite").mkdir()  # the file cannot be opened any more
    client = app.test_client()
    page = client.get("/inloggen")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    response = client.post("/inloggen", data={"csrf_token": token, "gebruikersnaam": "a", "wachtwoord": "b"})
    assert response.status_code == 503
    assert "De opslag is tijdelijk niet bereikbaar" in response.text
