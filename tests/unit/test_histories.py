"""What a process keeps of the incidents it read: a read decodes only the events stored since,
an erasure (seen among the new events, or done here) leaves nothing kept, and what was made from
older events is never handed out for newer ones."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4

from services.case.domain.incident import Incident
from services.case.histories import Histories


@dataclass
class Stored:
    version: int
    value: Any


class Store:
    """Streams of stored events; counts how many were decoded."""

    def __init__(self) -> None:
        self.streams: dict[UUID, list[Stored]] = {}
        self.decoded = 0
        self.keys_forgotten: list[UUID] = []
        self.asked_at_once: list[int] = []

    def add(self, stream_id: UUID, value: Any) -> None:
        stream = self.streams.setdefault(stream_id, [])
        stream.append(Stored(len(stream) + 1, value))

    def select(self, stream_id: UUID, version: int) -> list[Stored]:
        return [s for s in self.streams.get(stream_id, []) if s.version > version]

    def select_streams(self, after: dict[UUID, int]) -> dict[UUID, list[Stored]]:
        self.asked_at_once.append(len(after))
        return {stream_id: self.select(stream_id, version) for stream_id, version in after.items()}

    def decode(self, stored: Stored) -> Any:
        self.decoded += 1
        return stored.value

    def histories(self) -> Histories:
        return Histories(self.select, self.select_streams, self.decode, self.keys_forgotten.append)  # type: ignore[arg-type]


def erasure() -> Any:
    return object.__new__(Incident.PersonalDataErased)


def test_a_second_read_decodes_only_what_was_stored_since() -> None:
    store, incident = Store(), uuid4()
    for n in range(1000):
        store.add(incident, f"gebeurtenis {n}")
    histories = store.histories()
    assert len(histories.incident_events(incident)) == 1000
    store.add(incident, "nieuw")
    assert histories.incident_events(incident)[-1] == "nieuw"
    assert store.decoded == 1001


def test_letters_are_read_beside_their_incident_at_once_and_only_what_is_new() -> None:
    store, incident, letters = Store(), uuid4(), [uuid4(), uuid4()]
    store.add(incident, "geopend")
    for letter in letters:
        store.add(letter, "brief gevraagd")
    histories = store.histories()
    histories.incident_events(incident)
    assert histories.letter_events(incident, letters) == {letter: ("brief gevraagd",) for letter in letters}
    store.add(letters[1], "brief afgeleverd")
    assert histories.letter_events(incident, letters)[letters[1]] == ("brief gevraagd", "brief afgeleverd")
    assert store.decoded == 4
    assert store.asked_at_once == [2, 2]  # one question to the store for both letters, each time


def test_an_erasure_among_the_new_events_reads_all_anew_and_keeps_nothing() -> None:
    store, incident = Store(), uuid4()
    store.add(incident, "met een naam")
    histories = store.histories()
    histories.incident_events(incident)
    assert histories.remembered(incident, "pagina", lambda: "met een naam") == "met een naam"
    store.add(incident, erasure())
    store.streams[incident][0].value = "[gewist]"  # what the store yields once the key is gone
    assert histories.incident_events(incident)[0] == "[gewist]"
    assert store.keys_forgotten == [incident]  # the key this process had read is dropped first
    assert incident not in histories
    assert histories.remembered(incident, "pagina", lambda: "opnieuw gemaakt") == "opnieuw gemaakt"


def test_a_read_under_way_during_a_forget_keeps_nothing() -> None:
    store, incident = Store(), uuid4()
    store.add(incident, "met een naam")
    histories = store.histories()

    def select_then_erased_here(stream_id: UUID, version: int) -> list[Stored]:
        found = store.select(stream_id, version)
        histories.forget(incident)  # the erasure in this process, between the read and the keep
        return found

    histories._select = select_then_erased_here  # type: ignore[method-assign]
    histories.incident_events(incident)
    assert incident not in histories


def test_what_was_made_is_made_again_after_new_events() -> None:
    store, incident = Store(), uuid4()
    store.add(incident, "een")
    histories = store.histories()
    made = []

    def page() -> str:
        made.append(len(histories.incident_events(incident)))
        return f"pagina bij {made[-1]}"

    version = len(histories.incident_events(incident))
    assert histories.remembered(incident, ("pagina", version), page) == "pagina bij 1"
    assert histories.remembered(incident, ("pagina", version), page) == "pagina bij 1"
    store.add(incident, "twee")
    version = len(histories.incident_events(incident))
    assert histories.remembered(incident, ("pagina", version), page) == "pagina bij 2"
    assert made == [1, 2]


def test_the_least_recently_read_go_first_when_too_many_events_are_kept() -> None:
    store = Store()
    incidents = [uuid4() for _ in range(3)]
    for incident in incidents:
        for _ in range(10):
            store.add(incident, "gebeurtenis")
    histories = Histories(
        store.select, store.select_streams, store.decode, store.keys_forgotten.append, max_events=25
    )  # type: ignore[arg-type]
    for incident in incidents:
        histories.incident_events(incident)
    assert [incident in histories for incident in incidents] == [False, True, True]


def test_parts_are_kept_across_new_events_and_dropped_with_an_erasure() -> None:
    store, incident = Store(), uuid4()
    store.add(incident, "met een naam")
    histories = store.histories()
    histories.incident_events(incident)
    assert histories.part(incident, ("actie", 1), lambda: "regel met een naam") == "regel met een naam"
    store.add(incident, "nieuw")
    histories.incident_events(incident)
    assert histories.part(incident, ("actie", 1), lambda: "opnieuw gemaakt") == "regel met een naam"
    store.add(incident, erasure())
    histories.incident_events(incident)
    assert histories.part(incident, ("actie", 1), lambda: "[gewist]") == "[gewist]"
