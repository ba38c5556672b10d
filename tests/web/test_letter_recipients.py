"""The letter form has one recipient field: a saved group, or addresses pasted into a new group,
which is kept for the next letter."""

from __future__ import annotations

from flask import Flask

from tests.web.conftest import Browser
from tests.web.test_letters_web import STATEMENT


def test_the_form_asks_for_the_recipients_once(handler: Browser) -> None:
    assert (
        handler.post("/ontvangers", {"name": "Ouders groep 7", "addresses": "a@voorbeeld.nl"}).status_code
        == 302
    )
    form = handler.get(f"{handler.open_incident()}/brieven").text
    assert form.count("<legend>Ontvangers</legend>") == 1
    assert "Groep ontvangers" not in form and form.count("<label") == form.count("</label>")
    assert "Nieuwe groep: ik plak de adressen hieronder" in form


def test_pasted_addresses_become_a_group_for_the_next_letter(handler: Browser, app: Flask) -> None:
    page = handler.open_incident()
    letter = {"letter": "ouders_klas", "group": "Ouders groep 5", **STATEMENT}
    sent = handler.post(
        f"{page}/brieven", {**letter, "recipients": "een@voorbeeld.nl, twee@voorbeeld.nl", "bevestigd": "ja"}
    )
    assert sent.status_code == 302
    assert (
        "De adressen zijn bewaard als groep &#39;Ouders groep 5&#39;."
        in handler.get(sent.headers["Location"]).text
    )
    kept = app.extensions["zorgvuldig.recipients"].get("de-wilg", "Ouders groep 5")
    assert kept is not None and kept.addresses == ("een@voorbeeld.nl", "twee@voorbeeld.nl")
    assert "Ouders groep 5 (2)" in handler.get(f"{page}/brieven").text  # offered for the next letter

    again = handler.post(f"{page}/brieven", {**letter, "recipients": "drie@voorbeeld.nl", "bevestigd": "ja"})
    assert "bewaard als groep" not in handler.get(again.headers["Location"]).text  # a name already taken
    assert (
        app.extensions["zorgvuldig.recipients"].get("de-wilg", "Ouders groep 5").addresses == kept.addresses
    )


def test_a_saved_group_and_pasted_addresses_together_are_refused(handler: Browser) -> None:
    handler.post("/ontvangers", {"name": "Ouders groep 7", "addresses": "a@voorbeeld.nl"})
    page = handler.open_incident()
    both = handler.post(
        f"{page}/brieven",
        {
            "letter": "ouders_klas",
            "opgeslagen_groep": "Ouders groep 7",
            "recipients": "b@voorbeeld.nl",
            **STATEMENT,
        },
    )
    assert both.status_code == 422 and "niet allebei" in both.text

    chosen = handler.post(
        f"{page}/brieven", {"letter": "ouders_klas", "opgeslagen_groep": "Ouders groep 7", **STATEMENT}
    )
    assert chosen.status_code == 200 and "Versturen aan 1 ontvanger(s)" in chosen.text
    assert "a@voorbeeld.nl" not in chosen.text  # the saved addresses are not copied into the new-group field
