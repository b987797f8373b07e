"""Faces with the bundled YuNet + SFace models (no buffalo_l in the cache)."""

from __future__ import annotations

import io

import httpx
import numpy as np
import pytest
from PIL import Image, ImageOps

from tests.ml import contract
from tests.ml.conftest import asset, jpeg, preview

NATURE = [
    "cyclamen_persicum.jpg",
    "el_torcal_rocks.jpg",
    "notocactus_minimus.jpg",
    "orychophragmus_violaceus.jpg",
    "polemonium_reptans.jpg",
    "prairie_falcon.jpg",
    "silver_fir.jpg",
    "tanners_ridge.jpg",
    "wood_anemones.jpg",
]


async def faces_of(client: httpx.AsyncClient, image: bytes, width: int, height: int) -> list[dict]:
    response = await client.post(
        "/predict", data=contract.entries(contract.FACES), files={"image": ("blob", image)}
    )
    assert response.status_code == 200, response.text
    return contract.check_faces(response.json(), width, height)


def vectors(faces: list[dict]) -> list[np.ndarray]:
    ordered = sorted(faces, key=lambda face: face["boundingBox"]["x1"])
    return [np.array(contract.embedding(face["embedding"])) for face in ordered]


async def test_portrait_has_two_faces_where_the_people_are(ml_client: httpx.AsyncClient) -> None:
    faces = await faces_of(ml_client, preview("metadata/faces/portrait.jpg"), 840, 700)
    assert len(faces) == 2
    boxes = sorted((face["boundingBox"] for face in faces), key=lambda box: box["x1"])
    # Marie Curie's face is left of centre, Pierre Curie's (in profile) right of it, both in the upper half.
    left, right = boxes
    assert (
        230 < left["x1"] < 300
        and 320 < left["x2"] < 390
        and 130 < left["y1"] < 190
        and 250 < left["y2"] < 310
    )
    assert (
        500 < right["x1"] < 560
        and 590 < right["x2"] < 650
        and 70 < right["y1"] < 130
        and 210 < right["y2"] < 270
    )
    assert all(face["score"] >= 0.7 for face in faces)
    assert all(len(contract.embedding(face["embedding"])) == 128 for face in faces)


async def test_rotated_copy_gives_the_same_people(ml_client: httpx.AsyncClient) -> None:
    portrait = vectors(await faces_of(ml_client, preview("metadata/faces/portrait.jpg"), 840, 700))
    rotated = vectors(
        await faces_of(ml_client, preview("metadata/faces/portrait-orientation-6.jpg"), 840, 700)
    )
    assert len(portrait) == len(rotated) == 2
    similarity = np.array(
        [[a @ b / np.linalg.norm(a) / np.linalg.norm(b) for b in rotated] for a in portrait]
    )
    assert similarity[0, 0] > 0.9 and similarity[1, 1] > 0.9
    assert similarity[0, 1] < 0.4 and similarity[1, 0] < 0.4


async def test_boxes_are_in_pixels_of_the_sent_image(ml_client: httpx.AsyncClient) -> None:
    with Image.open(asset("metadata/faces/portrait.jpg")) as image:
        half = image.resize((420, 350))
    full = await faces_of(ml_client, preview("metadata/faces/portrait.jpg"), 840, 700)
    small = await faces_of(ml_client, jpeg(half), 420, 350)
    assert len(small) == 2
    for big, little in zip(
        sorted(full, key=lambda f: f["boundingBox"]["x1"]),
        sorted(small, key=lambda f: f["boundingBox"]["x1"]),
        strict=True,
    ):
        for key in ("x1", "y1", "x2", "y2"):
            assert abs(big["boundingBox"][key] / 2 - little["boundingBox"][key]) <= 6


async def test_sideways_image_gives_boxes_in_its_own_orientation(ml_client: httpx.AsyncClient) -> None:
    # Without the server's upright preview, the raw sideways pixels are what the boxes refer to.
    with Image.open(asset("metadata/faces/portrait-orientation-6.jpg")) as image:
        sideways = jpeg(image)
        width, height = image.size
    upright = await faces_of(ml_client, preview("metadata/faces/portrait-orientation-6.jpg"), 840, 700)
    response = await ml_client.post(
        "/predict", data=contract.entries(contract.FACES), files={"image": ("blob", sideways)}
    )
    body = response.json()
    contract.check_faces(body, width, height)
    assert len(upright) == 2


@pytest.mark.parametrize("name", NATURE)
async def test_no_faces_on_nature_photos(ml_client: httpx.AsyncClient, name: str) -> None:
    with Image.open(asset(f"albums/nature/{name}")) as image:
        upright = ImageOps.exif_transpose(image)
        width, height = upright.size
        data = io.BytesIO()
        upright.convert("RGB").save(data, "JPEG", quality=92)
    assert await faces_of(ml_client, data.getvalue(), width, height) == []


async def test_min_score_option_filters_faces(ml_client: httpx.AsyncClient) -> None:
    strict = {
        "facial-recognition": {
            "detection": {"modelName": "buffalo_l", "options": {"minScore": 0.9}},
            "recognition": {"modelName": "buffalo_l"},
        }
    }
    response = await ml_client.post(
        "/predict",
        data=contract.entries(strict),
        files={"image": ("blob", preview("metadata/faces/portrait.jpg"))},
    )
    faces = contract.check_faces(response.json(), 840, 700)
    assert len(faces) == 1 and faces[0]["score"] >= 0.9
