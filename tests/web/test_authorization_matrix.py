"""Every route × every role × own school / other school / other board (issue 5, hard rule 4),
the administrator of each board and the installation's (issue 23), and what the OTV and the
board read of a letter's recipient group.

The routes come from the app's own URL map: a new route without a rule here fails the test.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask

from services.web import create_app
from shared.accounts import DEMO_PASSWORD, Accounts
from shared.config import load_settings
from shared.demo import seed_demo
from shared.identity import Role
from tests.web.conftest import Browser

# persona: (username, role, board, school)
PERSONAS = {
    "eigen behandelaar": ("behandelaar.dewilg", Role.CASE_HANDLER, "kindante", "de-wilg"),
    "behandelaar andere school": ("behandelaar.hetanker", Role.CASE_HANDLER, "kindante", "het-anker"),
    "behandelaar ander bestuur": ("behandelaar.delinde", Role.CASE_HANDLER, "ander-bestuur", "de-linde"),
    "medewerker zonder leesrecht": ("medewerker.dewilg", Role.STAFF, "kindante", "de-wilg"),
    "otv eigen bestuur": ("otv", Role.OTV, "kindante", ""),
    "otv ander bestuur": ("otv.ander", Role.OTV, "ander-bestuur", ""),
    "bestuur": ("bestuur", Role.BOARD, "kindante", ""),
    "bestuur ander bestuur": ("bestuur.ander", Role.BOARD, "ander-bestuur", ""),
    "beheerder": ("beheerder", Role.ADMINISTRATOR, "kindante", ""),
    "beheerder ander bestuur": ("beheerder.ander", Role.ADMINISTRATOR, "ander-bestuur", ""),
    "installatiebeheerder": ("installatiebeheerder", Role.INSTALLATION_ADMINISTRATOR, "kindante", ""),
}
ADMINISTRATORS = {"beheerder", "beheerder ander bestuur", "installatiebeheerder"}
OWN = {"eigen behandelaar"}
HANDLERS = OWN | {"behandelaar andere school", "behandelaar ander bestuur"}
BOARD_READERS = {"otv eigen bestuur", "bestuur"}
EVERYONE = set(PERSONAS)
HANDLERS = OWN | {"behandelaar andere school", "behandelaar ander bestuur"}
BOARDS = {"bestuur", "bestuur ander bestuur"}

OK, DENIED = "toegestaan", "geweigerd"


def allowed(who: set[str]) -> Callable[[str], str]:
    return lambda persona: OK if persona in who else DENIED


# endpoint: (method, rule for each persona)
RULES: dict[str, tuple[str, Callable[[str], str]]] = {
    "auth.login": ("GET", allowed(EVERYONE)),
    "auth.logout": ("POST", allowed(EVERYONE)),
    "auth.account": ("GET", allowed(EVERYONE)),
    "auth.change_password": ("GET", allowed(EVERYONE)),
    "auth.end_session": ("POST", allowed(EVERYONE)),  # only the person's own: an unknown id ends nothing
    "auth.end_other_sessions": ("POST", allowed(EVERYONE)),
    "auth.revoke_token": ("POST", allowed(EVERYONE)),
    "auth.second_factor": ("GET", allowed(EVERYONE)),  # without a pending sign-in: back to the login page
    "oidc.start": ("GET", allowed(set())),  # no provider configured here: 404 for anyone
    "oidc.callback": ("GET", allowed(set())),
    "identity_links.waiting": ("GET", allowed(set())),  # likewise: nothing to link without a provider
    "identity_links.link": ("POST", allowed(set())),
    "case.incidents": ("GET", allowed(EVERYONE)),
    "case.open_incident": ("GET", allowed(OWN | {"behandelaar andere school", "behandelaar ander bestuur"})),
    "case.incident": ("GET", allowed(OWN | BOARD_READERS)),
    "case.trail": ("GET", allowed(OWN | BOARD_READERS)),
    "case.chain": ("GET", allowed(OWN | BOARD_READERS)),
    "case.access": ("GET", allowed(OWN | BOARD_READERS)),
    "case.record": ("GET", allowed(OWN)),
    "case.correct": ("GET", allowed(OWN)),
    "case.close": ("POST", allowed(OWN)),
    "case.reopen": ("POST", allowed(OWN)),
    "letters.compose_letter": ("GET", allowed(OWN)),
    # A letter of no incident: not found for anyone. Who reads a real letter's page (the school's
    # handlers with addresses, the OTV and the board without): tests/integration/test_bounces.py.
    "letter_page.letter": ("GET", allowed(set())),
    "improvements.propose": ("GET", allowed(OWN)),
    "improvements.decide": ("POST", allowed(OWN)),
    # a second person reads and decides: a handler of the school, or the board's OTV
    "review.review": ("GET", allowed(OWN | {"otv eigen bestuur"})),
    "review.approve": ("POST", allowed(OWN | {"otv eigen bestuur"})),
    "review.reject": ("POST", allowed(OWN | {"otv eigen bestuur"})),
    "letters.recipient_groups": (
        "GET",
        allowed(OWN | {"behandelaar andere school", "behandelaar ander bestuur"}),
    ),
    "letters.delete_recipient_group": (
        "POST",
        allowed(OWN | {"behandelaar andere school", "behandelaar ander bestuur"}),
    ),
    "recipients_import.form": ("GET", allowed(HANDLERS)),
    "recipients_import.preview": ("POST", allowed(HANDLERS)),
    "recipients_import.save": ("POST", allowed(HANDLERS)),
    "letters.sent": ("GET", allowed(OWN | {"behandelaar andere school", "behandelaar ander bestuur"})),
    "reporting.index": ("GET", allowed(EVERYONE - ADMINISTRATORS)),
    "reporting.incident": ("GET", allowed(OWN | BOARD_READERS)),
    "reporting.trail": ("GET", allowed(OWN | BOARD_READERS)),
    "reporting.trail_csv": ("GET", allowed(OWN | BOARD_READERS)),
    "reporting.trail_pdf": ("GET", allowed(OWN | BOARD_READERS)),
    "reporting.evaluation_pdf": ("GET", allowed(OWN | BOARD_READERS)),
    "api.list_incidents": ("GET", allowed(EVERYONE)),
    "api.open_incident": ("POST", allowed(OWN | {"behandelaar andere school", "behandelaar ander bestuur"})),
    "api.incident": ("GET", allowed(OWN | BOARD_READERS)),
    "api.record": ("POST", allowed(OWN)),
    "api.trail": ("GET", allowed(OWN | BOARD_READERS)),
    "api.openapi": ("GET", allowed(EVERYONE)),
    "rights.index": ("GET", allowed(HANDLERS | BOARDS)),
    "rights.receive": ("POST", allowed(HANDLERS)),
    "rights.details": ("GET", allowed(OWN | {"bestuur"})),
    "rights.copy_text": ("GET", allowed(OWN)),
    "rights.record_answer": ("POST", allowed(OWN)),
    "rights.decide": ("POST", allowed({"bestuur"})),
    "rights_api.api_list": ("GET", allowed(HANDLERS | BOARDS)),
    "rights_api.api_receive": ("POST", allowed(HANDLERS)),
    "rights_api.api_details": ("GET", allowed(OWN | {"bestuur"})),
    "rights_api.api_answer": ("POST", allowed(OWN)),
    "rights_api.api_decide": ("POST", allowed({"bestuur"})),
    "handover.pdf": ("GET", allowed(OWN)),
    "handover.text": ("GET", allowed(OWN)),
    "handover_api.api_pdf": ("GET", allowed(OWN)),
    "handover_api.api_text": ("GET", allowed(OWN)),
    "beheer.status": ("GET", allowed(ADMINISTRATORS)),
    "beheer.accounts": ("GET", allowed(ADMINISTRATORS)),
    "beheer.retry_dead_letters": ("POST", allowed({"installatiebeheerder"})),  # the queues of every board
    "health.live": ("GET", allowed(EVERYONE)),
    "health.ready": ("GET", allowed(EVERYONE)),
    # tasks and colleagues (services/case/web/tasks.py); the owner's own task: tests/web/test_tasks.py
    "beheer.care_team": ("POST", allowed(ADMINISTRATORS)),
    "beheer.reset_password": ("POST", allowed(set())),  # an unknown account: 404; see test_admin.py
    "tasks.create": ("POST", allowed(OWN)),
    "tasks.reassign": ("POST", allowed(OWN)),
    "tasks.finish": ("POST", allowed(OWN)),
    "tasks.reopen": ("POST", allowed(OWN)),
    "tasks.add_colleague": ("POST", allowed(OWN)),
    "other_schools.record": ("POST", allowed(OWN)),
    "other_schools.notified": ("POST", allowed(OWN)),
    "other_schools.withdrawn": ("POST", allowed(OWN)),
    "other_schools.confirm": ("GET", allowed(set())),  # no account needed; a made-up token: 410 for anyone
}
PUBLIC_ASSETS = {"static", "house_style.stylesheet", "house_style.logo"}  # a board's colours and logo


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    folder: Path = tmp_path_factory.mktemp("matrix")
    settings = load_settings({"ZORGVULDIG_DATA_DIR": str(folder)})
    accounts = Accounts(settings)
    seed_demo(settings, accounts)
    for username, role, board, school in PERSONAS.values():
        if accounts.get(username) is None:
            accounts.create(
                username, name=username, role=role, board_id=board, school_id=school, password=DEMO_PASSWORD
            )
    return create_app(settings, accounts=accounts, report_wait=0.0)


@pytest.fixture(scope="module")
def incident(app: Flask) -> str:
    handler = Browser(app.test_client()).sign_in("behandelaar.dewilg")
    page = handler.open_incident()
    handler.post(f"{page}/acties/NoteAdded", {"text": "eerste notitie"})
    from services.case.application import CaseManagement
    from services.reporting.projector import Projector
    from services.reporting.store import ReportStore

    cases: CaseManagement = app.extensions["zorgvuldig.cases"]
    Projector(cases, ReportStore(app.extensions["zorgvuldig.settings"])).catch_up()
    return page.rsplit("/", 1)[1]


def test_every_route_has_a_rule(app: Flask) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()} - PUBLIC_ASSETS
    assert endpoints - set(RULES) == set(), "nieuwe route zonder toegangsregel"


@pytest.fixture(scope="module")
def rights_request(app: Flask, incident: str) -> str:
    """An erasure request of the own school that names the incident's pupil."""
    from datetime import date

    from services.case.domain.rights import RequestKind
    from services.case.rights import RightsDesk

    handler = app.extensions["zorgvuldig.accounts"].get("behandelaar.dewilg").actor
    request = RightsDesk(app.extensions["zorgvuldig.cases"], app.extensions["zorgvuldig.lists"]).receive(
        handler, person="mentor", requester="ouder", kind=RequestKind.ERASURE, received_on=date.today()
    )
    assert request.incidents, "het verzoek moet de melding vinden"
    return str(request.id)


