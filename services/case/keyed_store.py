"""The PostgreSQL event store of the case service: a new incident's key (services/case/
personal_data.py) is written in the same transaction as the incident's first events, instead
of in a commit of its own before them. Both commit or neither does; on SQLite the keys live in a
file of their own, so there a new key keeps its own commit."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder

from services.case.personal_data import PostgresKeyVault


class KeyedPostgresRecorder(PostgresApplicationRecorder):
    """Inserts the keys that the events to store were sealed with and that are new, first, in
    the transaction of the events. A key that exists already fails the whole save (a unique
    violation), so no event is ever sealed with a key the vault does not hold."""

    key_vault: PostgresKeyVault | None = None

    def keep_keys_of(self, vault: Any) -> None:
        """Writes the new keys of this vault (in the same database) with the events; not with
        the library's insert function (POSTGRES_ENABLE_DB_FUNCTIONS), which takes no keys."""
        if isinstance(vault, PostgresKeyVault) and not self.datastore.enable_db_functions:
            vault.keys_with_events = True
            self.key_vault = vault

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        vault = self.key_vault
        if vault is None:
            return super().insert_events(stored_events, **kwargs)
        keys = vault.take_waiting()
        notification_ids = super().insert_events(stored_events, new_keys=keys, **kwargs)
        vault.stored(keys)
        return notification_ids

    def _insert_events(self, curs: Any, stored_events: Sequence[StoredEvent], **kwargs: Any) -> None:
        new_keys = kwargs.pop("new_keys", ())
        super()._insert_events(curs, stored_events, **kwargs)
        if new_keys:
            curs.executemany("INSERT INTO incident_keys (incident_id, key) VALUES (%s, %s)", new_keys)
