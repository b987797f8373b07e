"""The ``albumen`` command."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

import click

from albumen.config import Settings, load_settings
from albumen.log import configure_logging
from albumen.version import ALBUMEN_VERSION, IMMICH_API_VERSION_STRING

logger = logging.getLogger("albumen")

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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(ALBUMEN_VERSION, prog_name=f"albumen (Immich API {IMMICH_API_VERSION_STRING})")
def main() -> None:
    """Albumen: a self-hosted photo and video library that speaks Immich's API."""


@main.command()
@data_dir_option
@click.option("--host", help="Address to listen on (env IMMICH_HOST, default 0.0.0.0).")
@click.option("--port", type=int, help="Port to listen on (env IMMICH_PORT, default 2283).")
def serve(data_dir: Path | None, host: str | None, port: int | None) -> None:
    """Run the API server (with the embedded PostgreSQL unless DB_URL/DB_HOSTNAME is set)."""
    settings = _settings(data_dir=data_dir, host=host, port=port)
    from albumen.serve import run_server  # imported late: keeps `albumen --help` fast

    try:
        run_server(settings)
    except Exception as error:
        _fail(error)


def _fail(error: Exception) -> None:
    from albumen.db.embedded import DataDirInUseError, EmbeddedPostgresError
    from albumen.db.migrate import SchemaTooNewError

    if isinstance(error, DataDirInUseError | EmbeddedPostgresError | SchemaTooNewError):
        click.echo(f"albumen: {error}", err=True)
        sys.exit(1)
    raise error


if __name__ == "__main__":  # pragma: no cover - `python -m albumen.cli`
    main()
