"""The official Immich CLI (``@immich/cli`` from npm), installed once into a cache folder.

The CLI needs Node 22 or newer; the machine's ``node`` may be older, so a Node 22 binary comes from
npm too (the ``node-linux-<arch>`` package) and runs the CLI's script directly.
"""

from __future__ import annotations

import fcntl
import os
import platform
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

CLI_PACKAGE = "@immich/cli@3.2.2"
NODE_MAJOR = 22
NODE_ARCHITECTURES = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64"}


def cache_root() -> Path:
    configured = os.environ.get("ALBUMEN_TEST_CACHE")
    return Path(configured) if configured else Path.home() / ".cache" / "albumen-test"


@dataclass(frozen=True)
class ImmichCli:
    node: Path
    script: Path

    def run(self, *args: str, config_dir: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        """Run ``immich <args>`` with its ``auth.yml`` kept in ``config_dir``."""
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith("IMMICH_") and key not in ("NODE_OPTIONS", "NODE_PATH")
        }
        env["IMMICH_CONFIG_DIR"] = str(config_dir)
        env["HOME"] = str(config_dir)
        return subprocess.run(
            [str(self.node), str(self.script), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            stdin=subprocess.DEVNULL,
        )


def install_immich_cli() -> ImmichCli:
    """Install (or find) Node 22 and the CLI; raise if that's impossible, so CI fails loudly."""
    machine = platform.machine().lower()
    if machine not in NODE_ARCHITECTURES:
        raise RuntimeError(f"no Node.js package for the {machine} architecture")
    node_package = f"node-linux-{NODE_ARCHITECTURES[machine]}"
    folder = cache_root() / "immich-cli"
    cli = ImmichCli(
        node=folder / "node_modules" / node_package / "bin" / "node",
        script=folder / "node_modules" / "@immich" / "cli" / "dist" / "index.js",
    )
    folder.mkdir(parents=True, exist_ok=True)
    # Parallel test processes share the cache: one installs, the others wait for it.
    with open(folder / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not _usable(cli):
            _npm_install(folder, [f"{node_package}@{NODE_MAJOR}", CLI_PACKAGE])
        if not _usable(cli):
            raise RuntimeError(
                f"npm installed {CLI_PACKAGE}, but {cli.script} or a Node {NODE_MAJOR} is missing"
            )
    return cli


def _usable(cli: ImmichCli) -> bool:
    if not (cli.node.exists() and cli.script.exists()):
        return False
    version = subprocess.run([str(cli.node), "--version"], capture_output=True, text=True)
    if version.returncode != 0 or not version.stdout.startswith(f"v{NODE_MAJOR}."):
        return False
    installed = cli.script.parent.parent / "package.json"
    return f'"version": "{CLI_PACKAGE.rsplit("@", 1)[1]}"' in installed.read_text()


def _npm_install(folder: Path, packages: list[str]) -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is not installed (./scripts/setup installs it)")
    result = subprocess.run(
        [npm, "install", "--prefix", str(folder), "--no-audit", "--no-fund", "--loglevel=error", *packages],
        capture_output=True,
        text=True,
        timeout=600,
        stdin=subprocess.DEVNULL,
    )
    if result.returncode != 0:
        raise RuntimeError(f"npm install {' '.join(packages)} failed:\n{result.stdout}\n{result.stderr}")