def url_for_rule(app: Flask, endpoint: str, incident_id: str, request_id: str = "") -> str:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    values = {"incident_id": incident_id, "action": "NoteAdded", "version": 2, "request_id": request_id}
    values["number"] = 2  # a task (services/case/web/tasks.py) or another school
    values["token"] = "verzonnen"  # another school's one-time link
    values["letter_id"] = "00000000-0000-4000-8000-000000000000"  # a letter of no incident
    values["name"] = "onbekend"  # a school provider that is not configured here
    values["session_id"] = values["token_id"] = values["username"] = "onbekend"
    path = rule.rule
    for name in rule.arguments:
        path = re.sub(rf"<(?:[a-z]+:)?{name}>", str(values[name]), path)
    return path + "?reden=controle"


def outcome(status: int) -> str:
    """Let in, also when the content or the state then refuses (409, 422); or kept out."""
    return OK if status < 400 or status in (409, 422) else DENIED


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_each_role_gets_exactly_what_its_rule_says(
    app: Flask, incident: str, rights_request: str, persona: str
) -> None:
    username = PERSONAS[persona][0]
    browser = Browser(app.test_client()).sign_in(username)
    accounts: Accounts = app.extensions["zorgvuldig.accounts"]
    token = accounts.issue_token(username)
    wrong = []
    for endpoint, (method, rule) in sorted(RULES.items()):
        if endpoint == "auth.logout":
            continue  # signing out ends the session for the rest of the loop; tested elsewhere
        if endpoint not in app.view_functions:
            continue
        path = url_for_rule(app, endpoint, incident, rights_request)
        if path.startswith("/api/"):
            headers = {"Authorization": f"Bearer {token}"}
            body = (
                {"data": {"text": "via de matrix"}}
                if endpoint == "api.record"
                else {"situation": "anders", "learned_how": "matrix"}
            )
            response = (
                browser.client.get(path, headers=headers)
                if method == "GET"
                else browser.client.post(path, json=body, headers=headers)
            )
        elif method == "GET":
            response = browser.get(path)
        else:
            response = browser.post(path, {"reason": ""})
        if endpoint == "auth.login":
            continue
        got = outcome(response.status_code)
        if got != rule(persona):
            wrong.append(f"{endpoint} ({method} {path}): {response.status_code}, verwacht {rule(persona)}")
        if got == DENIED:
            assert response.status_code in (401, 403, 404), f"{endpoint}: {response.status_code}"
    assert wrong == []


