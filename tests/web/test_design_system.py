"""The pages are built on NL Design System components: the layout, buttons, alerts, tables and
form fields carry the component classes, so that a primary and a secondary action, approving and
rejecting, a warning and an error look different wherever they appear."""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser

from tests.web.conftest import Browser
from tests.web.test_letter_review import letter_to_parents, letters, review_path

PRIMARY, SECONDARY = "utrecht-button--primary-action", "utrecht-button--secondary-action"
WARNING, ERROR = "utrecht-alert--warning", "utrecht-alert--error"
# Buttons that are deliberately no action button: a link-like one, a vetted sentence, the hidden default.
LAYOUT = ("utrecht-document", "utrecht-page-header", "utrecht-page-body__content", "utrecht-page-footer")
NOT_AN_ACTION = {"utrecht-link-button", "vetted-sentence", "visually-hidden"}


class Elements(HTMLParser):
    """Each element's tag, class names and text, and the stylesheets the page links."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.found: list[tuple[str, set[str], list[str]]] = []
        self.open: list[list[str]] = []
        self.stylesheets: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "link" and attributes.get("rel") == "stylesheet":
            self.stylesheets.append(attributes.get("href") or "")
        if tag in ("input", "link", "meta", "br", "img"):
            self.found.append((tag, set((attributes.get("class") or "").split()), []))
            return
        text: list[str] = []
        self.found.append((tag, set((attributes.get("class") or "").split()), text))
        self.open.append(text)

    def handle_endtag(self, tag: str) -> None:
        if self.open:
            self.open.pop()

    def handle_data(self, data: str) -> None:
        for text in self.open:
            text.append(data)

    def classes(self, tag: str, containing: str) -> set[str]:
        """The class names of the innermost (last) `tag` whose text contains the words."""
        for found, names, text in reversed(self.found):
            if found == tag and containing in " ".join("".join(text).split()):
                return names
        raise AssertionError(f"geen <{tag}> met {containing!r}")

    def with_class(self, name: str) -> list[str]:
        return [" ".join("".join(text).split()) for _, names, text in self.found if name in names]


def test_every_main_page_has_the_design_system_layout_and_action_buttons(
    browser: Callable[[str], Browser],
) -> None:
    handler = browser("behandelaar.dewilg")
    page = handler.open_incident()
    pages = {
        "meldingen": handler.get("/").text,
        "melding": handler.get(page).text,
        "logboek": handler.get(f"{page}/logboek").text,
        "actie": handler.get(f"{page}/acties/DeletionCalled").text,
        "brief": handler.get(f"{page}/brieven").text,
        "rapportage school": handler.get("/rapportage/?reden=x").text,
        "rapportage bestuur": browser("bestuur").get("/rapportage/?reden=x").text,
    }
    for name, html in pages.items():
        elements = Elements(html)
        assert any("voorbeeld-design-tokens/theme.css" in s for s in elements.stylesheets), name
        assert any("utrecht-component-library-css/index.css" in s for s in elements.stylesheets), name
        for part in LAYOUT:
            assert elements.with_class(part), f"{name}: geen {part}"
        for tag, names, text in elements.found:
            if tag == "button" and not names & NOT_AN_ACTION:
                assert "utrecht-button" in names and names & {PRIMARY, SECONDARY}, (name, "".join(text))
            if tag == "table":
                assert {"utrecht-table", "utrecht-table--html-table"} <= names, name


def test_saving_is_the_primary_action_and_checking_first_the_secondary(handler: Browser) -> None:
    form = Elements(handler.get(f"{handler.open_incident()}/acties/MaterialReported").text)
    save, check = form.classes("button", "Vastleggen"), form.classes("button", "Eerst controleren")
    assert PRIMARY in save and SECONDARY not in save
    assert SECONDARY in check and PRIMARY not in check


def test_approving_and_rejecting_a_letter_are_different_buttons(
    app, browser: Callable[[str], Browser]
) -> None:  # type: ignore[no-untyped-def]
    anna = browser("behandelaar.dewilg")
    page = anna.open_incident()
    assert letter_to_parents(anna, page).status_code == 302  # a letter to parents waits for a second person
    (letter,) = letters(app, page)

    review = Elements(browser("directeur.dewilg").get(review_path(page, letter)).text)
    approve, reject = review.classes("button", "Goedkeuren"), review.classes("button", "Afkeuren")
    assert PRIMARY in approve
    assert SECONDARY in reject and "utrecht-button--danger" in reject and PRIMARY not in reject


def test_a_warning_and_an_error_are_different_alerts(handler: Browser) -> None:
    page = handler.open_incident()
    form = Elements(handler.get(f"{page}/acties/DeletionCalled").text)  # deletion before the report
    warning = form.classes("section", "Waarschuwing:")
    assert {"utrecht-alert", WARNING} <= warning and ERROR not in warning

    refused = handler.post(f"{page}/acties/DeletionCalled", {})
    assert refused.status_code == 422
    error = Elements(refused.text).classes("div", "Niet opgeslagen")
    assert {"utrecht-alert", ERROR} <= error and WARNING not in error
    assert Elements(refused.text).with_class("utrecht-form-field-error-message")


def test_a_saved_step_is_confirmed_in_an_alert_of_its_own_kind(handler: Browser) -> None:
    response = handler.post(
        "/meldingen/nieuw", {"situation": "beeld_leerling", "learned_how": "De mentor hoorde het"}
    )
    shown = Elements(handler.get(response.headers["Location"]).text)
    confirmations = [text for text in shown.with_class("utrecht-alert--ok") if text]
    assert confirmations and not shown.with_class(ERROR)
