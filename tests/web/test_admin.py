"""The administrator's status page: the machinery, never a case; a board's administrator
sees their own board, the installation's administrator the queues of all."""

from __future__ import annotations

from shared import messaging
from tests.web.conftest import Browser


def test_the_status_page_shows_lag_queues_and_accounts(app, browser) -> None:  # type: ignore[no-untyped-def]
    handler: Browser = browser("behandelaar.dewilg")
    handler.open_incident()
    page = browser("installatiebeheerder").get("/beheer/").text
    assert 'id="achterstand">1 gebeurtenis(sen)' in page
    assert "zorgvuldig.brieven.dood" in page and "behandelaar.dewilg" in page
    assert "De mentor hoorde het" not in page


def test_dead_letters_are_sent_again_with_their_own_message_id(app, browser) -> None:  # type: ignore[no-untyped-def]
    settings = app.extensions["zorgvuldig.settings"]
    with messaging.connect(settings) as connection:
        messaging.publish(connection, '{"type": "brief.verzoek"}', message_id="m-1", dead=True, reden="550")
    assert browser("beheerder").post("/beheer/dode-brieven/opnieuw").status_code == 403  # one board's
    admin = browser("installatiebeheerder")
    response = admin.post("/beheer/dode-brieven/opnieuw")
    assert response.status_code == 302
    with messaging.connect(settings) as connection:
        letters, dead = messaging.queues(connection)
        assert dead(connection.default_channel).get(no_ack=True) is None
        again = letters(connection.default_channel).get(no_ack=True)
    assert again is not None and again.properties["message_id"] == "m-1"


def test_a_boards_administrator_sees_neither_the_queues_nor_another_boards_accounts(app, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser("beheerder").get("/beheer/").text
    assert "zorgvuldig.brieven" not in page and "achterstand" not in page
    assert "behandelaar.dewilg" in page and "behandelaar.devlinder" not in page
    other = browser("beheerder.meander").get("/beheer/").text
    assert "behandelaar.devlinder" in other and "behandelaar.dewilg" not in other


def test_an_administrator_resets_an_account_of_their_own_board_and_its_sessions_end(app, browser) -> None:  # type: ignore[no-untyped-def]
    handler: Browser = browser("behandelaar.dewilg")
    token = app.extensions["zorgvuldig.accounts"].issue_token("behandelaar.dewilg", "koppeling")
    other_board = browser("beheerder.meander")
    assert other_board.post("/beheer/accounts/behandelaar.dewilg/herstel").status_code == 404
    assert handler.get("/").status_code == 200
    page = browser("beheerder").post("/beheer/accounts/behandelaar.dewilg/herstel")
    assert page.status_code == 200 and 'id="eenmalig"' in page.text
    password = page.text.split('<code id="eenmalig">')[1].split("<")[0]
    assert handler.get("/").status_code == 302
    headers = {"Authorization": f"Bearer {token}"}
    assert app.test_client().get("/api/meldingen", headers=headers).status_code == 401
    accounts = app.extensions["zorgvuldig.accounts"]
    assert accounts.authenticate("behandelaar.dewilg", password) and accounts.must_change_password(
        "behandelaar.dewilg"
    )


def test_a_boards_administrator_cannot_reset_the_installations_administrator(app, browser) -> None:  # type: ignore[no-untyped-def]
    """The installation's administrator belongs to a board too; a reset by that board's
    administrator would hand them a one-time password to every board's machinery."""
    accounts = app.extensions["zorgvuldig.accounts"]
    installation: Browser = browser("installatiebeheerder")
    board_admin: Browser = browser("beheerder")
    assert board_admin.post("/beheer/accounts/installatiebeheerder/herstel").status_code == 404
    assert installation.get("/beheer/").status_code == 200  # still signed in: nothing was ended
    assert not accounts.must_change_password("installatiebeheerder")
    listed = board_admin.get("/beheer/accounts").text
    assert "installatiebeheerder" not in listed  # not the board's account: not listed, nor its sign-ins
    assert "installatiebeheerder" not in board_admin.get("/beheer/").text
    assert "installatiebeheerder" in installation.get("/beheer/accounts").text
    assert "/beheer/accounts/behandelaar.dewilg/herstel" in listed
    assert installation.post("/beheer/accounts/beheerder/herstel").status_code == 200
