"""Run Alembic migrations on start, under an advisory lock so several processes can start at once.

A database already at the head revision (every start but the first after an upgrade) is recognised
with one query and the revision ids read from the migration files, without importing Alembic, which
costs a noticeable part of ``albumen serve``'s start.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
#: Arbitrary but fixed: every Albumen process takes this lock before migrating.
MIGRATION_LOCK_ID = 0x616C62756D656E

_REVISION = re.compile(r'^revision(?:: str)? = "([^"]+)"$', re.MULTILINE)
_DOWN_REVISION = re.compile(r'^down_revision(?:: str \| None)? = (?:"([^"]+)"|None)$', re.MULTILINE)


class SchemaTooNewError(RuntimeError):
    """The database was migrated by a newer Albumen than this one."""


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


@cache
def declared_head() -> str | None:
    """The head revision as the migration files declare it, read as text; None when the files are
    not a plain chain this can follow (then Alembic decides)."""
    links: dict[str, str | None] = {}
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        source = path.read_text()
        revision, down = _REVISION.search(source), _DOWN_REVISION.search(source)
        if revision is None or down is None:
            return None
        links[revision.group(1)] = down.group(1)
    parents = set(links.values())
    heads = [revision for revision in links if revision not in parents]
    return heads[0] if len(heads) == 1 else None


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def _upgrade(connection: Connection) -> None:
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    current = MigrationContext.configure(connection).get_current_revision()
    if current is not None and current not in known_revisions():
        raise SchemaTooNewError(
            f"The database schema is at revision {current}, which this Albumen does not know: it was "
            "upgraded by a newer version. Run that version (or newer), or restore a matching backup."
        )
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


async def _stored_revision(connection: AsyncConnection) -> str | None:
    exists = await connection.scalar(text("SELECT to_regclass('alembic_version') IS NOT NULL"))
    if not exists:
        return None
    revisions = (await connection.execute(text("SELECT version_num FROM alembic_version"))).scalars().all()
    return revisions[0] if len(revisions) == 1 else None


async def migrate(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        head = declared_head()
        if head is not None and await _stored_revision(connection) == head:
            await connection.rollback()
            return
        await connection.rollback()
        await connection.execute(text("SELECT pg_advisory_lock(:id)"), {"id": MIGRATION_LOCK_ID})
        try:
            await connection.run_sync(_upgrade)
            await connection.commit()
        except BaseException:
            await connection.rollback()
            raise
        finally:
            await connection.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": MIGRATION_LOCK_ID})
            await connection.commit()


async def current_revision(engine: AsyncEngine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    async with engine.connect() as connection:
        return await connection.run_sync(lambda sync: MigrationContext.configure(sync).get_current_revision())
