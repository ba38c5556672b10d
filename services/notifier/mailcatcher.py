"""The local mail catcher of the embedded default: an SMTP server (aiosmtpd) that keeps
every mail it receives as an .eml file in the data folder, for the "Verzonden berichten"
page. `python -m services.notifier.mailcatcher`"""

from __future__ import annotations

import signal
import sys
import threading
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from shared.config import ConfigurationError, load_settings


class KeepAsFile:
    """aiosmtpd handler: writes each accepted mail to its own file."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        name = f"{datetime.now(UTC):%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}.eml"
        temporary = self.folder / f".{name}"
        temporary.write_bytes(envelope.original_content or envelope.content)
        temporary.rename(self.folder / name)
        return "250 Bericht ontvangen"


def main() -> int:
    try:
        settings = load_settings()
    except ConfigurationError as error:
        print(f"Configuratiefout: {error}", file=sys.stderr)
        return 2
    controller = Controller(
        KeepAsFile(settings.mail_dir), hostname=settings.smtp_host, port=settings.smtp_port
    )
    controller.start()
    print(
        f"Mailcatcher op {settings.smtp_host}:{settings.smtp_port}; berichten in {settings.mail_dir}",
        flush=True,
    )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
