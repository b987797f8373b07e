from __future__ import annotations

import io
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from PIL import Image, ImageOps

from albumen.ml.app import create_app
from albumen.ml.settings import MlSettings
from tests.conftest import TESTDATA as SHARED_TESTDATA
from tests.ml.tiny_models import build_tiny_buffalo, build_tiny_clip

TESTDATA = SHARED_TESTDATA / "immich-test-assets"

# Nothing in the tests may try the Hugging Face hub.
os.environ["HF_HUB_OFFLINE"] = "1"


def asset(relative: str) -> Path:
    path = TESTDATA / relative
    if not path.is_file():
        pytest.skip(f"test asset {path} is not available")
    return path


def jpeg(image: Image.Image, quality: int = 92) -> bytes:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def preview(relative: str, side: int = 1440) -> bytes:
    """What the server sends: the asset shown upright and shrunk to a preview, as JPEG."""
    with Image.open(asset(relative)) as image:
        upright = ImageOps.exif_transpose(image)
        upright.thumbnail((side, side))
        return jpeg(upright)


@pytest.fixture(scope="session")
def ml_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    cache = tmp_path_factory.mktemp("ml-cache")
    build_tiny_clip(cache)
    return cache


@pytest.fixture(scope="session")
def ml_settings(ml_cache: Path) -> MlSettings:
    return MlSettings(cache_folder=ml_cache, request_threads=4, model_ttl=0)


@pytest.fixture(scope="session")
def ml_app(ml_settings: MlSettings) -> Iterator[FastAPI]:
    app = create_app(ml_settings)
    yield app
    app.state.ml.close()


@pytest.fixture
async def ml_client(ml_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=ml_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://ml") as client:
        yield client


@pytest.fixture(scope="session")
def buffalo_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    cache = tmp_path_factory.mktemp("ml-buffalo")
    build_tiny_buffalo(cache)
    return cache
