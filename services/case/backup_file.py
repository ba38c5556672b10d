"""A backup file sealed with the backup key (AES-256-GCM), so that a copied backup reveals
nothing: not the per-incident keys in it, not the schools' saved addresses, not the accounts.

The key is kept apart from the backups (ZORGVULDIG_BACKUP_KEY, stored like the recipients
key, never beside the files). The gzipped backup is cut into chunks of a mebibyte, each
sealed with its number and whether it is the last as associated data, so a chunk cannot be
changed, left out, swapped or cut off at the end without the restore noticing.
"""

from __future__ import annotations

import io
import os
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"ZORGVULDIG-BACKUP-AES256GCM-1\n"
CHUNK = 1024 * 1024
_FILE_ID = 16


class BackupUnreadable(Exception):
    """Raised when a sealed backup cannot be opened: another key, or a changed file."""


def _nonce(file_id: bytes, number: int) -> bytes:
    return file_id[:4] + struct.pack(">Q", number)


def _context(file_id: bytes, number: int, last: bool) -> bytes:
    return MAGIC + file_id + struct.pack(">Q?", number, last)


class SealingWriter(io.RawIOBase):
    """A writable file that seals what is written to it, chunk by chunk, into `target`."""

    def __init__(self, target: IO[bytes], key: bytes) -> None:
        self.target = target
        self.aead = AESGCM(key)
        self.file_id = os.urandom(_FILE_ID)
        self.buffer = bytearray()
        self.number = 0
        target.write(MAGIC + self.file_id)

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.buffer += data
        while len(self.buffer) > CHUNK:
            self._seal(bytes(self.buffer[:CHUNK]), last=False)
            del self.buffer[:CHUNK]
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._seal(bytes(self.buffer), last=True)
            self.buffer.clear()
        super().close()

    def _seal(self, plain: bytes, *, last: bool) -> None:
        sealed = self.aead.encrypt(
            _nonce(self.file_id, self.number), plain, _context(self.file_id, self.number, last)
        )
        self.target.write(struct.pack(">I?", len(sealed), last) + sealed)
        self.number += 1


def is_sealed(path: Path) -> bool:
    with path.open("rb") as source:
        return source.read(len(MAGIC)) == MAGIC


def opened_chunks(source: IO[bytes], key: bytes) -> Iterator[bytes]:
    """The plain chunks of a sealed file; raises BackupUnreadable at the first that fails."""
    if source.read(len(MAGIC)) != MAGIC:
        raise BackupUnreadable("Dit is geen versleutelde back-up van Zorgvuldig.")
    file_id = source.read(_FILE_ID)
    aead = AESGCM(key)
    number = 0
    while True:
        header = source.read(5)
        if len(header) < 5:
            raise BackupUnreadable("De back-up is afgekapt: het laatste deel ontbreekt.")
        length, last = struct.unpack(">I?", header)
        sealed = source.read(length)
        try:
            yield aead.decrypt(_nonce(file_id, number), sealed, _context(file_id, number, last))
        except InvalidTag:
            raise BackupUnreadable(
                "De back-up kan niet worden geopend: een andere sleutel (ZORGVULDIG_BACKUP_KEY) "
                "of een gewijzigd bestand."
            ) from None
        if last:
            return
        number += 1


class OpeningReader(io.RawIOBase):
    """A readable file over the plain content of a sealed one."""

    def __init__(self, source: IO[bytes], key: bytes) -> None:
        self.chunks = opened_chunks(source, key)
        self.pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while not self.pending:
            chunk = next(self.chunks, None)
            if chunk is None:
                return 0
            self.pending = chunk
        size = min(len(buffer), len(self.pending))
        buffer[:size] = self.pending[:size]
        self.pending = self.pending[size:]
        return size
