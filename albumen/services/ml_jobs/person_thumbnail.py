"""``PersonGenerateThumbnail``: a person's face cropped from the preview of their feature photo."""

from __future__ import annotations

import io
import uuid
from pathlib import Path

from PIL import Image

from albumen.db.repositories.asset_pipeline import AssetPipelineRepository
from albumen.db.repositories.faces import FaceRepository
from albumen.db.repositories.people import PersonRepository
from albumen.jobs import JobContext
from albumen.services.events import emit
from albumen.services.pipeline.context import Pipeline, asset_id_of
from albumen.storage.base import StorageFolder, make_key

#: Immich's FACE_THUMBNAIL_SIZE.
FACE_THUMBNAIL_SIZE = 250


def person_thumbnail_key(owner_id: uuid.UUID, person_id: uuid.UUID) -> str:
    """``thumbs/<userId>/<pe>/<rs>/<personId>.jpeg``, Immich's layout."""
    text = str(person_id)
    return make_key(StorageFolder.THUMBNAILS, str(owner_id), text[0:2], text[2:4], f"{text}.jpeg")


def square_crop(
    box: tuple[int, int, int, int], face_size: tuple[int, int], image_size: tuple[int, int]
) -> tuple[int, int, int, int]:
    """A square around the face, 10% larger than its longer side, kept inside the image (Immich's
    crop). ``box`` is in pixels of a ``face_size`` image; the result in pixels of ``image_size``."""
    x1, y1, x2, y2 = box
    width_scale = image_size[0] / (face_size[0] or image_size[0])
    height_scale = image_size[1] / (face_size[1] or image_size[1])
    half_width = width_scale * (x2 - x1) / 2
    half_height = height_scale * (y2 - y1) / 2
    middle_x = round(width_scale * x1 + half_width)
    middle_y = round(height_scale * y1 + half_height)
    target = int(max(half_width, half_height) * 1.1)
    half = min(
        middle_x - max(0, middle_x - target),
        middle_y - max(0, middle_y - target),
        min(image_size[0] - 1, middle_x + target) - middle_x,
        min(image_size[1] - 1, middle_y + target) - middle_y,
    )
    half = max(half, 1)
    return middle_x - half, middle_y - half, middle_x + half, middle_y + half


def crop_face(
    preview_path: str, box: tuple[int, int, int, int], face_size: tuple[int, int], target: str, quality: int
) -> None:
    """Runs in the worker's process pool: crop, shrink to 250 px and write a JPEG."""
    with Image.open(preview_path) as image:
        region = square_crop(box, face_size, image.size)
        face = image.convert("RGB").crop(region)
    face.thumbnail((FACE_THUMBNAIL_SIZE, FACE_THUMBNAIL_SIZE), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    face.save(buffer, "JPEG", quality=quality)
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    Path(target).write_bytes(buffer.getvalue())


async def generate_person_thumbnail_job(ctx: JobContext, pipeline: Pipeline) -> None:
    config = await pipeline.config()
    person_id = asset_id_of(ctx.data)
    async with ctx.database.session() as db:
        people = PersonRepository(db)
        person = await people.get(person_id)
        if person is None or person.face_asset_id is None:
            return
        face = await FaceRepository(db).get(person.face_asset_id)
        if face is None:
            return
        preview = (await AssetPipelineRepository(db).files(face.asset_id)).get("preview")
    if preview is None:
        return
    key = person_thumbnail_key(person.owner_id, person.id)
    box = (face.bounding_box_x1, face.bounding_box_y1, face.bounding_box_x2, face.bounding_box_y2)
    await ctx.run_cpu(
        crop_face,
        str(pipeline.storage.local_path(preview)),
        box,
        (face.image_width, face.image_height),
        str(pipeline.storage.local_path(key)),
        config.image.thumbnail.quality,
    )
    async with ctx.database.session() as db, db.begin():
        await PersonRepository(db).set_thumbnail(person.id, key)
        await emit(db, "on_person_thumbnail", [person.owner_id], str(person.id))
