"""The service's HTTP contract: health routes, request parsing and Immich's error codes."""

from __future__ import annotations

import asyncio
import io

import httpx
import orjson
from PIL import Image

from tests.ml import contract
from tests.ml.conftest import jpeg, preview


async def test_ping_answers_pong_as_plain_text(ml_client: httpx.AsyncClient) -> None:
    response = await ml_client.get("/ping")
    assert response.status_code == 200
    assert response.text == "pong"
    assert response.headers["content-type"].startswith("text/plain")


async def test_root_names_the_service_like_immich(ml_client: httpx.AsyncClient) -> None:
    response = await ml_client.get("/")
    assert response.status_code == 200
    assert response.json() == {"message": "Immich ML"}


async def test_malformed_entries_are_422_invalid_request_format(ml_client: httpx.AsyncClient) -> None:
    for raw in [
        "not json",
        "[]",
        '{"clip": {"visual": {}}}',
        '{"clip": "x"}',
        '{"nope": {"visual": {"modelName": "m"}}}',
        '{"clip": {"sideways": {"modelName": "m"}}}',
    ]:
        response = await ml_client.post("/predict", data={"entries": raw}, files={"image": ("blob", b"x")})
        assert response.status_code == 422, raw
        assert response.json() == {"detail": "Invalid request format."}


async def test_neither_image_nor_text_is_400(ml_client: httpx.AsyncClient) -> None:
    response = await ml_client.post("/predict", data=contract.entries(contract.CLIP_TEXTUAL))
    assert response.status_code == 400
    assert response.json() == {"detail": "Either image or text must be provided"}


async def test_zero_size_image_is_400(ml_client: httpx.AsyncClient) -> None:
    response = await ml_client.post(
        "/predict", data=contract.entries(contract.FACES), files={"image": ("blob", b"", "image/jpeg")}
    )
    assert response.status_code == 400


async def test_undecodable_image_is_400(ml_client: httpx.AsyncClient) -> None:
    response = await ml_client.post(
        "/predict", data=contract.entries(contract.FACES), files={"image": ("blob", b"not an image")}
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Invalid image")


async def test_recognition_without_detection_is_400(ml_client: httpx.AsyncClient) -> None:
    only_recognition = {"facial-recognition": {"recognition": {"modelName": "buffalo_l"}}}
    response = await ml_client.post(
        "/predict",
        data=contract.entries(only_recognition),
        files={"image": ("blob", preview("metadata/faces/portrait.jpg"))},
    )
    assert response.status_code == 400
    detail = "Task facial-recognition of type recognition depends on output of facial-recognition detection"
    assert response.json() == {"detail": detail}


async def test_non_numeric_option_is_422(ml_client: httpx.AsyncClient) -> None:
    request = {
        "facial-recognition": {
            "detection": {"modelName": "buffalo_l", "options": {"minScore": "high"}},
            "recognition": {"modelName": "buffalo_l"},
        }
    }
    response = await ml_client.post(
        "/predict",
        data=contract.entries(request),
        files={"image": ("blob", preview("metadata/faces/portrait.jpg"))},
    )
    assert response.status_code == 422


async def test_several_tasks_in_one_request_answer_each(ml_client: httpx.AsyncClient) -> None:
    request = {**contract.FACES, **contract.OCR, **contract.CLIP_VISUAL}
    image = preview("metadata/faces/portrait.jpg")
    response = await ml_client.post(
        "/predict", data=contract.entries(request), files={"image": ("blob", image)}
    )
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"facial-recognition", "ocr", "clip", "imageHeight", "imageWidth"}
    contract.check_faces({k: body[k] for k in ("facial-recognition", "imageHeight", "imageWidth")}, 840, 700)
    contract.check_ocr({k: body[k] for k in ("ocr", "imageHeight", "imageWidth")}, 840, 700)
    contract.check_clip_image({k: body[k] for k in ("clip", "imageHeight", "imageWidth")}, 840, 700)


async def test_detection_alone_answers_boxes_without_embeddings(ml_client: httpx.AsyncClient) -> None:
    request = {"facial-recognition": {"detection": {"modelName": "buffalo_l"}}}
    image = preview("metadata/faces/portrait.jpg")
    response = await ml_client.post(
        "/predict", data=contract.entries(request), files={"image": ("blob", image)}
    )
    assert response.status_code == 200
    faces = response.json()["facial-recognition"]
    assert len(faces) == 2
    assert all(set(face) == {"boundingBox", "score"} for face in faces)


async def test_images_in_other_modes_are_decoded(ml_client: httpx.AsyncClient) -> None:
    for mode in ("L", "RGBA", "P", "CMYK"):
        image = Image.new(mode, (64, 48))
        buffer = io.BytesIO()
        image.save(buffer, "TIFF" if mode == "CMYK" else "PNG")
        response = await ml_client.post(
            "/predict", data=contract.entries(contract.FACES), files={"image": ("blob", buffer.getvalue())}
        )
        assert response.status_code == 200, mode
        assert response.json() == {"facial-recognition": [], "imageHeight": 48, "imageWidth": 64}


async def test_concurrent_requests_all_succeed_with_the_same_answer(ml_client: httpx.AsyncClient) -> None:
    image = preview("metadata/faces/portrait.jpg")

    async def ask() -> httpx.Response:
        return await ml_client.post(
            "/predict", data=contract.entries(contract.FACES), files={"image": ("blob", image)}
        )

    responses = await asyncio.gather(*(ask() for _ in range(8)))
    assert {response.status_code for response in responses} == {200}
    bodies = [orjson.loads(response.content) for response in responses]
    boxes = [[face["boundingBox"] for face in body["facial-recognition"]] for body in bodies]
    assert all(b == boxes[0] for b in boxes) and len(boxes[0]) == 2


async def test_tiny_image_gives_no_text_and_no_faces(ml_client: httpx.AsyncClient) -> None:
    image = jpeg(Image.new("RGB", (20, 10), (200, 200, 200)))
    request = {**contract.FACES, **contract.OCR}
    response = await ml_client.post(
        "/predict", data=contract.entries(request), files={"image": ("blob", image)}
    )
    assert response.status_code == 200
    assert response.json() == {
        "facial-recognition": [],
        "ocr": {"text": [], "box": [], "boxScore": [], "textScore": []},
        "imageHeight": 10,
        "imageWidth": 20,
    }
