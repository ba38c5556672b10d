"""The SQLite key vault: one connection per thread, and an erased key leaves no copy on disk."""

from __future__ import annotations

import sqlite3
import threading
import uuid
from pathlib import Path

import pytest

from services.case import personal_data
from services.case.personal_data import SQLiteKeyVault


def files_of(path: Path) -> bytes:
    """The vault's file with its log and journal, as they are on disk now."""
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


def test_new_keys_and_key_reads_use_one_connection_per_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = []
    connect = sqlite3.connect

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        opened.append(threading.get_ident())
        return connect(*args, **kwargs)

    monkeypatch.setattr(personal_data.sqlite3, "connect", counted)
    monkeypatch.setattr(personal_data, "_KEY_CACHE_SECONDS", 0.0)  # every read goes to the file
    vault = SQLiteKeyVault(str(tmp_path / "sleutels.sqlite"))
    incidents = [uuid.uuid4() for _ in range(20)]
    keys = [vault.key_for(incident, create=True) for incident in incidents]
    assert [vault.key_for(incident, create=False) for incident in incidents] == keys

    elsewhere = threading.Thread(target=lambda: vault.key_for(incidents[0], create=False))
    elsewhere.start()
    elsewhere.join()
    assert len(opened) == 2 and len(set(opened)) == 2


def test_an_erased_key_is_nowhere_in_the_vaults_files(tmp_path: Path) -> None:
    path = tmp_path / "sleutels.sqlite"
    vault = SQLiteKeyVault(str(path))
    kept, erased = uuid.uuid4(), uuid.uuid4()
    kept_key = vault.key_for(kept, create=True)
    erased_key = vault.key_for(erased, create=True)
    assert kept_key and erased_key and erased_key in files_of(path)
    vault.erase(erased)
    assert erased_key not in files_of(path)
    assert vault.key_for(erased, create=True) is None
    assert SQLiteKeyVault(str(path)).key_for(kept, create=False) == kept_key
