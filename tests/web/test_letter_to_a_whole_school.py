"""One letter to a whole school: up to the board's limit of addresses (5.000 unless its file
says otherwise), in a group and in a letter; above it, a Dutch sentence that names the limit."""

from __future__ import annotations

from pathlib import Path

from services.web import create_app
from shared.accounts import Accounts
from shared.boards import BUILT_IN
from shared.config import load_settings
from shared.demo import seed_demo
from tests.web.conftest import Browser
from tests.web.test_letters_web import STATEMENT


def addresses(count: int) -> str:
    return "\n".join(f"ouder{n}@voorbeeld.nl" for n in range(count))


def letter(handler: Browser, page: str, count: int):  # type: ignore[no-untyped-def]
    data = {"letter": "ouders_alle", "group": "Alle ouders", "recipients": addresses(count), **STATEMENT}
    return handler.post(f"{page}/brieven", data)


def test_a_letter_to_five_thousand_parents_is_one_letter_with_one_approval(handler) -> None:  # type: ignore[no-untyped-def]
    page = handler.open_incident()
    preview = letter(handler, page, 5000)
    assert preview.status_code == 200, preview.text
    assert "Versturen aan 5000 ontvanger(s)" in preview.text
    assert "wacht deze brief op goedkeuring" in preview.text


def test_a_letter_above_the_limit_is_refused_with_the_limit_in_dutch(handler) -> None:  # type: ignore[no-untyped-def]
    page = handler.open_incident()
    refused = letter(handler, page, 5001)
    assert refused.status_code == 422
    assert "hoogstens 5.000 adressen; dit zijn er 5.001" in refused.text
    group = handler.post("/ontvangers", {"name": "Hele school", "addresses": addresses(5001)})
    assert group.status_code == 422 and "hoogstens 5.000 adressen" in group.text
    assert (
        handler.post("/ontvangers", {"name": "Hele school", "addresses": addresses(5000)}).status_code == 302
    )


def test_a_boards_file_sets_its_own_limit(tmp_path: Path, guard) -> None:  # type: ignore[no-untyped-def]
    boards = tmp_path / "besturen"
    boards.mkdir()
    own = (BUILT_IN / "kindante.toml").read_text(encoding="utf-8")
    (boards / "kindante.toml").write_text("hoogstens_ontvangers = 40\n" + own, encoding="utf-8")
    settings = load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path), "ZORGVULDIG_BOARDS_DIR": str(boards)})
    accounts = Accounts(settings)
    seed_demo(settings, accounts)
    app = create_app(settings, accounts=accounts, guard=guard)
    handler = Browser(app.test_client()).sign_in("behandelaar.dewilg")
    page = handler.open_incident()
    assert letter(handler, page, 40).status_code == 200
    refused = letter(handler, page, 41)
    assert refused.status_code == 422 and "hoogstens 40 adressen; dit zijn er 41" in refused.text
