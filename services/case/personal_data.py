"""Erasable personal data in an immutable event log (hard rule 3).

Fields that an event class names in `personal` are sealed with a key of their own incident
before they are stored. When an incident's retention ends, its key is destroyed: the events
stay, with their structure and every fact the process figures need, and the sealed values
read as "[gewist]".
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol
from uuid import UUID

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.persistence import Mapper, StoredEvent, Transcoder
from eventsourcing.utils import resolve_topic

from services.case.domain.actions import ActionRecorded
from services.case.domain.incident import Incident
from services.case.domain.letter_request import LETTER_EVENTS
from shared.database import SCHEMA_LOCK

ERASED = "[gewist]"
_SEALED = "__verzegeld__"
_KEY_CACHE_SECONDS = 30.0


def personal_field_names() -> frozenset[str]:
    """Every field name that some event class marks as personal."""
    names: set[str] = set(Incident.Opened.personal)
    corrected: type[ActionRecorded] = Incident.Corrected
    for event_class in (*Incident.action_classes().values(), corrected):
        names.update(event_class.personal)
    names.discard("changes")
    return frozenset(names)


class KeyVault(Protocol):
    def key_for(self, incident_id: UUID, *, create: bool) -> bytes | None:
        """The incident's key; created when asked and absent; None once erased."""

    def erase(self, incident_id: UUID) -> None:
        """Destroys the incident's key for good."""

    def forget_cached(self, incident_id: UUID) -> None:
        """Drops this process's copy of the key, after another process erased it."""

    def new_key(self, incident_id: UUID) -> bytes | None:
        """The key of a brand-new incident, for its opening event: none can exist yet, so none is
        read first (should one exist after all, that one is returned, never a second)."""

    def export(self) -> list[tuple[UUID, bytes | None]]:
        """Every incident's key, None for an erased one (for a backup or a move)."""

    def restore(self, incident_id: UUID, key: bytes | None) -> None:
        """Puts back a key from a backup; None records the incident as erased."""


class InMemoryKeyVault:
    """Keys in a dict, for tests and the in-memory store."""

    def __init__(self) -> None:
        self._keys: dict[UUID, bytes | None] = {}

    def key_for(self, incident_id: UUID, *, create: bool) -> bytes | None:
        if incident_id not in self._keys and create:
            self._keys[incident_id] = AESGCM.generate_key(bit_length=256)
        return self._keys.get(incident_id)

    def erase(self, incident_id: UUID) -> None:
        self._keys[incident_id] = None

    def forget_cached(self, incident_id: UUID) -> None:
        pass  # nothing cached: the dict is the vault

    def new_key(self, incident_id: UUID) -> bytes | None:
        return self.key_for(incident_id, create=True)

    def export(self) -> list[tuple[UUID, bytes | None]]:
        return sorted(self._keys.items())

    def restore(self, incident_id: UUID, key: bytes | None) -> None:
        self._keys[incident_id] = key


