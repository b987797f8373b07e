"""``AssetDetectFaces(QueueAll)``: faces on an asset's preview, with their embeddings.

The preview is already upright, so the service's boxes are in the displayed orientation; they are
stored in pixels of the preview with its size (``image_width``/``image_height``), as Immich does. A
re-run keeps faces that overlap a new detection (their person stays), drops machine-found faces no
longer detected and adds the new ones, which are then queued for recognition.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from albumen.db.repositories.assets import AssetRepository
from albumen.db.repositories.cleanup import CleanupRepository
from albumen.db.repositories.faces import ML_SOURCE, FaceRepository, NewFace
from albumen.db.tables import AssetFace
from albumen.dto.config_admin import AdminConfig
from albumen.jobs import JobContext, JobName, enqueue, enqueue_many
from albumen.services.ml_client import DetectedFaces, FaceDetection
from albumen.services.ml_jobs.common import load_preview, ml_client, or_wait
from albumen.services.pipeline import chain
from albumen.services.pipeline.context import Pipeline, asset_id_of

#: A stored face and a new detection with more overlap than this are the same face.
SAME_FACE_IOU = 0.5


def face_recognition_enabled(config: AdminConfig) -> bool:
    ml = config.machineLearning
    return ml.enabled and ml.facialRecognition.enabled


def iou(face: AssetFace, box: tuple[float, float, float, float]) -> float:
    x1, y1 = max(face.bounding_box_x1, box[0]), max(face.bounding_box_y1, box[1])
    x2, y2 = min(face.bounding_box_x2, box[2]), min(face.bounding_box_y2, box[3])
    intersection = max(0.0, x2 - x1) * max(0.0, y2 - y1)
    area_face = (face.bounding_box_x2 - face.bounding_box_x1) * (face.bounding_box_y2 - face.bounding_box_y1)
    area_box = (box[2] - box[0]) * (box[3] - box[1])
    union = area_face + area_box - intersection
    return intersection / union if union > 0 else 0.0


async def detect_faces_job(ctx: JobContext, pipeline: Pipeline) -> None:
    config = await pipeline.config()
    if not face_recognition_enabled(config):
        return
    asset_id = asset_id_of(ctx.data)
    preview = await load_preview(ctx, pipeline, asset_id)
    if preview is None:
        return
    settings = config.machineLearning.facialRecognition
    detected = await or_wait(
        ml_client(config.machineLearning).detect_faces(preview.data, settings.modelName, settings.minScore)
    )
    async with ctx.database.session() as db, db.begin():
        faces = FaceRepository(db)
        added = await _refresh_faces(faces, asset_id, detected)
        await AssetRepository(db).update_job_status(asset_id, faces_recognized_at=datetime.now(UTC))
        if added:
            await enqueue_many(
                db,
                JobName.FACIAL_RECOGNITION,
                [{"id": str(face_id)} for face_id in added],
                dedupe_keys=[str(face_id) for face_id in added],
            )
            # Faces left alone earlier (too few like them) are looked at again once detection is done.
            await enqueue(
                db, JobName.FACIAL_RECOGNITION_QUEUE_ALL, {"force": False}, dedupe_key="after-detection"
            )


async def _refresh_faces(
    faces: FaceRepository, asset_id: uuid.UUID, detected: DetectedFaces
) -> list[uuid.UUID]:
    existing = await faces.ml_faces_of_asset(asset_id)
    unmatched = {face.id for face in existing}
    reference = existing[0] if existing else None
    width_scale = detected.image_width / (reference.image_width or 1) if reference else 1.0
    height_scale = detected.image_height / (reference.image_height or 1) if reference else 1.0
    to_add: list[NewFace] = []
    embeddings: list[tuple[uuid.UUID, list[float] | None]] = []
    for found in detected.faces:
        scaled = (
            found.x1 / width_scale,
            found.y1 / height_scale,
            found.x2 / width_scale,
            found.y2 / height_scale,
        )
        match = next((face for face in existing if iou(face, scaled) > SAME_FACE_IOU), None)
        if match is not None:
            if match.id in unmatched:
                unmatched.discard(match.id)
                embeddings.append((match.id, found.embedding))
            continue
        to_add.append(_new_face(asset_id, detected, found))
    await faces.delete(sorted(unmatched))
    await faces.set_embeddings(embeddings)
    await faces.add(to_add)
    return [face.id for face in to_add]


def _new_face(asset_id: uuid.UUID, detected: DetectedFaces, found: FaceDetection) -> NewFace:
    width, height = detected.image_width, detected.image_height
    return NewFace(
        id=uuid.uuid4(),
        asset_id=asset_id,
        image_width=width,
        image_height=height,
        x1=max(0, min(width, round(found.x1))),
        y1=max(0, min(height, round(found.y1))),
        x2=max(0, min(width, round(found.x2))),
        y2=max(0, min(height, round(found.y2))),
        score=found.score,
        embedding=found.embedding,
        source_type=ML_SOURCE,
    )


async def queue_all_job(ctx: JobContext, pipeline: Pipeline) -> None:
    """``AssetDetectFacesQueueAll {force}``: with ``force`` machine-found faces are dropped and every
    visible asset is queued; otherwise only assets never scanned for faces."""
    config = await pipeline.config()
    if not face_recognition_enabled(config):
        return
    force = bool(ctx.data.get("force"))
    if force:
        async with ctx.database.session() as db, db.begin():
            await FaceRepository(db).delete_ml_faces()
            await CleanupRepository(db).delete_people_without_faces()
    await chain.queue_for_all_assets(
        ctx.database,
        JobName.ASSET_DETECT_FACES,
        force=force,
        pending_step="faces_recognized_at",
        with_hidden=False,
    )
