"""Reading what came back: the letter and recipient from the return path, the reason from the
delivery report; a bounce that says nothing readable is kept as "onbekend", a delay is no bounce."""

from __future__ import annotations

from pathlib import Path
from uuid import uuid4

from services.notifier.bounces import BounceFolder, BounceReader, read_bounce, return_path
from services.notifier.ledger import Ledger
from shared.config import load_settings
from shared.contracts import LetterOutcome, recipient_key, unseal
from tests.integration.test_bounces import delivery_report, unreadable_bounce

LETTER = str(uuid4())
KEY = recipient_key("bericht", "ouder@voorbeeld.nl")
PATH = return_path("terug@zorgvuldig.local", LETTER, KEY)


class Published:
    def __init__(self) -> None:
        self.outcomes: list[LetterOutcome] = []

    def publish(self, outcome: LetterOutcome) -> None:
        self.outcomes.append(outcome)


def test_the_return_path_names_the_letter_and_the_recipient_without_the_address() -> None:
    assert PATH.startswith("terug+") and PATH.endswith("@zorgvuldig.local")
    assert "ouder" not in PATH and len(PATH.partition("@")[0]) <= 64
    bounce = read_bounce(delivery_report(PATH, "ouder@voorbeeld.nl"))
    assert bounce is not None
    assert (bounce.letter_id, bounce.recipient_key, bounce.reason) == (
        LETTER,
        KEY[:16],
        "550 5.1.1 Mailbox bestaat niet",
    )


def test_an_unreadable_bounce_is_kept_as_unknown() -> None:
    bounce = read_bounce(unreadable_bounce(PATH))
    assert bounce is not None and bounce.reason == "onbekend"


def test_a_delay_notice_and_a_mail_to_another_address_are_no_bounces() -> None:
    delayed = delivery_report(PATH, "ouder@voorbeeld.nl").replace(b"Action: failed", b"Action: delayed")
    delayed = delayed.replace(b"Status: 5.1.1", b"Status: 4.4.1").replace(b"550 5.1.1", b"450 4.4.1")
    assert read_bounce(delayed) is None
    assert read_bounce(unreadable_bounce("ouder@voorbeeld.nl")) is None


def test_each_bounce_in_the_mailbox_is_reported_once(tmp_path: Path) -> None:
    settings = load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path)})
    inbox = settings.bounce_dir
    inbox.mkdir(parents=True)
    (inbox / "a.eml").write_bytes(delivery_report(PATH, "ouder@voorbeeld.nl"))
    (inbox / "brief.eml").write_bytes(unreadable_bounce("ouder@voorbeeld.nl"))  # a letter the catcher kept
    published = Published()
    reader = BounceReader(BounceFolder(inbox), Ledger(settings), published, settings.letters_key)
    assert reader.read_once() == 1
    assert reader.read_once() == 0
    assert (
        BounceReader(BounceFolder(inbox), Ledger(settings), published, settings.letters_key).read_once() == 0
    )
    (outcome,) = published.outcomes
    assert outcome.bounced == 1 and outcome.letter_id == LETTER
    assert unseal(settings.letters_key, outcome.sealed) == {
        "reason": "550 5.1.1 Mailbox bestaat niet",
        "recipient_key": KEY[:16],
    }
