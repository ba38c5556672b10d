"""`python -m services` (what `make run` calls) brings the whole system up on embedded defaults,
keeps its processes running, and stops cleanly on SIGTERM."""

from __future__ import annotations

import email
import email.policy
import html
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
AGREED_PROCESSES = (
    "services.notifier.mailcatcher",
    "services.web",
    "services.case.relay",
    "services.notifier",
    "services.followers",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"Niet binnen {seconds:.0f} s: {what}")


def children_of(pid: int) -> dict[int, str]:
    """The launcher's child processes and the module each runs."""
    found = {}
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        try:
            argv = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
        except FileNotFoundError:
            continue
        module = argv[argv.index(b"-m") + 1].decode() if b"-m" in argv else ""
        found[int(child)] = module
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


@dataclass
class System:
    process: subprocess.Popen[str]
    log: Path
    url: str
    data_dir: Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def answers(self) -> bool:
        try:
            with urllib.request.urlopen(self.url, timeout=2) as response:
                return response.status < 500
        except urllib.error.HTTPError as error:
            return error.code < 500
        except OSError:
            return False

    def ready(self) -> bool:
        """/gereed answers 200 once the store answers and the privacy guard has loaded."""
        try:
            with urllib.request.urlopen(self.url.rstrip("/") + "/gereed", timeout=2) as response:
                return response.status == 200
        except OSError:
            return False


@pytest.fixture
def system(tmp_path: Path) -> Iterator[System]:
    web_port, smtp_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZORGVULDIG_")}
    env.update(
        ZORGVULDIG_DATA_DIR=str(tmp_path / "data"),
        ZORGVULDIG_WEB_PORT=str(web_port),
        ZORGVULDIG_SMTP_PORT=str(smtp_port),
        PYTHONUNBUFFERED="1",
    )
    log = tmp_path / "zorgvuldig.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "services"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
        )
    running = System(process, log, f"http://127.0.0.1:{web_port}/", tmp_path / "data")
    try:
        yield running
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def test_run_command_serves_the_web_page_and_stops_cleanly_on_sigterm(system: System) -> None:
    wait_until(lambda: system.answers() or system.process.poll() is not None, 90, "de webpagina antwoordt")
    assert system.process.poll() is None, system.output()
    assert system.answers(), system.output()

    output = system.output()
    assert system.url.rstrip("/") in output
    assert "Demo-accounts" in output
    assert system.data_dir.is_dir()

    children = children_of(system.process.pid)
    assert set(children.values()) == set(AGREED_PROCESSES), output

    system.process.send_signal(signal.SIGTERM)
    assert system.process.wait(timeout=45) == 0, system.output()
    assert "Alle processen zijn gestopt" in system.output()
    assert not any(alive(pid) for pid in children)
    assert not system.answers()


def test_a_process_that_dies_is_started_again(system: System) -> None:
    wait_until(system.answers, 90, "de webpagina antwoordt")
    relay = next(
        pid for pid, module in children_of(system.process.pid).items() if module == "services.case.relay"
    )

    os.kill(relay, signal.SIGKILL)

    def relay_restarted() -> bool:
        modules = children_of(system.process.pid)
        return any(m == "services.case.relay" and pid != relay for pid, m in modules.items())

    wait_until(relay_restarted, 30, "de relay is opnieuw gestart")
    assert "relay wordt herstart" in system.output()
    system.process.send_signal(signal.SIGTERM)
    assert system.process.wait(timeout=45) == 0


def test_on_embedded_defaults_a_letter_reaches_the_sent_messages_page(system: System) -> None:
    """SQLite, the embedded broker and the local mail catcher: what parents get is viewable, in
    Dutch and, for parents who read English, in English."""
    from tests.e2e.test_whole_system import (
        STATEMENT,
        approved_by_director,
        post_form,
        request_letter,
        signed_in,
    )
    from tests.examples import ENGLISH_STATEMENT

    wait_until(system.ready, 120, "de webapplicatie is gereed (privacycontrole geladen)")
    url = system.url.rstrip("/")
    session = signed_in(url)
    opened = post_form(
        session,
        f"{url}/meldingen/nieuw",
        {"situation": "beeld_leerling", "learned_how": "Een leerling vertelde het aan de mentor."},
    )
    incident = "/meldingen/" + opened.url.rsplit("/meldingen/", 1)[1].split("#")[0]
    post_form(session, f"{url}{incident}/acties/CommunicationStatementWritten", STATEMENT)
    request_letter(session, url, incident, ["ouder@voorbeeld.nl"])

    def shown() -> bool:
        return "Informatie over een situatie in de klas van uw kind" in session.get(f"{url}/berichten").text

    wait_until(shown, 60, "de brief staat op 'Verzonden berichten'\n" + system.output())
    listed = session.get(f"{url}/berichten").text
    opened = re.search(r'href="(/berichten\?brief=[^"#]+)', listed)  # one letter is read at a time
    assert opened, listed[-2000:]
    page = session.get(url + html.unescape(opened.group(1))).text
    assert "Wij werken samen met de politie." in page and "ouder@voorbeeld.nl" in page

    # The same path in English: a group of parents who read English, the English statement.
    english = {**ENGLISH_STATEMENT, "what_we_do": "We are working with the police."}
    post_form(session, f"{url}{incident}/acties/CommunicationStatementWritten", english)
    post_form(session, f"{url}/ontvangers", {"name": "Ouders 7b (Engels)", "addresses": "parent@voorbeeld.nl",
                                              "language": "en"})  # fmt: skip
    letter = {
        "letter": "ouders_klas",
        "opgeslagen_groep": "Ouders 7b (Engels)",
        "recipients": "",
        "language": "",
    }
    preview = post_form(
        session, f"{url}{incident}/brieven", {**letter, **STATEMENT, "statement_language": "nl"}
    )
    assert "We are working with the police." in preview.text, preview.text[-2000:]
    confirmed = post_form(
        session,
        f"{url}{incident}/brieven",
        {**letter, **english, "statement_language": "en", "bevestigd": "ja"},
    )
    assert "in het Engels aan 1 ontvanger(s) wacht op goedkeuring" in confirmed.text, confirmed.text[-2000:]
    approved_by_director(url, incident)

    def english_shown() -> bool:
        return "Information about a situation in your child" in session.get(f"{url}/berichten").text

    wait_until(english_shown, 60, "de Engelse brief staat op 'Verzonden berichten'\n" + system.output())
    mails = [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
             for p in (system.data_dir / "mail").glob("*.eml")]  # fmt: skip
    mail = next(m for m in mails if m["To"] == "parent@voorbeeld.nl")
    text = mail.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    assert mail["Content-Language"] == "en" and "Dear parent(s)/carer(s)," in text
    assert "Beste ouder" not in text and "We are working with the police." in text
    system.process.send_signal(signal.SIGTERM)
    assert system.process.wait(timeout=45) == 0