class _CachingVault:
    """Shared caching: keys are read often and change only at creation and erasure (in memory
    only, for at most half a minute). A new incident's key is made without reading first; where
    the event store writes it in the same transaction as the incident's first event
    (`keys_with_events`, services/case/keyed_store.py), it waits for that save in this thread."""

    def __init__(self) -> None:
        self._cache: dict[UUID, tuple[float, bytes]] = {}
        self._lock = threading.Lock()
        self._local = threading.local()
        self.keys_with_events = False

    def key_for(self, incident_id: UUID, *, create: bool) -> bytes | None:
        waiting = self._waiting().get(incident_id)
        if waiting is not None:
            return waiting
        cached = self._cache.get(incident_id)
        if cached and time.monotonic() - cached[0] < _KEY_CACHE_SECONDS:
            return cached[1]
        with self._lock:
            key = self._read(incident_id)
            if key is None and create and not self._was_erased(incident_id):
                self._insert(incident_id, AESGCM.generate_key(bit_length=256))
                key = self._read(incident_id)
        if key is not None:
            self._cache[incident_id] = (time.monotonic(), key)
        return key

    def new_key(self, incident_id: UUID) -> bytes | None:
        key = AESGCM.generate_key(bit_length=256)
        if self.keys_with_events:
            self._waiting()[incident_id] = key
            return key
        with self._lock:
            made = self._insert(incident_id, key)
        if not made:
            return self.key_for(incident_id, create=True)
        self._cache[incident_id] = (time.monotonic(), key)
        return key

    def take_waiting(self) -> list[tuple[UUID, bytes]]:
        """The new keys this thread made since its last save, for the event store to write in
        the same transaction as the events they seal; `stored` once that committed."""
        waiting = self._waiting()
        taken = list(waiting.items())
        waiting.clear()
        return taken

    def stored(self, keys: list[tuple[UUID, bytes]]) -> None:
        now = time.monotonic()
        for incident_id, key in keys:
            self._cache[incident_id] = (now, key)

    def _waiting(self) -> dict[UUID, bytes]:
        waiting: dict[UUID, bytes] | None = getattr(self._local, "waiting", None)
        if waiting is None:
            waiting = self._local.waiting = {}
        return waiting

    def erase(self, incident_id: UUID) -> None:
        with self._lock:
            self._destroy(incident_id)
            self._cache.pop(incident_id, None)

    def forget_cached(self, incident_id: UUID) -> None:
        self._cache.pop(incident_id, None)

    def _read(self, incident_id: UUID) -> bytes | None:
        raise NotImplementedError

    def _was_erased(self, incident_id: UUID) -> bool:
        raise NotImplementedError

    def _insert(self, incident_id: UUID, key: bytes) -> bool:
        """Stores a key for an incident that has none (nor had one); False when it had."""
        raise NotImplementedError

    def _destroy(self, incident_id: UUID) -> None:
        raise NotImplementedError


class SQLiteKeyVault(_CachingVault):
    """Keys in their own SQLite file. Each thread keeps its connection (opening one for every key
    read and a new incident's four statements cost more than the sealing), and the file is in
    WAL mode, so a new key costs one synced write to the log instead of a journal, the file and
    their syncs. secure_delete overwrites a destroyed key in the file, and the log is emptied
    at once after an erasure, so that no earlier copy of the key stays behind in it."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path
        self._local = threading.local()
        with self._connection() as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS incident_keys "
                "(incident_id TEXT PRIMARY KEY, key BLOB, erased_at REAL)"
            )

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        """This thread's connection in a transaction: committed when the block ends."""
        kept = getattr(self._local, "connection", None)
        if kept is None or kept[0] != os.getpid():  # never a connection from before a fork
            db = sqlite3.connect(self.path, timeout=10)
            db.execute("PRAGMA secure_delete = ON")
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = FULL")  # a key is on disk before its events are
            kept = (os.getpid(), db)
            self._local.connection = kept
        with kept[1]:
            yield kept[1]

    def _read(self, incident_id: UUID) -> bytes | None:
        with self._connection() as db:
            row = db.execute(
                "SELECT key FROM incident_keys WHERE incident_id = ?", (str(incident_id),)
            ).fetchone()
        return row[0] if row else None

    def _was_erased(self, incident_id: UUID) -> bool:
        with self._connection() as db:
            row = db.execute(
                "SELECT 1 FROM incident_keys WHERE incident_id = ? AND erased_at IS NOT NULL",
                (str(incident_id),),
            ).fetchone()
        return row is not None

    def _insert(self, incident_id: UUID, key: bytes) -> bool:
        with self._connection() as db:
            made = db.execute(
                "INSERT OR IGNORE INTO incident_keys (incident_id, key) VALUES (?, ?)",
                (str(incident_id), key),
            )
        return made.rowcount == 1

    def export(self) -> list[tuple[UUID, bytes | None]]:
        with self._connection() as db:
            rows = db.execute("SELECT incident_id, key FROM incident_keys ORDER BY incident_id").fetchall()
        return [(UUID(r[0]), bytes(r[1]) if r[1] is not None else None) for r in rows]

    def restore(self, incident_id: UUID, key: bytes | None) -> None:
        with self._connection() as db:
            db.execute(
                "INSERT INTO incident_keys (incident_id, key, erased_at) VALUES (?, ?, ?)",
                (str(incident_id), key, None if key is not None else time.time()),
            )

    def _destroy(self, incident_id: UUID) -> None:
        with self._connection() as db:
            db.execute(
                "INSERT INTO incident_keys (incident_id, key, erased_at) VALUES (?, NULL, ?) "
                "ON CONFLICT (incident_id) DO UPDATE SET key = NULL, erased_at = excluded.erased_at",
                (str(incident_id), time.time()),
            )
        with self._connection() as db:  # the file takes the log's pages; the log is emptied
            for _ in range(50):  # a reader in another thread or process may hold the log a moment
                if not db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]:
                    break
                time.sleep(0.1)


