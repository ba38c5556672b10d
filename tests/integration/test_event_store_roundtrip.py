"""Every event type round-trips through each real store: a missing transcoding shows here.

An incident gets every action of tests/examples.py, a correction, a closing and a reopening;
a NEW application instance on the same store reads it back field by field.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.domain import Aggregate
from eventsourcing.utils import get_topic

from services.case.application import CaseManagement, IncidentNotFound
from services.case.domain.access import AccessLog
from services.case.domain.incident import Incident, Status
from services.case.domain.letter_request import LetterRequest
from services.case.personal_data import ERASED
from tests.examples import (
    ACTIONS,
    HANDLER,
    LETTER_REQUESTS,
    OPENING,
    OTHER_SCHOOL_HANDLER,
    OTV_MEMBER,
    SECOND_HANDLER,
)
from tests.integration.stores import STORES, store_env
from tests.integration.test_task_events_roundtrip import COVERED as TASK_EVENTS
from tests.unit.test_event_topics import TOPICS

COMMON = ("originator_id", "originator_version", "timestamp")
IMPROVEMENT = {"step": "politie", "text": "Leg vast wie de wijkagent belt en binnen welke tijd."}
CORRECTION = {
    "corrects": 2,
    "reason": "eerst verkeerd begrepen",
    "changes": {"pupil_visible": "nee", "shared_by": ["Kevin Brouwersma", "onbekend"]},
    "withdraws": False,
}


@pytest.fixture(params=STORES)
def env(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    return store_env(request.param, request, tmp_path)


@pytest.fixture
def apps(env: dict[str, str]) -> Iterator[list[CaseManagement]]:
    """Application instances made by the test; closed afterwards so the database can be dropped."""
    made: list[CaseManagement] = []
    yield made
    for app in made:
        app.close()


def new_app(apps: list[CaseManagement], env: dict[str, str]) -> CaseManagement:
    app = CaseManagement(env=dict(env))
    apps.append(app)
    return app


def expected_events(letter_ids: list[str]) -> list[tuple[str, dict[str, Any]]]:
    """Every event the worked incident should hold, in order, with its own fields. A letter is a
    LetterRequest of its own: the incident records that it was composed, and the step it
    carries out when it is sent (at once, or once approved)."""
    opened = {
        **OPENING,
        "school_id": HANDLER.school_id,
        "board_id": HANDLER.board_id,
        "actor": HANDLER.id,
        "originator_topic": get_topic(Incident),
    }
    letters = iter(letter_ids)

    def composed(letter: str, actor: str = HANDLER.id) -> tuple[str, dict[str, Any]]:
        return ("LetterComposed", {"letter_id": next(letters), "letter": letter, "actor": actor})

    expected = [("Opened", opened)]
    for action, data in ACTIONS.items():
        if action == "LetterRequested":
            expected += [("GroupInformed", {"group": "ouders_klas", "how": "brief", "actor": HANDLER.id})]
        if action in LETTER_REQUESTS:
            expected += [composed(data["letter"])]
        else:
            expected += [(action, {**data, "actor": HANDLER.id})]
    expected += [
        ("Corrected", {**CORRECTION, "actor": HANDLER.id}),
        ("Closed", {"reason": "protocol doorlopen", "actor": HANDLER.id}),
        ("Reopened", {"reason": "nieuwe informatie van de wijkagent", "actor": HANDLER.id}),
        composed("ouders_alle"),
        # Approving a letter to all parents records the step it carries out with it.
        ("GroupInformed", {"group": "ouders_alle", "how": "brief", "actor": SECOND_HANDLER.id}),
        composed("ouders_alle"),
    ]
    improvement = len(expected) + 1  # the version of the first improvement proposed
    expected += [
        ("ImprovementProposed", {**IMPROVEMENT, "actor": HANDLER.id}),
        ("ImprovementShared", {**IMPROVEMENT, "proposal_version": improvement, "actor": SECOND_HANDLER.id}),
        ("ImprovementProposed", {**IMPROVEMENT, "actor": HANDLER.id}),
        (
            "ImprovementRefused",
            {"proposal_version": improvement + 2, "reason": "dubbel", "actor": SECOND_HANDLER.id},
        ),
    ]
    return expected


def work_through_every_event(cases: CaseManagement) -> UUID:
    incident_id, _ = cases.open_incident(HANDLER, **OPENING)
    for action, data in ACTIONS.items():
        cases.record_action(HANDLER, incident_id, action, data)
    cases.correct(HANDLER, incident_id, **CORRECTION)
    cases.close_incident(HANDLER, incident_id, reason="protocol doorlopen")
    cases.reopen_incident(HANDLER, incident_id, reason="nieuwe informatie van de wijkagent")
    approved, _ = cases.request_letter(HANDLER, incident_id, four_eyes_from=30, **ACTIONS["LetterProposed"])
    cases.decide_letter(SECOND_HANDLER, incident_id, letter_id=approved, approve=True)
    refused, _ = cases.request_letter(HANDLER, incident_id, four_eyes_from=30, **ACTIONS["LetterProposed"])
    cases.decide_letter(
        SECOND_HANDLER, incident_id, letter_id=refused, approve=False, reason="eerst de wijkagent"
    )
    improvement = cases.incident(HANDLER, incident_id).version + 1
    cases.propose_improvement(HANDLER, incident_id, **IMPROVEMENT)
    cases.decide_improvement(SECOND_HANDLER, incident_id, proposal_version=improvement, share=True)
    cases.propose_improvement(HANDLER, incident_id, **IMPROVEMENT)
    cases.decide_improvement(
        SECOND_HANDLER, incident_id, proposal_version=improvement + 2, share=False, reason="dubbel"
    )
    cases.record_letter_outcome(
        approved,
        outcome_id="uitkomst-1",
        sent=30,
        failed=1,
        reason="550 onbekend",
        actor_id="notifier",
        maybe_twice=2,
    )
    request = cases.letter_request(approved)
    assert request is not None
    request.record_bounce(outcome_id="terug-1", actor="notifier", recipient_count=1, reason="mailbox vol")
    cases.save(request)
    return incident_id


def letter_ids(cases: CaseManagement, incident_id: UUID) -> list[str]:
    return [str(i) for i in cases.incident(HANDLER, incident_id).letter_ids()]


def own_fields(event: Any) -> dict[str, Any]:
    return {k: v for k, v in vars(event).items() if k not in COMMON}


def event_classes(aggregate: type) -> set[str]:
    """Names of the events an aggregate stores; the library's own bases excluded."""
    bases = {"Event", "Created", "ActionRecorded"}
    return {
        name
        for name, value in vars(aggregate).items()
        if isinstance(value, type) and issubclass(value, Aggregate.Event) and name not in bases
    }


