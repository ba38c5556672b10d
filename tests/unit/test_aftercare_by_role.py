"""Aftercare for everyone the incident touched: moments by role (never by name), a warning
for the roles still without one, counts per role in the report and in the reminder."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from services.case.application import CaseManagement
from services.case.domain.aftercare import AFTERCARE_ROLES
from services.case.domain.errors import NotARole
from services.case.domain.incident import Incident
from services.case.domain.protocol import load_protocol, warnings
from services.reporting.projections import aftercare, aftercare_by_role
from services.reporting.projector import Projector
from services.reporting.reminders import overdue
from services.reporting.store import ReportStore
from shared.accounts import Accounts
from shared.boards import board
from shared.config import load_settings
from shared.demo import seed_demo
from shared.letters import render_reminder
from shared.privacy import PrivacyGuard
from tests.examples import ACTIONS, HANDLER, OPENING, PLANTED_NAMES

KINDANTE = load_protocol()


def opened(pupil_visible: str = "ja") -> Incident:
    incident = Incident.open(school_id="de-wilg", board_id="kindante", actor=HANDLER.id, **OPENING)
    incident.record(
        "ScopeAssessed", actor=HANDLER.id, **{**ACTIONS["ScopeAssessed"], "pupil_visible": pupil_visible}
    )
    return incident


def missing_roles(incident: Incident) -> str:
    found = [w for w in warnings(KINDANTE, incident.effective_actions()) if w.key == "nazorg_voor_iedereen"]
    return found[0].message if found else ""


@pytest.mark.parametrize("who", ["Noor Wijnaldum", "Noor", "ouders van Kevin", ""])
def test_an_aftercare_moment_names_a_role_never_a_person(who: str) -> None:
    incident = opened()
    with pytest.raises(NotARole):
        incident.record("AftercarePlanned", actor=HANDLER.id, for_whom=who, due_on="2026-12-15")
    with pytest.raises(NotARole):
        incident.record("AftercareHeld", actor=HANDLER.id, for_whom=who, notes="")


def test_every_role_it_touched_can_have_its_moment_and_the_warning_names_those_without() -> None:
    incident = opened()
    assert missing_roles(incident) == ""  # nothing planned yet: step 9 has its own reminder
    incident.record("AftercarePlanned", actor=HANDLER.id, for_whom="slachtoffer", due_on="2026-12-15")
    message = missing_roles(incident)
    assert "de ouders van de leerlingen die het zagen" in message and "de medewerkers" in message
    assert "voor: de ouders van het slachtoffer," in message
    for role in AFTERCARE_ROLES:
        incident.record("AftercarePlanned", actor=HANDLER.id, for_whom=role, due_on="2026-12-15")
    assert missing_roles(incident) == ""


def test_without_a_pupil_of_the_school_visible_no_victim_is_asked_for() -> None:
    incident = opened(pupil_visible="nee")
    incident.record("AftercarePlanned", actor=HANDLER.id, for_whom="leerlingen_deelden", due_on="2026-12-15")
    message = missing_roles(incident)
    assert "slachtoffer" not in message and "de leerlingen die het zagen" in message


def test_the_report_and_the_reminder_count_the_moments_per_role(tmp_path: Path, guard: PrivacyGuard) -> None:
    settings = load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path)})
    accounts = Accounts(settings)
    seed_demo(settings, accounts)
    anna = accounts.get("behandelaar.dewilg").actor  # type: ignore[union-attr]
    cases = CaseManagement(env=settings.event_store_env())
    incident_id, _ = cases.open_incident(anna, **OPENING)
    moments = [("ouders_leerlingen_zagen", "2026-01-05"), ("ouders_leerlingen_zagen", "2026-01-04"),
               ("medewerkers", "2026-02-01"), ("slachtoffer", "2026-01-02")]  # fmt: skip
    for role, due in moments:
        cases.record_action(anna, incident_id, "AftercarePlanned", {"for_whom": role, "due_on": due})
    cases.record_action(anna, incident_id, "AftercareHeld", {"for_whom": "slachtoffer", "notes": ""})
    store = ReportStore(settings)
    Projector(cases, store).catch_up()
    (facts,) = store.every_fact()
    rows = {row.role: row for row in aftercare_by_role(aftercare(facts, date(2026, 1, 10)))}
    assert list(rows)[: len(AFTERCARE_ROLES)] == list(AFTERCARE_ROLES.values())
    assert (
        rows["de ouders van de leerlingen die het zagen"].planned,
        rows["de ouders van de leerlingen die het zagen"].overdue,
    ) == (2, 2)
    assert (rows["het slachtoffer"].held, rows["het slachtoffer"].overdue) == (1, 0)
    assert (rows["de medewerkers"].planned, rows["de medewerkers"].overdue) == (1, 0)

    reminders = [r for _, r in overdue([facts], date(2026, 1, 10)) if r.kind == "nazorg"]
    assert len(reminders) == 2
    expected = "Te laat bij deze melding: de ouders van de leerlingen die het zagen (2)."
    assert all(r.step.endswith(expected) for r in reminders)
    kindante = board("kindante")
    letter = render_reminder(kind="nazorg", step=reminders[0].step, school=kindante.school("de-wilg"),
                             board=kindante, due_on=reminders[0].due_on, link=f"http://x/meldingen/{incident_id}",
                             guard=guard)  # fmt: skip
    assert "Nazorg voor de ouders van de leerlingen die het zagen." in " ".join(letter.text.split())
    for name in PLANTED_NAMES:
        assert name not in letter.text + letter.html
