"""The launcher: `python -m services` (what `make run` calls) starts the whole of Zorgvuldig.

It creates the data folder, seeds the demo accounts, starts every process as a child
(mail catcher, case web, relay, notifier, reporting), restarts a child that dies, and stops
them all on Ctrl-C or SIGTERM. `python -m services controleer [proces]` is the health check
the containers use. Everything runs on embedded defaults unless ZORGVULDIG_* variables are set.
"""

from __future__ import annotations

import argparse
import ctypes
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from shared.config import ConfigurationError, Settings, load_settings
from shared.demo import DemoLogin, seed_demo

STOP_GRACE_SECONDS = 15.0
FIRST_BACKOFF_SECONDS = 1.0
MAX_BACKOFF_SECONDS = 30.0
STABLE_AFTER_SECONDS = 60.0


@dataclass(frozen=True)
class Process:
    name: str
    module: str
    description: str


PROCESSES = (
    Process("mailcatcher", "services.notifier.mailcatcher", "lokale mailcatcher"),
    Process("web", "services.web", "webapplicatie"),
    Process("relay", "services.case.relay", "relay (gebeurtenissen naar berichten)"),
    Process("notifier", "services.notifier", "notifier (brieven versturen)"),
    Process("rapportage", "services.followers", "rapportage (projecties bijwerken)"),
)


def uses_local_mail_catcher(settings: Settings) -> bool:
    """The mail catcher runs when mail goes to this machine and no real server is configured."""
    return settings.smtp_host in ("127.0.0.1", "localhost", "::1") and not settings.smtp_user


# ------------------------------------------------------------------------- demo accounts


def seed_demo_accounts(settings: Settings) -> list[DemoLogin]:
    """The demo board, schools and users, once; only in development."""
    if settings.environment != "development":
        return []
    return seed_demo(settings)


# ------------------------------------------------------------------------------ children


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """On Linux, a child gets SIGTERM when the launcher itself is killed."""
    try:
        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (AttributeError, OSError):
        pass


@dataclass
class Child:
    process: Process
    popen: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    backoff: float = FIRST_BACKOFF_SECONDS
    restart_at: float | None = None
    restarts: int = 0

    def start(self) -> None:
        # Its own process group: Ctrl-C reaches the launcher only, which stops each child once.
        self.popen = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", self.process.module],
            process_group=0,
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
        )
        self.started_at = time.monotonic()
        self.restart_at = None

    @property
    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None


class Supervisor:
    """Keeps the children running until asked to stop."""

    def __init__(self, processes: list[Process]) -> None:
        self.children = [Child(p) for p in processes]
        self.stopping = False
        self.forced = False

    def ask_to_stop(self, signum: int, _frame: Any) -> None:
        if self.stopping:
            self.forced = True
        self.stopping = True

    def run(self) -> int:
        for child in self.children:
            child.start()
        while not self.stopping:
            self._watch(time.monotonic())
            time.sleep(0.3)
        return self.stop()

    def _watch(self, now: float) -> None:
        for child in self.children:
            if child.running:
                if now - child.started_at > STABLE_AFTER_SECONDS:
                    child.backoff = FIRST_BACKOFF_SECONDS
                continue
            if child.restart_at is None:
                code = child.popen.returncode if child.popen else None
                print(
                    f"[zorgvuldig] {child.process.name} is gestopt (code {code}); "
                    f"herstart over {child.backoff:.0f} s.",
                    flush=True,
                )
                child.restart_at = now + child.backoff
                child.backoff = min(child.backoff * 2, MAX_BACKOFF_SECONDS)
            elif now >= child.restart_at:
                child.restarts += 1
                print(f"[zorgvuldig] {child.process.name} wordt herstart.", flush=True)
                child.start()

    def stop(self) -> int:
        print("\n[zorgvuldig] Stoppen…", flush=True)
        running = [c for c in reversed(self.children) if c.running]
        for child in running:
            assert child.popen is not None
            child.popen.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for child in running:
            assert child.popen is not None
            try:
                timeout = 0.0 if self.forced else max(0.0, deadline - time.monotonic())
                child.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                print(f"[zorgvuldig] {child.process.name} stopt niet; wordt beëindigd.", flush=True)
                child.popen.kill()
                child.popen.wait()
        print("[zorgvuldig] Alle processen zijn gestopt.", flush=True)
        return 0


