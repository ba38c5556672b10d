"""The check every system test runs on its processes' logs finds what it must."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.conftest import troubles_in_logs


def test_a_half_written_message_or_a_timed_out_resend_in_any_log_is_found(tmp_path: Path) -> None:
    (tmp_path / "notifier.log").write_text(
        "INFO Notifier wacht op brieven.\n"
        "ERROR json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)\n",
        encoding="utf-8",
    )
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "relay.log").write_text(
        "INFO Brief 1a2b3c4d heeft nog geen uitkomst; opnieuw aangeboden.\n", encoding="utf-8"
    )
    assert len(troubles_in_logs(tmp_path)) == 2
    assert len(troubles_in_logs(tmp_path, resends_allowed=True)) == 1


def test_clean_logs_pass(tmp_path: Path) -> None:
    (tmp_path / "web.log").write_text("INFO Privacycontrole geladen (deduce).\n", encoding="utf-8")
    assert troubles_in_logs(tmp_path) == []
