"""deploy/quadlet/: Podman quadlet units for rootless systemd deployments.

Where Podman's quadlet generator is installed (Podman 4.4 or newer) it converts the units in a
dry run; Debian 12's Podman 4.3 has none, so every run also parses the units the way systemd
does and checks each key against the keys quadlet (Podman 5) and systemd accept, plus the
wiring between the files: networks, volumes, secrets, dependencies, images.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.deploy.support import QUADLETS

# Keys quadlet accepts per section, from Podman 5's podman-systemd.unit(5).
CONTAINER_KEYS = {
    "AddCapability", "AddDevice", "AddHost", "Annotation", "AutoUpdate", "CgroupsMode", "ContainerName",
    "ContainersConfModule", "DNS", "DNSOption", "DNSSearch", "DropCapability", "Entrypoint", "Environment",
    "EnvironmentFile", "EnvironmentHost", "Exec", "ExposeHostPort", "GIDMap", "GlobalArgs", "Group",
    "GroupAdd", "HealthCmd", "HealthInterval", "HealthLogDestination", "HealthMaxLogCount",
    "HealthMaxLogSize", "HealthOnFailure", "HealthRetries", "HealthStartPeriod", "HealthStartupCmd",
    "HealthStartupInterval", "HealthStartupRetries", "HealthStartupSuccess", "HealthStartupTimeout",
    "HealthTimeout", "HostName", "IP", "IP6", "Image", "Label", "LogDriver", "LogOpt", "Mask", "Memory",
    "Mount", "Network", "NetworkAlias", "NoNewPrivileges", "Notify", "PidsLimit", "Pod", "PodmanArgs",
    "PublishPort", "Pull", "ReadOnly", "ReadOnlyTmpfs", "ReloadCmd", "ReloadSignal", "Retry", "RetryDelay",
    "Rootfs", "RunInit", "SeccompProfile", "Secret", "SecurityLabelDisable", "SecurityLabelFileType",
    "SecurityLabelLevel", "SecurityLabelNested", "SecurityLabelType", "ServiceName", "ShmSize",
    "StartWithPod", "StopSignal", "StopTimeout", "SubGIDMap", "SubUIDMap", "Sysctl", "Timezone", "Tmpfs",
    "UIDMap", "Ulimit", "Unmask", "User", "UserNS", "Volume", "WorkingDir",
}  # fmt: skip
NETWORK_KEYS = {
    "ContainersConfModule", "DisableDNS", "DNS", "Driver", "Gateway", "GlobalArgs", "InterfaceName",
    "Internal", "IPAMDriver", "IPRange", "IPv6", "Label", "NetworkDeleteOnStop", "NetworkName", "Options",
    "PodmanArgs", "ServiceName", "Subnet",
}  # fmt: skip
VOLUME_KEYS = {
    "ContainersConfModule", "Copy", "Device", "Driver", "GlobalArgs", "Group", "Image", "Label", "Options",
    "PodmanArgs", "ServiceName", "Type", "User", "VolumeName",
}  # fmt: skip
# The systemd directives these units use or might reasonably use (systemd.unit/service/resource-control).
UNIT_KEYS = {
    "Description", "Documentation", "Requires", "Requisite", "Wants", "BindsTo", "PartOf", "Upholds",
    "Conflicts", "Before", "After", "OnFailure", "StartLimitIntervalSec", "StartLimitBurst",
    "ConditionPathExists", "AssertPathExists", "RequiresMountsFor",
}  # fmt: skip
SERVICE_KEYS = {
    "Restart", "RestartSec", "TimeoutStartSec", "TimeoutStopSec", "TimeoutSec", "ExecStartPre",
    "ExecStartPost", "ExecStopPost", "MemoryMax", "MemoryHigh", "MemorySwapMax", "CPUQuota", "CPUWeight",
    "IOWeight", "TasksMax", "Nice", "Slice", "Environment",
}  # fmt: skip
INSTALL_KEYS = {"WantedBy", "RequiredBy", "UpheldBy", "Alias", "Also"}
SECTIONS = {
    ".container": {
        "Unit": UNIT_KEYS,
        "Container": CONTAINER_KEYS,
        "Service": SERVICE_KEYS,
        "Install": INSTALL_KEYS,
    },
    ".network": {
        "Unit": UNIT_KEYS,
        "Network": NETWORK_KEYS,
        "Service": SERVICE_KEYS,
        "Install": INSTALL_KEYS,
    },
    ".volume": {"Unit": UNIT_KEYS, "Volume": VOLUME_KEYS, "Service": SERVICE_KEYS, "Install": INSTALL_KEYS},
}
#: Networks the stack joins but does not define: the reverse proxy's (docs/deploy-podman.md).
EXTERNAL_NETWORKS = {"proxy.network"}
ML_VARIANTS = ["albumen-ml.container", "albumen-ml-rocm.container", "albumen-ml-cuda.container"]

Unit = dict[str, list[tuple[str, str]]]


def parse_unit(path: Path) -> Unit:
    """Sections of a systemd unit file as ``{section: [(key, value), ...]}``, keys repeated as written."""
    sections: Unit = {}
    current: str | None = None
    logical = ""
    for number, raw in enumerate(path.read_text().splitlines(), start=1):
        line = logical + raw.strip() if logical else raw.strip()
        if line.endswith("\\"):
            logical = line[:-1] + " "
            continue
        logical = ""
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            assert line.endswith("]"), f"{path.name}:{number}: bad section header"
            current = line[1:-1]
            assert current not in sections, f"{path.name}:{number}: section [{current}] twice"
            sections[current] = []
            continue
        assert current is not None, f"{path.name}:{number}: a key before any section"
        key, separator, value = line.partition("=")
        assert separator and key.strip(), f"{path.name}:{number}: not KEY=VALUE"
        sections[current].append((key.strip(), value.strip()))
    return sections


def values(unit: Unit, section: str, key: str) -> list[str]:
    return [value for found, value in unit.get(section, []) if found == key]


def one(unit: Unit, section: str, key: str) -> str:
    found = values(unit, section, key)
    assert len(found) == 1, f"[{section}] {key}: expected once, found {found}"
    return found[0]


def environment(unit: Unit) -> dict[str, str]:
    return dict(value.split("=", 1) for value in values(unit, "Container", "Environment"))


def unit_files() -> list[Path]:
    return sorted(path for path in QUADLETS.iterdir() if path.suffix in SECTIONS)


def load(name: str) -> Unit:
    return parse_unit(QUADLETS / name)


def test_the_stack_is_complete() -> None:
    names = {path.name for path in unit_files()}
    assert {
        "albumen.network",
        "albumen-postgres.container",
        "albumen-server.container",
        "albumen-worker.container",
        *ML_VARIANTS,
    } <= names
    assert not [path.name for path in QUADLETS.iterdir() if path.suffix not in SECTIONS], "stray files"


@pytest.mark.parametrize("path", unit_files(), ids=lambda path: path.name)
def test_every_section_and_key_is_one_quadlet_accepts(path: Path) -> None:
    allowed = SECTIONS[path.suffix]
    unit = parse_unit(path)
    assert set(unit) <= set(allowed), f"unknown sections {set(unit) - set(allowed)}"
    for section, pairs in unit.items():
        unknown = {key for key, _ in pairs} - allowed[section]
        assert not unknown, f"[{section}] has keys quadlet/systemd don't know: {unknown}"
    assert one(unit, "Unit", "Description")


@pytest.mark.parametrize("path", unit_files(), ids=lambda path: path.name)
def test_references_between_units_resolve(path: Path) -> None:
    unit = parse_unit(path)
    local = {candidate.name for candidate in unit_files()}
    for network in values(unit, "Container", "Network"):
        assert network in local | EXTERNAL_NETWORKS, f"Network={network} is defined nowhere"
    for volume in values(unit, "Container", "Volume"):
        source = volume.split(":", 1)[0]
        if source.endswith(".volume"):
            assert source in local, f"Volume={volume}: {source} is defined nowhere"
        else:
            assert source.startswith("/"), f"Volume={volume}: neither a .volume unit nor a host path"
    services = {f"{candidate.stem}.service" for candidate in unit_files()}
    services |= {
        f"{candidate.stem}-network.service" for candidate in unit_files() if candidate.suffix == ".network"
    }
    for key in ("Requires", "Wants", "After", "BindsTo"):
        for value in values(unit, "Unit", key):
            for dependency in value.split():
                assert dependency in services, f"{key}={dependency}: no such unit in deploy/quadlet"


@pytest.mark.parametrize("path", [p for p in unit_files() if p.suffix == ".container"], ids=lambda p: p.name)
def test_containers_are_pinned_updated_limited_and_restarted(path: Path) -> None:
    unit = parse_unit(path)
    image = one(unit, "Container", "Image")
    registry, _, rest = image.partition("/")
    assert "." in registry, f"{image}: quadlet needs a fully qualified image for AutoUpdate=registry"
    tag = rest.rpartition(":")[2]
    assert ":" in rest and tag != "latest" and re.search(r"\d", tag), f"{image}: pin a version tag"
    assert one(unit, "Container", "AutoUpdate") == "registry"
    assert re.fullmatch(r"\d+[KMG]", one(unit, "Service", "MemoryMax"))
    assert one(unit, "Service", "Restart") == "always"
    assert one(unit, "Install", "WantedBy") == "default.target"
    notify = values(unit, "Container", "Notify")
    assert notify in ([], ["healthy"], ["true"], ["false"])
    if notify == ["healthy"]:
        assert values(unit, "Container", "HealthCmd"), "Notify=healthy without a health check never starts"


def test_backend_network_is_isolated() -> None:
    network = load("albumen.network")
    assert one(network, "Network", "Internal") == "true"


def test_postgres_has_pgvector_a_secret_and_a_pg_isready_health_check() -> None:
    unit = load("albumen-postgres.container")
    assert "pgvector" in one(unit, "Container", "Image")
    assert values(unit, "Container", "Network") == ["albumen.network"]
    assert one(unit, "Container", "HealthCmd").startswith("pg_isready ")
    assert one(unit, "Container", "Notify") == "healthy"
    env = environment(unit)
    assert "POSTGRES_PASSWORD" not in env
    assert env["POSTGRES_PASSWORD_FILE"] in secret_targets(unit)
    assert [v for v in values(unit, "Container", "Volume") if v.endswith(":/var/lib/postgresql/data")]


def secret_targets(unit: Unit) -> set[str]:
    targets = set()
    for secret in values(unit, "Container", "Secret"):
        name, *options = secret.split(",")
        parsed = dict(option.split("=", 1) for option in options)
        assert parsed.get("type", "mount") == "mount", "secrets arrive as files (*_FILE)"
        target = parsed.get("target", name)
        targets.add(target if target.startswith("/") else f"/run/secrets/{target}")
    return targets


@pytest.mark.parametrize("name", ["albumen-server.container", "albumen-worker.container"])
def test_server_and_worker_reach_the_database_through_a_secret_file(name: str) -> None:
    unit = load(name)
    env = environment(unit)
    assert "DB_PASSWORD" not in env and "DB_URL" not in env
    assert env["DB_PASSWORD_FILE"] in secret_targets(unit)
    postgres = environment(load("albumen-postgres.container"))
    assert env["DB_HOSTNAME"] == one(load("albumen-postgres.container"), "Container", "ContainerName")
    assert env["DB_USERNAME"] == postgres["POSTGRES_USER"]
    assert env["DB_DATABASE_NAME"] == postgres["POSTGRES_DB"]
    assert set(values(unit, "Unit", "Requires")) == {"albumen-postgres.service"}
    assert "albumen-postgres.service" in " ".join(values(unit, "Unit", "After"))
    assert env["IMMICH_MEDIA_LOCATION"] == "/data"
    assert "albumen-data.volume:/data" in values(unit, "Container", "Volume")
    assert env["IMMICH_TELEMETRY_INCLUDE"] == "all"
    assert env["IMMICH_MACHINE_LEARNING_URL"] == "http://albumen-ml:3003"


def test_server_joins_backend_and_proxy_with_traefik_labels_and_health_check() -> None:
    unit = load("albumen-server.container")
    assert one(unit, "Container", "Exec") == "serve"
    assert values(unit, "Container", "Network") == ["albumen.network", "proxy.network"]
    labels = dict(label.split("=", 1) for label in values(unit, "Container", "Label"))
    assert labels["traefik.enable"] == "true"
    assert re.fullmatch(r"Host\(`[^`]+`\)", labels["traefik.http.routers.albumen.rule"])
    assert labels["traefik.http.routers.albumen.entrypoints"] == "websecure"
    assert labels["traefik.http.services.albumen.loadbalancer.server.port"] == "2283"
    assert one(unit, "Container", "HealthCmd") == "albumen healthcheck"
    assert not values(unit, "Container", "PublishPort"), "the proxy reaches it; nothing is published"


def test_worker_runs_the_worker_role_on_the_backend_only() -> None:
    unit = load("albumen-worker.container")
    assert one(unit, "Container", "Exec") == "worker"
    assert values(unit, "Container", "Network") == ["albumen.network"]
    assert one(unit, "Container", "Image") == one(load("albumen-server.container"), "Container", "Image")


@pytest.mark.parametrize("name", ML_VARIANTS)
def test_ml_variants_stay_on_the_backend_with_a_model_cache(name: str) -> None:
    unit = load(name)
    assert one(unit, "Container", "ContainerName") == "albumen-ml", "the server finds it as albumen-ml"
    assert values(unit, "Container", "Network") == ["albumen.network"]
    assert "albumen-ml-cache.volume:/cache" in values(unit, "Container", "Volume")
    assert environment(unit)["MACHINE_LEARNING_CACHE_FOLDER"] == "/cache"


def test_cpu_ml_uses_albumens_image_and_its_health_check() -> None:
    unit = load("albumen-ml.container")
    assert one(unit, "Container", "Exec") == "ml"
    assert one(unit, "Container", "Image") == one(load("albumen-server.container"), "Container", "Image")
    assert one(unit, "Container", "HealthCmd") == "albumen healthcheck --ml"
    assert not values(unit, "Container", "AddDevice")


def test_rocm_ml_gets_the_gpu_device_nodes_and_groups() -> None:
    unit = load("albumen-ml-rocm.container")
    assert set(values(unit, "Container", "AddDevice")) == {"/dev/dri", "/dev/kfd"}
    assert values(unit, "Container", "GroupAdd")
    assert one(unit, "Container", "Image").endswith("-rocm")


def test_cuda_ml_gets_the_gpu_through_cdi() -> None:
    unit = load("albumen-ml-cuda.container")
    assert values(unit, "Container", "AddDevice") == ["nvidia.com/gpu=all"]
    assert one(unit, "Container", "Image").endswith("-cuda")


def quadlet_generator() -> str | None:
    for candidate in ("/usr/libexec/podman/quadlet", "/usr/lib/podman/quadlet"):
        if os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("quadlet")


@pytest.mark.skipif(
    quadlet_generator() is None, reason="Podman's quadlet generator (Podman >= 4.4) is absent"
)
def test_podmans_quadlet_generator_converts_every_unit(tmp_path: Path) -> None:
    units = tmp_path / "units"
    units.mkdir()
    for path in unit_files():
        if path.name in ML_VARIANTS[1:]:
            continue  # the GPU variants replace albumen-ml.container; each is converted on its own below
        shutil.copy(path, units / path.name)
    # The reverse proxy's network, which a real host already has.
    (units / "proxy.network").write_text("[Network]\nNetworkName=proxy\n")
    generator = quadlet_generator()
    assert generator is not None

    def convert() -> str:
        result = subprocess.run(
            [generator, "-dryrun", "-user"],
            env={**os.environ, "QUADLET_UNIT_DIRS": str(units)},
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert "converting" not in result.stderr, result.stderr  # quadlet's prefix for a unit it rejects
        return result.stdout

    generated = convert()
    for path in unit_files():
        if path.name not in ML_VARIANTS[1:]:
            service = f"{path.stem}-network.service" if path.suffix == ".network" else f"{path.stem}.service"
            if path.suffix == ".volume":
                service = f"{path.stem}-volume.service"
            assert f"---{service}---" in generated, f"{path.name} produced no {service}"
    for variant in ML_VARIANTS[1:]:
        shutil.copy(QUADLETS / variant, units / "albumen-ml.container")
        assert "---albumen-ml.service---" in convert()
