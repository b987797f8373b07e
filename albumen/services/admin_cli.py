"""What the operator's commands (``albumen backup``, ``restore``, ``admin ...``) do to the database.

They reach the database the way ``albumen serve`` does. With the embedded PostgreSQL: when no server
holds the data directory, the command starts the cluster itself (and stops it after); when a server
holds it, commands that work beside a running server (backup, admin) use that server's cluster,
while restore refuses: it replaces the database under the server's feet.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from albumen.config import Settings
from albumen.db.bootstrap import start_database
from albumen.db.embedded import DataDirInUseError, EmbeddedPostgres
from albumen.db.engine import Database
from albumen.db.migrate import migrate
from albumen.db.repositories.users import UserRepository
from albumen.services import backups, system_config
from albumen.services.crypto import hash_password
from albumen.services.errors import NotFoundError


class ServerRunningError(RuntimeError):
    """A server holds the data directory and the command must not run beside it."""


@contextmanager
def database_url(settings: Settings, *, beside_server: bool) -> Iterator[str]:
    """The URL to reach the database for the length of the block; starts the embedded cluster when
    no server runs. ``beside_server``: use a running server's cluster rather than refuse."""
    try:
        runtime = start_database(settings)
    except DataDirInUseError:
        if not beside_server:
            lock_file = settings.data_dir / "albumen.lock"
            pid = lock_file.read_text().strip() if lock_file.exists() else "unknown"
            raise ServerRunningError(
                f"An Albumen process (pid {pid}) is using the data directory {settings.data_dir}. Stop it "
                "first: a restore replaces the database it is serving."
            ) from None
        yield EmbeddedPostgres(settings.pgdata).url(settings.db_database_name)
        return
    try:
        yield runtime.url
    finally:
        runtime.close()


@asynccontextmanager
async def connect(url: str, settings: Settings, *, migrated: bool = True) -> AsyncIterator[Database]:
    database = Database.connect(url, pool_size=2)
    try:
        if migrated:
            await migrate(database.engine)
        yield database
    finally:
        await database.dispose()


async def backup(url: str, settings: Settings, output: Path | None) -> Path:
    """One dump now: into the backups folder as the nightly job would (pruning included), or to
    ``output``."""
    async with connect(url, settings, migrated=False) as database:
        if output is not None:
            return await backups.create_backup(database, settings, output=output)
        return await backups.run_backup_job(database, settings)


async def restore(url: str, settings: Settings, dump: Path) -> str:
    """Replace the database with ``dump`` and migrate it; returns the dump's schema revision."""
    async with connect(url, settings, migrated=False) as database:
        return await backups.restore_backup(database, dump)


# -- immich-admin's commands ----------------------------------------------------------------------


async def reset_admin_password(database: Database, password: str | None) -> tuple[str, str]:
    """Set the first admin's password (a random one unless given); returns (email, password)."""
    chosen = password or secrets.token_urlsafe(18)
    async with database.session() as session:
        repository = UserRepository(session)
        admin = await repository.get_admin()
        if admin is None:
            raise NotFoundError("There is no admin user yet: sign up at the web page first")
        await repository.update(admin.id, password=hash_password(chosen))
        await session.commit()
        return admin.email, chosen


@dataclass(frozen=True)
class UserLine:
    id: str
    email: str
    name: str
    is_admin: bool
    created_at: datetime
    deleted_at: datetime | None


async def list_users(database: Database) -> list[UserLine]:
    async with database.session() as session:
        users = await UserRepository(session).list(with_deleted=True)
    return [
        UserLine(str(user.id), user.email, user.name, user.is_admin, user.created_at, user.deleted_at)
        for user in users
    ]


async def set_login_method(database: Database, settings: Settings, method: str, enabled: bool) -> None:
    """``method``: ``passwordLogin`` or ``oauth``, the system config sections immich-admin toggles."""
    async with database.session() as session:
        await system_config.update_config(session, settings, {method: {"enabled": enabled}})
