"""Every letter to parents or pupils waits for a second person, who reads it as parents will."""

from __future__ import annotations

import re
from uuid import UUID

from flask import Flask

from services.case.domain.letter_request import Review
from tests.web.conftest import Browser

STATEMENT = {
    "what_is_happening": "Er gaat beeldmateriaal van een leerling rond.",
    "what_we_think": "Wij vinden dit ernstig, ook voor de enige tweeling van de school.",
    "what_we_do": "Wij werken samen met de politie.",
    "why": "Zodat de rust terugkeert.",
    "contact_person": "de intern begeleider",
}
QUESTION = "Kan een ouder hieruit een leerling herkennen?"


def letter_to_parents(handler: Browser, page: str, count: int = 1, **changes: str):  # type: ignore[no-untyped-def]
    recipients = "\n".join(f"ouder{n}@voorbeeld.nl" for n in range(count))
    data = {"letter": "ouders_klas", "group": "Ouders groep 7", "recipients": recipients, **STATEMENT}
    return handler.post(f"{page}/brieven", {**data, **changes, "bevestigd": "ja"})


def letters(app: Flask, page: str):  # type: ignore[no-untyped-def]
    cases = app.extensions["zorgvuldig.cases"]
    incident_id = UUID(page.rsplit("/", 1)[1])
    return [cases.letter_request(letter_id) for letter_id in cases.stored_incident(incident_id).letter_ids()]


def review_path(page: str, letter) -> str:  # type: ignore[no-untyped-def]
    return f"{page}/brieven/{letter.id}/beoordelen"


def test_a_letter_to_one_parent_waits_and_its_author_cannot_approve_it(app, browser) -> None:  # type: ignore[no-untyped-def]
    anna: Browser = browser("behandelaar.dewilg")
    page = anna.open_incident()
    sent = letter_to_parents(anna, page, 1)
    assert sent.status_code == 302
    assert "wacht op goedkeuring" in anna.get(page).text
    (letter,) = letters(app, page)
    assert letter.review is Review.AWAITING

    own = anna.get(review_path(page, letter)).text
    assert "U hebt deze brief zelf opgesteld" in own and "Goedkeuren en versturen" not in own
    refused = anna.post(f"{page}/brieven/{letter.id}/goedkeuren")
    assert refused.status_code == 403 and "zelf opgesteld" in refused.text
    assert letters(app, page)[0].review is Review.AWAITING


def test_the_director_sees_the_count_without_names_and_reads_the_letter_as_parents_will(app, browser) -> None:  # type: ignore[no-untyped-def]
    anna: Browser = browser("behandelaar.dewilg")
    page = anna.open_incident()
    letter_to_parents(anna, page, 5)
    (letter,) = letters(app, page)

    jet: Browser = browser("directeur.dewilg")
    home = jet.get("/").text
    section = home.split('id="wacht-op-goedkeuring"', 1)[1].split("</section>", 1)[0]
    assert "1 brief wacht op uw goedkeuring" in section
    assert review_path(page, letter) in section
    for name in ("Anna", "Vries", "tweeling", "ouder0@voorbeeld.nl"):
        assert name not in section
    assert "wacht-op-goedkeuring" not in anna.get("/").text  # the author is no approver

    shown = jet.get(review_path(page, letter)).text
    assert QUESTION in shown and "Goedkeuren en versturen" in shown and "Afkeuren en terugsturen" in shown
    assert "5 (Ouders groep 7)" in shown and "ouder0@voorbeeld.nl" not in shown
    assert shown.count('class="getypt"') >= 2 * len(STATEMENT)  # the letter and its text version
    assert "Beste ouder(s)/verzorger(s)" in shown
    typed = re.findall(r'<span class="getypt" data-veld="what_we_think"[^>]*>(.*?)</span>', shown)
    assert typed and "tweeling" in typed[0]
    assert "Beste ouder" not in " ".join(re.findall(r'class="getypt"[^>]*>(.*?)</span>', shown))