def test_every_event_type_is_covered_by_these_tests() -> None:
    covered = {name for name, _ in expected_events(["brief"] * 5)} | {"PersonalDataErased"} | TASK_EVENTS
    # The incident's own letter events of before: read from a stored fixture
    # (tests/integration/test_store_before_letter_streams.py), no longer written.
    legacy = {
        "LetterRequested",
        "LetterProposed",
        "LetterApproved",
        "LetterRefused",
        "LetterSent",
        "LetterFailed",
    }
    assert event_classes(Incident) == covered | legacy
    assert event_classes(LetterRequest) == {"Requested", "Approved", "Rejected", "Sent", "Failed", "Bounced"}
    assert event_classes(AccessLog) == {"Started", "Viewed", "HandoverSheetDownloaded"}


def test_every_event_round_trips_field_by_field(env: dict[str, str], apps: list[CaseManagement]) -> None:
    writer = new_app(apps, env)
    incident_id = work_through_every_event(writer)

    reread = new_app(apps, env)
    events = list(reread.events.get(incident_id))

    expected = expected_events(letter_ids(writer, incident_id))
    assert [type(e).__name__ for e in events] == [name for name, _ in expected]
    for version, (event, (name, fields)) in enumerate(zip(events, expected, strict=True), start=1):
        assert event.originator_id == incident_id
        assert event.originator_version == version
        assert isinstance(event.timestamp, datetime) and event.timestamp.tzinfo is not None
        assert own_fields(event) == fields, name
        for field, value in fields.items():
            assert type(getattr(event, field)) is type(value), f"{name}.{field}"


def test_every_event_is_stored_under_the_topic_it_always_had(
    env: dict[str, str], apps: list[CaseManagement]
) -> None:
    writer = new_app(apps, env)
    incident_id = work_through_every_event(writer)
    letters = writer.incident(HANDLER, incident_id).letter_ids()
    stored = [
        record.topic for stream in (incident_id, *letters) for record in writer.recorder.select_events(stream)
    ]
    names = {name for name, _ in expected_events(["brief"] * 5)}
    assert names <= {topic.rpartition(".")[2] for topic in stored}
    assert set(stored) <= set(TOPICS)


