"""OCR with the PP-OCR models bundled in rapidocr-onnxruntime."""

from __future__ import annotations

import httpx

from tests.ml import contract
from tests.ml.conftest import preview


async def test_craft_beer_text_is_read(ml_client: httpx.AsyncClient) -> None:
    response = await ml_client.post(
        "/predict",
        data=contract.entries(contract.OCR),
        files={"image": ("blob", preview("albums/text/craft-beer.jpg"))},
    )
    assert response.status_code == 200
    ocr = contract.check_ocr(response.json(), 1440, 960)
    assert "weekend warrior" in " ".join(ocr["text"]).lower()
    assert all(score > 0.8 for score in ocr["textScore"])
    assert all(score >= 0.5 for score in ocr["boxScore"])
    line = next(i for i, text in enumerate(ocr["text"]) if "WEEKEND" in text.upper())
    x1, y1, x2, y2, x3, y3, x4, y4 = ocr["box"][8 * line : 8 * line + 8]
    # Clockwise from top-left, as Immich's boxes are.
    assert x1 < x2 and y2 < y3 and x3 > x4 and y4 > y1


async def test_text_score_option_filters_lines(ml_client: httpx.AsyncClient) -> None:
    image = preview("albums/text/craft-beer.jpg")
    strict = {
        "ocr": {
            "detection": {"modelName": "PP-OCRv5_mobile"},
            "recognition": {"modelName": "PP-OCRv5_mobile", "options": {"minScore": 0.97}},
        }
    }
    loose = await ml_client.post(
        "/predict", data=contract.entries(contract.OCR), files={"image": ("blob", image)}
    )
    tight = await ml_client.post("/predict", data=contract.entries(strict), files={"image": ("blob", image)})
    assert 0 < len(tight.json()["ocr"]["text"]) < len(loose.json()["ocr"]["text"])
    assert all(score > 0.97 for score in tight.json()["ocr"]["textScore"])


async def test_photo_without_text_gives_empty_lists(ml_client: httpx.AsyncClient) -> None:
    response = await ml_client.post(
        "/predict",
        data=contract.entries(contract.OCR),
        files={"image": ("blob", preview("albums/nature/silver_fir.jpg"))},
    )
    assert contract.check_ocr(response.json(), 511, 323) == {
        "text": [],
        "box": [],
        "boxScore": [],
        "textScore": [],
    }