def test_a_rejection_needs_a_reason_which_the_author_sees_beside_the_field(app, browser) -> None:  # type: ignore[no-untyped-def]
    anna: Browser = browser("behandelaar.dewilg")
    page = anna.open_incident()
    letter_to_parents(anna, page, 2)
    (letter,) = letters(app, page)
    jet: Browser = browser("directeur.dewilg")

    bare = jet.post(f"{page}/brieven/{letter.id}/afkeuren", {"veld": "what_we_think", "reden": " "})
    assert bare.status_code == 422 and "schrijf een reden" in bare.text
    assert letters(app, page)[0].review is Review.AWAITING
    reason = "De enige tweeling is zo te herkennen."
    rejected = jet.post(f"{page}/brieven/{letter.id}/afkeuren", {"veld": "what_we_think", "reden": reason})
    assert rejected.status_code == 302
    (letter,) = letters(app, page)
    assert letter.review is Review.REJECTED and letter.reviewed_by == "directeur.dewilg"
    assert letter.rejection_reason == reason and letter.rejected_field == "what_we_think"

    incident_page = anna.get(page).text
    assert reason in incident_page and "Aanpassen en opnieuw versturen" in incident_page
    fix = anna.get(f"{page}/brieven?herzien={letter.id}").text
    beside = fix.split('id="afgekeurd-what_we_think"', 1)[1].split("</textarea>", 1)[0]
    assert reason in beside and "tweeling" in beside  # the reason, then the field it concerns
    assert "ouder1@voorbeeld.nl" in fix  # the same recipients, ready to send again

    fixed = {**STATEMENT, "what_we_think": "Wij vinden dit ernstig."}
    recipients = "ouder0@voorbeeld.nl\nouder1@voorbeeld.nl"
    again = anna.post(
        f"{page}/brieven",
        {"letter": "ouders_klas", "group": "Ouders groep 7", "recipients": recipients,
         **fixed, "herzien": str(letter.id), "bevestigd": "ja"},
    )  # fmt: skip
    assert again.status_code == 302
    first, second = letters(app, page)
    assert second.review is Review.AWAITING and second.revises == str(first.id)
    assert "Aanpassen en opnieuw versturen" not in anna.get(page).text

    assert jet.post(f"{page}/brieven/{second.id}/goedkeuren").status_code == 302
    assert letters(app, page)[1].review is Review.APPROVED
    trail = app.extensions["zorgvuldig.cases"].audit_trail(
        browser_actor(app, "behandelaar.dewilg"), UUID(page.rsplit("/", 1)[1])
    )
    kinds = [(e.event_type, e.actor) for e in trail if e.event_type.startswith("Letter")]
    assert ("LetterProposed", "behandelaar.dewilg") in kinds
    assert ("LetterRefused", "directeur.dewilg") in kinds and ("LetterApproved", "directeur.dewilg") in kinds
    refused = next(e for e in trail if e.event_type == "LetterRefused")
    assert refused.data["reason"] == reason


def browser_actor(app: Flask, username: str):  # type: ignore[no-untyped-def]
    return app.extensions["zorgvuldig.accounts"].get(username).actor


def test_where_the_school_has_no_second_handler_the_boards_otv_approves(app, browser) -> None:  # type: ignore[no-untyped-def]
    bram: Browser = browser("behandelaar.hetanker")
    page = bram.open_incident()
    letter_to_parents(bram, page, 1)
    (letter,) = letters(app, page)
    otv: Browser = browser("otv")
    assert "1 brief wacht op uw goedkeuring" in otv.get("/").text
    assert QUESTION in otv.get(review_path(page, letter)).text
    assert otv.post(f"{page}/brieven/{letter.id}/goedkeuren").status_code == 302
    assert letters(app, page)[0].review is Review.APPROVED
    assert "wacht-op-goedkeuring" not in browser("otv.meander").get("/").text  # another board's OTV


def test_a_locked_approver_leaves_the_letter_waiting_for_another_and_it_says_so(app, browser) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime, timedelta

    anna: Browser = browser("behandelaar.dewilg")
    page = anna.open_incident()
    letter_to_parents(anna, page, 1)
    (letter,) = letters(app, page)
    review_list = app.extensions["zorgvuldig.review_list"]
    review_list.mark_asked(letter.id, "directeur.dewilg")
    jet: Browser = browser("directeur.dewilg")
    accounts = app.extensions["zorgvuldig.accounts"]
    with accounts.db.connect() as db:
        until = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
        db.execute(
            accounts.db.sql("UPDATE accounts SET locked_until = ? WHERE username = ?"),
            (until, "directeur.dewilg"),
        )
    shown = anna.get(review_path(page, letter)).text
    assert "geblokkeerd; de brief wacht op een ander" in shown and "OTV" in shown
    assert jet.post(f"{page}/brieven/{letter.id}/goedkeuren").status_code in (302, 401, 403)
    assert letters(app, page)[0].review is Review.AWAITING
    assert browser("otv").post(f"{page}/brieven/{letter.id}/goedkeuren").status_code == 302


