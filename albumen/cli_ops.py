"""Operator commands: ``albumen healthcheck``, ``backup``, ``restore`` and ``admin ...`` (immich-admin's).

They take the same ``--data-dir`` and database settings (``DB_URL``, ``DB_HOSTNAME``, ...) as
``albumen serve``. Added to the ``albumen`` group by :mod:`albumen.cli`.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from albumen.config import Settings, load_settings
from albumen.log import configure_logging

T = TypeVar("T")

data_dir_option = click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where Albumen keeps its database and media (env ALBUMEN_DATA_DIR).",
)


def _settings(**overrides: Any) -> Settings:
    try:
        settings = load_settings(**overrides)
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    configure_logging(settings.log_level, settings.log_format)
    return settings


@contextmanager
def _reported_errors(command: str) -> Iterator[None]:
    """Turn the failures an operator can act on into one line and exit status 1."""
    from albumen.db.dump import DumpError
    from albumen.db.embedded import DataDirInUseError, EmbeddedPostgresError
    from albumen.db.migrate import SchemaTooNewError
    from albumen.services.admin_cli import ServerRunningError
    from albumen.services.errors import DomainError

    try:
        yield
    except DomainError as error:
        click.echo(f"albumen {command}: {error.message}", err=True)
        sys.exit(1)
    except (
        DumpError,
        DataDirInUseError,
        EmbeddedPostgresError,
        SchemaTooNewError,
        ServerRunningError,
        OSError,
    ) as error:
        click.echo(f"albumen {command}: {error}", err=True)
        sys.exit(1)


@click.command()
@click.option(
    "--url", help="URL to check (default: this server's /api/server/ping on IMMICH_HOST/IMMICH_PORT)."
)
@click.option("--ml", is_flag=True, help="Check the machine-learning service's /ping instead.")
@click.option("--timeout", type=float, default=5.0, show_default=True, help="Seconds to wait for an answer.")
def healthcheck(url: str | None, ml: bool, timeout: float) -> None:
    """Exit 0 when the server (or ML service) answers, 1 otherwise: a container HEALTHCHECK."""
    from albumen.services.health import default_url, probe

    try:
        settings = load_settings()
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    healthy, detail = probe(url or default_url(settings, ml=ml), timeout)
    click.echo(detail, err=not healthy)
    sys.exit(0 if healthy else 1)


@click.command()
@data_dir_option
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the dump to FILE instead of <media>/backups/ (no pruning then).",
)
def backup(data_dir: Path | None, output: Path | None) -> None:
    """Dump the database now (beside a running server, too)."""
    from albumen.services import admin_cli

    settings = _settings(data_dir=data_dir)
    with _reported_errors("backup"), admin_cli.database_url(settings, beside_server=True) as url:
        path = asyncio.run(admin_cli.backup(url, settings, output))
    click.echo(f"Database backup written to {path}")


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@data_dir_option
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore(file: Path, data_dir: Path | None, yes: bool) -> None:
    """Replace the database with the dump FILE (.sql.gz), then migrate it to this version."""
    from albumen.services import admin_cli, backups

    settings = _settings(data_dir=data_dir)
    with _reported_errors("restore"):
        revision = backups.check_restorable(file)
    if not yes:
        click.confirm(
            f"Replace everything in the database {settings.db_database_name!r} with {file.name}?", abort=True
        )
    with _reported_errors("restore"), admin_cli.database_url(settings, beside_server=False) as url:
        asyncio.run(admin_cli.restore(url, settings, file))
    click.echo(f"Restored {file.name} (schema revision {revision}), migrated to this version.")


@click.group()
def admin() -> None:
    """Administrative tasks on the database, like immich-admin (they work beside a running server)."""


def _on_database(command: str, settings: Settings, action: Callable[[Any], Awaitable[T]]) -> T:
    from albumen.services import admin_cli

    async def run(url: str) -> T:
        async with admin_cli.connect(url, settings) as database:
            return await action(database)

    with _reported_errors(f"admin {command}"), admin_cli.database_url(settings, beside_server=True) as url:
        return asyncio.run(run(url))


@admin.command("reset-admin-password")
@data_dir_option
@click.option("--password", help="The new password (default: a random one, printed).")
def reset_admin_password(data_dir: Path | None, password: str | None) -> None:
    """Set a new password for the admin account."""
    from albumen.services import admin_cli

    settings = _settings(data_dir=data_dir)
    email, chosen = _on_database(
        "reset-admin-password", settings, lambda db: admin_cli.reset_admin_password(db, password)
    )
    if password:
        click.echo(f"The password of the admin {email} has been updated.")
    else:
        click.echo(f"The password of the admin {email} has been updated to:\n{chosen}")


@admin.command("list-users")
@data_dir_option
def list_users(data_dir: Path | None) -> None:
    """List every user account (deleted ones included)."""
    from albumen.services import admin_cli

    settings = _settings(data_dir=data_dir)
    users = _on_database("list-users", settings, admin_cli.list_users)
    for user in users:
        flags = ["admin"] if user.is_admin else []
        if user.deleted_at is not None:
            flags.append(f"deleted {user.deleted_at:%Y-%m-%d}")
        click.echo(
            f"{user.id}  {user.email}  {user.name!r}  created {user.created_at:%Y-%m-%d}  {' '.join(flags)}"
        )


def _login_switch(name: str, method: str, enabled: bool, label: str) -> click.Command:
    @admin.command(name)
    @data_dir_option
    def command(data_dir: Path | None) -> None:
        from albumen.services import admin_cli

        settings = _settings(data_dir=data_dir)
        _on_database(name, settings, lambda db: admin_cli.set_login_method(db, settings, method, enabled))
        click.echo(f"{label} {'enabled' if enabled else 'disabled'}.")

    command.__doc__ = (
        f"{'Allow' if enabled else 'Forbid'} {label.lower().replace('oauth', 'OAuth')} (system config)."
    )
    command.help = command.__doc__
    return command


for _name, _method, _enabled, _label in (
    ("enable-password-login", "passwordLogin", True, "Password login"),
    ("disable-password-login", "passwordLogin", False, "Password login"),
    ("enable-oauth-login", "oauth", True, "OAuth login"),
    ("disable-oauth-login", "oauth", False, "OAuth login"),
):
    _login_switch(_name, _method, _enabled, _label)

#: What ``albumen.cli`` adds to the ``albumen`` group.
COMMANDS: tuple[click.Command, ...] = (healthcheck, backup, restore, admin)