class PostgresKeyVault(_CachingVault):
    """Keys in a table of the same PostgreSQL database as the events."""

    def __init__(self, conninfo: str) -> None:
        super().__init__()
        import psycopg
        from psycopg_pool import ConnectionPool

        self._psycopg = psycopg
        self.conninfo = conninfo
        # A small pool: keys are read for every sealed event, a new connection each time
        # would cost more than the decryption itself.
        self._pool = ConnectionPool(
            conninfo,
            min_size=0,
            max_size=4,
            max_idle=60,
            kwargs={"autocommit": True, "connect_timeout": 5},
            open=True,
        )
        with self._connection() as db, db.transaction():  # one process at a time, as shared/database.py
            db.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
            db.execute(
                "CREATE TABLE IF NOT EXISTS incident_keys "
                "(incident_id UUID PRIMARY KEY, key BYTEA, erased_at TIMESTAMPTZ)"
            )

    @contextmanager
    def _connection(self) -> Iterator[Any]:
        with self._pool.connection(timeout=10) as db:
            yield db

    def _read(self, incident_id: UUID) -> bytes | None:
        with self._connection() as db:
            row = db.execute(
                "SELECT key FROM incident_keys WHERE incident_id = %s", (incident_id,)
            ).fetchone()
        return bytes(row[0]) if row and row[0] is not None else None

    def _was_erased(self, incident_id: UUID) -> bool:
        with self._connection() as db:
            row = db.execute(
                "SELECT 1 FROM incident_keys WHERE incident_id = %s AND erased_at IS NOT NULL", (incident_id,)
            ).fetchone()
        return row is not None

    def _insert(self, incident_id: UUID, key: bytes) -> bool:
        with self._connection() as db:
            made = db.execute(
                "INSERT INTO incident_keys (incident_id, key) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                (incident_id, key),
            )
        return bool(made.rowcount == 1)

    def export(self) -> list[tuple[UUID, bytes | None]]:
        with self._connection() as db:
            rows = db.execute("SELECT incident_id, key FROM incident_keys ORDER BY incident_id").fetchall()
        return [(r[0], bytes(r[1]) if r[1] is not None else None) for r in rows]

    def restore(self, incident_id: UUID, key: bytes | None) -> None:
        with self._connection() as db:
            db.execute(
                "INSERT INTO incident_keys (incident_id, key, erased_at) VALUES (%s, %s, "
                "CASE WHEN %s::bytea IS NULL THEN now() END)",
                (incident_id, key, key),
            )

    def _destroy(self, incident_id: UUID) -> None:
        with self._connection() as db:
            db.execute(
                "INSERT INTO incident_keys (incident_id, key, erased_at) VALUES (%s, NULL, now()) "
                "ON CONFLICT (incident_id) DO UPDATE SET key = NULL, erased_at = now()",
                (incident_id,),
            )


def key_vault_for(env: dict[str, str]) -> KeyVault:
    """The vault that belongs beside the event store an application env describes."""
    module = env.get("PERSISTENCE_MODULE", "eventsourcing.popo")
    if module.endswith("sqlite"):
        dbname = env["SQLITE_DBNAME"]
        if ":memory:" in dbname or "mode=memory" in dbname:
            return InMemoryKeyVault()
        return SQLiteKeyVault(f"{os.path.splitext(dbname)[0]}-sleutels.sqlite")
    if module.endswith("postgres"):
        return PostgresKeyVault(
            f"host={env['POSTGRES_HOST']} port={env.get('POSTGRES_PORT', '5432')} "
            f"dbname={env['POSTGRES_DBNAME']} user={env['POSTGRES_USER']} "
            f"password={env.get('POSTGRES_PASSWORD', '')}"
        )
    return InMemoryKeyVault()