def test_every_letter_event_round_trips_field_by_field(
    env: dict[str, str], apps: list[CaseManagement]
) -> None:
    writer = new_app(apps, env)
    incident_id = work_through_every_event(writer)
    approved, refused = writer.incident(HANDLER, incident_id).letter_ids()[-2:]
    reread = new_app(apps, env)
    names = [type(e).__name__ for e in reread.events.get(approved)]
    assert names == ["Requested", "Approved", "Sent", "Failed", "Bounced"]
    assert [type(e).__name__ for e in reread.events.get(refused)] == ["Requested", "Rejected"]
    for letter_id in (approved, refused):
        fresh, stored = reread.letter_request(letter_id), writer.letter_request(letter_id)
        assert fresh is not None and stored is not None
        assert vars(fresh) == vars(stored)
    requested = next(iter(reread.events.get(approved)))
    assert requested.recipients == ACTIONS["LetterProposed"]["recipients"]
    assert requested.incident_id == str(incident_id)
    trail = [e.event_type for e in reread.audit_trail(HANDLER, incident_id)]
    assert [t for t in trail if t.startswith("Letter") or t == "GroupInformed"][-8:] == [
        "LetterProposed", "GroupInformed", "LetterApproved", "LetterProposed", "LetterRefused",
        "LetterSent", "LetterFailed", "LetterBounced",
    ]  # fmt: skip


def test_reloaded_incident_replays_to_the_same_state(env: dict[str, str], apps: list[CaseManagement]) -> None:
    writer = new_app(apps, env)
    incident_id = work_through_every_event(writer)
    before = writer.incident(HANDLER, incident_id)

    after = new_app(apps, env).incident(HANDLER, incident_id)
    assert after.version == before.version == len(expected_events(letter_ids(writer, incident_id)))
    assert after.status is Status.OPEN
    assert after.action_at(2).data["pupil_visible"] == "nee"
    correction = [name for name, _ in expected_events(letter_ids(writer, incident_id))].index("Corrected") + 1
    assert after.action_at(2).corrected_by == [correction]
    assert [(a.version, a.action, a.data) for a in after.actions] == [
        (a.version, a.action, a.data) for a in before.actions
    ]


def test_audit_trail_reads_the_same_from_a_new_instance(
    env: dict[str, str], apps: list[CaseManagement]
) -> None:
    writer = new_app(apps, env)
    incident_id = work_through_every_event(writer)
    assert new_app(apps, env).audit_trail(HANDLER, incident_id) == writer.audit_trail(HANDLER, incident_id)


def test_erasure_event_round_trips_and_personal_fields_read_as_erased(
    env: dict[str, str], apps: list[CaseManagement]
) -> None:
    writer = new_app(apps, env)
    incident_id, _ = writer.open_incident(HANDLER, **OPENING)
    writer.record_action(HANDLER, incident_id, "NoteAdded", ACTIONS["NoteAdded"])
    writer.erase_personal_data(incident_id, actor_id="bewaartermijn", reason="bewaartermijn verstreken")

    events = list(new_app(apps, env).events.get(incident_id))
    assert [type(e).__name__ for e in events] == ["Opened", "NoteAdded", "PersonalDataErased"]
    assert own_fields(events[2]) == {"actor": "bewaartermijn", "reason": "bewaartermijn verstreken"}
    assert events[1].text == ERASED
    assert events[0].situation == OPENING["situation"]


def test_access_log_events_round_trip(env: dict[str, str], apps: list[CaseManagement]) -> None:
    writer = new_app(apps, env)
    incident_id, _ = writer.open_incident(HANDLER, **OPENING)
    writer.record_view(HANDLER, incident_id, what="melding")
    writer.record_view(OTV_MEMBER, incident_id, what="tijdlijn", reason="adviesvraag van de school")
    with pytest.raises(IncidentNotFound):
        writer.record_view(OTHER_SCHOOL_HANDLER, incident_id, what="melding")

    events = list(new_app(apps, env).events.get(AccessLog.create_id(incident_id)))
    assert [type(e).__name__ for e in events] == ["Started", "Viewed", "Viewed", "Viewed"]
    assert events[0].incident_id == incident_id
    assert [own_fields(e) for e in events[1:]] == [
        {"actor": HANDLER.id, "role": "behandelaar", "what": "melding", "reason": "", "allowed": True},
        {
            "actor": OTV_MEMBER.id,
            "role": "otv",
            "what": "tijdlijn",
            "reason": "adviesvraag van de school",
            "allowed": True,
        },
        {
            "actor": OTHER_SCHOOL_HANDLER.id,
            "role": "behandelaar",
            "what": "melding",
            "reason": "",
            "allowed": False,
        },
    ]


