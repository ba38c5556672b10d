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
  first in line again. No visibility timeout to tune: a slow reader keeps its lock;
- an exchange's table of bindings (in `controle`, read at every publish, written by every new
  connection that declares a queue) is written the same way, one writer at a time: kombu's
  creates the file empty and locks it after, so processes starting together read an empty
  table (a `JSONDecodeError`) or truncated another's binding away.
"""

from __future__ import annotations

import fcntl
import logging
import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
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


def _write_whole(final: Path, writing: Path, content: Any, failure: str) -> None:
    """Writes `content` as JSON under the hidden name `writing`, on disk, then renames it to
    `final`: a reader sees the file whole or not at all. A failure leaves no half file behind."""
    try:
        with open(writing, "wb") as file:
            file.write(dumps(content).encode("utf-8"))
            file.flush()
            os.fsync(file.fileno())
        os.rename(writing, final)
    except OSError as error:
        writing.unlink(missing_ok=True)
        raise ChannelError(failure) from error


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
        _write_whole(
            folder / name,
            folder / f".{name}{WRITING_SUFFIX}",
            payload,
            f"Cannot add file {name!r} to directory",
        )

    # The exchange's table of bindings: read whole without a lock, rewritten under one.

    def get_table(self, exchange: str) -> list[Any]:
        file = self._exchange_file(exchange)
        try:
            text = file.read_bytes()
        except FileNotFoundError:
            return []
        except OSError as error:
            raise ChannelError(f"Cannot open {file}") from error
        try:
            return [filesystem.exchange_queue_t(*row) for row in loads(text.decode("utf-8"))]
        except (ValueError, TypeError) as error:  # a publish fails loudly rather than misroutes
            raise ChannelError(f"Unreadable exchange table {file.name}") from error

    def _queue_bind(self, exchange: str, routing_key: str, pattern: str, queue: str) -> None:
        binding = filesystem.exchange_queue_t(routing_key or "", pattern or "", queue or "")
        with self._table_lock(exchange):
            table = self._readable_table(exchange)
            if binding not in table:
                self._write_table(exchange, [binding, *table])

    def _delete(
        self, queue: str, exchange: str, routing_key: str, pattern: str, *args: Any, **kwargs: Any
    ) -> None:
        virtual.Channel._delete(self, queue, exchange, routing_key, pattern, *args, **kwargs)
        binding = filesystem.exchange_queue_t(routing_key or "", pattern or "", queue or "")
        with self._table_lock(exchange):
            table = self._readable_table(exchange)
            if binding in table:
                table.remove(binding)
                self._write_table(exchange, table)

    @contextmanager
    def _table_lock(self, exchange: str) -> Iterator[None]:
        self.control_folder.mkdir(parents=True, exist_ok=True)
        with open(self.control_folder / f".{exchange}.slot", "ab") as lock:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
            yield  # closing the file frees the lock

    def _readable_table(self, exchange: str) -> list[Any]:
        try:
            return self.get_table(exchange)
        except ChannelError:  # left by an older writer that stopped mid-write: the binders rebuild it
            log.warning("Onleesbare tabel van exchange %s opnieuw opgebouwd.", exchange)
            return []

    def _write_table(self, exchange: str, table: list[Any]) -> None:
        final = self._exchange_file(exchange)
        writing = final.with_name(f".{final.name}.{uuid.uuid4().hex[:8]}{WRITING_SUFFIX}")
        _write_whole(final, writing, table, f"Cannot write {final}")

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