# ------------------------------------------------------------------------------- the run


def welcome(settings: Settings, processes: list[Process], logins: list[DemoLogin]) -> str:
    lines = [
        "",
        "Zorgvuldig draait.",
        f"  Open in uw browser:   http://127.0.0.1:{settings.web_port}",
    ]
    if uses_local_mail_catcher(settings):
        lines.append(
            f"  Verstuurde brieven:   http://127.0.0.1:{settings.web_port}/berichten (de lokale mailcatcher "
            f"op poort {settings.smtp_port} bewaart ze in {settings.mail_dir})"
        )
    else:
        lines.append(f"  Verstuurde brieven:   via de mailserver {settings.smtp_host}:{settings.smtp_port}")
    store = "PostgreSQL" if settings.uses_postgres else f"SQLite in {settings.data_dir}"
    broker = "RabbitMQ" if settings.broker_url else f"een map in {settings.broker_folder}"
    lines.append(f"  Gegevens:             {store}; berichten via {broker}")
    lines.append("  Processen:            " + ", ".join(p.description for p in processes))
    if logins:
        lines.append("  Demo-accounts:")
        lines.extend(f"    {login}" for login in logins)
    lines += ["  Stoppen:              Ctrl-C", ""]
    return "\n".join(lines)


def run(settings: Settings) -> int:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    settings.mail_dir.mkdir(parents=True, exist_ok=True)
    processes = [p for p in PROCESSES if p.name != "mailcatcher" or uses_local_mail_catcher(settings)]
    logins = seed_demo_accounts(settings)
    supervisor = Supervisor(processes)
    signal.signal(signal.SIGINT, supervisor.ask_to_stop)
    signal.signal(signal.SIGTERM, supervisor.ask_to_stop)
    print(welcome(settings, processes, logins), flush=True)
    return supervisor.run()


# ---------------------------------------------------------------------------- health check


def check(settings: Settings, process: str) -> list[str]:
    """What a process needs and cannot reach; empty when healthy."""
    problems = []
    try:
        if settings.uses_postgres:
            import psycopg

            with psycopg.connect(settings.database_url, connect_timeout=3) as db:
                db.execute("SELECT 1")
        elif not settings.data_dir.is_dir():
            problems.append(f"gegevensmap {settings.data_dir} ontbreekt")
    except Exception as error:
        problems.append(f"database niet bereikbaar: {type(error).__name__}")
    if settings.broker_url and process in ("relay", "notifier"):
        from kombu import Connection

        try:
            with Connection(settings.broker_url, connect_timeout=3) as connection:
                connection.ensure_connection(max_retries=1)
        except Exception as error:
            problems.append(f"broker niet bereikbaar: {type(error).__name__}")
    if process in ("web", "notifier"):
        problems += privacy_guard_problems()
    if process == "web":
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{settings.web_port}/gereed", timeout=3).close()
        except urllib.error.HTTPError as error:
            if error.code >= 500:
                problems.append(f"webapplicatie antwoordt met {error.code}")
        except OSError as error:
            problems.append(f"webapplicatie antwoordt niet: {type(error).__name__}")
    return problems


def privacy_guard_problems() -> list[str]:
    """No letter leaves without the privacy guard: its names lexicon must be there to load."""
    try:
        from shared.privacy import lexicon

        if lexicon.find(lexicon.fingerprint()) is None:
            return ["namenlijst van de privacycontrole ontbreekt: python -m shared.privacy.lexicon"]
    except Exception as error:
        return [f"privacycontrole niet te laden: {type(error).__name__}"]
    return []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services", description="Start Zorgvuldig.")
    commands = parser.add_subparsers(dest="command")
    health = commands.add_parser("controleer", help="gezondheidscontrole van één proces")
    health.add_argument("proces", nargs="?", default="web", choices=[p.name for p in PROCESSES])
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
    except ConfigurationError as error:
        print(f"Configuratiefout: {error}", file=sys.stderr)
        return 2
    if args.command == "controleer":
        problems = check(settings, args.proces)
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1 if problems else 0
    return run(settings)


if __name__ == "__main__":
    sys.exit(main())
