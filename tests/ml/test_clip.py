"""CLIP through Immich's model layout, on the tiny stand-in model built by ``tiny_models``."""

from __future__ import annotations

import json
import shutil
from io import BytesIO
from pathlib import Path

import httpx
import numpy as np
import onnxruntime as ort
import pytest
from PIL import Image

from albumen.ml.app import create_app
from albumen.ml.settings import MlSettings
from tests.ml import contract
from tests.ml.conftest import asset, jpeg, preview
from tests.ml.tiny_models import (
    CLIP_NAME,
    CONTEXT_LENGTH,
    EMBED_DIM,
    IMAGE_SIZE,
    PREPROCESS_CFG,
    build_tiny_clip,
)


def reference_preprocess(image: Image.Image) -> np.ndarray:
    """open_clip's transform written out independently: shorter side to size, centre crop, normalise."""
    width, height = image.size
    scale = IMAGE_SIZE / min(width, height)
    resized = image.resize((int(width * scale), int(height * scale)), Image.Resampling.BICUBIC)
    left = int(resized.width / 2 - IMAGE_SIZE / 2)
    top = int(resized.height / 2 - IMAGE_SIZE / 2)
    cropped = np.asarray(resized.crop((left, top, left + IMAGE_SIZE, top + IMAGE_SIZE)), np.float32) / 255
    normalised = (cropped - np.array(PREPROCESS_CFG["mean"], np.float32)) / np.array(
        PREPROCESS_CFG["std"], np.float32
    )
    return normalised.transpose(2, 0, 1)[None].astype(np.float32)


async def clip_image(client: httpx.AsyncClient, image: bytes) -> httpx.Response:
    return await client.post(
        "/predict", data=contract.entries(contract.CLIP_VISUAL), files={"image": ("blob", image)}
    )


async def clip_text(client: httpx.AsyncClient, text: str) -> httpx.Response:
    return await client.post("/predict", data={**contract.entries(contract.CLIP_TEXTUAL), "text": text})


async def test_image_embedding_matches_the_model_run_directly(
    ml_client: httpx.AsyncClient, ml_cache: Path
) -> None:
    image = preview("albums/nature/prairie_falcon.jpg")
    response = await clip_image(ml_client, image)
    assert response.status_code == 200
    vector = contract.check_clip_image(response.json(), 800, 533)
    assert len(vector) == EMBED_DIM

    session = ort.InferenceSession((ml_cache / "clip" / CLIP_NAME / "visual" / "model.onnx").as_posix())
    expected = session.run(None, {"image": reference_preprocess(Image.open(BytesIO(image)).convert("RGB"))})[
        0
    ][0]
    np.testing.assert_allclose(vector, expected, rtol=1e-5, atol=1e-6)


async def test_image_embedding_is_deterministic(ml_client: httpx.AsyncClient) -> None:
    image = preview("albums/nature/silver_fir.jpg")
    first, second = await clip_image(ml_client, image), await clip_image(ml_client, image)
    assert first.json()["clip"] == second.json()["clip"]


async def test_text_embedding_matches_the_model_run_directly(
    ml_client: httpx.AsyncClient, ml_cache: Path
) -> None:
    response = await clip_text(ml_client, "  A dog   on the BEACH ")
    assert response.status_code == 200
    vector = contract.check_clip_text(response.json())
    assert len(vector) == EMBED_DIM

    vocabulary = json.loads((ml_cache / "clip" / CLIP_NAME / "textual" / "tokenizer.json").read_text())[
        "model"
    ]["vocab"]
    words = ["<|startoftext|>", "a", "dog", "on", "the", "beach", "<|endoftext|>"]
    ids = [vocabulary[word] for word in words] + [vocabulary["<|endoftext|>"]] * (CONTEXT_LENGTH - len(words))
    session = ort.InferenceSession((ml_cache / "clip" / CLIP_NAME / "textual" / "model.onnx").as_posix())
    expected = session.run(None, {"text": np.array([ids], np.int32)})[0][0]
    np.testing.assert_allclose(vector, expected, rtol=1e-5, atol=1e-6)


