"""Tamper evidence: each incident's stored events form a chain of keyed hashes (HMAC).

Every stored event carries the HMAC of its own bytes and of the link before it, so altering,
removing or reordering one stored event breaks the chain from that event on. Erasing
personal data destroys a key, not bytes, so an erased incident still verifies.
"""

from __future__ import annotations

import hashlib
import hmac
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from uuid import UUID

from eventsourcing.persistence import StoredEvent

LINK_FIELD = "__keten__"  # the stored state's field that holds the link
_MARK = b',"' + LINK_FIELD.encode() + b'":"'
_CACHE_SIZE = 10_000

PreviousLink = Callable[[UUID, int], bytes | None]


@dataclass(frozen=True)
class ChainReport:
    """The outcome of verifying one incident's chain."""

    incident_id: UUID
    events_checked: int
    first_broken_version: int | None
    head: str

    @property
    def intact(self) -> bool:
        return self.first_broken_version is None


class Chain:
    """Adds and strips the chain link of stored events; remembers recent links."""

    def __init__(self, key: bytes, previous_link: PreviousLink | None = None) -> None:
        self.key = key
        self.previous_link = previous_link
        self._recent: OrderedDict[tuple[UUID, int], bytes] = OrderedDict()

    def link(self, event: StoredEvent) -> StoredEvent:
        """The stored event with its chain link appended to its state."""
        previous = b"" if event.originator_version == 1 else self._previous(event)
        mac = self.mac(previous, event, event.state)
        self._remember(event, mac)
        state = event.state[:-1] + _MARK + mac + b'"}'
        return StoredEvent(event.originator_id, event.originator_version, event.topic, state)

    def unlink(self, event: StoredEvent) -> StoredEvent:
        """The stored event as it was before linking (old events without a link pass)."""
        state, mac = split(event.state)
        if mac is not None:
            self._remember(event, mac)
        return StoredEvent(event.originator_id, event.originator_version, event.topic, state)

    def mac(self, previous: bytes, event: StoredEvent, state: bytes) -> bytes:
        message = b"|".join(
            [
                previous,
                str(event.originator_id).encode(),
                str(event.originator_version).encode(),
                event.topic.encode(),
                state,
            ]
        )
        return hmac.new(self.key, message, hashlib.sha256).hexdigest().encode()

    def verify(self, incident_id: UUID, events: Sequence[StoredEvent]) -> ChainReport:
        """Recomputes the chain over an incident's stored events, in version order."""
        previous = b""
        for expected_version, event in enumerate(events, start=1):
            state, mac = split(event.state)
            if (
                event.originator_version != expected_version
                or mac is None
                or not hmac.compare_digest(mac, self.mac(previous, event, state))
            ):
                return ChainReport(incident_id, expected_version, expected_version, previous.decode())
            previous = mac
        return ChainReport(incident_id, len(events), None, previous.decode())

    def _previous(self, event: StoredEvent) -> bytes:
        key = (_uuid(event.originator_id), event.originator_version - 1)
        if key in self._recent:
            return self._recent[key]
        link = self.previous_link(*key) if self.previous_link else None
        if link is None:
            raise LookupError(f"Geen vorige schakel voor {key}")
        return link

    def _remember(self, event: StoredEvent, mac: bytes) -> None:
        self._recent[(_uuid(event.originator_id), event.originator_version)] = mac
        self._recent.move_to_end((_uuid(event.originator_id), event.originator_version))
        while len(self._recent) > _CACHE_SIZE:
            self._recent.popitem(last=False)


def split(state: bytes) -> tuple[bytes, bytes | None]:
    """Separates a stored state into the linked bytes and its link, if it has one."""
    at = state.rfind(_MARK)
    if at < 0 or not state.endswith(b'"}'):
        return state, None
    return state[:at] + b"}", state[at + len(_MARK) : -2]


def _uuid(value: UUID | str) -> UUID:
    return value if isinstance(value, UUID) else UUID(str(value))


def signed_head(key: bytes, report: ChainReport, *, at: str) -> dict[str, str | int | bool]:
    """The chain head as a statement the board can keep outside the system: whoever holds
    the chain key can later check that the incident's events up to this head are unchanged."""
    statement: dict[str, str | int | bool] = {
        "melding": str(report.incident_id),
        "gebeurtenissen": report.events_checked,
        "kop": report.head,
        "intact": report.intact,
        "op": at,
    }
    statement["handtekening"] = _sign(key, statement)
    return statement


def head_signature_valid(key: bytes, statement: dict[str, str | int | bool]) -> bool:
    """True when the signed head was made with this chain key and is unaltered."""
    unsigned = {k: v for k, v in statement.items() if k != "handtekening"}
    return hmac.compare_digest(str(statement.get("handtekening", "")), _sign(key, unsigned))


def _sign(key: bytes, statement: dict[str, str | int | bool]) -> str:
    message = "|".join(f"{k}={statement[k]}" for k in sorted(statement)).encode()
    return hmac.new(key, b"ketenkop-v1|" + message, hashlib.sha256).hexdigest()
