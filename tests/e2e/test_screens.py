"""The screens a hurried director reads, on a desktop (1280 px) and a phone (390 px): each
passes axe-core (WCAG 2.1 AA) in the NL Design System look, and a screenshot of each is kept in
test-results/screens/ (git-ignored) for a person to look at."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.reporting.projector import Projector
from services.reporting.store import ReportStore
from services.web import create_app
from shared.accounts import Accounts
from shared.config import load_settings
from shared.demo import seed_demo
from tests.e2e.oidc import free_port, node_tools_present
from tests.e2e.test_browser_incident import CHROMIUM, CHROMIUM_ARGS
from tests.e2e.test_reporting_accessible import axe_violations, sign_in
from tests.examples import ACTIONS, OPENING

pytestmark = pytest.mark.e2e

SCREENS = Path(__file__).resolve().parents[2] / "test-results" / "screens"
WIDTHS = {"breed": 1280, "telefoon": 390}
# The innermost elements that stick out to the right of the window (a page a phone must scroll sideways).
TOO_WIDE = """() => [...document.body.querySelectorAll('*')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
            && ![...e.children].some(c => c.getBoundingClientRect().right > window.innerWidth + 1)
            && !e.closest('.utrecht-table-container, .scrolls'))
  .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + ' ' + e.className)"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """The demo with a few incidents of two schools, one of them well under way."""
    from waitress.server import create_server

    settings = load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path_factory.mktemp("data"))})
    accounts = Accounts(settings)
    seed_demo(settings, accounts)
    app = create_app(settings, accounts=accounts, report_wait=0.0)
    cases = app.extensions["zorgvuldig.cases"]
    anna = accounts.get("behandelaar.dewilg").actor  # type: ignore[union-attr]
    shown, _ = cases.open_incident(anna, **OPENING)
    for action in ("ScopeAssessed", "CareTeamInvolved", "PoliceContacted", "DeletionCalled"):
        cases.record_action(anna, shown, action, ACTIONS[action])
    for username, count in (("behandelaar.dewilg", 3), ("behandelaar.hetanker", 2)):
        actor = accounts.get(username).actor  # type: ignore[union-attr]
        for _ in range(count):
            incident_id, _ = cases.open_incident(actor, **OPENING)
            cases.record_action(actor, incident_id, "PoliceContacted", ACTIONS["PoliceContacted"])
    Projector(cases, ReportStore(settings)).catch_up()
    server = create_server(app, host="127.0.0.1", port=free_port())
    threading.Thread(target=server.run, daemon=True).start()
    yield f"http://127.0.0.1:{server.effective_port}", str(shown)
    server.close()


@pytest.fixture
def browser(site: tuple[str, str]):  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is niet geïnstalleerd (apt-get install chromium)")
    if not node_tools_present("axe-core"):
        pytest.skip("het npm-pakket axe-core ontbreekt (make install installeert het)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()


def screens(browser, base_url: str, username: str, pages: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    """Each page at each width: no axe violation, and a full-page screenshot."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    for width_name, width in WIDTHS.items():
        # The page's own policy allows no injected script; only the test's axe is let in.
        context = browser.new_context(
            base_url=base_url, bypass_csp=True, viewport={"width": width, "height": 900}
        )
        page = context.new_page()
        sign_in(page, username)
        for name, path in pages.items():
            page.goto(path)
            assert page.locator(".utrecht-page-header").is_visible(), name
            assert axe_violations(page) == [], f"{name} op {width} px"
            too_wide = page.evaluate(TOO_WIDE)
            assert too_wide == [], f"{name} is op {width} px te breed: {too_wide}"
            page.screenshot(path=str(SCREENS / f"{name}-{width_name}.png"), full_page=True)
        context.close()


def test_the_handlers_screens_pass_axe_and_are_kept_as_screenshots(browser, site) -> None:  # type: ignore[no-untyped-def]
    base_url, incident_id = site
    screens(
        browser,
        base_url,
        "behandelaar.dewilg",
        {
            "melding": f"/meldingen/{incident_id}",
            "logboek": f"/meldingen/{incident_id}/logboek?reden=schermafdruk",
            "brief": f"/meldingen/{incident_id}/brieven",
            "rapportage-school": "/rapportage/?reden=schermafdruk",
        },
    )


def test_the_board_overview_passes_axe_and_is_kept_as_screenshots(browser, site) -> None:  # type: ignore[no-untyped-def]
    base_url, _ = site
    screens(browser, base_url, "bestuur", {"rapportage-bestuur": "/rapportage/?reden=schermafdruk"})
