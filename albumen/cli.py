"""The ``albumen`` command."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

import click

from albumen.cli_ops import COMMANDS
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


@main.command()
@data_dir_option
def worker(data_dir: Path | None) -> None:
    """Run only the background workers and the nightly schedule, against the server's database (an
    external one via DB_URL/DB_HOSTNAME, or the embedded one of a running `albumen serve` on this host)."""
    settings = _settings(data_dir=data_dir)
    from albumen.worker import run_standalone

    try:
        run_standalone(settings)
    except Exception as error:
        _fail(error)


@main.command()
@click.option("--host", help="Address to listen on (env MACHINE_LEARNING_HOST, default 0.0.0.0).")
@click.option("--port", type=int, help="Port to listen on (env MACHINE_LEARNING_PORT, default 3003).")
def ml(host: str | None, port: int | None) -> None:
    """Run the machine-learning service (Immich's /predict contract: faces, OCR, CLIP)."""
    from albumen.ml.__main__ import run_ml_service
    from albumen.ml.settings import MlSettings

    settings = MlSettings()
    if host is not None:
        settings.host = host
    if port is not None:
        settings.port = port
    run_ml_service(settings)


def _fail(error: Exception) -> None:
    from albumen.db.embedded import DataDirInUseError, EmbeddedPostgresError
    from albumen.db.migrate import SchemaTooNewError
    from albumen.serve import ListenError
    from albumen.worker import WorkerStartError

    known = DataDirInUseError | EmbeddedPostgresError | SchemaTooNewError | ListenError | WorkerStartError
    if isinstance(error, known):
        click.echo(f"albumen: {error}", err=True)
        sys.exit(1)
    raise error


for _command in COMMANDS:  # healthcheck, backup, restore, admin (albumen/cli_ops.py)
    main.add_command(_command)


if __name__ == "__main__":  # pragma: no cover - `python -m albumen.cli`
    main()
