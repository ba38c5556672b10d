"""The threads of one process take turns on a kept-open SQLite file (the notifier's ledger):
SQLite lets one write at a time, and a thread that finds the file busy sleeps 1, 2, 5, 10 ms
and more before trying again. A turn handed over by a lock costs nothing of that."""

from __future__ import annotations

import threading
from pathlib import Path

from shared.config import load_settings
from shared.database import Database


def test_a_second_thread_waits_for_the_first_to_end_its_transaction(tmp_path: Path) -> None:
    db = Database(load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path)}), "ledger.sqlite", kept_open=True)
    with db.connect() as connection:
        connection.execute("CREATE TABLE notes (n INTEGER)")
    first_inside, first_may_end, second_inside = threading.Event(), threading.Event(), threading.Event()

    def first() -> None:
        with db.connect() as connection:
            connection.execute("INSERT INTO notes VALUES (1)")
            first_inside.set()
            first_may_end.wait(10)

    def second() -> None:
        first_inside.wait(10)
        with db.connect() as connection:
            second_inside.set()
            connection.execute("INSERT INTO notes VALUES (2)")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    assert first_inside.wait(10)
    assert not second_inside.wait(0.3), "de tweede schreef terwijl de eerste nog bezig was"
    first_may_end.set()
    for thread in threads:
        thread.join(10)
    assert second_inside.is_set()
    with db.connect() as connection:
        assert [row[0] for row in connection.execute("SELECT n FROM notes ORDER BY n")] == [1, 2]


def test_a_thread_may_open_a_transaction_inside_its_own(tmp_path: Path) -> None:
    db = Database(load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path)}), "ledger.sqlite", kept_open=True)
    with db.connect() as outer, db.connect() as inner:
        assert outer is inner
