"""The administrator's status page: the machinery, never a case."""

from __future__ import annotations

from shared import messaging
from tests.web.conftest import Browser


def test_the_status_page_shows_lag_queues_and_accounts(app, browser) -> None:  # type: ignore[no-untyped-def]
    handler: Browser = browser("behandelaar.dewilg")
    handler.open_incident()
    page = browser("beheerder").get("/beheer/").text
    assert 'id="achterstand">1 gebeurtenis(sen)' in page
    assert "zorgvuldig.brieven.dood" in page and "behandelaar.dewilg" in page
    assert "De mentor hoorde het" not in page


def test_dead_letters_are_sent_again_with_their_own_message_id(app, browser) -> None:  # type: ignore[no-untyped-def]
    settings = app.extensions["zorgvuldig.settings"]
    with messaging.connect(settings) as connection:
        messaging.publish(connection, '{"type": "brief.verzoek"}', message_id="m-1", dead=True, reden="550")
    admin = browser("beheerder")
    response = admin.post("/beheer/dode-brieven/opnieuw")
    assert response.status_code == 302
    with messaging.connect(settings) as connection:
        letters, dead = messaging.queues(connection)
        assert dead(connection.default_channel).get(no_ack=True) is None
        again = letters(connection.default_channel).get(no_ack=True)
    assert again is not None and again.properties["message_id"] == "m-1"
