"""Fixtures shared by every test layer.

Real infrastructure is found through environment variables:
  ZORGVULDIG_TEST_DATABASE_URL  e.g. postgresql://postgres@127.0.0.1:5432/test
  ZORGVULDIG_TEST_BROKER_URL    e.g. amqp://guest:guest@127.0.0.1:5672//
Where they are not set and a Docker engine exists, testcontainers starts them. Otherwise
the tests that need them are skipped with the reason, except when
ZORGVULDIG_REQUIRE_INTEGRATION=1 (as in CI): then a skip counts as a failure.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest

from shared.config import Settings, load_settings

REQUIRE_INTEGRATION = os.environ.get("ZORGVULDIG_REQUIRE_INTEGRATION") == "1"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Turns a skipped integration or e2e test into a failure where they are required."""
    outcome = yield
    report = outcome.get_result()
    required = REQUIRE_INTEGRATION and (
        item.get_closest_marker("integration") or item.get_closest_marker("e2e")
    )
    if required and report.skipped:
        report.outcome = "failed"
        report.longrepr = f"Overgeslagen terwijl ZORGVULDIG_REQUIRE_INTEGRATION=1: {report.longrepr}"


def _docker_available() -> bool:
    if shutil.which("docker") is None:
        return False
    try:
        import docker

        docker.from_env().ping()
    except Exception:
        return False
    return True


@pytest.fixture(scope="session")
def guard():  # type: ignore[no-untyped-def]
    """The real privacy guard with deduce, loaded once for the whole run (it takes seconds)."""
    from shared.privacy import NameFinder, PrivacyGuard

    finder = NameFinder.shared(wait=True)
    assert finder.ready, finder.error
    return PrivacyGuard(finder)


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    """URL of a PostgreSQL server: from the environment, or a container."""
    url = os.environ.get("ZORGVULDIG_TEST_DATABASE_URL")
    if url:
        yield url
        return
    if not _docker_available():
        pytest.skip("Geen PostgreSQL: zet ZORGVULDIG_TEST_DATABASE_URL of start Docker.")
    from testcontainers.postgres import PostgresContainer

    with PostgresContainer("postgres:16-alpine", driver=None) as container:
        yield container.get_connection_url()


@pytest.fixture
def postgres_url(postgres_server_url: str) -> Iterator[str]:
    """A fresh, empty database on that server for one test, dropped afterwards."""
    import psycopg

    name = f"zorgvuldig_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    parsed = urlparse(postgres_server_url)
    yield urlunparse(parsed._replace(path=f"/{name}"))
    with psycopg.connect(postgres_server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.integration)])
def settings_on_each_store(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """Settings for a data folder of the test's own, once on SQLite and once (an integration
    test) on a fresh PostgreSQL database: a test that takes them runs on both."""
    env = {"ZORGVULDIG_DATA_DIR": str(tmp_path)}
    if request.param == "postgres":
        env["ZORGVULDIG_DATABASE_URL"] = request.getfixturevalue("postgres_url")
    return load_settings(env)


@pytest.fixture(scope="session")
def broker_server_url() -> Iterator[str]:
    """URL of a RabbitMQ server: from the environment, or a container."""
    url = os.environ.get("ZORGVULDIG_TEST_BROKER_URL")
    if url:
        yield url
        return
    if not _docker_available():
        pytest.skip("Geen RabbitMQ: zet ZORGVULDIG_TEST_BROKER_URL of start Docker.")
    from testcontainers.rabbitmq import RabbitMqContainer

    with RabbitMqContainer("rabbitmq:3-alpine") as container:
        params = container.get_connection_params()
        yield f"amqp://guest:guest@{params.host}:{params.port}//"
