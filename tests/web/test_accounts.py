"""First administrator, one-time passwords and the second factor (issue 5)."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pyotp
import pytest

from services.web import create_app
from shared import sign_in_log
from shared.accounts import Accounts
from shared.config import load_settings
from shared.identity import Role

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
ROOT = Path(__file__).resolve().parents[2]


def token(html: str) -> str:
    found = CSRF.search(html)
    assert found
    return found.group(1)


def test_the_first_administrator_gets_a_one_time_password_and_must_choose_their_own(tmp_path) -> None:
    env = {"ZORGVULDIG_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    made = subprocess.run(
        [
            sys.executable,
            "-m",
            "services.case.beheer",
            "beheerder",
            "bert",
            "--naam",
            "Bert Hof",
            "--bestuur",
            "kindante",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    password = re.search(r"Eenmalig wachtwoord: (\S+)", made.stdout).group(1)  # type: ignore[union-attr]
    again = subprocess.run(
        [sys.executable, "-m", "services.case.beheer", "beheerder", "bert", "--naam", "X", "--bestuur", "k"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert again.returncode == 1 and "bestaat al" in again.stderr

    settings = load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path)})
    client = create_app(settings, report_wait=0.0).test_client()
    page = client.get("/inloggen")
    response = client.post(
        "/inloggen", data={"csrf_token": token(page.text), "gebruikersnaam": "bert", "wachtwoord": password}
    )
    assert response.headers["Location"] == "/wachtwoord"
    assert client.get("/").headers["Location"] == "/wachtwoord"  # nothing else until it is changed
    form = client.get("/wachtwoord")
    short = client.post(
        "/wachtwoord", data={"csrf_token": token(form.text), "nieuw": "kort", "herhaling": "kort"}
    )
    assert short.status_code == 422 and "minstens 12 tekens" in short.text
    new = "een-eigen-lang-wachtwoord"
    done = client.post(
        "/wachtwoord",
        data={"csrf_token": token(form.text), "huidig": password, "nieuw": new, "herhaling": new},
    )
    assert done.status_code == 302 and client.get("/", follow_redirects=True).status_code == 200
    assert Accounts(settings).authenticate("bert", new).role is Role.ADMINISTRATOR


@pytest.fixture
def production(tmp_path):  # type: ignore[no-untyped-def]
    settings = load_settings(
        {
            "ZORGVULDIG_DATA_DIR": str(tmp_path),
            "ZORGVULDIG_ENVIRONMENT": "production",
            "ZORGVULDIG_SECRET_KEY": "een-lange-geheime-sleutel-voor-de-test",
        }
    )
    accounts = Accounts(settings)
    accounts.create("omar", name="Omar", role=Role.OTV, board_id="kindante", password="wachtwoord-van-omar")
    app = create_app(settings, accounts=accounts, report_wait=0.0)
    app.config["SESSION_COOKIE_SECURE"] = False  # the test client speaks plain HTTP
    return app, accounts


def test_the_otv_sets_up_and_then_needs_a_totp_code(production) -> None:
    app, accounts = production
    client = app.test_client()
    page = client.get("/inloggen")
    first = client.post(
        "/inloggen",
        data={"csrf_token": token(page.text), "gebruikersnaam": "omar", "wachtwoord": "wachtwoord-van-omar"},
    )
    assert first.headers["Location"] == "/inloggen/code"
    assert client.get("/").status_code == 302  # not signed in yet
    setup = client.get("/inloggen/code")
    secret = re.search(r'<code id="sleutel">(\w+)</code>', setup.text).group(1)  # type: ignore[union-attr]
    wrong = client.post("/inloggen/code", data={"csrf_token": token(setup.text), "code": "000000"})
    assert wrong.status_code == 401 and "Deze code klopt niet" in wrong.text
    right = client.post(
        "/inloggen/code", data={"csrf_token": token(setup.text), "code": pyotp.TOTP(secret).now()}
    )
    assert right.status_code == 302 and client.get("/").status_code == 200
    assert accounts.totp_secret("omar") == secret

    other = app.test_client()
    page = other.get("/inloggen")
    other.post(
        "/inloggen",
        data={"csrf_token": token(page.text), "gebruikersnaam": "omar", "wachtwoord": "wachtwoord-van-omar"},
    )
    ask = other.get("/inloggen/code")
    assert "sleutel" not in ask.text  # set up once; from now on only the code
    for _ in range(5):
        other.post("/inloggen/code", data={"csrf_token": token(ask.text), "code": "123456"})
    assert other.get("/inloggen/code").headers["Location"] == "/inloggen"


def test_an_administrator_resets_a_password_from_the_command_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path)})
    accounts = Accounts(settings)
    accounts.create(
        "anna", name="Anna", role=Role.CASE_HANDLER, board_id="k", school_id="s", password="x" * 12
    )
    session = accounts.sessions.start("anna")
    env = {"ZORGVULDIG_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    command = [sys.executable, "-m", "services.case.beheer", "herstel", "anna"]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    password = re.search(r"Eenmalig wachtwoord: (\S+)", done.stdout).group(1)  # type: ignore[union-attr]
    assert accounts.authenticate("anna", password) and accounts.must_change_password("anna")
    assert accounts.sessions.of("anna") == [] and session
    command = [
        sys.executable,
        "-m",
        "services.case.beheer",
        "rol",
        "anna",
        "--rol",
        "medewerker",
        "--school",
        "s",
    ]
    subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert accounts.get("anna").role is Role.STAFF  # type: ignore[union-attr]


def sign_in_with_password(app, username: str, password: str):  # type: ignore[no-untyped-def]
    client = app.test_client()
    page = client.get("/inloggen")
    client.post(
        "/inloggen", data={"csrf_token": token(page.text), "gebruikersnaam": username, "wachtwoord": password}
    )
    return client, token(client.get("/inloggen/code").text)


def wrong_code(secret: str) -> str:
    """A code that is none of the three a sign-in accepts now."""
    totp = pyotp.TOTP(secret)
    valid = {totp.at(time.time() + offset) for offset in (-30, 0, 30)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in valid)


def test_a_totp_code_is_used_once(production) -> None:  # type: ignore[no-untyped-def]
    app, accounts = production
    secret = pyotp.random_base32()
    accounts.set_totp_secret("omar", secret)
    code = pyotp.TOTP(secret).now()
    first, csrf = sign_in_with_password(app, "omar", "wachtwoord-van-omar")
    assert first.post("/inloggen/code", data={"csrf_token": csrf, "code": code}).status_code == 302
    overheard, csrf = sign_in_with_password(app, "omar", "wachtwoord-van-omar")
    again = overheard.post("/inloggen/code", data={"csrf_token": csrf, "code": code})
    assert again.status_code == 401 and "al gebruikt" in again.text
    assert overheard.get("/").status_code == 302
    assert [e.what for e in accounts.log.of(["omar"])][:2] == ["inlogcode al gebruikt", "ingelogd"]


def test_five_wrong_codes_lock_the_account_like_wrong_passwords(production) -> None:  # type: ignore[no-untyped-def]
    app, accounts = production
    secret = pyotp.random_base32()
    accounts.set_totp_secret("omar", secret)
    for _ in range(5):
        # a new sign-in each time: the count is kept with the account, not in the cookie
        client, csrf = sign_in_with_password(app, "omar", "wachtwoord-van-omar")
        client.post("/inloggen/code", data={"csrf_token": csrf, "code": wrong_code(secret)})
    assert accounts.locked("omar")
    client = app.test_client()
    page = client.get("/inloggen")
    refused = client.post(
        "/inloggen",
        data={"csrf_token": token(page.text), "gebruikersnaam": "omar", "wachtwoord": "wachtwoord-van-omar"},
    )
    assert refused.status_code == 401 and "vergrendeld" in refused.text
    log = [e.what for e in accounts.log.of(["omar"])]
    assert log.count("inlogcode onjuist") == 5 and sign_in_log.LOCKED in log


def test_a_half_finished_sign_in_waits_five_minutes_for_its_code(production) -> None:  # type: ignore[no-untyped-def]
    app, accounts = production
    secret = pyotp.random_base32()
    accounts.set_totp_secret("omar", secret)
    client, csrf = sign_in_with_password(app, "omar", "wachtwoord-van-omar")
    with client.session_transaction() as session:
        session["tweede_stap"] = {**session["tweede_stap"], "sinds": time.time() - 301}
    late = client.post("/inloggen/code", data={"csrf_token": csrf, "code": pyotp.TOTP(secret).now()})
    assert late.status_code == 302 and late.headers["Location"] == "/inloggen"
    assert "niet binnen vijf minuten" in client.get("/inloggen").text


@pytest.mark.parametrize("ending", ["reset", "role", "logout"])
def test_a_sign_in_waiting_for_its_code_ends_with_everything_else(production, ending: str) -> None:  # type: ignore[no-untyped-def]
    """The password was typed before the administrator reset it (or the role changed, or the
    person logged out elsewhere): the half-finished sign-in in that browser is ended too, so a
    stolen password with a code cannot finish it."""
    app, accounts = production
    secret = pyotp.random_base32()
    accounts.set_totp_secret("omar", secret)
    client, csrf = sign_in_with_password(app, "omar", "wachtwoord-van-omar")
    if ending == "reset":
        accounts.reset_password("omar")
    elif ending == "role":
        accounts.change_role("omar", Role.BOARD)
    else:
        accounts.end_everything("omar", sign_in_log.SIGNED_OUT)
    done = client.post("/inloggen/code", data={"csrf_token": csrf, "code": pyotp.TOTP(secret).now()})
    assert done.status_code == 302 and done.headers["Location"] == "/inloggen"
    assert client.get("/").status_code == 302 and accounts.sessions.of("omar") == []
    page = client.get("/inloggen").text
    assert "Terwijl u inlogde, zijn al uw sessies beëindigd" in page
