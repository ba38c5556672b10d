"""Saved addresses are sealed at rest with a key of their school."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from shared.config import load_settings
from shared.recipients import RecipientGroups


def test_addresses_are_not_readable_in_the_database_file(tmp_path: Path) -> None:
    groups = RecipientGroups(load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path)}))
    groups.save("de-wilg", "Ouders groep 7", ["ouder@voorbeeld.nl"])
    assert b"ouder@voorbeeld.nl" not in (tmp_path / "ontvangers.sqlite").read_bytes()
    assert groups.get("de-wilg", "Ouders groep 7").addresses == ("ouder@voorbeeld.nl",)


def test_each_school_has_its_own_key(tmp_path: Path) -> None:
    groups = RecipientGroups(load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path)}))
    groups.save("de-wilg", "Ouders", ["a@voorbeeld.nl"])
    groups.save("het-anker", "Ouders", ["b@voorbeeld.nl"])
    with sqlite3.connect(tmp_path / "ontvangers.sqlite") as db:
        keys = dict(db.execute("SELECT school_id, sealed_key FROM recipient_keys").fetchall())
        # A group moved to another school's row does not open with that school's key.
        db.execute(
            "UPDATE recipient_groups SET addresses = (SELECT addresses FROM recipient_groups"
            " WHERE school_id = 'de-wilg') WHERE school_id = 'het-anker'"
        )
    assert set(keys) == {"de-wilg", "het-anker"} and len(set(keys.values())) == 2
    assert groups.get("het-anker", "Ouders").addresses == ()


def test_without_the_installation_key_nothing_opens(tmp_path: Path) -> None:
    RecipientGroups(load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path)})).save("de-wilg", "O", ["a@v.nl"])
    other = load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path), "ZORGVULDIG_RECIPIENTS_KEY": "een-andere"})
    try:
        RecipientGroups(other).of_school("de-wilg")
    except Exception as error:
        assert type(error).__name__ == "InvalidTag"
    else:
        raise AssertionError("opened with the wrong installation key")


def test_groups_saved_before_sealing_are_sealed_on_opening(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "ontvangers.sqlite") as db:
        db.execute(
            "CREATE TABLE recipient_groups (school_id TEXT NOT NULL, name TEXT NOT NULL,"
            " addresses TEXT NOT NULL, PRIMARY KEY (school_id, name))"
        )
        db.execute("INSERT INTO recipient_groups VALUES ('de-wilg', 'Oud', 'a@voorbeeld.nl\nb@voorbeeld.nl')")
    groups = RecipientGroups(load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path)}))
    assert groups.get("de-wilg", "Oud").addresses == ("a@voorbeeld.nl", "b@voorbeeld.nl")
    assert b"a@voorbeeld.nl" not in (tmp_path / "ontvangers.sqlite").read_bytes()
