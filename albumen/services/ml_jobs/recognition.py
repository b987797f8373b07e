"""``FacialRecognition(QueueAll)``: Immich's incremental clustering of faces into people.

A face with at least ``minFaces`` neighbours (itself included) within ``maxDistance`` is a core face:
it joins the person of a neighbour, or of the nearest face that has one, or else founds a new person.
A face with fewer neighbours is looked at once more at the end of the queue (``deferred``); then it
only joins an existing person. Faces still unassigned are reconsidered by the queue-all run (after
each detection batch and nightly), when more faces like them may exist.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.repositories.cleanup import CleanupRepository
from albumen.db.repositories.faces import ML_SOURCE, FaceRepository
from albumen.db.repositories.people import PersonRepository
from albumen.db.repositories.system_metadata import SystemMetadataRepository
from albumen.jobs import JobContext, JobName, QueueName, enqueue, enqueue_many, queue_states
from albumen.services.ml_jobs.faces import face_recognition_enabled
from albumen.services.pipeline.chain import QUEUE_ALL_BATCH
from albumen.services.pipeline.context import Pipeline, asset_id_of

STATE_KEY = "facial-recognition-state"
#: Queues whose work must be done before faces are clustered (Immich's waitForQueueCompletion).
FEEDING_QUEUES = (QueueName.THUMBNAIL_GENERATION, QueueName.FACE_DETECTION)
WAIT_POLL_S = 1.0
WAIT_LIMIT_S = 600.0


async def recognize_face_job(ctx: JobContext, pipeline: Pipeline) -> None:
    config = await pipeline.config()
    if not face_recognition_enabled(config):
        return
    settings = config.machineLearning.facialRecognition
    face_id = asset_id_of(ctx.data)
    deferred = bool(ctx.data.get("deferred"))
    async with ctx.database.session() as db, db.begin():
        faces = FaceRepository(db)
        found = await faces.for_recognition(face_id)
        if found is None or found.face.source_type != ML_SOURCE or found.face.person_id is not None:
            return
        if found.embedding is None or found.dim is None:
            return
        owners = [found.owner_id]
        matches = await faces.search(
            owners, found.embedding, found.dim, max_distance=settings.maxDistance, limit=settings.minFaces
        )
        # The matches include the face itself.
        if settings.minFaces > 1 and len(matches) <= 1:
            return
        is_core = len(matches) >= settings.minFaces and found.asset_visibility != "archive"
        if not is_core and not deferred:
            await enqueue(
                db,
                JobName.FACIAL_RECOGNITION,
                {"id": str(face_id), "deferred": True},
                dedupe_key=f"{face_id}:late",
            )
            return
        person_id = next((match.person_id for match in matches if match.person_id is not None), None)
        if person_id is None:
            nearest = await faces.search(
                owners,
                found.embedding,
                found.dim,
                max_distance=settings.maxDistance,
                limit=1,
                has_person=True,
            )
            person_id = nearest[0].person_id if nearest else None
        if person_id is None and is_core:
            person = await PersonRepository(db).create(found.owner_id, face_asset_id=face_id)
            person_id = person.id
            await enqueue(
                db, JobName.PERSON_GENERATE_THUMBNAIL, {"id": str(person_id)}, dedupe_key=str(person_id)
            )
        if person_id is not None:
            await faces.assign([face_id], person_id)


async def queue_all_job(ctx: JobContext, pipeline: Pipeline) -> None:
    """``FacialRecognitionQueueAll {force, nightly}``: queue recognition of the faces without a person
    (all machine-found faces, unassigned first, with ``force``). The nightly run (queued by the cron
    without data) does nothing when no face was added since the last run."""
    config = await pipeline.config()
    if not face_recognition_enabled(config):
        return
    force = bool(ctx.data.get("force"))
    nightly = bool(ctx.data.get("nightly", "force" not in ctx.data))
    await _wait_for_detection(ctx)
    async with ctx.database.session() as db, db.begin():
        if nightly and not force and not await _faces_added_since_last_run(db):
            return
        if force:
            await FaceRepository(db).unassign_ml_faces()
            await CleanupRepository(db).delete_people_without_faces()
    last_run = datetime.now(UTC)
    after: uuid.UUID | None = None
    while True:
        async with ctx.database.session() as db, db.begin():
            faces = FaceRepository(db)
            if force:
                ids = await faces.all_ml_face_ids(after, QUEUE_ALL_BATCH)
            else:
                ids = await faces.unassigned_ml_face_ids(after, QUEUE_ALL_BATCH)
            if not ids:
                break
            await enqueue_many(
                db,
                JobName.FACIAL_RECOGNITION,
                [{"id": str(face_id), "deferred": False} for face_id in ids],
                dedupe_keys=[str(face_id) for face_id in ids],
            )
        after = ids[-1]
    async with ctx.database.session() as db, db.begin():
        await SystemMetadataRepository(db).set(STATE_KEY, {"lastRun": last_run.isoformat()})


async def _wait_for_detection(ctx: JobContext) -> None:
    """Until thumbnails and face detection have nothing due or running (jobs waiting for an
    unreachable service are delayed, not due, so they do not hold this up)."""
    deadline = time.monotonic() + WAIT_LIMIT_S
    while time.monotonic() < deadline:
        async with ctx.database.session() as db:
            states = await queue_states(db)
        busy = sum(
            states[queue].statistics.active + states[queue].statistics.waiting for queue in FEEDING_QUEUES
        )
        if busy == 0:
            return
        await asyncio.sleep(WAIT_POLL_S)


async def _faces_added_since_last_run(db: AsyncSession) -> bool:
    state = await SystemMetadataRepository(db).get(STATE_KEY)
    latest = await FaceRepository(db).latest_face_date()
    if not isinstance(state, dict) or "lastRun" not in state or latest is None:
        return True
    return latest > datetime.fromisoformat(state["lastRun"])
