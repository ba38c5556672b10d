"""The deployment files: docker-compose.yml is complete and valid, the Dockerfile builds an image
whose privacy guard loads, and .env.example documents every setting.

No Docker engine or compose client runs on our machines, so the compose file is checked against
the JSON schemas kept in tests/unit/compose/: the Compose Specification's (compose-spec/
compose-spec, schema/compose-spec.json) and the one docker-compose 1.29.2 ships (as Debian
packages it; it refuses what it does not know, such as a top-level `name`). `docker compose
config` runs as well wherever the compose client is installed.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
PROCESSES = {
    "web": "services.web",
    "relay": "services.case.relay",
    "notifier": "services.notifier",
    "reporting": "services.followers",
}
INFRASTRUCTURE = ("postgres", "rabbitmq", "mailpit")
SCHEMAS = sorted((Path(__file__).parent / "compose").glob("*.json"))


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def _env_example_names() -> set[str]:
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", text, flags=re.MULTILINE))


def test_compose_has_the_infrastructure_and_every_process(compose: dict[str, Any]) -> None:
    assert set(compose["services"]) >= {*INFRASTRUCTURE, *PROCESSES}


@pytest.mark.parametrize("name", [*INFRASTRUCTURE, *PROCESSES])
def test_every_service_has_an_image_and_a_health_check(compose: dict[str, Any], name: str) -> None:
    service = compose["services"][name]
    assert service.get("image") or service.get("build")
    assert service["healthcheck"]["test"]


@pytest.mark.parametrize("name", list(PROCESSES))
def test_every_process_runs_from_the_one_image_with_the_env_file(compose: dict[str, Any], name: str) -> None:
    service = compose["services"][name]
    assert service["build"] == "."
    assert service["image"] == compose["services"]["web"]["image"]
    assert service["command"] == ["python", "-m", PROCESSES[name]]
    assert service["env_file"] == ".env"
    assert "zorgvuldig-data:/data" in service["volumes"]
    assert {"postgres", "rabbitmq"} <= set(service["depends_on"])


def test_the_processes_use_postgres_and_rabbitmq_of_the_stack(compose: dict[str, Any]) -> None:
    environment = compose["services"]["relay"]["environment"]
    assert environment["ZORGVULDIG_DATABASE_URL"].startswith("postgresql://")
    assert "@postgres:5432/" in environment["ZORGVULDIG_DATABASE_URL"]
    assert environment["ZORGVULDIG_BROKER_URL"].startswith("amqp://")
    assert "@rabbitmq:5672/" in environment["ZORGVULDIG_BROKER_URL"]


@pytest.mark.parametrize("name", ["notifier", "relay"])
def test_notifier_and_relay_can_be_scaled(compose: dict[str, Any], name: str) -> None:
    """`docker compose up --scale notifier=3`: no fixed name, no host port, nothing per copy."""
    service = compose["services"][name]
    assert "container_name" not in service and "ports" not in service


def test_data_lives_in_named_volumes(compose: dict[str, Any]) -> None:
    assert set(compose["volumes"]) >= {"postgres-data", "rabbitmq-data", "zorgvuldig-data"}


def test_no_secret_is_written_in_the_compose_file(compose: dict[str, Any]) -> None:
    for service in compose["services"].values():
        for name, value in (service.get("environment") or {}).items():
            if any(word in name for word in ("PASSWORD", "PASS", "SECRET", "KEY")):
                assert str(value).startswith("${"), name
            if "://" in str(value) and "@" in str(value):
                credentials = str(value).split("://", 1)[1].split("@", 1)[0]
                assert "${" in credentials, name


def test_ports_are_published_on_the_host_itself_only(compose: dict[str, Any]) -> None:
    for service in compose["services"].values():
        for port in service.get("ports", []):
            assert str(port).startswith("127.0.0.1:")


def test_env_example_documents_the_stack_secrets_and_every_setting() -> None:
    documented = _env_example_names()
    config = (ROOT / "shared" / "config.py").read_text(encoding="utf-8")
    settings = {f"ZORGVULDIG_{name}" for name in re.findall(r'\bget\("([A-Z_]+)"', config)}
    assert settings, "shared/config.py leest geen ZORGVULDIG_-variabelen meer?"
    assert settings - documented == set()
    assert {"POSTGRES_PASSWORD", "RABBITMQ_PASSWORD", "ZORGVULDIG_SECRET_KEY"} <= documented


@pytest.mark.parametrize("schema", SCHEMAS, ids=[p.stem for p in SCHEMAS])
def test_the_compose_file_is_valid_against_the_compose_schemas(compose: dict[str, Any], schema: Path) -> None:
    validator = jsonschema_rs.validator_for(json.loads(schema.read_text(encoding="utf-8")))
    errors = [
        f"{'/'.join(map(str, e.instance_path)) or '(top)'}: {e.message}"
        for e in validator.iter_errors(compose)
    ]
    assert errors == []


def test_both_schemas_are_kept_and_the_old_client_refuses_a_top_level_name(compose: dict[str, Any]) -> None:
    """The check is only worth something if it catches what broke docker-compose 1.29."""
    assert {p.stem for p in SCHEMAS} == {"compose-spec", "docker-compose-1.29.2"}
    old = jsonschema_rs.validator_for(json.loads((SCHEMAS[1]).read_text(encoding="utf-8")))
    assert not old.is_valid({**compose, "name": "zorgvuldig"})


def _dockerfile_steps() -> list[str]:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def test_the_image_builds_the_privacy_guard_as_root_and_fails_when_it_cannot_load() -> None:
    """`python -m shared.privacy.lexicon` exits non-zero when the guard cannot load (tested in
    tests/letters/test_name_lexicon.py), so a RUN step with it fails the build."""
    steps = _dockerfile_steps()
    install = next(i for i, s in enumerate(steps) if s.startswith("RUN pip install"))
    build = next(i for i, s in enumerate(steps) if "python -m shared.privacy.lexicon" in s)
    user = steps.index("USER zorgvuldig")
    assert install <= build < user
    assert "&&" in steps[build] or steps[build].startswith("RUN python -m shared.privacy.lexicon")


def test_the_non_root_container_writes_only_into_data() -> None:
    steps = _dockerfile_steps()
    assert any("PYTHONDONTWRITEBYTECODE=1" in s for s in steps)  # no bytecode into site-packages
    assert re.findall(r"chown\s+(\S+)\s+(\S+)", " ".join(steps)) == [("zorgvuldig", "/data")]


def test_the_health_check_of_web_and_notifier_needs_the_privacy_guard(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from services import __main__ as launcher
    from shared.config import load_settings
    from shared.privacy import lexicon

    settings = load_settings({"ZORGVULDIG_DATA_DIR": str(tmp_path)})
    lexicon.ensure()  # what the image's build step does
    assert launcher.privacy_guard_problems() == []
    monkeypatch.setattr(lexicon, "folders", lambda: [tmp_path / "leeg"])
    for process in ("web", "notifier"):
        assert any("privacycontrole" in p for p in launcher.check(settings, process))
    assert not any("privacycontrole" in p for p in launcher.check(settings, "relay"))


def test_dockerfile_builds_the_one_image_for_every_process() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert dockerfile.startswith("#") and "FROM python:3.11" in dockerfile
    assert "USER zorgvuldig" in dockerfile
    for folder in ("services", "shared", "templates"):
        assert f"COPY {folder} " in dockerfile


def _compose_client() -> bool:
    if shutil.which("docker") is None:
        return False
    done = subprocess.run(["docker", "compose", "version"], capture_output=True, check=False)
    return done.returncode == 0


@pytest.mark.skipif(not _compose_client(), reason="docker compose-client niet geïnstalleerd")
def test_docker_compose_accepts_the_file(tmp_path: Path) -> None:
    for name in ("docker-compose.yml", "Dockerfile"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    done = subprocess.run(
        ["docker", "compose", "config", "--quiet"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
