"""Logs as JSON lines, without personal data."""

from __future__ import annotations

import json
import logging

import pytest

from shared.config import ConfigurationError, load_settings
from shared.logging import configure


def test_json_lines_mask_addresses_and_phone_numbers(capsys) -> None:  # type: ignore[no-untyped-def]
    configure(load_settings({"ZORGVULDIG_LOG_FORMAT": "json"}), "notifier")
    logging.getLogger("notifier").warning("Niet bezorgd bij %s (bel 06-12345678)", "ouder@voorbeeld.nl")
    line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert line["proces"] == "notifier" and line["niveau"] == "WARNING"
    assert "ouder@voorbeeld.nl" not in line["bericht"] and "[e-mail]" in line["bericht"]
    assert "12345678" not in line["bericht"]


def test_an_unknown_log_format_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="LOG_FORMAT"):
        load_settings({"ZORGVULDIG_LOG_FORMAT": "xml"})


@pytest.mark.parametrize("log_format", ["json", "tekst"])
def test_an_address_in_an_exception_never_reaches_the_log(capsys, log_format: str) -> None:  # type: ignore[no-untyped-def]
    configure(load_settings({"ZORGVULDIG_LOG_FORMAT": log_format}), "notifier")
    try:
        raise RuntimeError("550 5.1.1 <ouder.jansen@voorbeeld.nl>: Recipient address rejected")
    except RuntimeError:
        logging.getLogger("notifier").exception("Bezorgen mislukt")
    written = capsys.readouterr().err
    assert "Recipient address rejected" in written
    assert "ouder.jansen@voorbeeld.nl" not in written and "jansen" not in written