async def test_text_embedding_is_deterministic_and_depends_on_the_text(ml_client: httpx.AsyncClient) -> None:
    dog = [(await clip_text(ml_client, "dog on the beach")).json()["clip"] for _ in range(2)]
    cat = (await clip_text(ml_client, "cat in the city at night")).json()["clip"]
    assert dog[0] == dog[1] != cat


async def test_long_text_is_truncated_to_the_context_length(ml_client: httpx.AsyncClient) -> None:
    response = await clip_text(ml_client, " ".join(["dog"] * 200))
    assert response.status_code == 200
    assert len(contract.check_clip_text(response.json())) == EMBED_DIM


async def test_text_sent_to_the_visual_model_is_400(ml_client: httpx.AsyncClient) -> None:
    response = await ml_client.post(
        "/predict", data={**contract.entries(contract.CLIP_VISUAL), "text": "dog"}
    )
    assert response.status_code == 400


async def test_squash_resize_mode_is_honoured(tmp_path: Path) -> None:
    root = build_tiny_clip(tmp_path)
    config = {**PREPROCESS_CFG, "resize_mode": "squash"}
    (root / "visual" / "preprocess_cfg.json").write_text(json.dumps(config))
    app = create_app(MlSettings(cache_folder=tmp_path, request_threads=1, model_ttl=0))
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://ml") as client:
            image = Image.open(asset("albums/nature/silver_fir.jpg")).convert("RGB")
            response = await clip_image(client, jpeg(image, quality=100))
        vector = contract.check_clip_image(response.json(), 511, 323)
        session = ort.InferenceSession((root / "visual" / "model.onnx").as_posix())
        sent = Image.open(BytesIO(jpeg(image, quality=100))).convert("RGB")
        squashed = (
            np.asarray(sent.resize((IMAGE_SIZE, IMAGE_SIZE), Image.Resampling.BICUBIC), np.float32) / 255
        )
        normalised = (squashed - np.array(PREPROCESS_CFG["mean"])) / np.array(PREPROCESS_CFG["std"])
        expected = session.run(None, {"image": normalised.transpose(2, 0, 1)[None].astype(np.float32)})[0][0]
        np.testing.assert_allclose(vector, expected, rtol=1e-4, atol=1e-5)
    finally:
        app.state.ml.close()


@pytest.mark.parametrize("missing", ["textual/model.onnx", "textual/tokenizer.json", "config.json"])
async def test_missing_model_files_name_the_cache_path(tmp_path: Path, missing: str) -> None:
    root = build_tiny_clip(tmp_path)
    target = root / missing
    target.unlink()
    app = create_app(MlSettings(cache_folder=tmp_path, request_threads=1, model_ttl=0))
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://ml") as client:
            response = await clip_text(client, "dog")
        assert response.status_code == 404
        detail = response.json()["detail"]
        assert str(target) in detail and CLIP_NAME in detail and "MACHINE_LEARNING_CACHE_FOLDER" in detail
    finally:
        app.state.ml.close()


async def test_unknown_clip_model_is_a_clear_error(ml_client: httpx.AsyncClient, ml_cache: Path) -> None:
    request = {"clip": {"visual": {"modelName": "ViT-L-14::laion2b-s32b-b82k"}}}
    response = await ml_client.post(
        "/predict",
        data=contract.entries(request),
        files={"image": ("blob", preview("albums/nature/silver_fir.jpg"))},
    )
    assert response.status_code == 404
    assert str(ml_cache / "clip" / "ViT-L-14__laion2b-s32b-b82k") in response.json()["detail"]
    shutil.rmtree(ml_cache / "clip" / "ViT-L-14__laion2b-s32b-b82k", ignore_errors=True)