def test_refused_looks_are_in_the_access_log(app: Flask, incident: str) -> None:
    for persona in ("behandelaar andere school", "otv ander bestuur"):
        Browser(app.test_client()).sign_in(PERSONAS[persona][0]).get(f"/meldingen/{incident}?reden=x")
    from uuid import UUID

    log = app.extensions["zorgvuldig.cases"]._access_log(UUID(incident)).entries
    refused = {entry["actor"] for entry in log if not entry["allowed"]}
    assert {"behandelaar.hetanker", "otv.ander"} <= refused


# --------------------------------------------------------------- lists (hard rule 4, read model)

GRANTED_STAFF = "medewerker.leesrecht"


@pytest.fixture(scope="module")
def incidents_per_school(app: Flask, incident: str) -> dict[str, set[str]]:
    """Besides the matrix's incident: a second one at De Wilg that a staff member may read,
    one at Het Anker and one of another board, all opened through the web."""
    accounts: Accounts = app.extensions["zorgvuldig.accounts"]
    if accounts.get(GRANTED_STAFF) is None:
        accounts.create(GRANTED_STAFF, name=GRANTED_STAFF, role=Role.STAFF, board_id="kindante",
                        school_id="de-wilg", password=DEMO_PASSWORD)  # fmt: skip
    own = Browser(app.test_client()).sign_in("behandelaar.dewilg")
    shared = own.open_incident()
    own.post(f"{shared}/acties/StaffAccessGranted", {"staff_id": GRANTED_STAFF})
    other_school = Browser(app.test_client()).sign_in("behandelaar.hetanker").open_incident()
    other_board = Browser(app.test_client()).sign_in("behandelaar.delinde").open_incident()
    ids = {page: page.rsplit("/", 1)[1] for page in (shared, other_school, other_board)}
    return {
        "de-wilg": {incident, ids[shared]},
        "shared": {ids[shared]},
        "het-anker": {ids[other_school]},
        "ander-bestuur": {ids[other_board]},
    }


