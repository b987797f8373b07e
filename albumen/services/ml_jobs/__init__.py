"""The server's machine-learning jobs (NOTES.md §5, §7): face detection, facial recognition, person
thumbnails and OCR, all sending the asset's preview to the services of ``machineLearning.urls``
through :class:`albumen.services.ml_client.MachineLearningClient`.

When no service answers, a job waits (``RetryLater``, the attempt not counted) instead of failing.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from albumen.jobs import JobContext, JobName, JobRegistry, RetryPolicy
from albumen.services.ml_jobs import faces, ocr, person_thumbnail, recognition
from albumen.services.pipeline.chain import queue_asset_job
from albumen.services.pipeline.context import PIPELINE_RETRY, Pipeline

MlHandler = Callable[[JobContext, Pipeline], Awaitable[None]]
ONCE = RetryPolicy(max_attempts=1)

HANDLERS: dict[JobName, tuple[MlHandler, RetryPolicy]] = {
    JobName.ASSET_DETECT_FACES: (faces.detect_faces_job, PIPELINE_RETRY),
    JobName.ASSET_DETECT_FACES_QUEUE_ALL: (faces.queue_all_job, ONCE),
    JobName.FACIAL_RECOGNITION: (recognition.recognize_face_job, PIPELINE_RETRY),
    JobName.FACIAL_RECOGNITION_QUEUE_ALL: (recognition.queue_all_job, ONCE),
    JobName.PERSON_GENERATE_THUMBNAIL: (person_thumbnail.generate_person_thumbnail_job, PIPELINE_RETRY),
    JobName.OCR: (ocr.ocr_job, PIPELINE_RETRY),
    JobName.OCR_QUEUE_ALL: (ocr.queue_all_job, ONCE),
}


def ml_registry(pipeline: Pipeline) -> JobRegistry:
    """The handlers above bound to the worker's pipeline (merged via ``FEATURE_REGISTRIES``)."""
    registry = JobRegistry()
    for name, (handler, retry) in HANDLERS.items():
        registry.register(name, _bind(handler, pipeline), retry=retry)
    return registry


def _bind(handler: MlHandler, pipeline: Pipeline) -> Callable[[JobContext], Awaitable[None]]:
    @functools.wraps(handler)
    async def run(ctx: JobContext) -> None:
        await handler(ctx, pipeline)

    return run


async def queue_faces_and_ocr(db: AsyncSession, asset_id: uuid.UUID, asset_type: str) -> None:
    """Immich's fan-out after thumbnails: faces and text (each job skips itself when disabled); one of
    ``chain.AFTER_THUMBNAILS_HOOKS``."""
    del asset_type
    await queue_asset_job(db, JobName.ASSET_DETECT_FACES, asset_id)
    await queue_asset_job(db, JobName.OCR, asset_id)


__all__ = ["HANDLERS", "ml_registry", "queue_faces_and_ocr"]
