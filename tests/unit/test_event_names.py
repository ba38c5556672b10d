"""Event types are referred to by class, not by their name in a string: a renamed or mistyped
name then fails at import or in mypy, not silently in a comparison that is never true.

Only the protocol's own rules read actions by name (the protocol files name the actions a
step needs, and the rules published to the reports with them), and so do the labels, which
every reader of the trail shares. The reports may not import the case: they compare the
names published with the protocol (shared/protocol/events.py), each checked here to be an
event class the incident has."""

from __future__ import annotations

import re
from pathlib import Path

from eventsourcing.domain import Aggregate

from services.case.domain.incident import Incident
from services.case.domain.partners import PoliceContacted
from shared.event_log import Change
from shared.protocol.events import EventType
from tests.examples import ACTIONS, HANDLER, OPENING

ROOT = Path(__file__).resolve().parents[2]
# The protocol and the rules it publishes read actions by the names its files use.
READ_BY_NAME = {
    "services/case/domain/protocol.py",
    "services/case/domain/safeguards.py",
    "services/case/domain/takedown.py",
    "services/case/domain/aftercare.py",
    "services/case/web/labels.py",
}
COMPARED_AS_TEXT = re.compile(r"""\b(action|event_type|name) (==|!=|in|not in) \(?["'][A-Z][A-Za-z]+["']""")
QUOTED_NAME = re.compile(r"""["']([A-Z][A-Za-z]+)["']""")


def opened() -> Incident:
    return Incident.open(school_id="de-wilg", board_id="kindante", actor=HANDLER.id, **OPENING)


def test_an_action_is_one_of_the_classes_it_was_recorded_by_as_written_or_as_registered() -> None:
    incident = opened()
    incident.record("PoliceContacted", actor=HANDLER.id, **ACTIONS["PoliceContacted"])
    contacted = incident.actions[-1]
    assert contacted.is_a(Incident.PoliceContacted) and contacted.is_a(PoliceContacted)
    assert contacted.is_a(Incident.ReportDecided, Incident.PoliceContacted)
    assert not contacted.is_a(Incident.ReportDecided)


def test_an_incident_knows_when_its_personal_data_was_erased() -> None:
    incident = opened()
    assert not incident.personal_data_erased
    incident.erase_personal_data(actor="bewaartermijn", reason="bewaartermijn verstreken")
    assert incident.personal_data_erased


def compared_by_name(service: str) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "services" / service).rglob("*.py"))
        if str(path.relative_to(ROOT)) not in READ_BY_NAME
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if COMPARED_AS_TEXT.search(line)
    ]


def an_incident_event(name: str) -> bool:
    found = getattr(Incident, name, None)
    return isinstance(found, type) and issubclass(found, Aggregate.Event) and found.__name__ == name


def test_the_case_service_compares_no_event_by_its_name_outside_the_protocol() -> None:
    assert compared_by_name("case") == []


def test_the_reports_compare_no_event_by_its_name() -> None:
    assert compared_by_name("reporting") == []


def test_the_reports_name_no_incident_event_in_a_string() -> None:
    """Not in a comparison, nor in a tuple or set of names to look for."""
    named = [
        f"{path.relative_to(ROOT)}:{number}: {name}"
        for path in sorted((ROOT / "services" / "reporting").rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        for name in QUOTED_NAME.findall(line)
        if an_incident_event(name)
    ]
    assert named == []


def test_every_published_event_name_is_an_event_class_of_the_incident() -> None:
    """A renamed or removed event fails here, not by emptying a report that looks for it."""
    assert [name for name in EventType if not an_incident_event(name)] == []


def test_an_incident_event_is_read_by_its_published_name() -> None:
    incident = opened()
    incident.record("PoliceContacted", actor=HANDLER.id, **ACTIONS["PoliceContacted"])
    (opening, contacted) = (Change.of(event) for event in incident.collect_events())
    assert (opening.name, contacted.name) == (EventType.OPENED, EventType.POLICE_CONTACTED)
