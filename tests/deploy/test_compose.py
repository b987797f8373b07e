"""deploy/compose.yaml: the same stack as the quadlets, for Docker Compose and ``podman compose``.

Validated against the Compose Specification's JSON schema (the copy vendored in the
check-jsonschema package, so no network is needed), then checked for what the stack needs:
a healthy database before the server, secrets as files, named volumes, health checks,
pinned images and an isolated database network.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.deploy.support import DEPLOY, QUADLETS, REPO, need_module
from tests.deploy.test_quadlets import environment, load

COMPOSE_FILE = DEPLOY / "compose.yaml"


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE_FILE.read_text())
    return loaded


def image_of(service: dict[str, Any]) -> str:
    """The image with ``${VAR:-default}`` interpolated to its default, as Compose does when unset."""
    return re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", service["image"])


def test_matches_the_compose_specification_schema(compose: dict[str, Any]) -> None:
    need_module("check_jsonschema", "check-jsonschema")
    jsonschema = need_module("jsonschema", "jsonschema")
    schema_file = resources.files("check_jsonschema.builtin_schemas.vendor") / "compose-spec.json"
    schema = json.loads(schema_file.read_text())
    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(compose), key=lambda error: error.path)
    assert not errors, "\n".join(f"{list(error.path)}: {error.message}" for error in errors)


def test_services_and_roles(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert set(services) == {"server", "worker", "machine-learning", "database"}
    assert services["server"]["command"] == ["serve"]
    assert services["worker"]["command"] == ["worker"]
    assert services["worker"]["profiles"] == ["worker"], "the extra worker is opt-in"
    assert services["machine-learning"]["command"] == ["ml"]
    assert (
        image_of(services["server"]) == image_of(services["worker"]) == image_of(services["machine-learning"])
    )


def test_images_are_pinned(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        image = image_of(service)
        registry, _, rest = image.partition("/")
        assert "." in registry, f"{name}: {image} is not fully qualified"
        tag = rest.rpartition(":")[2]
        assert ":" in rest and tag != "latest" and re.search(r"\d", tag), (
            f"{name}: {image} has no version tag"
        )


def test_database_is_pgvector_with_pg_isready_and_a_secret(compose: dict[str, Any]) -> None:
    database = compose["services"]["database"]
    assert "pgvector" in image_of(database)
    assert database["healthcheck"]["test"][:2] == ["CMD", "pg_isready"]
    assert database["environment"]["POSTGRES_PASSWORD_FILE"] == "/run/secrets/db_password"
    assert "POSTGRES_PASSWORD" not in database["environment"]
    assert database["secrets"] == ["db_password"]
    assert database["networks"] == ["backend"]
    assert "ports" not in database


def test_server_waits_for_a_healthy_database(compose: dict[str, Any]) -> None:
    for name in ("server", "worker"):
        assert compose["services"][name]["depends_on"]["database"] == {"condition": "service_healthy"}


def test_every_service_has_a_health_check_and_a_restart_policy(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        test = service["healthcheck"]["test"]
        assert test[0] == "CMD" and len(test) > 1, name
        assert service["restart"] == "unless-stopped", name
    assert compose["services"]["server"]["healthcheck"]["test"] == ["CMD", "albumen", "healthcheck"]
    assert compose["services"]["machine-learning"]["healthcheck"]["test"] == [
        "CMD",
        "albumen",
        "healthcheck",
        "--ml",
    ]


def test_albumen_containers_have_memory_limits(compose: dict[str, Any]) -> None:
    for name in ("server", "worker", "machine-learning"):
        assert re.fullmatch(r"\d+[kmg]", compose["services"][name]["deploy"]["resources"]["limits"]["memory"])


def test_secrets_volumes_and_networks_are_declared(compose: dict[str, Any]) -> None:
    declared_volumes = set(compose["volumes"])
    declared_networks = set(compose["networks"])
    declared_secrets = set(compose["secrets"])
    for name, service in compose["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            assert source in declared_volumes, f"{name}: volume {source} is not a named volume"
        assert set(service["networks"]) <= declared_networks, name
        assert set(service.get("secrets", [])) <= declared_secrets, name
    assert compose["networks"]["backend"] == {"internal": True}
    assert compose["secrets"]["db_password"] == {"file": "./secrets/db_password"}


def test_only_the_server_publishes_a_port(compose: dict[str, Any]) -> None:
    published = {name for name, service in compose["services"].items() if "ports" in service}
    assert published == {"server"}
    assert compose["services"]["server"]["ports"] == ["${ALBUMEN_PORT:-2283}:2283"]


def test_server_environment_matches_the_quadlet(compose: dict[str, Any]) -> None:
    # The two deployments should differ in host names only; a variable added to one belongs in both.
    compose_environment = compose["services"]["server"]["environment"]
    quadlet_environment = environment(load("albumen-server.container"))
    assert set(compose_environment) == set(quadlet_environment)
    for name in ("DB_USERNAME", "DB_DATABASE_NAME", "DB_PASSWORD_FILE", "IMMICH_MEDIA_LOCATION"):
        assert compose_environment[name] == quadlet_environment[name]
    assert (
        compose["services"]["database"]["environment"]["POSTGRES_USER"] == compose_environment["DB_USERNAME"]
    )
    assert compose_environment["DB_HOSTNAME"] == "database"
    assert compose_environment["IMMICH_MACHINE_LEARNING_URL"] == "http://machine-learning:3003"
    assert (QUADLETS / "albumen-server.container").exists()


def has_docker_compose() -> bool:
    if shutil.which("docker") is None:
        return False
    return subprocess.run(["docker", "compose", "version"], capture_output=True, check=False).returncode == 0


@pytest.mark.skipif(not has_docker_compose(), reason="docker compose is not installed")
def test_docker_compose_accepts_it(tmp_path: Path) -> None:
    shutil.copy(COMPOSE_FILE, tmp_path / "compose.yaml")
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "db_password").write_text("test\n")
    result = subprocess.run(
        ["docker", "compose", "--profile", "worker", "config", "--quiet"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_variables_the_deploy_files_set_are_documented(compose: dict[str, Any]) -> None:
    documented = (REPO / "docs" / "configuration.md").read_text()
    names: set[str] = set()
    for service in compose["services"].values():
        names |= set(service.get("environment", {}))
    for path in QUADLETS.glob("*.container"):
        names |= set(environment(load(path.name)))
    ours = {name for name in names if name.startswith(("IMMICH_", "ALBUMEN_", "DB_", "MACHINE_LEARNING_"))}
    missing = sorted(name for name in ours if f"`{name}`" not in documented)
    assert not missing, f"set by deploy/ but not in docs/configuration.md: {missing}"
