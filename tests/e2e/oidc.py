"""A real, certified OpenID provider for the browser tests: the npm package `oidc-provider`,
run with node on a loopback port (installed by `make install` into tests/e2e/node)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests

NODE_TOOLS = Path(__file__).parent / "node"
PROVIDER_SCRIPT = NODE_TOOLS / "oidc-provider.mjs"
CLIENT_ID = "zorgvuldig"
CLIENT_SECRET = "geheim-alleen-voor-de-tests"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def node_tools_present(package: str) -> bool:
    return shutil.which("node") is not None and (NODE_TOOLS / "node_modules" / package).is_dir()


@contextmanager
def running_provider(redirect_uris: list[str], accounts: Mapping[str, Mapping[str, Any]]) -> Iterator[str]:
    """Starts the provider and yields its issuer URL; stops it afterwards."""
    if not node_tools_present("oidc-provider"):
        pytest.skip("node of het npm-pakket oidc-provider ontbreekt (make install installeert het)")
    port = free_port()
    clients = [{"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "redirect_uris": redirect_uris}]
    env = {
        **os.environ,
        "OIDC_PORT": str(port),
        "OIDC_CLIENTS": json.dumps(clients),
        "OIDC_ACCOUNTS": json.dumps(accounts),
    }
    process = subprocess.Popen(
        ["node", str(PROVIDER_SCRIPT)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    issuer = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                requests.get(f"{issuer}/.well-known/openid-configuration", timeout=1).raise_for_status()
                break
            except requests.RequestException:
                if process.poll() is not None or time.monotonic() > deadline:
                    output = process.stdout.read().decode() if process.stdout else ""
                    raise RuntimeError(f"oidc-provider startte niet:\n{output}") from None
                time.sleep(0.2)
        yield issuer
    finally:
        process.terminate()
        process.wait(timeout=10)
