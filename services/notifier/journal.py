"""The sending thread's journal of acceptances: a note, within microseconds of the mail server's
250, that it accepted a recipient's mail, kept until the ledger's own write of that acceptance
has committed.

A killed notifier leaves a second copy of each mail the server accepted but the ledger had not
yet noted. The ledger's write takes a transaction (SQLite, or a round trip to PostgreSQL) and
waits its turn on the interpreter; that time was a third of the window in which a kill leaves a
copy (docs/metingen.md). The journal is a small file that the thread maps into memory: writing a
note is copying a few bytes, with no system call and without handing over the interpreter, and
what a process wrote there survives its death (the pages belong to the file, not the process).
The next worker reads the journals of dead ones into the ledger before it takes a letter.

One file per sending thread, locked (flock) while its thread's process lives: a file whose
lock can be taken belongs to a process that has died. A note is a fixed slot, its first byte
set last, so a note cut off by a kill is never read. A slot that was cleared only in part
still names an acceptance that really happened: reading it twice changes nothing. A ledger
write that failed leaves its notes until the next write clears them; their recipients are
then in doubt in the ledger and sent again, as they were before there was a journal.
"""

from __future__ import annotations

import fcntl
import mmap
import os
from collections.abc import Iterator
from pathlib import Path

SLOT = 128  # bytes: a flag, a length, then "message id<TAB>recipient key" (36 + 1 + 64)
SLOTS = 512  # far more than the acceptances between two of the ledger's writes (one per connection)
SUFFIX = ".journaal"


class Journal:
    """One sending thread's journal; not shared between threads."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Made and locked under another name first: a notifier reading the journals of dead
        # processes must never take a new one for a dead one's.
        making = path.with_suffix(".nieuw")
        self._fd = os.open(making, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        fcntl.flock(self._fd, fcntl.LOCK_EX)  # held until this process ends
        # Its blocks taken now: a full disk fails here (the ledger alone notes then), not with
        # a SIGBUS at the first note written into a page the file system has no room for.
        os.posix_fallocate(self._fd, 0, SLOT * SLOTS)
        self._map = mmap.mmap(self._fd, SLOT * SLOTS)
        os.rename(making, path)
        self._used = 0

    def accepted(self, message_id: str, key: str) -> None:
        """Notes that the server accepted the mail to `key`. A note that does not fit is left
        to the ledger's write alone (a kill before it leaves a copy, as without a journal)."""
        body = f"{message_id}\t{key}".encode()
        if len(body) > SLOT - 2 or self._used == SLOTS:
            return
        at = self._used * SLOT
        self._map[at + 1 : at + 2 + len(body)] = bytes([len(body)]) + body
        self._map[at] = 1  # last: only now is the note whole
        self._used += 1

    def clear(self) -> None:
        """The ledger has committed every note written so far."""
        if self._used:
            self._map[: self._used * SLOT] = bytes(self._used * SLOT)
            self._used = 0


def left_behind(folder: Path) -> Iterator[list[tuple[str, str]]]:
    """Each journal of a process that died, with the (message id, recipient key) of its notes.
    The caller writes them to the ledger before going on; the file is removed after that."""
    if not folder.is_dir():
        return
    for path in sorted(folder.glob(f"*{SUFFIX}")):
        try:
            fd = os.open(path, os.O_RDWR)
        except FileNotFoundError:  # another notifier read and removed it just now
            continue
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:  # its process lives
                continue
            with open(fd, "rb", closefd=False) as file:
                notes = list(_notes(file.read()))
            yield notes
            path.unlink(missing_ok=True)
        finally:
            os.close(fd)


def _notes(data: bytes) -> Iterator[tuple[str, str]]:
    for at in range(0, len(data) - SLOT + 1, SLOT):
        if data[at] != 1:
            continue
        length = data[at + 1]
        message_id, tab, key = data[at + 2 : at + 2 + length].decode(errors="replace").partition("\t")
        if tab and message_id and key:
            yield message_id, key
