"""Model selection, caching per (task, type, name), and unloading after the idle time."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from albumen.ml.app import create_app
from albumen.ml.models.base import ModelTask, ModelType, clean_name
from albumen.ml.models.clip import ClipTextualEncoder, ClipVisualEncoder
from albumen.ml.models.faces import SFaceRecognizer, YuNetDetector
from albumen.ml.models.insightface import ArcFaceRecognizer, RetinaFaceDetector
from albumen.ml.models.ocr import TextDetector, TextRecognizer
from albumen.ml.registry import ModelCache, model_class
from albumen.ml.settings import MlSettings
from tests.ml import contract
from tests.ml.conftest import preview


def test_clean_name_follows_immich() -> None:
    assert clean_name("ViT-B-32::openai") == "ViT-B-32__openai"
    assert clean_name("immich-app/XLM-Roberta-Large-Vit-B-16Plus") == "XLM-Roberta-Large-Vit-B-16Plus"
    assert clean_name("nllb-clip-base-siglip__v1") == "nllb-clip-base-siglip__v1"


def test_classes_by_task_and_type(tmp_path: Path, buffalo_cache: Path) -> None:
    bare = MlSettings(cache_folder=tmp_path)
    with_buffalo = MlSettings(cache_folder=buffalo_cache)
    assert model_class(ModelTask.SEARCH, ModelType.VISUAL, "ViT-B-32__openai", bare) is ClipVisualEncoder
    assert model_class(ModelTask.SEARCH, ModelType.TEXTUAL, "ViT-B-32__openai", bare) is ClipTextualEncoder
    assert model_class(ModelTask.OCR, ModelType.DETECTION, "PP-OCRv5_mobile", bare) is TextDetector
    assert model_class(ModelTask.OCR, ModelType.RECOGNITION, "PP-OCRv5_mobile", bare) is TextRecognizer
    assert model_class(ModelTask.FACIAL_RECOGNITION, ModelType.DETECTION, "buffalo_l", bare) is YuNetDetector
    assert (
        model_class(ModelTask.FACIAL_RECOGNITION, ModelType.RECOGNITION, "buffalo_l", bare) is SFaceRecognizer
    )
    assert (
        model_class(ModelTask.FACIAL_RECOGNITION, ModelType.DETECTION, "buffalo_l", with_buffalo)
        is RetinaFaceDetector
    )
    assert (
        model_class(ModelTask.FACIAL_RECOGNITION, ModelType.RECOGNITION, "buffalo_l", with_buffalo)
        is ArcFaceRecognizer
    )
    with pytest.raises(KeyError):
        model_class(ModelTask.SEARCH, ModelType.DETECTION, "x", bare)


def test_fallback_is_logged(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    model_class(
        ModelTask.FACIAL_RECOGNITION, ModelType.DETECTION, "buffalo_l", MlSettings(cache_folder=tmp_path)
    )
    assert "buffalo_l" in caplog.text and "YuNet" in caplog.text


def test_cache_reuses_one_object_per_task_type_and_name(tmp_path: Path) -> None:
    cache = ModelCache(MlSettings(cache_folder=tmp_path))
    first = cache.get(ModelTask.OCR, ModelType.DETECTION, "PP-OCRv5_mobile")
    assert cache.get(ModelTask.OCR, ModelType.DETECTION, "PP-OCRv5_mobile") is first
    assert cache.get(ModelTask.OCR, ModelType.DETECTION, "PP-OCRv5_server") is not first
    assert cache.get(ModelTask.OCR, ModelType.RECOGNITION, "PP-OCRv5_mobile") is not first


def test_busy_models_are_not_unloaded(tmp_path: Path) -> None:
    cache = ModelCache(MlSettings(cache_folder=tmp_path))
    model = cache.get(ModelTask.FACIAL_RECOGNITION, ModelType.DETECTION, "buffalo_l")
    model.load()
    model.active = 1
    assert cache.unload_idle(0) == []
    model.active = 0
    assert cache.unload_idle(0) == [(ModelTask.FACIAL_RECOGNITION, ModelType.DETECTION, "buffalo_l")]
    assert not model.loaded and cache.models == {}


async def test_models_unload_after_the_ttl_and_load_again(tmp_path: Path, ml_cache: Path) -> None:
    app = create_app(MlSettings(cache_folder=tmp_path, request_threads=2, model_ttl=1, model_ttl_poll_s=1))
    service = app.state.ml
    image = preview("metadata/faces/portrait.jpg")
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://ml") as client,
    ):
        first = await client.post(
            "/predict", data=contract.entries(contract.FACES), files={"image": ("blob", image)}
        )
        models = list(service.cache.models.values())
        assert len(models) == 2 and all(model.loaded for model in models)
        await asyncio.sleep(2.5)
        assert service.cache.models == {} and not any(model.loaded for model in models)
        again = await client.post(
            "/predict", data=contract.entries(contract.FACES), files={"image": ("blob", image)}
        )
    assert first.json() == again.json()


async def test_preload_loads_models_at_start(tmp_path: Path, ml_cache: Path) -> None:
    settings = MlSettings.model_validate(
        {
            "cache_folder": ml_cache,
            "request_threads": 1,
            "model_ttl": 0,
            "preload": {"clip": {"textual": "ViT-B-32__openai"}, "ocr": {"detection": "PP-OCRv5_mobile"}},
        }
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        loaded = {key for key, model in app.state.ml.cache.models.items() if model.loaded}
    assert loaded == {
        (ModelTask.SEARCH, ModelType.TEXTUAL, "ViT-B-32__openai"),
        (ModelTask.OCR, ModelType.DETECTION, "PP-OCRv5_mobile"),
    }


def test_settings_come_from_machine_learning_variables(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("MACHINE_LEARNING_CACHE_FOLDER", str(tmp_path))
    monkeypatch.setenv("MACHINE_LEARNING_MODEL_TTL", "60")
    monkeypatch.setenv("MACHINE_LEARNING_MODEL_TTL_POLL_S", "5")
    monkeypatch.setenv("MACHINE_LEARNING_REQUEST_THREADS", "3")
    monkeypatch.setenv("MACHINE_LEARNING_PRELOAD__CLIP__TEXTUAL", "ViT-B-32__openai")
    monkeypatch.setenv("MACHINE_LEARNING_PRELOAD__FACIAL_RECOGNITION__DETECTION", "buffalo_l")
    monkeypatch.setenv("MACHINE_LEARNING_PORT", "3100")
    settings = MlSettings()
    assert settings.cache_folder == tmp_path and settings.model_ttl == 60 and settings.model_ttl_poll_s == 5
    assert settings.request_threads == 3 and settings.port == 3100 and settings.host == "0.0.0.0"
    assert settings.preload is not None
    assert settings.preload.clip.textual == "ViT-B-32__openai"
    assert settings.preload.facial_recognition.detection == "buffalo_l"


def test_settings_defaults_match_immich(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("MODEL_TTL", "MODEL_TTL_POLL_S", "PORT", "HOST", "PRELOAD__CLIP__TEXTUAL", "CACHE_FOLDER"):
        monkeypatch.delenv(f"MACHINE_LEARNING_{name}", raising=False)
    settings = MlSettings()
    assert (settings.model_ttl, settings.model_ttl_poll_s, settings.port, settings.host) == (
        300,
        10,
        3003,
        "0.0.0.0",
    )
    assert settings.cache_folder.name == "immich_ml"
