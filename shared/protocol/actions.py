"""What the protocol reads of an incident's actions: each as it stands now, with later
corrections applied. The case's Incident keeps such a list, of `Action`s that can also say
which event class recorded them; a reader of its events (the reports) rebuilds one from the
facts it keeps."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol


class RecordedAction(Protocol):
    """One action as it stands now: the event's class name and data, who recorded it and when."""

    @property
    def version(self) -> int: ...
    @property
    def action(self) -> str: ...
    @property
    def actor(self) -> str: ...
    @property
    def at(self) -> datetime: ...
    @property
    def data(self) -> dict[str, Any]: ...
    @property
    def corrected_by(self) -> list[int]: ...
    @property
    def withdrawn(self) -> bool: ...


@dataclass
class Action:
    """A recorded action as a reader of the event log rebuilds it from its own facts."""

    version: int
    action: str
    actor: str
    at: datetime
    data: dict[str, Any]
    corrected_by: list[int] = field(default_factory=list)
    withdrawn: bool = False