class SealingMapper(Mapper[UUID]):
    """A mapper that seals personal fields with the incident's own key."""

    def __init__(self, transcoder: Transcoder, vault: KeyVault) -> None:
        super().__init__(transcoder)
        self.vault = vault
        self.personal_names = personal_field_names()

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        personal = getattr(type(domain_event), "personal", ())
        if not personal:
            return super().to_stored_event(domain_event)
        owner = key_owner(domain_event)
        opens = isinstance(domain_event, Incident.Opened)  # a new incident: no key to read yet
        key = self.vault.new_key(owner) if opens else self.vault.key_for(owner, create=True)
        state = dict(vars(domain_event))
        for name in personal:
            if name == "changes":
                state[name] = {
                    k: (self._seal(key, v) if k in self.personal_names else v) for k, v in state[name].items()
                }
            elif name in state:
                state[name] = self._seal(key, state[name])
        sealed = object.__new__(type(domain_event))
        object.__setattr__(sealed, "__dict__", state)
        return super().to_stored_event(sealed)

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        event = super().to_domain_event(stored_event)
        if not getattr(resolve_topic(stored_event.topic), "personal", ()):
            return event
        state = vars(event)
        key: bytes | bool | None = False
        for name, value in list(state.items()):
            if isinstance(value, dict) and name == "changes":
                if any(_is_sealed(v) for v in value.values()):
                    key = self.vault.key_for(key_owner(event), create=False) if key is False else key
                    state[name] = {k: self._open(key, v) for k, v in value.items()}
            elif _is_sealed(value):
                key = self.vault.key_for(key_owner(event), create=False) if key is False else key
                state[name] = self._open(key, value)
        return event

    def to_sealed_domain_event(self, stored_event: StoredEvent) -> Any:
        """The event with its personal fields left sealed, read as erased: for the processes
        that never show personal data (reports, lists), which then need no key at all."""
        event = Mapper.to_domain_event(self, stored_event)
        if not getattr(resolve_topic(stored_event.topic), "personal", ()):
            return event
        state = vars(event)
        for name, value in list(state.items()):
            if isinstance(value, dict) and name == "changes":
                state[name] = {k: self._open(None, v) for k, v in value.items()}
            elif _is_sealed(value):
                state[name] = self._open(None, value)
        return event

    def _seal(self, key: bytes | None, value: Any) -> Any:
        if key is None:  # erased before this event: nothing personal may be kept
            return _placeholder(type(value).__name__)
        nonce = os.urandom(12)
        plain = json.dumps(value, ensure_ascii=False).encode()
        return {
            _SEALED: (nonce + AESGCM(key).encrypt(nonce, plain, None)).hex(),
            "soort": type(value).__name__,
        }

    def _open(self, key: bytes | bool | None, value: Any) -> Any:
        if not _is_sealed(value):
            return value
        if not isinstance(key, bytes):
            return _placeholder(value.get("soort", "str"))
        blob = bytes.fromhex(value[_SEALED])
        return json.loads(AESGCM(key).decrypt(blob[:12], blob[12:], None))


def key_owner(event: Any) -> UUID:
    """Whose key seals an event's personal fields: its incident's. A letter's events carry their
    incident's id, so erasing an incident erases its letters' recipients and reasons too."""
    if isinstance(event, LETTER_EVENTS):
        return UUID(event.incident_id)
    owner: UUID = event.originator_id
    return owner


def _is_sealed(value: Any) -> bool:
    return isinstance(value, dict) and _SEALED in value


def _placeholder(kind: str) -> Any:
    return {"str": ERASED, "list": [ERASED], "dict": {}}.get(kind)
