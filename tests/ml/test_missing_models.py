"""What the service does with Immich's default model names when those models are not in its cache."""

from __future__ import annotations

import io
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from PIL import Image

from albumen.ml.app import create_app
from albumen.ml.settings import MlSettings
from tests.ml import contract
from tests.ml.conftest import preview


@pytest.fixture
async def empty_cache_client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    """The service over an empty model cache, with the hub unreachable (HF_HUB_OFFLINE, tests/ml)."""
    app = create_app(MlSettings(cache_folder=tmp_path / "cache", request_threads=1, model_ttl=0))
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://ml") as client:
            yield client
    finally:
        app.state.ml.close()


async def test_buffalo_l_falls_back_to_the_bundled_face_models_and_says_so(
    empty_cache_client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="albumen.ml")
    image = preview("metadata/faces/portrait.jpg")
    response = await empty_cache_client.post(
        "/predict", data=contract.entries(contract.FACES), files={"image": ("blob", image)}
    )
    assert response.status_code == 200, response.text
    width, height = Image.open(io.BytesIO(image)).size
    faces = contract.check_faces(response.json(), width, height)
    assert len(faces) == 2
    assert {len(contract.embedding(face["embedding"])) for face in faces} == {128}  # SFace, not ArcFace
    fallbacks = [record.getMessage() for record in caplog.records if "buffalo_l" in record.getMessage()]
    assert any("YuNet" in message for message in fallbacks)
    assert any("SFace" in message for message in fallbacks)


@pytest.mark.parametrize("half", ["visual", "textual"])
async def test_a_clip_model_not_in_the_cache_is_404_and_logged_once(
    empty_cache_client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture, half: str
) -> None:
    caplog.set_level(logging.WARNING, logger="albumen.ml")
    for _ in range(3):
        if half == "visual":
            response = await empty_cache_client.post(
                "/predict",
                data=contract.entries(contract.CLIP_VISUAL),
                files={"image": ("blob", preview("albums/nature/silver_fir.jpg", side=256))},
            )
        else:
            response = await empty_cache_client.post(
                "/predict", data={**contract.entries(contract.CLIP_TEXTUAL), "text": "a dog"}
            )
        # 404, not 5xx: the service works, it lacks this model (the server then skips CLIP work).
        assert response.status_code == 404
        detail = response.json()["detail"]
        assert "ViT-B-32__openai" in detail and "MACHINE_LEARNING_CACHE_FOLDER" in detail
    warnings = [record for record in caplog.records if "not in the model cache" in record.getMessage()]
    assert len(warnings) == 1  # one warning (and one download try) per model, not one per request
