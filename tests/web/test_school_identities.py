"""Identities from a school's own provider: configuration, board rules and linking."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.accounts import Accounts, LoginRefused
from shared.config import ConfigurationError, load_settings
from shared.demo import seed_demo
from shared.identities import Identities, LinkRefused, SignedInIdentity
from shared.identity import Role

ISSUER = "https://login.microsoftonline.com/tenant-id/v2.0"


def settings_for(tmp_path: Path, **extra: str):  # type: ignore[no-untyped-def]
    return load_settings(
        {
            "ZORGVULDIG_DATA_DIR": str(tmp_path),
            "ZORGVULDIG_OIDC_PROVIDERS": "entra",
            "ZORGVULDIG_OIDC_ENTRA_ISSUER": ISSUER,
            "ZORGVULDIG_OIDC_ENTRA_CLIENT_ID": "client",
            "ZORGVULDIG_OIDC_ENTRA_CLIENT_SECRET": "secret",
            "ZORGVULDIG_OIDC_ENTRA_BOARD": "kindante",
            **extra,
        }
    )


def identity(subject: str = "abc", email: str = "iemand@dewilg.nl", **claims):  # type: ignore[no-untyped-def]
    return SignedInIdentity.from_claims({"iss": ISSUER, "sub": subject, "email": email, **claims})


def test_a_provider_is_read_from_the_environment(tmp_path: Path) -> None:
    settings = settings_for(
        tmp_path,
        ZORGVULDIG_OIDC_ENTRA_LABEL="Microsoft",
        ZORGVULDIG_OIDC_ENTRA_RULES="dewilg.nl Zorgteam behandelaar de-wilg; kindante.nl OTV otv",
    )
    provider = settings.oidc_provider("entra")
    assert provider is not None and provider.label == "Microsoft" and provider.board_id == "kindante"
    assert provider.metadata_url == ISSUER + "/.well-known/openid-configuration"
    assert [r.role for r in provider.rules] == ["behandelaar", "otv"]
    assert "secret" not in repr(provider)


@pytest.mark.parametrize(
    "extra",
    [
        {"ZORGVULDIG_OIDC_ENTRA_CLIENT_SECRET": ""},
        {"ZORGVULDIG_OIDC_ENTRA_ISSUER": "http://login.voorbeeld.nl"},
        {"ZORGVULDIG_OIDC_ENTRA_RULES": "dewilg.nl Zorgteam behandelaar"},
        {"ZORGVULDIG_OIDC_ENTRA_RULES": "dewilg.nl Zorgteam koning"},
    ],
)
def test_a_malformed_provider_stops_the_start(tmp_path: Path, extra: dict[str, str]) -> None:
    with pytest.raises(ConfigurationError):
        settings_for(tmp_path, **extra)


def test_an_unknown_identity_waits_without_access(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    identities = Identities(settings)
    assert identities.account_for(settings.oidc_providers[0], identity()) is None
    assert [w.email for w in identities.waiting()] == ["iemand@dewilg.nl"]


def test_a_board_rule_needs_the_domain_and_the_group(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, ZORGVULDIG_OIDC_ENTRA_RULES="dewilg.nl Zorgteam behandelaar de-wilg")
    provider = settings.oidc_providers[0]
    identities = Identities(settings)
    assert identities.account_for(provider, identity("a", groups=["Leerkrachten"])) is None
    assert identities.account_for(provider, identity("b", "x@elders.nl", groups=["Zorgteam"])) is None
    unverified = identity("c", groups=["Zorgteam"], email_verified=False)
    assert identities.account_for(provider, unverified) is None
    username = identities.account_for(provider, identity("d", groups=["Zorgteam"]))
    account = identities.accounts.get(username or "")
    assert account is not None and account.role is Role.CASE_HANDLER and account.school_id == "de-wilg"


def test_a_linked_account_has_no_password_to_sign_in_with(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    provider = settings.oidc_providers[0]
    identities = Identities(settings)
    identities.account_for(provider, identity())
    username = identities.link(provider, "abc", role=Role.STAFF, school_id="de-wilg", linked_by="beheerder")
    assert identities.account_for(provider, identity()) == username
    assert identities.waiting() == []
    with pytest.raises(LoginRefused):
        identities.accounts.authenticate(username, "")


def test_a_link_never_crosses_to_another_board(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    accounts = Accounts(settings)
    accounts.create("elders", name="E", role=Role.BOARD, board_id="ander-bestuur", password="x" * 12)
    identities = Identities(settings, accounts)
    with pytest.raises(LinkRefused):
        identities.link(settings.oidc_providers[0], "abc", role=Role.BOARD, username="elders", linked_by="b")
    with pytest.raises(LinkRefused):
        identities.link(settings.oidc_providers[0], "abc", role=Role.CASE_HANDLER, linked_by="b")


def test_the_command_line_links_a_waiting_identity(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    from services.case import beheer

    settings = settings_for(tmp_path)
    seed_demo(settings)
    Identities(settings).account_for(settings.oidc_providers[0], identity())
    for key, value in {
        "ZORGVULDIG_DATA_DIR": str(tmp_path),
        "ZORGVULDIG_OIDC_PROVIDERS": "entra",
        "ZORGVULDIG_OIDC_ENTRA_ISSUER": ISSUER,
        "ZORGVULDIG_OIDC_ENTRA_CLIENT_ID": "client",
        "ZORGVULDIG_OIDC_ENTRA_CLIENT_SECRET": "secret",
        "ZORGVULDIG_OIDC_ENTRA_BOARD": "kindante",
    }.items():
        monkeypatch.setenv(key, value)
    assert beheer.main(["identiteiten"]) == 0
    assert "iemand@dewilg.nl" in capsys.readouterr().out
    assert beheer.main(["koppel", "entra", "abc", "--rol", "behandelaar", "--school", "de-wilg"]) == 0
    assert (
        Identities(settings).account_for(settings.oidc_providers[0], identity()) == "entra:iemand@dewilg.nl"
    )


def test_an_administrator_links_a_waiting_identity_on_the_admin_page(tmp_path: Path) -> None:
    from services.web import create_app
    from tests.web.conftest import Browser

    settings = settings_for(tmp_path)
    accounts = Accounts(settings)
    seed_demo(settings, accounts)
    accounts.create("beheer.ander", name="B", role=Role.ADMINISTRATOR, board_id="ander", password="x" * 12)
    identities = Identities(settings, accounts)
    identities.account_for(settings.oidc_providers[0], identity(name="Iemand Nieuw"))
    app = create_app(settings, accounts=accounts, identities=identities)

    other = Browser(app.test_client()).sign_in("beheer.ander", "x" * 12)
    assert "Iemand Nieuw" not in other.get("/beheer/identiteiten").text  # another board's administrator

    admin = Browser(app.test_client()).sign_in("beheerder")
    assert "Wie wacht er op toegang" in admin.get("/beheer/").text
    page = admin.get("/beheer/identiteiten").text
    assert "Iemand Nieuw" in page and "iemand@dewilg.nl" in page
    response = admin.post(
        "/beheer/identiteiten",
        {"aanbieder": "entra", "sub": "abc", "rol": "behandelaar", "school": "de-wilg"},
    )
    assert response.status_code == 302
    account = accounts.get(identities.account_for(settings.oidc_providers[0], identity()) or "")
    assert account is not None and account.role is Role.CASE_HANDLER and account.school_id == "de-wilg"
    assert "Niemand wacht op toegang." in admin.get("/beheer/identiteiten").text


def test_the_session_cookie_comes_back_from_the_provider_only_where_one_is_configured(tmp_path: Path) -> None:
    from services.web import create_app

    with_provider = create_app(settings_for(tmp_path))
    (tmp_path / "zonder").mkdir()
    without = create_app(load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path / "zonder")}))
    assert with_provider.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert without.config["SESSION_COOKIE_SAMESITE"] == "Strict"


def test_wrong_passwords_for_a_linked_account_do_not_lock_it_or_end_its_sessions(tmp_path: Path) -> None:
    """An account that signs in through its school's provider has no password to guess: ten
    wrong ones typed by anyone who knows the username would otherwise lock it, and a lock ends
    every session and revokes every API token of the person."""
    settings = settings_for(tmp_path)
    provider = settings.oidc_providers[0]
    identities = Identities(settings)
    identities.account_for(provider, identity())
    username = identities.link(provider, "abc", role=Role.CASE_HANDLER, school_id="de-wilg", linked_by="b")
    accounts = identities.accounts
    session = accounts.sessions.start(username)
    token = accounts.issue_token(username, "koppeling")
    for _ in range(12):
        with pytest.raises(LoginRefused) as refused:
            accounts.authenticate(username, "geraden-wachtwoord")
        assert refused.value.message == "Gebruikersnaam of wachtwoord klopt niet."
    assert not accounts.locked(username)
    assert accounts.sessions.username(session) == username and accounts.by_token(token) is not None
