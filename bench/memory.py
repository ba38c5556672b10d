"""Memory of the whole system on embedded defaults (`python -m services`), once every process
has started and the privacy guard has loaded in the web and the notifier: the proportional set
size (PSS, from /proc/PID/smaps_rollup; shared pages counted once over their sharers) of each
process and of all together, beside the budget (issue 22: 1 GB in all, 150 MB per process)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUDGET_TOTAL_MB = 1024
BUDGET_PROCESS_MB = 150
SETTLE_SECONDS = 3.0


def pss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) / 1024
    return 0.0


def descendants(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            found += [int(child), *descendants(int(child))]
    return found


def name_of(pid: int) -> str:
    argv = [a.decode() for a in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0") if a]
    module = argv[argv.index("-m") + 1] if "-m" in argv else " ".join(argv[1:2])
    return module


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def measure() -> list[tuple[int, str, float]]:
    """Starts the system in a folder of its own and returns (pid, process, PSS in MB)."""
    with tempfile.TemporaryDirectory() as folder:
        web_port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("ZORGVULDIG_")}
        env.update(
            ZORGVULDIG_DATA_DIR=str(Path(folder) / "data"),
            ZORGVULDIG_WEB_PORT=str(web_port),
            ZORGVULDIG_SMTP_PORT=str(free_port()),
        )
        log = Path(folder) / "zorgvuldig.log"
        with log.open("w") as out:
            system = subprocess.Popen(
                [sys.executable, "-m", "services"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
            )
        try:
            deadline = time.monotonic() + 120
            gereed = f"http://127.0.0.1:{web_port}/gereed"
            while not (_ready(gereed) and "Notifier wacht op brieven" in log.read_text()):
                if time.monotonic() > deadline or system.poll() is not None:
                    raise RuntimeError("het systeem werd niet gereed:\n" + log.read_text()[-3000:])
                time.sleep(0.3)
            time.sleep(SETTLE_SECONDS)
            pids = [system.pid, *descendants(system.pid)]
            names = {pid: name_of(pid) for pid in pids} | {system.pid: "launcher (services)"}
            return [(pid, names[pid], pss_mb(pid)) for pid in pids]
        finally:
            system.send_signal(signal.SIGTERM)
            try:
                system.wait(30)
            except subprocess.TimeoutExpired:
                system.kill()
                system.wait()


def main() -> None:
    rows = measure()
    print("Geheugen (PSS) per proces, na het laden van de privacycontrole, op ingebouwde standaarden:")
    for pid, name, mb in rows:
        mark = "" if mb <= BUDGET_PROCESS_MB else f"  (boven {BUDGET_PROCESS_MB} MB)"
        print(f"  {name:32s} pid {pid:>7d}  {mb:7.1f} MB{mark}")
    total = sum(mb for _, _, mb in rows)
    verdict = "binnen" if total <= BUDGET_TOTAL_MB else "boven"
    print(f"  {'samen':32s} {'':11s}  {total:7.1f} MB ({verdict} het budget van {BUDGET_TOTAL_MB} MB)")


if __name__ == "__main__":
    main()
