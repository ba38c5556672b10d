"""AVG requests at a school: find a person in the school's incidents, give an access copy
of that person's data only, record the answer, and erase after the board approved.

The search reads the decrypted personal fields of the school's own incidents. In the copy
every other person is replaced: the pupils the incident recorded (their name, each part of it,
their nickname and accounts) and who shared it by their role; every other person the letters'
name finder (deduce) sees, a first name alone included, and other capitalised word pairs, by a
numbered pseudonym. Erasure is the retention job's key destruction, for the incidents the
request named.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from services.case.application import CaseManagement, NotAllowed, TrailEntry
from services.case.domain.errors import CaseError
from services.case.domain.incident import Incident
from services.case.domain.rights import RequestKind, RightsRequest, check_name
from services.case.lists import IncidentLists
from services.case.request_list import RequestList, may_see_request
from services.case.screening import personal_fields
from shared.identity import Actor, Role
from shared.privacy.first_names import is_first_name
from shared.privacy.guard import FindsPersons
from shared.privacy.text import in_other_script, normalise

ERASURE_REASON = "verzoek tot wissen (AVG), goedgekeurd door het bestuur"

# Fields that list people, and the role a copy shows instead of another person's name.
PEOPLE_FIELDS = {("ScopeAssessed", "shared_by"): "leerling die het deelde"}
# The role of a recorded pupil, as a copy shows it instead of the name.
PUPIL_ROLES = {
    "slachtoffer": "leerling in beeld",
    "maker": "maker",
    "deler": "leerling die het deelde",
    "ontvanger": "ontvanger",
    "anders": "andere betrokkene",
}
# Capitalised pairs that name organisations, not people: left as they are.
ORGANISATIONS = (
    "Veilig Thuis", "Meldpunt Kinderporno", "Slachtofferhulp Nederland", "Centrum Seksueel Geweld",
    "Team Jeugd", "Zorg- en Adviesteam", "Ondersteuningsteam Veiligheid",
)  # fmt: skip
NAME_PARTICLES = {
    "van",
    "de",
    "der",
    "den",
    "het",
    "ter",
    "ten",
    "te",
    "el",
    "al",
    "bin",
    "ben",
    "da",
    "di",
    "la",
}


class RequestNotFound(CaseError):
    """Raised for an unknown request, and for one of another school or board."""

    message = "Dit verzoek bestaat niet of u heeft er geen toegang toe."


@dataclass(frozen=True)
class CopyEntry:
    """One event that mentions the person: when, what, and its fields with others replaced."""

    at: datetime
    event_type: str
    sentence: str
    fields: tuple[tuple[str, Any], ...]


@dataclass(frozen=True)
class IncidentCopy:
    incident_id: UUID
    school_id: str
    opened_on: datetime
    entries: tuple[CopyEntry, ...]


class RightsDesk:
    """The school's handling of AVG requests, on the case service's event store."""

    def __init__(
        self, cases: CaseManagement, lists: IncidentLists, finder: FindsPersons | None = None
    ) -> None:
        """`lists` tells which incidents the school has, without reading the whole store;
        `finder` is the letters' name finder: the web process passes it, so a copy is never
        made without it (GuardNotReady until it has loaded)."""
        self.cases = cases
        self.lists = lists
        self.request_list = RequestList(lists)
        self.finder = finder

    # ---------------------------------------------------------------- commands

    def receive(
        self, actor: Actor, *, person: str, requester: str, kind: RequestKind, received_on: date
    ) -> RightsRequest:
        """Records a request with the incidents of the school the name appears in (maybe none)."""
        self._require(actor, Role.CASE_HANDLER)
        found = self.find(actor, person)
        request = RightsRequest.receive(
            school_id=actor.school_id,
            board_id=actor.board_id,
            actor=actor.id,
            kind=kind,
            person=person,
            requester=requester,
            received_on=received_on,
            incidents=found,
        )
        self.cases.save(request)
        return request

    def answer(self, actor: Actor, request_id: UUID, *, answered_on: date, note: str) -> None:
        self._require(actor, Role.CASE_HANDLER)
        request = self.request(actor, request_id)
        request.answer(actor=actor.id, answered_on=answered_on, note=note)
        self.cases.save(request)

    def decide_erasure(self, actor: Actor, request_id: UUID, *, approved: bool, reason: str) -> None:
        """The board decides; when it approves, each named incident's key is destroyed."""
        self._require(actor, Role.BOARD)
        request = self.request(actor, request_id)
        request.decide_erasure(actor=actor.id, approved=approved, reason=reason)
        self.cases.save(request)
        if not approved:
            return
        for incident_id in request.incidents:
            incident = self.cases.incident(actor, incident_id)
            if not incident.personal_data_erased:
                self.cases.erase_personal_data(incident_id, actor_id=actor.id, reason=ERASURE_REASON)
            request.incident_erased(actor=actor.id, incident_id=incident_id)
        self.cases.save(request)

    # ----------------------------------------------------------------- queries

    def find(self, actor: Actor, name: str) -> list[UUID]:
        """The school's incidents in whose personal fields the name appears, newest first.
        Raises NameTooShort for fewer than three letters."""
        self._require(actor, Role.CASE_HANDLER)
        pattern = name_pattern(check_name(name))
        return [
            incident_id
            for incident_id in self.lists.every_incident_id(actor)
            if any(_mentions(entry, pattern) for entry in self.cases.audit_trail(actor, incident_id))
        ]

    def access_copy(self, actor: Actor, request: RightsRequest) -> list[IncidentCopy]:
        """The person's data in each incident of the request; every look is in the incident's
        access log."""
        self._require(actor, Role.CASE_HANDLER)
        pattern = name_pattern(request.person)
        copies = []
        for incident_id in request.incidents:
            self.cases.record_view(actor, incident_id, what="AVG-inzage")
            trail = self.cases.audit_trail(actor, incident_id)
            redact = Redactor(request.person, known_people(trail), self.finder)
            entries = tuple(
                CopyEntry(
                    entry.at,
                    entry.event_type,
                    entry.sentence,
                    tuple((name, redact.value(value)) for name, value in entry.data.items()),
                )
                for entry in trail
                if _mentions(entry, pattern)
            )
            opened = self.cases.opened_event(incident_id)
            copies.append(IncidentCopy(incident_id, opened.school_id, opened.timestamp, entries))
        return copies

    def requests(self, actor: Actor) -> list[RightsRequest]:
        """The school's requests for its handlers; the board's for the board; newest first."""
        if actor.role not in (Role.CASE_HANDLER, Role.BOARD):
            raise NotAllowed()
        found = [self._load(request_id) for request_id in self.request_list.request_ids(actor)]
        # The list's filter, checked again on the requests themselves.
        visible = [r for r in found if may_see_request(actor, r.board_id, r.school_id)]
        return sorted(visible, key=lambda r: (r.received_on, r.created_on), reverse=True)

    def request(self, actor: Actor, request_id: UUID) -> RightsRequest:
        if actor.role not in (Role.CASE_HANDLER, Role.BOARD):
            raise NotAllowed()
        request = self._load(request_id)
        if not may_see_request(actor, request.board_id, request.school_id):
            raise RequestNotFound()
        return request

    # ----------------------------------------------------------------- helpers

    def _load(self, request_id: UUID) -> RightsRequest:
        try:
            request: Any = self.cases.repository.get(request_id)
        except AggregateNotFoundError:
            raise RequestNotFound() from None
        if not isinstance(request, RightsRequest):
            raise RequestNotFound()
        return request

    @staticmethod
    def _require(actor: Actor, role: Role) -> None:
        if actor.role is not role:
            raise NotAllowed()


