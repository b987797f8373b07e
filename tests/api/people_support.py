"""Seeding people and faces straight into the database (as Immich's e2e tests do with SQL), so the
people and faces APIs can be tested without running the machine-learning pipeline."""

from __future__ import annotations

import uuid

import httpx

from albumen.db.engine import Database
from albumen.db.tables import AssetFace, Person
from tests.conftest import TESTDATA
from tests.helpers import LoggedIn, upload_asset

PHOTO = TESTDATA / "immich-test-assets" / "albums/nature/silver_fir.jpg"


async def new_asset(client: httpx.AsyncClient, user: LoggedIn) -> str:
    """A distinct asset (the same photo with a different trailing byte, so it is no duplicate)."""
    content = PHOTO.read_bytes() + uuid.uuid4().bytes
    response = await upload_asset(client, user, PHOTO, content=content, filename=f"{uuid.uuid4()}.jpg")
    assert response.status_code == 201, response.text
    asset_id: str = response.json()["id"]
    return asset_id


async def add_person(database: Database, user: LoggedIn, name: str = "", **values: object) -> str:
    """A person as the recognition job leaves them: with a thumbnail (a path; no file behind it)."""
    values.setdefault("thumbnail_path", f"thumbs/{user.user_id}/people/{uuid.uuid4()}.jpeg")
    async with database.session() as db, db.begin():
        person = Person(owner_id=uuid.UUID(user.user_id), name=name, **values)
        db.add(person)
        await db.flush()
        return str(person.id)


async def add_face(database: Database, asset_id: str, person_id: str | None, x: int = 10) -> str:
    async with database.session() as db, db.begin():
        face = AssetFace(
            asset_id=uuid.UUID(asset_id),
            person_id=uuid.UUID(person_id) if person_id else None,
            image_width=800,
            image_height=600,
            bounding_box_x1=x,
            bounding_box_y1=20,
            bounding_box_x2=x + 100,
            bounding_box_y2=140,
            source_type="machine-learning",
        )
        db.add(face)
        await db.flush()
        if person_id:
            person = await db.get(Person, uuid.UUID(person_id))
            assert person is not None
            if person.face_asset_id is None:
                person.face_asset_id = face.id
        return str(face.id)
