"""Which pg_dump/psql a backup uses and how it reaches the database."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from albumen.db.dump import Connection, DumpError, client_binary, dump_revision
from albumen.db.embedded import postgres_bin_dir


def test_a_socket_url_becomes_a_libpq_host_directory() -> None:
    connection = Connection.from_url("postgresql+asyncpg://postgres@/albumen?host=/data/run")
    assert connection == Connection(database="albumen", host="/data/run", user="postgres")
    assert connection.environment()["PGHOST"] == "/data/run"


def test_a_password_travels_in_the_environment_only() -> None:
    connection = Connection.from_url("postgresql+asyncpg://albumen:s%40cret@db.internal:5433/photos")
    env = connection.environment()
    assert (env["PGHOST"], env["PGPORT"], env["PGUSER"], env["PGDATABASE"]) == (
        "db.internal",
        "5433",
        "albumen",
        "photos",
    )
    assert env["PGPASSWORD"] == "s@cret"


def test_the_wheels_client_serves_every_server_up_to_its_own_version() -> None:
    assert client_binary("pg_dump", 14) == postgres_bin_dir() / "pg_dump"
    assert client_binary("psql", 18) == postgres_bin_dir() / "psql"


def test_a_server_newer_than_every_client_is_refused() -> None:
    with pytest.raises(DumpError, match="No pg_dump for PostgreSQL 99"):
        client_binary("pg_dump", 99)


@pytest.mark.parametrize(
    ("content", "revision"),
    [
        ("SET x = 1;\nCOPY public.alembic_version (version_num) FROM stdin;\n0007\n\\.\n", "0007"),
        ("COPY public.alembic_version (version_num) FROM stdin;\n\\.\n", None),
        ("CREATE TABLE asset ();\n", None),
    ],
)
def test_the_dumps_revision_is_read_without_restoring(
    tmp_path: Path, content: str, revision: str | None
) -> None:
    packed = tmp_path / "dump.sql.gz"
    packed.write_bytes(gzip.compress(content.encode()))
    plain = tmp_path / "dump.sql"
    plain.write_text(content)
    assert dump_revision(packed) == revision
    assert dump_revision(plain) == revision