# --------------------------------------------------------------------- matching


def fold(text: str) -> str:
    """Case and accents folded, so 'Zoë' finds 'zoe' and 'ZOË'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def name_pattern(name: str) -> re.Pattern[str]:
    """The whole name as words, a possessive s allowed ('Daans'), on folded text."""
    words = r"\s+".join(re.escape(part) for part in fold(name).split())
    return re.compile(rf"(?<!\w){words}(?:'?s)?(?!\w)")


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def _mentions(entry: TrailEntry, pattern: re.Pattern[str]) -> bool:
    personal = personal_fields(entry.event_type)
    return any(
        pattern.search(fold(text))
        for name, value in entry.data.items()
        if name in personal
        for text in _strings(value)
    )


def known_people(trail: list[TrailEntry]) -> dict[str, str]:
    """Names the incident recorded as people, with the role a copy shows instead: the pupils
    of its register (name, nickname and accounts alike) and who shared it."""
    people: dict[str, str] = {}
    for entry in trail:
        if entry.event_type == Incident.PupilRecorded.__name__:
            role = PUPIL_ROLES.get(str(entry.data.get("role", "")), "andere betrokkene")
            name = str(entry.data.get("name") or "").strip()
            aliases = [entry.data.get("nickname"), *(entry.data.get("accounts") or [])]
            if name:
                people.setdefault(name, role)
                for alias in aliases:
                    if isinstance(alias, str) and alias.strip():
                        people.setdefault(alias.strip(), f"{role}|{name}")
        for (event_type, field), role in PEOPLE_FIELDS.items():
            if entry.event_type == event_type:
                for name in entry.data.get(field) or []:
                    if isinstance(name, str) and name.strip():
                        people.setdefault(name.strip(), role)
    return people


class Redactor:
    """Replaces every person but one in a copy: known people by role, persons the name finder
    sees and other name-like capitalised word runs by 'andere persoon N'. The same person keeps
    the same number."""

    def __init__(self, person: str, known: dict[str, str], finder: FindsPersons | None = None) -> None:
        self.person = name_pattern(person)
        self.person_words = set(fold(person).split())
        self.person_folded = set(normalise(person).split())
        self.finder = finder
        self.numbers: dict[str, int] = {}
        self.known: list[tuple[re.Pattern[str], str]] = []
        for name, role in sorted(known.items(), key=lambda item: -len(item[0])):
            role, _, alias_of = role.partition("|")  # a nickname or account: labelled as its pupil
            if self.person.fullmatch(fold(alias_of or name)):
                continue
            label = self._label(role, alias_of or name)
            self.known.append((_words_pattern(name), label))
            for part in name.split():  # a first name alone points to the same pupil
                if len(part) > 2 and fold(part) not in self.person_words and fold(part) not in NAME_PARTICLES:
                    self.known.append((_words_pattern(part), label))

    def value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if isinstance(value, dict):
            return {k: self.value(v) for k, v in value.items()}
        return value

    def text(self, text: str) -> str:
        for pattern, label in self.known:
            text = pattern.sub(label, text)
        for found in self.finder.persons_in_each([text])[0] if self.finder and text.strip() else []:
            if self._is_the_person(found) or found in ORGANISATIONS:
                continue
            text = _words_pattern(found).sub(self._label("andere persoon", found), text)
        out, last = [], 0
        for start, end in name_runs(text):
            run = text[start:end]
            if run in ORGANISATIONS or self.person.search(fold(run)):
                continue
            out += [text[last:start], self._label("andere persoon", run)]
            last = end
        return self._single_names("".join([*out, text[last:]]))

    def _single_names(self, text: str) -> str:
        """A first name alone that the name finder missed ("oksana", "Wojciech's") and any word
        in another script: the letters' list of first names knows the languages pupils speak."""
        out, last = [], 0
        for match in _ANY_WORD.finditer(text):
            word = match.group(0)
            plain = normalise(word).replace("'", "")
            if {plain, plain.removesuffix("s"), fold(word)} & (self.person_folded | self.person_words):
                continue
            if in_other_script(word) or is_first_name(plain) or is_first_name(plain.removesuffix("s")):
                out += [text[last : match.start()], self._label("andere persoon", word)]
                last = match.end()
        return "".join([*out, text[last:]])

    def _is_the_person(self, found: str) -> bool:
        """The requester, by the whole name or by words of it ('Noor' for Noor Wijnaldum)."""
        words = set(fold(found).replace("'s", "").split())
        return bool(self.person.search(fold(found))) or (bool(words) and words <= self.person_words)

    def _label(self, role: str, name: str) -> str:
        key = fold(name)
        number = self.numbers.setdefault(key, len(self.numbers) + 1)
        return f"[{role} {number}]"


def _words_pattern(name: str) -> re.Pattern[str]:
    words = r"\s+".join(re.escape(part) for part in name.split())
    return re.compile(rf"(?<!\w){words}(?:'?s)?(?!\w)", re.IGNORECASE)


_WORD = re.compile(r"[^\W\d_][\w'-]*")
_ANY_WORD = re.compile(r"[^\W\d_][^\W\d_'’]*(?:['’]s)?")


def name_runs(text: str) -> list[tuple[int, int]]:
    """Spans of two or more words that start with a capital letter (in any script that has
    capitals), with name particles between them: 'Kevin Brouwersma', 'Sanne van der Berg'."""
    runs: list[tuple[int, int]] = []
    words = list(_WORD.finditer(text))
    i = 0
    while i < len(words):
        if not words[i].group(0)[0].isupper():
            i += 1
            continue
        j, capitals, end = i + 1, 1, words[i].end()
        while j < len(words) and not text[words[j - 1].end() : words[j].start()].strip():
            word = words[j].group(0)
            if word[0].isupper():
                capitals, end = capitals + 1, words[j].end()
            elif word.lower() not in NAME_PARTICLES:
                break
            j += 1
        if capitals >= 2:
            runs.append((words[i].start(), end))
        i = j
    return runs
