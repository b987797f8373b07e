"""The ML service's HTTP API, wire-compatible with Immich's machine-learning container (NOTES.md §5).

``POST /predict`` takes multipart ``entries`` (``{task: {type: {modelName, options}}}``) and an
``image`` file or a ``text`` field. Models without dependencies run first and concurrently, then the
ones that need their outputs (recognition after detection); inference runs in a thread pool.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from functools import partial
from typing import Annotated, Any, TypeVar

import orjson
from fastapi import FastAPI, File, Form, HTTPException, Request
from fastapi.responses import PlainTextResponse, Response

from albumen.ml.image import DecodedImage, decode_image
from albumen.ml.models.base import ModelError, ModelTask, ModelType
from albumen.ml.models.faces import FaceDetectionOutput
from albumen.ml.models.ocr import TextDetectionOutput, ocr_response
from albumen.ml.registry import DEPENDENCIES, ModelCache
from albumen.ml.settings import MlSettings

log = logging.getLogger("albumen.ml")
T = TypeVar("T")


class OrjsonResponse(Response):
    """JSON via orjson, as Immich's service answers (embeddings are already strings)."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


@dataclass(frozen=True)
class Entry:
    task: ModelTask
    type: ModelType
    model_name: str
    options: dict[str, Any] = field(default_factory=dict)


class MlService:
    """The state behind the routes: settings, the model cache and the inference threads."""

    def __init__(self, settings: MlSettings) -> None:
        self.settings = settings
        self.cache = ModelCache(settings)
        self.pool = ThreadPoolExecutor(settings.request_threads) if settings.request_threads > 0 else None

    async def run(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        if self.pool is None:
            return function(*args, **kwargs)
        return await asyncio.get_running_loop().run_in_executor(self.pool, partial(function, *args, **kwargs))

    async def preload(self) -> None:
        preload = self.settings.preload
        if preload is None:
            return
        wanted = [
            (ModelTask.SEARCH, ModelType.TEXTUAL, preload.clip.textual),
            (ModelTask.SEARCH, ModelType.VISUAL, preload.clip.visual),
            (ModelTask.FACIAL_RECOGNITION, ModelType.DETECTION, preload.facial_recognition.detection),
            (ModelTask.FACIAL_RECOGNITION, ModelType.RECOGNITION, preload.facial_recognition.recognition),
            (ModelTask.OCR, ModelType.DETECTION, preload.ocr.detection),
            (ModelTask.OCR, ModelType.RECOGNITION, preload.ocr.recognition),
        ]
        for task, model_type, names in wanted:
            for name in (names or "").split(","):
                if name.strip():
                    log.info("Preloading %s/%s model %r", task.value, model_type.value, name.strip())
                    await self.run(self.cache.get(task, model_type, name.strip()).load)

    async def unload_idle_models(self) -> None:
        while True:
            await asyncio.sleep(self.settings.model_ttl_poll_s)
            self.cache.unload_idle(self.settings.model_ttl)

    async def predict(self, entries: list[Entry], payload: DecodedImage | str) -> dict[str, Any]:
        requested = {(entry.task, entry.type) for entry in entries}
        for entry in entries:
            for dependency in DEPENDENCIES[(entry.task, entry.type)]:
                if dependency not in requested:
                    raise ModelError(
                        f"Task {entry.task.value} of type {entry.type.value} depends on output of "
                        f"{dependency[0].value} {dependency[1].value}",
                        400,
                    )
        outputs: dict[tuple[ModelTask, ModelType], Any] = {}

        async def infer(entry: Entry) -> None:
            model = self.cache.get(entry.task, entry.type, entry.model_name)
            inputs = [outputs[dependency] for dependency in DEPENDENCIES[(entry.task, entry.type)]]
            model.active += 1
            try:
                outputs[(entry.task, entry.type)] = await self.run(
                    model.predict, payload, *inputs, options=entry.options
                )
            finally:
                model.active -= 1

        independent = [entry for entry in entries if not DEPENDENCIES[(entry.task, entry.type)]]
        dependent = [entry for entry in entries if DEPENDENCIES[(entry.task, entry.type)]]
        await asyncio.gather(*(infer(entry) for entry in independent))
        if dependent:
            await asyncio.gather(*(infer(entry) for entry in dependent))

        response: dict[str, Any] = {}
        for entry in independent + dependent:  # a task's later stage replaces its earlier one
            response[entry.task.value] = render(outputs[(entry.task, entry.type)], payload)
        if isinstance(payload, DecodedImage):
            response["imageHeight"], response["imageWidth"] = payload.height, payload.width
        return response

    def close(self) -> None:
        self.cache.clear()
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)


def render(output: Any, payload: DecodedImage | str) -> Any:
    """The JSON form of a model's output; a detection stage alone answers without embeddings/text."""
    if isinstance(output, FaceDetectionOutput):
        return output.to_response()
    if isinstance(output, TextDetectionOutput) and isinstance(payload, DecodedImage):
        return ocr_response(payload, output.boxes, output.scores, [], [])
    return output


def parse_entries(raw: str) -> list[Entry]:
    """Entries of a request; anything malformed is Immich's 422 "Invalid request format."."""
    try:
        request = orjson.loads(raw)
        entries = [
            Entry(ModelTask(task), ModelType(model_type), entry["modelName"], entry.get("options") or {})
            for task, types in request.items()
            for model_type, entry in types.items()
        ]
    except (orjson.JSONDecodeError, KeyError, AttributeError, TypeError, ValueError) as error:
        log.error("Invalid request format: %s", error)
        raise HTTPException(422, "Invalid request format.") from error
    if not entries or any(
        not isinstance(entry.model_name, str)
        or not isinstance(entry.options, dict)
        or (entry.task, entry.type) not in DEPENDENCIES
        for entry in entries
    ):
        raise HTTPException(422, "Invalid request format.")
    return entries


def create_app(settings: MlSettings | None = None) -> FastAPI:
    """The ML service as an ASGI app; models load on first use (or at start-up when preloaded)."""
    service = MlService(settings or MlSettings())

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        ttl = service.settings.model_ttl
        log.info("ML model cache: %s", f"unloading after {ttl}s idle" if ttl > 0 else "no unloading")
        reaper = None
        if ttl > 0 and service.settings.model_ttl_poll_s > 0:
            reaper = asyncio.create_task(service.unload_idle_models())
        await service.preload()
        try:
            yield
        finally:
            if reaper is not None:
                reaper.cancel()
                with suppress(asyncio.CancelledError):
                    await reaper
            service.close()

    app = FastAPI(title="Albumen ML", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.ml = service

    @app.exception_handler(ModelError)
    async def model_error(_: Request, error: ModelError) -> OrjsonResponse:
        return OrjsonResponse({"detail": error.message}, status_code=error.status_code)

    @app.get("/")
    async def root() -> OrjsonResponse:
        return OrjsonResponse({"message": "Immich ML"})

    @app.get("/ping")
    async def ping() -> PlainTextResponse:
        return PlainTextResponse("pong")

    @app.post("/predict")
    async def predict(
        entries: Annotated[str, Form()],
        image: Annotated[bytes | None, File()] = None,
        text: Annotated[str | None, Form()] = None,
    ) -> OrjsonResponse:
        parsed = parse_entries(entries)
        payload: DecodedImage | str
        if image is not None:
            payload = await service.run(decode_image, image)
        elif text is not None:
            payload = text
        else:
            raise HTTPException(400, "Either image or text must be provided")
        return OrjsonResponse(await service.predict(parsed, payload))

    return app
