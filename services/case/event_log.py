"""The event log as the followers read it (the reports and the incident lists): in order,
after a position, as plain rows.

The library's own `select_notifications` turns every row into a dictionary, the incident's
id into a UUID object and the whole into a `Notification`; a rebuild of a million events spends
more time on that than on the database. The followers need the same five values, so they are
selected as a tuple, with the id as text. The SQL is the library's own query, narrowed to those
five columns; a store this module does not know is read through the library.

`streams_after` reads what is new in several streams at once (an incident page's letters), and
`events_at` single events of several streams (the tasks on a home page): on PostgreSQL one query
instead of a round trip per stream.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from shared.event_log import LoggedEvent

__all__ = ["LoggedEvent", "events_after", "events_at", "streams_after"]


def streams_after(recorder: Any, after: dict[UUID, int]) -> dict[UUID, list[StoredEvent]]:
    """The events of each stream after the version given for it, in the order of each stream."""
    found: dict[UUID, list[StoredEvent]] = {stream_id: [] for stream_id in after}
    if not after:
        return found
    if not _is_kind(recorder, "eventsourcing.postgres"):  # SQLite answers in-process: one by one
        return {stream_id: list(recorder.select_events(stream_id, gt=v)) for stream_id, v in after.items()}
    rows = _postgres_rows(
        recorder,
        "SELECT e.originator_id, e.originator_version, e.topic, e.state"
        " FROM unnest(%s::uuid[], %s::integer[]) AS known(id, version)"
        " JOIN {schema}.{table} AS e ON e.originator_id = known.id AND e.originator_version > known.version"
        " ORDER BY e.originator_id, e.originator_version",
        (list(after), list(after.values())),
    )
    for stream_id, version, topic, state in rows:
        found[stream_id].append(StoredEvent(stream_id, version, topic, bytes(state)))
    return found


def events_at(recorder: Any, wanted: list[tuple[UUID, int]]) -> dict[tuple[UUID, int], StoredEvent]:
    """The event at each (stream, version) asked for; one that is not stored is left out."""
    if not wanted:
        return {}
    if not _is_kind(recorder, "eventsourcing.postgres"):  # SQLite answers in-process: one by one
        found = (recorder.select_events(i, gt=v - 1, lte=v) for i, v in dict.fromkeys(wanted))
        return {(e.originator_id, e.originator_version): e for events in found for e in events}
    rows = _postgres_rows(
        recorder,
        "SELECT e.originator_id, e.originator_version, e.topic, e.state"
        " FROM unnest(%s::uuid[], %s::integer[]) AS wanted(id, version)"
        " JOIN {schema}.{table} AS e"
        " ON e.originator_id = wanted.id AND e.originator_version = wanted.version",
        ([i for i, _ in wanted], [v for _, v in wanted]),
    )
    return {(i, v): StoredEvent(i, v, topic, bytes(state)) for i, v, topic, state in rows}


def _is_kind(recorder: Any, module: str) -> bool:
    """Whether the recorder is (a subclass of) one of the library's recorders in `module`."""
    return any(klass.__module__.startswith(module) for klass in type(recorder).__mro__)


def events_after(recorder: Any, position: int, limit: int) -> list[LoggedEvent]:
    """At most `limit` events after `position`, in the order of the log."""
    if _is_kind(recorder, "eventsourcing.postgres"):  # the case service's own recorder too
        return _from_postgres(recorder, position, limit)
    if _is_kind(recorder, "eventsourcing.sqlite"):
        return _from_sqlite(recorder, position, limit)
    return [
        LoggedEvent(n.id, str(n.originator_id), n.originator_version, n.topic, n.state)
        for n in recorder.select_notifications(start=position + 1, limit=limit)
    ]


def _from_postgres(recorder: Any, position: int, limit: int) -> list[LoggedEvent]:
    rows = _postgres_rows(
        recorder,
        "SELECT notification_id, originator_id::text, originator_version, topic, state"
        " FROM {schema}.{table} WHERE notification_id > %s ORDER BY notification_id LIMIT %s",
        (position, limit),
    )
    return [LoggedEvent(i, o, v, t, bytes(s)) for i, o, v, t, s in rows]


def _postgres_rows(recorder: Any, query: str, parameters: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    """The rows of `query` on the recorder's events table (`{schema}.{table}` in it), as tuples."""
    from psycopg.rows import tuple_row
    from psycopg.sql import SQL, Identifier

    statement = SQL(query).format(
        schema=Identifier(recorder.datastore.schema), table=Identifier(recorder.events_table_name)
    )
    # Binary results: the state arrives as it is stored, not as hex text to be decoded.
    with (
        recorder.datastore.get_connection() as connection,
        connection.cursor(row_factory=tuple_row, binary=True) as cursor,
    ):
        cursor.execute(statement, parameters, prepare=True)
        return cursor.fetchall()


def _from_sqlite(recorder: Any, position: int, limit: int) -> list[LoggedEvent]:
    statement = (
        "SELECT rowid, originator_id, originator_version, topic, state"  # noqa: S608 - the library's table
        f" FROM {recorder.events_table_name} WHERE rowid > ? ORDER BY rowid LIMIT ?"
    )
    with recorder.datastore.transaction(commit=False) as cursor:
        cursor.execute(statement, (position, limit))
        return [LoggedEvent(r[0], _hyphenated(r[1]), r[2], r[3], r[4]) for r in cursor.fetchall()]


@lru_cache(maxsize=4096)
def _hyphenated(originator_id: str) -> str:
    """SQLite keeps an id as 32 hex digits; everywhere else it is written with hyphens. An
    incident's events come together, so each id is converted once."""
    return str(UUID(originator_id))
