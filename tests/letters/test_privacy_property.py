"""Property: plant generated Dutch names (from deduce's own lists of first names and surnames)
in an incident, write a part of one into any field of any letter, disguised as people do
(case, accents, white space and line breaks, hidden characters, look-alike letters from other
scripts, possessives): no such letter passes, not at the preview and not in the notifier."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from uuid import UUID

import deduce
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.case.application import CaseManagement
from services.case.letter_messages import letter_request_message, record_outcome
from services.notifier.ledger import Ledger
from services.notifier.letters import LetterHandler
from shared.accounts import Accounts
from shared.boards import board
from shared.config import load_settings
from shared.contracts import LetterOutcome
from shared.letters import CATALOGUE, LetterBlocked, compose
from shared.privacy import PrivacyGuard, Recorded
from tests.examples import ACTIONS, HANDLER, OPENING

NAMES = Path(deduce.__file__).parent / "data" / "lookup" / "src" / "names"
FIELDS = (
    "what_is_happening",
    "what_we_think",
    "what_we_do",
    "why",
    "contact_person",
    "meeting_when",
    "meeting_where",
)
LOOK_ALIKES = {
    "a": "\u0430",
    "e": "\u0435",
    "o": "\u043e",
    "p": "\u0440",
    "c": "\u0441",
    "i": "\u0456",
    "x": "\u0445",
}
ACCENTS = {"a": "á", "e": "ë", "i": "ï", "o": "ö", "u": "ü", "n": "ñ", "c": "ç"}


@cache
def name_list(kind: str) -> list[str]:
    lines = (NAMES / kind / "items.txt").read_text(encoding="utf-8").splitlines()
    return sorted({n.strip() for n in lines if n.strip().isalpha() and len(n.strip()) >= 3})


first_names = st.sampled_from(name_list("lst_first_name"))
surnames = st.sampled_from(name_list("lst_surname"))


def disguise(part: str, how: str, position: int) -> str:
    at = position % max(1, len(part) - 1) + 1
    match how:
        case "hoofdletters":
            return part.upper()
        case "kleine letters":
            return part.lower()
        case "accenten":
            return "".join(ACCENTS.get(c, c) for c in part)
        case "onzichtbaar teken":
            return part[:at] + "\u200b" + part[at:]
        case "zacht afbreekstreepje":
            return part[:at] + "\u00ad" + part[at:]
        case "lookalike":
            return "".join(LOOK_ALIKES.get(c, c) for c in part)
        case "bezittelijk":
            return part + "s"
        case "apostrof":
            return part + "'s"
        case "verkleinwoord":
            return part + "tje"
        case "regelafbreking":
            return "\n" + part + "\n"
        case "spaties":
            return "   " + part + "  "
    return part


HOW = st.sampled_from(
    ["zo", "hoofdletters", "kleine letters", "accenten", "onzichtbaar teken", "zacht afbreekstreepje",
     "lookalike", "bezittelijk", "apostrof", "verkleinwoord", "regelafbreking", "spaties"]
)  # fmt: skip
PLANT = st.tuples(first_names, surnames, st.booleans(), HOW, st.integers(0, 20), st.sampled_from(FIELDS))


def planted_letter(first: str, last: str, use_first: bool, how: str, position: int, field: str):
    part = disguise(first if use_first else last, how, position)
    values = {
        **ACTIONS["CommunicationStatementWritten"],
        "meeting_when": "donderdag",
        "meeting_where": "de aula",
    }
    values[field] = f"{values[field]} Het gaat om {part}."
    key = "uitnodiging_ouderavond" if field.startswith("meeting") else "ouders_klas"
    return key, values


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plant=PLANT)
def test_no_planted_name_passes_the_preview(plant, guard: PrivacyGuard) -> None:  # type: ignore[no-untyped-def]
    first, last, *_ = plant
    key, values = planted_letter(*plant)
    kindante = board("kindante")
    recorded = [Recorded("betrokken leerling: slachtoffer", f"{first} {last}", "leerling")]
    with pytest.raises(LetterBlocked):
        compose(
            key, values, guard=guard, board=kindante, school=kindante.school("de-wilg"), recorded=recorded
        )


class RecordsOutcomes:
    """The outcome path without a broker: what the notifier sends back is recorded in case at
    once, as the consumer beside the relay does."""

    def __init__(self, cases: CaseManagement, key: bytes) -> None:
        self.cases, self.key = cases, key

    def publish(self, outcome: LetterOutcome) -> None:
        record_outcome(self.cases, outcome, self.key)


class KeepsMail:
    def __init__(self) -> None:
        self.sent: list[object] = []

    def send(self, message: object) -> None:
        self.sent.append(message)


@pytest.fixture(scope="module")
def notifier(
    tmp_path_factory: pytest.TempPathFactory, guard: PrivacyGuard
) -> tuple[CaseManagement, LetterHandler, KeepsMail, bytes]:
    folder = tmp_path_factory.mktemp("notifier")
    config = load_settings({"ZORGVULDIG_DATA_DIR": str(folder)})
    cases = CaseManagement()
    mail = KeepsMail()
    outcomes = RecordsOutcomes(cases, config.letters_key)
    return (
        cases,
        LetterHandler(
            config, Ledger(config), mail, accounts=Accounts(config), guard=guard, outcomes=outcomes
        ),
        mail,
        config.letters_key,
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plant=PLANT)
def test_no_planted_name_passes_the_notifier(plant, notifier) -> None:  # type: ignore[no-untyped-def]
    cases, handler, mail, letters_key = notifier
    first, last, *_ = plant
    incident_id, _ = cases.open_incident(HANDLER, **OPENING)
    cases.record_action(
        HANDLER,
        incident_id,
        "PupilRecorded",
        {"role": "slachtoffer", "name": f"{first} {last}", "nickname": "", "class_label": "", "accounts": []},
    )
    cases.record_action(
        HANDLER, incident_id, "PoliceContacted", ACTIONS["PoliceContacted"]
    )  # deletion call may go
    key, values = planted_letter(*plant)
    letter_id, _ = cases.request_letter(
        HANDLER,
        incident_id,
        letter=key,
        group="Ouders",
        recipients=["ouder@voorbeeld.nl"],
        statement={k: v for k, v in values.items() if k in CATALOGUE[key].needs or k == "contact_person"},
        four_eyes_from=30,
    )
    message = letter_request_message(cases, letter_id, letters_key)
    assert message is not None
    before = len(mail.sent)
    outcome = handler.handle(message)
    assert len(mail.sent) == before
    assert outcome is not None and outcome.sent == 0 and "Tegengehouden" in outcome.reason
    trail = cases.audit_trail(HANDLER, UUID(str(incident_id)))
    assert trail[-1].event_type == "LetterFailed" and "Tegengehouden" in trail[-1].data["reason"]
