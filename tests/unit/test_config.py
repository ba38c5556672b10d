"""Settings: embedded defaults with nothing configured, and a fast failure on anything malformed."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.config import DEVELOPMENT_SECRET, ConfigurationError, load_settings


def test_nothing_configured_runs_on_embedded_defaults() -> None:
    settings = load_settings({})
    assert settings.data_dir == Path("data")
    assert not settings.uses_postgres
    assert settings.effective_broker_url == "filesystem://"
    assert settings.broker_folder == Path("data") / "broker"
    assert (settings.smtp_host, settings.smtp_port) == ("127.0.0.1", 8025)
    assert settings.mail_dir == Path("data") / "mail"
    assert (settings.web_host, settings.web_port) == ("127.0.0.1", 8000)
    assert settings.environment == "development"


def test_default_event_store_is_a_sqlite_file_in_the_data_folder(tmp_path: Path) -> None:
    env = load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path)}).event_store_env()
    assert env["PERSISTENCE_MODULE"] == "eventsourcing.sqlite"
    assert env["SQLITE_DBNAME"] == str(tmp_path / "events.sqlite")
    assert env["CHAIN_KEY"]


def test_one_url_switches_the_store_to_postgres() -> None:
    settings = load_settings(
        {"ZORGVULDIG_DATABASE_URL": "postgresql://zorg%40vuldig:ge%2Fheim@db:6543/zaken"}
    )
    assert settings.uses_postgres
    env = settings.event_store_env()
    assert env["PERSISTENCE_MODULE"] == "eventsourcing.postgres"
    assert (env["POSTGRES_HOST"], env["POSTGRES_PORT"], env["POSTGRES_DBNAME"]) == ("db", "6543", "zaken")
    assert (env["POSTGRES_USER"], env["POSTGRES_PASSWORD"]) == ("zorg@vuldig", "ge/heim")


def test_values_are_read_with_surrounding_spaces_removed() -> None:
    settings = load_settings({"ZORGVULDIG_SMTP_HOST": "  mail.invalid ", "ZORGVULDIG_WEB_PORT": " 8080"})
    assert (settings.smtp_host, settings.web_port) == ("mail.invalid", 8080)


@pytest.mark.parametrize(
    ("environ", "complaint"),
    [
        ({"ZORGVULDIG_DATABASE_URL": "mysql://root@db/zaken"}, "postgresql://"),
        ({"ZORGVULDIG_DATABASE_URL": "postgresql://postgres@db"}, "geen database"),
        ({"ZORGVULDIG_ENVIRONMENT": "staging"}, "development, production of test"),
        ({"ZORGVULDIG_ENVIRONMENT": "production"}, "SECRET_KEY is verplicht"),
        ({"ZORGVULDIG_WEB_PORT": "achtduizend"}, "WEB_PORT moet een getal zijn"),
        ({"ZORGVULDIG_SMTP_PORT": "25a"}, "SMTP_PORT moet een getal zijn"),
        ({"ZORGVULDIG_RETENTION_DAYS": "twee jaar"}, "RETENTION_DAYS moet een getal zijn"),
    ],
)
def test_malformed_settings_fail_fast_with_a_dutch_message(environ: dict[str, str], complaint: str) -> None:
    with pytest.raises(ConfigurationError, match=complaint):
        load_settings(environ)


def test_production_runs_with_its_own_secret() -> None:
    settings = load_settings({"ZORGVULDIG_ENVIRONMENT": "production", "ZORGVULDIG_SECRET_KEY": "x" * 64})
    assert settings.secret_key == "x" * 64 != DEVELOPMENT_SECRET


def test_secrets_never_show_in_the_settings_repr() -> None:
    settings = load_settings(
        {
            "ZORGVULDIG_SECRET_KEY": "geheim-sessie",
            "ZORGVULDIG_SMTP_PASSWORD": "geheim-smtp",
            "ZORGVULDIG_CHAIN_KEY": "geheim-keten",
        }
    )
    shown = repr(settings)
    assert "geheim" not in shown


def test_chain_key_is_its_own_setting_or_derived_from_the_secret() -> None:
    derived = load_settings({"ZORGVULDIG_SECRET_KEY": "een"}).chain_key
    assert derived != load_settings({"ZORGVULDIG_SECRET_KEY": "twee"}).chain_key
    assert derived != "een"
    assert load_settings({"ZORGVULDIG_CHAIN_KEY": "eigen"}).chain_key == "eigen"


@pytest.mark.parametrize(("value", "expected"), [("ja", True), ("true", True), ("1", True), ("nee", False)])
def test_starttls_reads_dutch_and_english(value: str, expected: bool) -> None:
    assert load_settings({"ZORGVULDIG_SMTP_STARTTLS": value}).smtp_starttls is expected


def test_settings_come_from_the_process_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZORGVULDIG_PROTOCOL", "ander-bestuur-2025")
    monkeypatch.setenv("ZORGVULDIG_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")
    settings = load_settings()
    assert settings.protocol_id == "ander-bestuur-2025"
    assert settings.effective_broker_url.startswith("amqp://")


def test_settings_cannot_be_changed_after_start_up() -> None:
    settings = load_settings({})
    with pytest.raises(AttributeError):
        settings.web_port = 1  # type: ignore[misc]
