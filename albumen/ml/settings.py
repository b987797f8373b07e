"""Settings of the ML service, read from ``MACHINE_LEARNING_*`` variables as Immich's service reads them.

Nested values use ``__``: ``MACHINE_LEARNING_PRELOAD__CLIP__TEXTUAL=ViT-B-32__openai`` preloads that
model at start-up (a comma-separated list loads several).
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel
from pydantic_settings import BaseSettings, SettingsConfigDict


class ClipPreload(BaseModel):
    textual: str | None = None
    visual: str | None = None


class TwoStagePreload(BaseModel):
    detection: str | None = None
    recognition: str | None = None


class PreloadModels(BaseModel):
    clip: ClipPreload = ClipPreload()
    facial_recognition: TwoStagePreload = TwoStagePreload()
    ocr: TwoStagePreload = TwoStagePreload()


def default_cache_folder() -> Path:
    return Path.home() / ".cache" / "immich_ml"


class MlSettings(BaseSettings):
    """Typed view of the ``MACHINE_LEARNING_*`` environment."""

    model_config = SettingsConfigDict(
        env_prefix="MACHINE_LEARNING_",
        case_sensitive=False,
        env_nested_delimiter="__",
        extra="ignore",
        protected_namespaces=("settings_",),
    )

    cache_folder: Path = default_cache_folder()
    #: Seconds a model may stay idle before it is unloaded; 0 keeps models loaded.
    model_ttl: int = 300
    model_ttl_poll_s: int = 10
    #: Threads that run inference; 0 runs it on the event loop (only sensible for tests).
    request_threads: int = os.cpu_count() or 4
    model_inter_op_threads: int = 0
    model_intra_op_threads: int = 0
    model_arena: bool = True
    preload: PreloadModels | None = None
    host: str = "0.0.0.0"
    port: int = 3003
