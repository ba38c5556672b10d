"""The embedded broker: kombu's folder transport, made safe for a writer and readers in several
processes.

kombu's own folder transport opens the message file under its final name and writes it after;
a reader that lists the folder in between moves the empty file away and fails to decode it (a
`JSONDecodeError`), and the message is lost. And it deletes a message when handing it out, so a
reader that dies before its work is done loses it too. Here:

- a writer writes under a hidden temporary name, flushes to disk and renames: a reader sees a
  message whole or not at all;
- a reader locks the file (flock) before moving it into the `bezig` folder and keeps it locked
  while it works; the acknowledgement deletes it, a requeue moves it back;
- a message in `bezig` whose lock nobody holds belongs to a reader that died (the kernel drops a
  dead process's locks): any reader moves it back into the queue, under its old name, so it is
  first in line again. No visibility timeout to tune: a slow reader keeps its lock.
"""

from __future__ import annotations

import fcntl
import logging
import os
import time
import uuid
from functools import cached_property
from pathlib import Path
from queue import Empty
from typing import IO, Any

from kombu.exceptions import ChannelError
from kombu.transport import filesystem, virtual
from kombu.transport.virtual import BrokerState
from kombu.utils.json import dumps, loads

log = logging.getLogger("broker")

RECOVER_EVERY_SECONDS = 1.0
WRITING_SUFFIX = ".schrijven"


class QoS(virtual.QoS):  # type: ignore[misc]
    """Acknowledging deletes the reader's file; a requeue gives that same file back."""

    def ack(self, delivery_tag: str) -> None:
        self.channel._settle(delivery_tag)
        super().ack(delivery_tag)

    def reject(self, delivery_tag: str, requeue: bool = False) -> None:
        if requeue:
            self.channel._give_back(delivery_tag)
        else:
            self.channel._settle(delivery_tag)
        self._quick_ack(delivery_tag)


class Channel(filesystem.Channel):  # type: ignore[misc]
    QoS = QoS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._claims: dict[str, tuple[IO[bytes], Path]] = {}
        self._without_ack: set[str] = set()
        self._recovered_at = 0.0

    @cached_property
    def claimed_folder(self) -> Path:
        folder = Path(self.transport_options.get("claimed_folder") or Path(self.data_folder_in) / "bezig")
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    # Writing: whole or not at all.

    def _put(self, queue: str, payload: Any, **kwargs: Any) -> None:  # type: ignore[override]
        name = f"{round(time.monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        folder = Path(self.data_folder_out)
        final, writing = folder / name, folder / f".{name}{WRITING_SUFFIX}"
        try:
            with open(writing, "wb") as file:
                file.write(dumps(payload).encode("utf-8"))
                file.flush()
                os.fsync(file.fileno())
            os.rename(writing, final)
        except OSError as error:
            writing.unlink(missing_ok=True)
            raise ChannelError(f"Cannot add file {name!r} to directory") from error

    # Reading: claimed under a lock until the work is done.

    def _get(self, queue: str, timeout: float | None = None) -> Any:
        self._recover_abandoned()
        wanted = f"{queue}.msg"
        folder = Path(self.data_folder_in)
        for name in sorted(os.listdir(folder)):
            if name.partition(".")[2] != wanted:
                continue
            taken = self._take(folder / name)
            if taken is None:
                continue
            file, claimed = taken
            try:
                payload = loads(file.read().decode("utf-8"))
            except ValueError:
                # Only a machine that stopped mid-write leaves this: set aside, never dropped
                # unseen; the relay offers the letter again when no outcome comes.
                os.rename(claimed, claimed.with_suffix(".onleesbaar"))
                file.close()
                log.warning("Onleesbaar bericht %s apart gezet in %s.", name, claimed.parent)
                continue
            if queue in self._without_ack:
                claimed.unlink(missing_ok=True)
                file.close()
            else:
                self._claims[payload["properties"]["delivery_tag"]] = (file, claimed)
            return payload
        raise Empty()

    def _take(self, path: Path) -> tuple[IO[bytes], Path] | None:
        """Opens, locks and moves a message into the claimed folder; None if another has it."""
        try:
            file = open(path, "rb")  # held open (and locked) until settled
        except FileNotFoundError:
            return None
        try:
            fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            claimed = self.claimed_folder / path.name
            os.rename(path, claimed)  # gone: another reader took it (and perhaps settled it)
        except OSError:
            file.close()
            return None
        return file, claimed

    def _settle(self, delivery_tag: str) -> None:
        claim = self._claims.pop(delivery_tag, None)
        if claim is not None:
            file, claimed = claim
            claimed.unlink(missing_ok=True)
            file.close()

    def _give_back(self, delivery_tag: str) -> bool:
        claim = self._claims.pop(delivery_tag, None)
        if claim is None:
            return False
        file, claimed = claim
        try:
            os.rename(claimed, Path(self.data_folder_in) / claimed.name)
        finally:
            file.close()
        return True

    def _restore(self, message: Any) -> None:
        """A message not acknowledged when the channel closes goes back as the same file."""
        if not self._give_back(message.delivery_tag):
            super()._restore(message)

    def _recover_abandoned(self) -> None:
        """Gives back what readers that died had claimed: files in `bezig` nobody has locked."""
        now = time.monotonic()
        if now - self._recovered_at < RECOVER_EVERY_SECONDS:
            return
        self._recovered_at = now
        for claimed in self.claimed_folder.glob("*.msg"):
            try:
                file = open(claimed, "rb")
            except FileNotFoundError:
                continue
            try:
                fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                os.rename(claimed, Path(self.data_folder_in) / claimed.name)
            except OSError:
                pass  # its reader is alive, or it was settled meanwhile
            finally:
                file.close()

    def basic_consume(self, queue: str, no_ack: bool, *args: Any, **kwargs: Any) -> Any:
        if no_ack:
            self._without_ack.add(queue)
        return super().basic_consume(queue, no_ack, *args, **kwargs)

    def basic_get(self, queue: str, no_ack: bool = False, **kwargs: Any) -> Any:
        message = super().basic_get(queue, no_ack=no_ack, **kwargs)
        if message is not None and no_ack:
            self._settle(message.delivery_tag)
        return message

    def close(self) -> None:
        super().close()  # gives back what was not acknowledged
        for file, _claimed in self._claims.values():
            file.close()
        self._claims.clear()


class Transport(filesystem.Transport):  # type: ignore[misc]
    """The folder transport with atomic writes and claims that last until the acknowledgement.
    Its exchange table is per connection instead of per process: two installations in one
    process (as in tests) must not share declarations."""

    Channel = Channel
    driver_type = "filesystem"
    driver_name = "zorgvuldig-map"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.state = BrokerState()
