"""Immich's buffalo_* face models are used when they are in the model cache (stand-ins with their I/O)."""

from __future__ import annotations

from pathlib import Path

import httpx
import numpy as np
from PIL import Image

from albumen.ml.app import create_app
from albumen.ml.models.insightface import nms
from albumen.ml.settings import MlSettings
from tests.ml import contract
from tests.ml.conftest import jpeg
from tests.ml.tiny_models import FAKE_FACE_SCORE


async def faces(cache: Path, image: Image.Image, model_name: str = "buffalo_l") -> dict:
    request = {
        "facial-recognition": {
            "detection": {"modelName": model_name, "options": {"minScore": 0.7}},
            "recognition": {"modelName": model_name},
        }
    }
    app = create_app(MlSettings(cache_folder=cache, request_threads=1, model_ttl=0))
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://ml") as client:
            response = await client.post(
                "/predict", data=contract.entries(request), files={"image": ("blob", jpeg(image))}
            )
    finally:
        app.state.ml.close()
    assert response.status_code == 200, response.text
    return response.json()


async def test_retinaface_outputs_are_decoded_into_pixel_boxes(buffalo_cache: Path) -> None:
    body = await faces(buffalo_cache, Image.new("RGB", (640, 640), (90, 120, 150)))
    found = contract.check_faces(body, 640, 640)
    assert len(found) == 1
    # Stride-8 cell (row 10, column 20) is centred at (160, 80); distances (2, 3, 4, 5) x 8.
    assert found[0]["boundingBox"] == {"x1": 144, "y1": 56, "x2": 192, "y2": 120}
    assert abs(found[0]["score"] - FAKE_FACE_SCORE) < 1e-6
    assert len(contract.embedding(found[0]["embedding"])) == 512


async def test_boxes_scale_back_to_the_sent_image(buffalo_cache: Path) -> None:
    body = await faces(buffalo_cache, Image.new("RGB", (1280, 960), (90, 120, 150)))
    found = contract.check_faces(body, 1280, 960)
    assert found[0]["boundingBox"] == {"x1": 288, "y1": 112, "x2": 384, "y2": 240}


async def test_other_names_fall_back_to_the_bundled_models(buffalo_cache: Path) -> None:
    body = await faces(buffalo_cache, Image.new("RGB", (640, 640), (90, 120, 150)), model_name="antelopev2")
    assert contract.check_faces(body, 640, 640) == []


def test_nms_keeps_the_best_of_overlapping_boxes() -> None:
    boxes = np.array([[0, 0, 10, 10], [1, 1, 11, 11], [50, 50, 60, 60]], np.float32)
    scores = np.array([0.8, 0.9, 0.7], np.float32)
    assert nms(boxes, scores, 0.4) == [1, 2]
