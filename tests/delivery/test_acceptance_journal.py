"""An acceptance noted in the sending thread's journal the moment the server's 250 came survives
a kill of the process before the ledger's write: the next worker reads it into the ledger, so
that recipient is not sent again (services/notifier/journal.py). Without the journal every
such recipient was in doubt and got a second copy."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from services.notifier import journal
from services.notifier.ledger import Ledger
from services.notifier.sending import ConnectionBudget
from shared.config import Settings, load_settings
from tests.delivery.test_connection_pool import Log, run

MESSAGE = "0b6f1b7e-2f0e-5a55-9a43-5f0a5e6f7a01"
KEYS = [f"{n:064x}" for n in range(1, 4)]

KILLED_AFTER_TWO_ACCEPTANCES = """
import json, os, signal, sys
from services.notifier.ledger import Ledger
from shared.config import load_settings

settings = load_settings(json.loads(sys.argv[1]))
message, keys = sys.argv[2], sys.argv[3].split(",")
ledger = Ledger(settings)
ledger.take(message, "werkproces-1", seconds=0)  # a lease that has run out
ledger.record_deliveries(message, [], started=keys)   # all three mails started
ledger.accepted_now(message, keys[0])                 # the server's 250 for two of them,
ledger.accepted_now(message, keys[1])                 # and the kill before the ledger's write
os.kill(os.getpid(), signal.SIGKILL)
"""


def killed_after_two_acceptances(env: dict[str, str]) -> None:
    script = textwrap.dedent(KILLED_AFTER_TWO_ACCEPTANCES)
    done = subprocess.run(
        [sys.executable, "-c", script, json.dumps(env), MESSAGE, ",".join(KEYS)],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == -9, done.stderr.decode()


def after_the_kill(settings: Settings, env: dict[str, str]) -> None:
    killed_after_two_acceptances(env)
    ledger = Ledger(settings)
    assert ledger.recover() == 2
    progress = ledger.take(MESSAGE, "werkproces-2")
    assert progress.delivered == frozenset(KEYS[:2])
    assert progress.in_doubt == frozenset(KEYS[2:])  # only the mail without a 250 goes again
    assert list(ledger.journal_folder.glob("*" + journal.SUFFIX)) == []  # read once, then removed
    assert ledger.recover() == 0


def test_a_killed_process_acceptances_reach_the_ledger_on_sqlite(tmp_path: Path) -> None:
    env = {"ZORGVULDIG_DATA_DIR": str(tmp_path)}
    after_the_kill(load_settings(env), env)


def test_a_killed_process_acceptances_reach_the_ledger_on_postgresql(
    tmp_path: Path, postgres_url: str
) -> None:
    env = {"ZORGVULDIG_DATA_DIR": str(tmp_path), "ZORGVULDIG_DATABASE_URL": postgres_url}
    after_the_kill(load_settings(env), env)


def test_a_living_process_journal_is_left_alone(tmp_path: Path) -> None:
    ledger = Ledger(load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path)}))
    ledger.accepted_now(MESSAGE, KEYS[0])  # this thread's journal: locked while we live
    other = Ledger(load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path)}))
    assert other.recover() == 0
    assert len(list(ledger.journal_folder.glob("*" + journal.SUFFIX))) == 1


def test_the_ledger_write_clears_the_journal(tmp_path: Path) -> None:
    ledger = Ledger(load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path)}))
    ledger.accepted_now(MESSAGE, KEYS[0])
    ledger.accepted_now(MESSAGE, KEYS[1])
    ledger.record_deliveries(MESSAGE, KEYS[:2])
    (path,) = ledger.journal_folder.glob("*" + journal.SUFFIX)
    assert path.read_bytes() == bytes(journal.SLOT * journal.SLOTS)


def test_a_note_cut_off_by_a_kill_is_not_read(tmp_path: Path) -> None:
    """The note's first byte is set last: a slot with its text but without it is ignored, and
    a journal of odd bytes yields nothing it cannot read."""
    body = f"{MESSAGE}\t{KEYS[0]}".encode()
    whole = bytes([1, len(body)]) + body
    cut_off = bytes([0, len(body)]) + body
    slots = [whole, cut_off, b"\x01\x05garbage"]
    data = b"".join(slot.ljust(journal.SLOT, b"\0") for slot in slots)
    (tmp_path / ("dood" + journal.SUFFIX)).write_bytes(data)
    found = list(journal.left_behind(tmp_path))
    assert found == [[(MESSAGE, KEYS[0])]]


def test_each_acceptance_is_in_the_journal_before_the_ledger_hears_of_it(tmp_path: Path) -> None:
    """The sender hands each accepted key on the moment the 250 is read, before the batch's
    note: the window a kill can hit no longer holds the ledger's transaction."""
    log = Log()
    journaled: list[tuple[str, int]] = []

    def accepted(key: str) -> None:
        with log.lock:
            journaled.append((key, len(log.events)))

    assert run(log, 60, ConnectionBudget(2), tmp_path, accepted) == {}
    written_at = {
        key: index
        for index, (kind, _, keys) in enumerate(log.events)
        if kind == "geschreven"
        for key in keys.split(",")
    }
    assert sorted(key for key, _ in journaled) == sorted(written_at)
    for key, at in journaled:
        assert at <= written_at[key], f"{key} kwam pas na de notitie in het journaal"


def test_without_room_for_a_journal_the_ledger_alone_notes(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A journal that cannot be made (here its folder's name is taken by a file; a full disk
    fails the same way) costs the fast note, never a letter: the ledger still writes each one."""
    ledger = Ledger(load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path)}))
    ledger.journal_folder.write_text("geen map")
    ledger.accepted_now(MESSAGE, KEYS[0])
    ledger.record_deliveries(MESSAGE, KEYS[:1])
    assert "Geen journaal voor aannames" in caplog.text
    progress = ledger.take(MESSAGE, "werkproces-1")
    assert progress.delivered == frozenset(KEYS[:1])
