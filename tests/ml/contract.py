"""Field-for-field checks of ``/predict`` bodies against Immich's contract (NOTES.md §5)."""

from __future__ import annotations

from typing import Any

import orjson

FACES = {
    "facial-recognition": {
        "detection": {"modelName": "buffalo_l", "options": {"minScore": 0.7}},
        "recognition": {"modelName": "buffalo_l"},
    }
}
OCR = {
    "ocr": {
        "detection": {"modelName": "PP-OCRv5_mobile", "options": {"minScore": 0.5, "maxResolution": 736}},
        "recognition": {"modelName": "PP-OCRv5_mobile", "options": {"minScore": 0.8}},
    }
}
CLIP_VISUAL = {"clip": {"visual": {"modelName": "ViT-B-32__openai"}}}
CLIP_TEXTUAL = {"clip": {"textual": {"modelName": "ViT-B-32__openai", "options": {"language": "en"}}}}


def entries(request: dict[str, Any]) -> dict[str, str]:
    return {"entries": orjson.dumps(request).decode()}


def embedding(value: Any) -> list[float]:
    """An embedding is a string holding a JSON array of numbers."""
    assert isinstance(value, str)
    vector = orjson.loads(value)
    assert isinstance(vector, list) and vector
    assert all(isinstance(number, float) for number in vector)
    return vector


def check_image_size(body: dict[str, Any], width: int, height: int) -> None:
    assert body["imageWidth"] == width and body["imageHeight"] == height
    assert type(body["imageWidth"]) is int and type(body["imageHeight"]) is int


def check_faces(body: dict[str, Any], width: int, height: int) -> list[dict[str, Any]]:
    assert set(body) == {"facial-recognition", "imageHeight", "imageWidth"}
    check_image_size(body, width, height)
    faces = body["facial-recognition"]
    assert isinstance(faces, list)
    for face in faces:
        assert set(face) == {"boundingBox", "embedding", "score"}
        box = face["boundingBox"]
        assert set(box) == {"x1", "y1", "x2", "y2"}
        assert all(isinstance(box[key], int | float) for key in box)
        assert 0 <= box["x1"] < box["x2"] <= width and 0 <= box["y1"] < box["y2"] <= height
        assert isinstance(face["score"], float) and 0 <= face["score"] <= 1
        embedding(face["embedding"])
    return faces


def check_ocr(body: dict[str, Any], width: int, height: int) -> dict[str, Any]:
    assert set(body) == {"ocr", "imageHeight", "imageWidth"}
    check_image_size(body, width, height)
    ocr = body["ocr"]
    assert set(ocr) == {"text", "box", "boxScore", "textScore"}
    count = len(ocr["text"])
    assert all(isinstance(text, str) for text in ocr["text"])
    assert len(ocr["box"]) == 8 * count and len(ocr["boxScore"]) == count and len(ocr["textScore"]) == count
    assert all(isinstance(value, float) and 0 <= value <= 1 for value in ocr["box"])
    assert all(isinstance(value, float) for value in ocr["boxScore"] + ocr["textScore"])
    return ocr


def check_clip_image(body: dict[str, Any], width: int, height: int) -> list[float]:
    assert set(body) == {"clip", "imageHeight", "imageWidth"}
    check_image_size(body, width, height)
    return embedding(body["clip"])


def check_clip_text(body: dict[str, Any]) -> list[float]:
    assert set(body) == {"clip"}
    return embedding(body["clip"])