def test_handover_download_events_round_trip(env: dict[str, str], apps: list[CaseManagement]) -> None:
    writer = new_app(apps, env)
    incident_id, _ = writer.open_incident(HANDLER, **OPENING)
    writer.record_handover_download(HANDLER, incident_id, form="pdf", watermark="Gedownload door Anna")

    events = list(new_app(apps, env).events.get(AccessLog.create_id(incident_id)))
    assert [type(e).__name__ for e in events] == ["Started", "HandoverSheetDownloaded"]
    assert own_fields(events[1]) == {
        "actor": HANDLER.id,
        "role": "behandelaar",
        "form": "pdf",
        "watermark": "Gedownload door Anna",
    }


def test_rights_request_events_round_trip(
    env: dict[str, str], apps: list[CaseManagement], tmp_path: Path
) -> None:
    from datetime import date

    from services.case.domain.rights import RequestKind, RightsRequest
    from services.case.lists import IncidentLists
    from services.case.rights import RightsDesk
    from shared.config import load_settings
    from tests.examples import BOARD_MEMBER

    writer = new_app(apps, env)
    incident_id, _ = writer.open_incident(HANDLER, **OPENING)
    lists = IncidentLists(load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path / "lijsten")}), writer)
    desk = RightsDesk(writer, lists)
    request = desk.receive(
        HANDLER,
        person="Noor Wijnaldum",
        requester="ouder",
        kind=RequestKind.ERASURE,
        received_on=date(2026, 11, 2),
    )
    desk.decide_erasure(BOARD_MEMBER, request.id, approved=True, reason="geen reden om te bewaren")
    desk.answer(HANDLER, request.id, answered_on=date(2026, 11, 20), note="per brief beantwoord")

    assert event_classes(RightsRequest) == {"Received", "Answered", "ErasureDecided", "IncidentErased"}
    events = list(new_app(apps, env).events.get(request.id))
    assert [type(e).__name__ for e in events] == ["Received", "ErasureDecided", "IncidentErased", "Answered"]
    assert own_fields(events[0]) == {
        "school_id": HANDLER.school_id,
        "board_id": HANDLER.board_id,
        "actor": HANDLER.id,
        "kind": "wissen",
        "person": "Noor Wijnaldum",
        "requester": "ouder",
        "received_on": "2026-11-02",
        "incidents": [str(incident_id)],
        "originator_topic": get_topic(RightsRequest),
    }
    assert own_fields(events[1]) == {
        "actor": BOARD_MEMBER.id,
        "approved": True,
        "reason": "geen reden om te bewaren",
    }
    assert own_fields(events[2]) == {"actor": BOARD_MEMBER.id, "incident_id": incident_id}
    assert own_fields(events[3]) == {
        "actor": HANDLER.id,
        "answered_on": "2026-11-20",
        "note": "per brief beantwoord",
    }
    reread = RightsDesk(new_app(apps, env), lists).request(HANDLER, request.id)
    assert reread.erased == [incident_id] and reread.answered_on == date(2026, 11, 20)


OLD_CONVERSATION_PERSONAL = (
    "how_are_you", "friends_reaction", "others_remarks", "how_that_went", "why_not_told",
    "knows_who_saw", "knows_how_spread", "how_found_out", "help_wanted", "anything_else", "agreements",
)  # fmt: skip


def test_a_conversation_stored_as_version_1_is_upcast_and_still_reads(
    env: dict[str, str], apps: list[CaseManagement], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Version 1 had no `wording` and left the facts answers unsealed; both still read."""
    writer = new_app(apps, env)
    incident_id, _ = writer.open_incident(HANDLER, **OPENING)
    answers = {k: v for k, v in ACTIONS["VictimConversationHeld"].items() if k != "wording"}
    event = Incident.VictimConversationHeld(
        originator_id=incident_id,
        originator_version=2,
        timestamp=datetime.now(tz=UTC),
        actor=HANDLER.id,
        wording="",
        **answers,
    )
    vars(event).pop("wording")
    with monkeypatch.context() as old_schema:
        old_schema.setattr(Incident.VictimConversationHeld, "class_version", 1)
        old_schema.setattr(Incident.VictimConversationHeld, "personal", OLD_CONVERSATION_PERSONAL)
        stored = writer.mapper.to_stored_event(event)
    writer.recorder.insert_events([stored])

    reread = new_app(apps, env)
    (_, held) = list(reread.events.get(incident_id))
    assert own_fields(held) == {**answers, "wording": "herschreven", "actor": HANDLER.id}
    data = reread.incident(HANDLER, incident_id).action_at(2).data
    assert data["wording"] == "herschreven" and data["naked"] == answers["naked"]
