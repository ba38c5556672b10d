"""The board's and the school's overviews, with their SVG charts, pass axe-core (WCAG 2.1 AA)
in a real browser. axe-core is the npm package installed by `make install` (tests/e2e/node)."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from services.reporting.projector import Projector
from services.reporting.store import ReportStore
from services.web import create_app
from shared.accounts import DEMO_PASSWORD, Accounts
from shared.config import load_settings
from shared.demo import seed_demo
from tests.e2e.oidc import NODE_TOOLS, free_port, node_tools_present
from tests.e2e.test_browser_incident import CHROMIUM, CHROMIUM_ARGS
from tests.examples import ACTIONS, OPENING

pytestmark = pytest.mark.e2e

AXE = NODE_TOOLS / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(os.environ["ZORGVULDIG_SCREENSHOTS"]) if os.environ.get("ZORGVULDIG_SCREENSHOTS") else None
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from waitress.server import create_server

    settings = load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path_factory.mktemp("data"))})
    accounts = Accounts(settings)
    seed_demo(settings, accounts)
    app = create_app(settings, accounts=accounts, report_wait=0.0)
    cases = app.extensions["zorgvuldig.cases"]
    for username, count in (("behandelaar.dewilg", 6), ("behandelaar.hetanker", 2)):
        actor = accounts.get(username).actor  # type: ignore[union-attr]
        for number in range(count):
            incident_id, _ = cases.open_incident(actor, **OPENING)
            cases.record_action(actor, incident_id, "PoliceContacted", ACTIONS["PoliceContacted"])
            if number % 2:
                cases.close_incident(actor, incident_id, reason="afgerond")
    Projector(cases, ReportStore(settings)).catch_up()
    server = create_server(app, host="127.0.0.1", port=free_port())
    threading.Thread(target=server.run, daemon=True).start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()


@pytest.fixture
def page(site: str):  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is niet geïnstalleerd (apt-get install chromium)")
    if not node_tools_present("axe-core"):
        pytest.skip("het npm-pakket axe-core ontbreekt (make install installeert het)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        # The page's own policy allows no injected script; only the test's axe is let in.
        context = browser.new_context(base_url=site, bypass_csp=True)
        yield context.new_page()
        browser.close()


def sign_in(page, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/inloggen")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url("**/")


def axe_violations(page) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_21_AA)
    assert result["passes"], "axe ran no checks"
    return [
        {"id": v["id"], "help": v["help"], "where": [n["target"] for n in v["nodes"]][:3]}
        for v in result["violations"]
    ]


# Every text of every chart with the box the browser drew it in; a pair that overlaps.
OVERLAPS = """() => {
  const found = [];
  for (const svg of document.querySelectorAll('svg.chart')) {
    const boxes = [...svg.querySelectorAll('text')].map(t => [t.textContent, t.getBBox()]);
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
      const [a, p] = boxes[i], [b, q] = boxes[j];
      if (p.x < q.x + q.width && q.x < p.x + p.width && p.y < q.y + q.height && q.y < p.y + p.height)
        found.push(svg.id + ': ' + a + ' / ' + b);
    }
  }
  return found;
}"""


def test_the_board_overview_with_its_charts_has_no_wcag_violations(page) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, "bestuur")
    page.goto("/rapportage/")
    for chart in ("grafiek-per-kwartaal", "grafiek-tijden", "grafiek-open-stappen"):
        svg = page.locator(f"svg#{chart}")
        assert svg.get_attribute("role") == "img"
    expect(page.get_by_role("img", name="Meldingen per kwartaal en school")).to_be_visible()
    assert page.locator("svg#grafiek-per-kwartaal").inner_html().count("&lt;5") >= 1  # het-anker: 2
    assert page.evaluate(OVERLAPS) == []
    assert (
        "Politie ingeschakeld: de helft van de meldingen"
        in page.locator("#grafiek-tijden desc").text_content()
    )
    assert axe_violations(page) == []
    if SCREENSHOTS:
        page.screenshot(path=str(SCREENSHOTS / "bestuur.png"), full_page=True)


def test_the_school_overview_with_its_charts_has_no_wcag_violations(page) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, "behandelaar.dewilg")
    page.goto("/rapportage/")
    expect(page.get_by_role("img", name="Meldingen per maand")).to_be_visible()
    assert page.locator("svg#grafiek-tijden circle").count() == 6
    assert page.evaluate(OVERLAPS) == []
    page.get_by_text("Meldingen per maand als tabel").click()
    expect(page.get_by_role("table", name="Meldingen per maand")).to_be_visible()
    assert axe_violations(page) == []
    if SCREENSHOTS:
        page.screenshot(path=str(SCREENSHOTS / "school.png"), full_page=True)
