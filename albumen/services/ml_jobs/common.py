"""What the machine-learning jobs share: the client, the preview they send, waiting for the service."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import TypeVar

from albumen.db.repositories.asset_pipeline import AssetPipelineRepository
from albumen.db.tables import Asset
from albumen.dto.config_admin import AdminConfigMachineLearningDto
from albumen.jobs import JobContext, RetryLater, SkipJob
from albumen.services.ml_client import (
    MachineLearningClient,
    MachineLearningModelUnavailable,
    MachineLearningUnavailable,
)
from albumen.services.pipeline.context import Pipeline

T = TypeVar("T")

#: How long a job waits before trying an unreachable service again (Immich's availability interval).
RETRY_UNAVAILABLE_S = 30.0


def ml_client(config: AdminConfigMachineLearningDto) -> MachineLearningClient:
    return MachineLearningClient.from_config(config)


async def or_wait(work: Awaitable[T]) -> T:
    """Await a call to the service; when none answers, the job waits (``RetryLater``) instead of failing.

    When the services answer but none has the model, the job is skipped (``SkipJob``): neither
    retried nor recorded as a failure on the asset. The client logs that once and
    ``/server/features`` reads false for it until the model is installed; "missing" runs catch up.
    """
    try:
        return await work
    except MachineLearningModelUnavailable as error:
        raise SkipJob(str(error)) from error
    except MachineLearningUnavailable as error:
        raise RetryLater(str(error), RETRY_UNAVAILABLE_S) from error


@dataclass(frozen=True)
class Preview:
    asset: Asset
    key: str
    data: bytes


async def load_preview(ctx: JobContext, pipeline: Pipeline, asset_id: uuid.UUID) -> Preview | None:
    """The asset's preview JPEG (what Immich sends to the service: the picture upright and shrunk), or
    None for an asset that is gone, hidden (a live photo's video half) or has no preview yet."""
    async with ctx.database.session() as db:
        repository = AssetPipelineRepository(db)
        loaded = await repository.get_with_exif(asset_id)
        if loaded is None:
            return None
        asset = loaded[0]
        key = (await repository.files(asset_id)).get("preview")
    if asset.visibility == "hidden" or asset.deleted_at is not None or key is None:
        return None
    try:
        data = await pipeline.storage.read(key)
    except FileNotFoundError:
        return None
    return Preview(asset, key, data)
