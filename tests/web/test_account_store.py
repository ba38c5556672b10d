"""The account store keeps working on a data folder made by an earlier version."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from shared.accounts import Accounts, hash_password
from shared.config import load_settings
from shared.identity import Role
from shared.sessions import SessionEnded

FIRST_RELEASE_SCHEMA = """
CREATE TABLE accounts (
    username TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, board_id TEXT NOT NULL,
    school_id TEXT NOT NULL, password_hash TEXT NOT NULL,
    failed_logins INTEGER NOT NULL DEFAULT 0, locked_until TEXT NOT NULL DEFAULT ''
)
"""


def test_an_older_account_store_is_upgraded_and_its_people_can_still_sign_in(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "accounts.sqlite") as db:
        db.execute(FIRST_RELEASE_SCHEMA)
        db.execute(
            "INSERT INTO accounts (username, name, role, board_id, school_id, password_hash) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (
                "anna",
                "Anna de Vries",
                Role.CASE_HANDLER.value,
                "kindante",
                "de-wilg",
                hash_password("een lang wachtwoord"),
            ),
        )
    accounts = Accounts(load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path)}))
    signed_in = accounts.authenticate("anna", "een lang wachtwoord")
    assert signed_in.actor.school_id == "de-wilg"
    assert not accounts.must_change_password("anna")  # what signing in asks next
    assert accounts.totp_secret("anna") == ""
    Accounts(load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path)}))  # a second start changes nothing


@pytest.mark.integration
def test_an_older_account_store_on_postgresql_is_upgraded(postgres_url: str, tmp_path: Path) -> None:
    import psycopg

    with psycopg.connect(postgres_url) as db:
        db.execute(FIRST_RELEASE_SCHEMA)
        db.execute(
            "INSERT INTO accounts (username, name, role, board_id, school_id, password_hash) "
            "VALUES (%s, %s, %s, %s, %s, %s)",
            (
                "anna",
                "Anna de Vries",
                Role.CASE_HANDLER.value,
                "kindante",
                "de-wilg",
                hash_password("een lang wachtwoord"),
            ),
        )
    settings = load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path), "ZORGVULDIG_DATABASE_URL": postgres_url})
    accounts = Accounts(settings)
    Accounts(settings)
    assert accounts.authenticate("anna", "een lang wachtwoord").actor.school_id == "de-wilg"
    assert not accounts.must_change_password("anna")


def test_sessions_and_tokens_end_on_each_store(settings_on_each_store) -> None:  # type: ignore[no-untyped-def]
    accounts = Accounts(settings_on_each_store)
    accounts.create(
        "anna", name="Anna", role=Role.CASE_HANDLER, board_id="k", school_id="s", password="x" * 12
    )
    first, second = accounts.sessions.start("anna", "browser"), accounts.sessions.start("anna")
    token = accounts.issue_token("anna", "koppeling")
    assert accounts.sessions.username(first) == "anna" and accounts.by_token(token) is not None
    assert accounts.sessions.end("anna", accounts.sessions.id_of(first))
    assert [s.device for s in accounts.sessions.of("anna")] == [""]
    assert accounts.tokens.revoke("anna", accounts.tokens.of("anna")[0].id)
    assert accounts.by_token(token) is None
    before = datetime.now(UTC)
    accounts.set_password("anna", "y" * 12)
    with pytest.raises(SessionEnded):
        accounts.sessions.username(second)
    # a sign-in begun before the new password (waiting for its code) reads that everything ended
    assert accounts.log.everything_ended_since("anna", before)
    assert not accounts.log.everything_ended_since("anna", datetime.now(UTC) + timedelta(seconds=1))


def test_unused_sessions_and_year_old_sign_ins_are_not_kept(tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    accounts = Accounts(load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path)}))
    long_ago = datetime.now(UTC) - timedelta(days=400)
    accounts.sessions.start("anna", "een gesloten browser", now=datetime.now(UTC) - timedelta(hours=1))
    accounts.log.record("anna", "ingelogd", now=long_ago)
    accounts.sessions.start("anna", "nu")
    accounts.log.record("anna", "ingelogd")
    assert [s.device for s in accounts.sessions.of("anna")] == ["nu"]
    assert [e.at > long_ago for e in accounts.log.of(["anna"])] == [True]