def expected_list(persona: str, found: dict[str, set[str]]) -> set[str]:
    _, role, board, school = PERSONAS.get(persona, (None, Role.STAFF, "kindante", "de-wilg"))
    if persona == GRANTED_STAFF:
        return found["shared"]
    if role is Role.CASE_HANDLER:
        return found[school] if board == "kindante" else found["ander-bestuur"]
    if role in (Role.OTV, Role.BOARD):
        return found["de-wilg"] | found["het-anker"] if board == "kindante" else found["ander-bestuur"]
    return set()


UUID_LINK = re.compile(r'href="/meldingen/([0-9a-f-]{36})"')


@pytest.mark.parametrize("persona", [*PERSONAS, GRANTED_STAFF])
def test_every_list_shows_exactly_the_incidents_a_role_may_see(
    app: Flask, incidents_per_school: dict[str, set[str]], persona: str
) -> None:
    username = PERSONAS[persona][0] if persona in PERSONAS else persona
    browser = Browser(app.test_client()).sign_in(username)
    accounts: Accounts = app.extensions["zorgvuldig.accounts"]
    account = accounts.get(username)
    assert account is not None
    # the oracle: every incident replayed from the store (the way lists were made before)
    expected = {str(i.id) for i in app.extensions["zorgvuldig.cases"].incidents(account.actor)}
    wanted = expected_list(persona, incidents_per_school)
    assert wanted <= expected
    assert not (set().union(*incidents_per_school.values()) - wanted) & expected
    page = browser.get("/")
    if persona in ADMINISTRATORS:  # an administrator lands on the accounts page, never a list
        assert page.status_code == 302 and page.headers["Location"].endswith("/beheer/accounts")
        assert expected == set()
    else:
        assert page.status_code == 200
        assert set(UUID_LINK.findall(page.text)) == expected
        assert "Lijst bijgewerkt" in page.text
    token = accounts.issue_token(username)
    answer = browser.client.get("/api/meldingen", headers={"Authorization": f"Bearer {token}"})
    assert {row["id"] for row in answer.get_json()} == expected
    if persona not in ADMINISTRATORS | {"medewerker zonder leesrecht"}:
        report = browser.get("/rapportage/")
        others = set().union(*incidents_per_school.values()) - wanted
        assert not any(incident_id in report.text for incident_id in others)