def test_a_letter_approved_after_the_key_was_erased_is_not_sent_and_says_why(app, browser) -> None:  # type: ignore[no-untyped-def]
    anna: Browser = browser("behandelaar.dewilg")
    page = anna.open_incident()
    letter_to_parents(anna, page, 1)
    (letter,) = letters(app, page)
    cases = app.extensions["zorgvuldig.cases"]
    cases.erase_personal_data(
        UUID(page.rsplit("/", 1)[1]), actor_id="bewaartermijn", reason="Bewaartermijn verstreken"
    )
    jet: Browser = browser("directeur.dewilg")
    response = jet.post(f"{page}/brieven/{letter.id}/goedkeuren")
    assert response.status_code == 409 and "gewist" in response.text and "niet verzonden" in response.text
    assert letters(app, page)[0].review is Review.AWAITING


def test_while_the_guard_cannot_run_nothing_is_reviewed_or_approved(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from services.case.application import CaseManagement
    from services.web import create_app
    from shared.accounts import Accounts
    from shared.config import load_settings
    from shared.demo import seed_demo
    from shared.privacy import NameFinder, PrivacyGuard
    from tests.examples import HANDLER, OPENING

    settings = load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path)})
    accounts = Accounts(settings)
    seed_demo(settings, accounts)
    cases = CaseManagement(env=settings.event_store_env())
    incident_id, _ = cases.open_incident(HANDLER, **OPENING)
    letter_id, _ = cases.request_letter(
        HANDLER, incident_id, letter="ouders_klas", group="Ouders", recipients=["a@voorbeeld.nl"],
        statement=STATEMENT, four_eyes_from=30, needs_review=True,
    )  # fmt: skip
    broken = NameFinder()
    broken._error = "deduce ontbreekt"
    app = create_app(settings, cases=cases, accounts=accounts, guard=PrivacyGuard(broken))
    jet = Browser(app.test_client()).sign_in("directeur.dewilg")
    page = f"/meldingen/{incident_id}/brieven/{letter_id}"
    assert jet.get(f"{page}/beoordelen").status_code == 503
    assert jet.post(f"{page}/goedkeuren").status_code == 503
    assert cases.letter_request(letter_id).review is Review.AWAITING  # type: ignore[union-attr]


def test_a_letter_of_only_vetted_sentences_goes_at_once_where_the_boards_file_allows_it(
    tmp_path, guard
) -> None:  # type: ignore[no-untyped-def]
    from services.web import create_app
    from shared.accounts import Accounts
    from shared.boards import BUILT_IN
    from shared.config import load_settings
    from shared.demo import seed_demo
    from shared.vetted_sentences import STAPPENPLAN

    boards = tmp_path / "besturen"
    boards.mkdir()
    own = (BUILT_IN / "kindante.toml").read_text(encoding="utf-8")
    own = own.replace(
        'naam = "Kindante"\n', 'naam = "Kindante"\nzonder_controle_bij_vaste_zinnen = true\n', 1
    )
    (boards / "kindante.toml").write_text(own, encoding="utf-8")
    settings = load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path), "ZORGVULDIG_BOARDS_DIR": str(boards)})
    accounts = Accounts(settings)
    seed_demo(settings, accounts)
    app = create_app(settings, accounts=accounts, guard=guard)
    anna = Browser(app.test_client()).sign_in("behandelaar.dewilg")
    page = anna.open_incident()
    vetted = {field: STAPPENPLAN["nl"][field][0] for field in STATEMENT}
    assert letter_to_parents(anna, page, 1, **vetted).status_code == 302
    assert letters(app, page)[-1].review is Review.NOT_NEEDED  # nothing typed is left to read
    assert letter_to_parents(anna, page, 1, **{**vetted, "why": "Omdat het moet."}).status_code == 302
    assert letters(app, page)[-1].review is Review.AWAITING  # one sentence of its own: read it
