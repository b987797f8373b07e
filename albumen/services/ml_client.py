"""The server's side of the machine-learning contract (NOTES.md §5): ``POST <url>/predict`` on the
services listed in ``machineLearning.urls``, tried in order, healthy ones first.

A service that fails is remembered as unhealthy and skipped until ``GET /ping`` answers ``pong`` again
(checked at most once per ``availabilityChecks.interval``). When no service answers,
:class:`MachineLearningUnavailable` tells the jobs to wait rather than fail.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from albumen.dto.config_admin import AdminConfigMachineLearningDto, AdminConfigOcrDto

logger = logging.getLogger(__name__)

#: Inference on a CPU can take a while for a first (cold) model load.
PREDICT_TIMEOUT_S = 120.0
DEFAULT_PING_TIMEOUT_S = 2.0
DEFAULT_RECHECK_S = 30.0


class MachineLearningError(Exception):
    """The service answered, but refused the request (a 4xx: bad model name, bad image...)."""


class MachineLearningUnavailable(MachineLearningError):
    """No machine-learning service could be reached; the work should be retried later."""


class MachineLearningModelUnavailable(MachineLearningError):
    """Every service answered that it does not have the requested model (404, Albumen's service).

    Retrying does not help until an administrator puts the model in place, so the work is dropped
    rather than retried; what is known is kept for :meth:`MachineLearningClient.model_available`.
    """


@dataclass
class _Health:
    healthy: bool = True
    checked_at: float = 0.0


@dataclass
class FaceDetection:
    """One face as the service reports it: a box in pixels of the image that was sent."""

    x1: float
    y1: float
    x2: float
    y2: float
    score: float
    embedding: list[float]


@dataclass
class DetectedFaces:
    image_width: int
    image_height: int
    faces: list[FaceDetection] = field(default_factory=list)


@dataclass
class OcrLine:
    """One line of text; ``box`` holds the four corners x1,y1..x4,y4 normalised to 0..1."""

    text: str
    box: list[float]
    box_score: float
    text_score: float


#: Health per base URL, shared by every client of the process (one per job would forget failures).
_HEALTH: dict[str, _Health] = {}

ModelKey = tuple[str, str, str]
#: ``(task, type, modelName)`` that no service has, with when that was last seen: requests for them
#: fail at once, without asking the services, until ``recheck_interval`` has passed.
_MISSING_MODELS: dict[ModelKey, float] = {}


def parse_embedding(value: Any) -> list[float]:
    """Embeddings arrive as a JSON array serialised into a string (orjson); accept a list too."""
    if isinstance(value, str):
        value = json.loads(value)
    return [float(number) for number in value]


def requested_models(entries: dict[str, Any]) -> list[ModelKey]:
    return [
        (task, model_type, str(entry.get("modelName")))
        for task, types in entries.items()
        for model_type, entry in types.items()
    ]


_probe_image: bytes | None = None


def probe_image() -> bytes:
    """A tiny JPEG for asking a service whether it can run an image model."""
    global _probe_image
    if _probe_image is None:
        import io

        from PIL import Image

        buffer = io.BytesIO()
        Image.new("RGB", (32, 32), (128, 128, 128)).save(buffer, "JPEG")
        _probe_image = buffer.getvalue()
    return _probe_image


def embedding_text(embedding: Sequence[float]) -> str:
    """pgvector's text form, which is also what the service sends."""
    return "[" + ",".join(repr(float(number)) for number in embedding) + "]"


class MachineLearningClient:
    """Calls ``/predict`` on the first service that answers."""

    def __init__(
        self,
        urls: Sequence[str],
        *,
        ping_timeout: float = DEFAULT_PING_TIMEOUT_S,
        recheck_interval: float = DEFAULT_RECHECK_S,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.urls = [url.rstrip("/") for url in urls if url.strip()]
        self.ping_timeout = ping_timeout
        self.recheck_interval = recheck_interval
        self._transport = transport

    @classmethod
    def from_config(cls, config: AdminConfigMachineLearningDto) -> MachineLearningClient:
        checks = config.availabilityChecks
        return cls(
            config.urls,
            ping_timeout=checks.timeout / 1000 if checks.enabled else DEFAULT_PING_TIMEOUT_S,
            recheck_interval=checks.interval / 1000 if checks.enabled else DEFAULT_RECHECK_S,
        )

    def _client(self, timeout: float) -> httpx.AsyncClient:
        return httpx.AsyncClient(timeout=timeout, transport=self._transport)

    async def ping(self, url: str) -> bool:
        try:
            async with self._client(self.ping_timeout) as client:
                response = await client.get(f"{url}/ping")
        except httpx.HTTPError:
            return False
        return response.status_code == 200 and response.text.strip().strip('"') == "pong"

    async def _ordered_urls(self) -> list[str]:
        """Healthy services first (in configured order); an unhealthy one whose re-check time has come
        is pinged and, when it answers, counts as healthy again."""
        now = time.monotonic()
        healthy: list[str] = []
        unhealthy: list[str] = []
        for url in self.urls:
            health = _HEALTH.setdefault(url, _Health())
            if not health.healthy and now - health.checked_at >= self.recheck_interval:
                health.checked_at = now
                health.healthy = await self.ping(url)
            (healthy if health.healthy else unhealthy).append(url)
        return healthy + unhealthy

    async def is_available(self) -> bool:
        """Whether any service answers (for ``/server/features``); what is known from the last
        ``recheck_interval`` seconds is reused rather than pinged again."""
        now = time.monotonic()
        for url in self.urls:
            health = _HEALTH.get(url)
            if health is None or now - health.checked_at >= self.recheck_interval:
                health = _HEALTH[url] = _Health(await self.ping(url), now)
            if health.healthy:
                return True
        return False

    async def predict(
        self, entries: dict[str, Any], *, image: bytes | None = None, text: str | None = None
    ) -> dict[str, Any]:
        """POST ``entries`` with ``image`` (raw bytes) or ``text`` and return the decoded answer.

        Raises :class:`MachineLearningUnavailable` when no service answers,
        :class:`MachineLearningModelUnavailable` when every service lacks the model, and
        :class:`MachineLearningError` when one refuses the request.
        """
        if (image is None) == (text is None):
            raise ValueError("predict needs exactly one of image or text")
        data: dict[str, str] = {"entries": json.dumps(entries)}
        files: dict[str, tuple[str, bytes, str]] | None = None
        if image is not None:
            files = {"image": ("blob", image, "application/octet-stream")}
        else:
            assert text is not None
            data["text"] = text
        models = requested_models(entries)
        self._raise_if_known_missing(models)
        failures: list[str] = []
        lacking: list[str] = []
        urls = await self._ordered_urls()
        for url in urls:
            try:
                async with self._client(PREDICT_TIMEOUT_S) as client:
                    response = await client.post(f"{url}/predict", data=data, files=files)
            except httpx.HTTPError as error:
                failures.append(f"{url}: {type(error).__name__}")
                _HEALTH[url] = _Health(healthy=False, checked_at=time.monotonic())
                continue
            if response.status_code >= 500:
                failures.append(f"{url}: HTTP {response.status_code}")
                _HEALTH[url] = _Health(healthy=False, checked_at=time.monotonic())
                continue
            _HEALTH[url] = _Health(healthy=True, checked_at=time.monotonic())
            if response.status_code == 404:  # the service is fine; it lacks the model (see ModelNotAvailable)
                lacking.append(f"{url}: {_detail(response)}")
                continue
            if response.status_code >= 400:
                raise MachineLearningError(
                    f"Machine learning request to {url} failed with {response.status_code}: {response.text}"
                )
            result: dict[str, Any] = response.json()
            for model in models:
                _MISSING_MODELS.pop(model, None)
            return result
        if lacking and len(lacking) == len(urls):
            detail = "; ".join(lacking)
            self._remember_missing(models, detail)
            raise MachineLearningModelUnavailable(f"No machine-learning service has the model ({detail})")
        detail = "; ".join(failures + lacking) or "no URL configured"
        raise MachineLearningUnavailable(f"Machine learning request failed for all URLs ({detail})")

    def _raise_if_known_missing(self, models: list[ModelKey]) -> None:
        now = time.monotonic()
        for model in models:
            seen = _MISSING_MODELS.get(model)
            if seen is not None and now - seen < self.recheck_interval:
                raise MachineLearningModelUnavailable(
                    f"No machine-learning service has the model {model[2]!r}"
                )

    def _remember_missing(self, models: list[ModelKey], detail: str) -> None:
        if not any(model in _MISSING_MODELS for model in models):
            logger.warning("machine learning: %s; its jobs are skipped until it is installed", detail)
        now = time.monotonic()
        for model in models:
            _MISSING_MODELS[model] = now

    async def model_available(self, task: str, model_type: str, model_name: str) -> bool:
        """False while the services are known to lack the model; asked again (with a tiny image or a
        text) at most once per ``recheck_interval``. A model never asked for counts as available."""
        model = (task, model_type, model_name)
        seen = _MISSING_MODELS.get(model)
        if seen is None:
            return True
        if time.monotonic() - seen < self.recheck_interval:
            return False
        entries = {task: {model_type: {"modelName": model_name}}}
        try:
            if model_type == "textual":
                await self.predict(entries, text="probe")
            else:
                await self.predict(entries, image=probe_image())
        except MachineLearningError:
            _MISSING_MODELS[model] = time.monotonic()
            return False
        return True

    async def detect_faces(self, image: bytes, model_name: str, min_score: float) -> DetectedFaces:
        entries = {
            "facial-recognition": {
                "detection": {"modelName": model_name, "options": {"minScore": min_score}},
                "recognition": {"modelName": model_name},
            }
        }
        result = await self.predict(entries, image=image)
        faces = [
            FaceDetection(
                x1=float(face["boundingBox"]["x1"]),
                y1=float(face["boundingBox"]["y1"]),
                x2=float(face["boundingBox"]["x2"]),
                y2=float(face["boundingBox"]["y2"]),
                score=float(face["score"]),
                embedding=parse_embedding(face["embedding"]),
            )
            for face in result.get("facial-recognition", [])
        ]
        return DetectedFaces(int(result["imageWidth"]), int(result["imageHeight"]), faces)

    async def ocr(self, image: bytes, config: AdminConfigOcrDto) -> list[OcrLine]:
        entries = {
            "ocr": {
                "detection": {
                    "modelName": config.modelName,
                    "options": {"minScore": config.minDetectionScore, "maxResolution": config.maxResolution},
                },
                "recognition": {
                    "modelName": config.modelName,
                    "options": {"minScore": config.minRecognitionScore},
                },
            }
        }
        result = (await self.predict(entries, image=image)).get("ocr") or {}
        texts: list[str] = result.get("text", [])
        boxes: list[float] = result.get("box", [])
        box_scores: list[float] = result.get("boxScore", [])
        text_scores: list[float] = result.get("textScore", [])
        return [
            OcrLine(
                text=texts[index],
                box=[float(value) for value in boxes[index * 8 : index * 8 + 8]],
                box_score=float(box_scores[index]) if index < len(box_scores) else 0.0,
                text_score=float(text_scores[index]) if index < len(text_scores) else 0.0,
            )
            for index in range(len(texts))
        ]

    async def encode_image(self, image: bytes, model_name: str) -> list[float]:
        result = await self.predict({"clip": {"visual": {"modelName": model_name}}}, image=image)
        return parse_embedding(result["clip"])

    async def encode_text(self, text: str, model_name: str, language: str | None = None) -> list[float]:
        options = {"language": language} if language else {}
        entry: dict[str, Any] = {"modelName": model_name}
        if options:
            entry["options"] = options
        result = await self.predict({"clip": {"textual": entry}}, text=text)
        return parse_embedding(result["clip"])


def _detail(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    return str(body.get("detail") or body) if isinstance(body, dict) else str(body)


def reset_health() -> None:
    """Forget what is known about the services (tests; a config change of the URLs)."""
    _HEALTH.clear()
    _MISSING_MODELS.clear()