def test_an_unreadable_list_is_a_503_in_dutch_never_an_empty_list(tmp_path: Path) -> None:
    settings = load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path)})
    accounts = Accounts(settings)
    seed_demo(settings, accounts)
    app = create_app(settings, accounts=accounts, report_wait=0.0)
    browser = Browser(app.test_client()).sign_in("behandelaar.dewilg")
    browser.open_incident()
    with app.extensions["zorgvuldig.lists"].db.connect() as db:
        db.execute("DROP TABLE incident_list")
    page = browser.get("/")
    assert page.status_code == 503
    assert "De lijst met meldingen kan nu niet worden gelezen" in page.text
    assert "Er zijn geen meldingen" not in page.text
    token = accounts.issue_token("behandelaar.dewilg")
    answer = browser.client.get("/api/meldingen", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 503 and "niet worden gelezen" in answer.get_json()["fout"]


# ------------------------------------------------ administrators per board (issue 23, item 8)


@pytest.mark.parametrize("persona", sorted(ADMINISTRATORS))
def test_an_administrator_sees_the_accounts_and_sign_ins_of_their_own_board_only(
    app: Flask, persona: str
) -> None:
    username, role, board, _ = PERSONAS[persona]
    Browser(app.test_client()).sign_in("otv.ander")  # a sign-in of the other board, in the log
    Browser(app.test_client()).sign_in("otv")
    page = Browser(app.test_client()).sign_in(username).get("/beheer/").text
    accounts: Accounts = app.extensions["zorgvuldig.accounts"]
    listed = set(re.findall(r"<tr><td>([^<]+)</td>", page.split('id="accounts"')[1].split("</table>")[0]))
    everyone = {a.username for a in accounts.all()}
    # the installation's administrator belongs to a board but is not that board's to see
    own = {
        a.username
        for a in accounts.all()
        if a.board_id == board and a.role is not Role.INSTALLATION_ADMINISTRATOR
    }
    expected = everyone if role is Role.INSTALLATION_ADMINISTRATOR else own
    assert listed == expected
    sign_ins = page.split('id="aanmeldingen"')[1].split("</ul>")[0]
    assert ("otv.ander: ingelogd" in sign_ins) == (
        board == "ander-bestuur" or role is Role.INSTALLATION_ADMINISTRATOR
    )
    assert ("— otv: ingelogd" in sign_ins) == (board == "kindante")
    assert ("zorgvuldig.brieven" in page) == (role is Role.INSTALLATION_ADMINISTRATOR)  # the queues


# --------------------------------------------- recipient groups for the OTV and the board

GROUP = "Ouders groep 6b"


@pytest.fixture(scope="module")
def letter_incident(app: Flask) -> str:
    """An incident of De Wilg with a letter to a named group of two parents."""
    handler = Browser(app.test_client()).sign_in("behandelaar.dewilg")
    incident_id = handler.open_incident().rsplit("/", 1)[1]
    from uuid import UUID

    cases = app.extensions["zorgvuldig.cases"]
    actor = app.extensions["zorgvuldig.accounts"].get("behandelaar.dewilg").actor
    cases.request_letter(
        actor, UUID(incident_id), letter="ouders_alle", group=GROUP,
        recipients=["ouder.een@voorbeeld.invalid", "ouder.twee@voorbeeld.invalid"],
        statement={"what_we_do": "We werken samen met de politie."}, four_eyes_from=30,
    )  # fmt: skip
    from services.reporting.projector import Projector
    from services.reporting.store import ReportStore

    Projector(cases, ReportStore(app.extensions["zorgvuldig.settings"])).catch_up()
    return incident_id


@pytest.mark.parametrize("persona", ["otv eigen bestuur", "bestuur", "eigen behandelaar"])
def test_the_otv_and_the_board_read_a_group_by_its_size_not_its_name(
    app: Flask, letter_incident: str, persona: str
) -> None:
    username = PERSONAS[persona][0]
    browser = Browser(app.test_client()).sign_in(username)
    token = app.extensions["zorgvuldig.accounts"].issue_token(username, "matrix")
    headers = {"Authorization": f"Bearer {token}"}
    pages = [
        browser.get(f"/meldingen/{letter_incident}?reden=controle").text,
        browser.get(f"/meldingen/{letter_incident}/tijdlijn?reden=controle").text,
        browser.get(f"/rapportage/meldingen/{letter_incident}/logboek?reden=controle").text,
        browser.client.get(f"/api/meldingen/{letter_incident}?reden=controle", headers=headers).text,
        browser.client.get(f"/api/meldingen/{letter_incident}/logboek?reden=controle", headers=headers).text,
    ]
    if persona == "eigen behandelaar":
        assert any(GROUP in page for page in pages)  # the school itself reads its own group's name
        return
    # "6b" as a word: the pages' links carry ids (incident, letter) in which "6b" may occur.
    assert not any(GROUP in page or re.search(r"\b6b\b", page) for page in pages)
    assert any("een groep ouders (2)" in page for page in pages)
