"""``python -m albumen.ml``: run the ML service on ``MACHINE_LEARNING_HOST``:``MACHINE_LEARNING_PORT``."""

from __future__ import annotations

import os

import uvicorn

from albumen.ml.app import create_app
from albumen.ml.settings import MlSettings

#: IMMICH_LOG_LEVEL (Immich's names, as its ML container reads them) -> uvicorn's levels.
LOG_LEVELS = {"verbose": "trace", "debug": "debug", "log": "info", "warn": "warning", "error": "error"}


def run_ml_service(settings: MlSettings | None = None, log_level: str | None = None) -> None:
    """Serve the ML API until interrupted (the ``albumen ml`` command calls this).

    ``log_level`` takes Immich's names (``log``, ``warn``…); by default ``IMMICH_LOG_LEVEL``.
    Each request is logged only at ``debug`` and ``verbose``.
    """
    settings = settings or MlSettings()
    level = LOG_LEVELS.get((log_level or os.environ.get("IMMICH_LOG_LEVEL") or "log").lower(), "info")
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level=level,
        access_log=level in ("debug", "trace"),
    )


if __name__ == "__main__":
    run_ml_service()
