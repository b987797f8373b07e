"""Start-up migrations: a database at the head revision is recognised without Alembic."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sqlalchemy import text

from albumen.db.engine import Database
from albumen.db.migrate import SchemaTooNewError, declared_head, head_revision, migrate


def test_the_head_read_from_the_files_is_alembics() -> None:
    assert declared_head() == head_revision()


async def test_migrating_a_database_at_head_changes_nothing(database: Database) -> None:
    await migrate(database.engine)

    async with database.engine.connect() as connection:
        stored = (await connection.execute(text("SELECT version_num FROM alembic_version"))).scalars().all()
    assert stored == [head_revision()]


async def test_a_database_not_at_head_goes_through_alembic(database: Database) -> None:
    async with database.engine.begin() as connection:
        await connection.execute(text("UPDATE alembic_version SET version_num = 'f00d'"))

    with pytest.raises(SchemaTooNewError):
        await migrate(database.engine)


def test_the_api_process_does_not_import_the_heavy_libraries() -> None:
    # What `albumen serve` imports before it answers (albumen.serve.APPLICATION_MODULES): numpy,
    # scipy, OpenCV and ONNX belong to the workers; Alembic only loads when a migration runs.
    script = (
        "import sys, albumen.serve\n"
        "for name in albumen.serve.APPLICATION_MODULES: __import__(name)\n"
        "heavy = ('numpy', 'scipy', 'cv2', 'onnxruntime', 'alembic')\n"
        "print(' '.join(sorted(name for name in heavy if name in sys.modules)))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
