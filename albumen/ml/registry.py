"""Which model class serves a ``(task, type, modelName)``, and the loaded models kept between requests."""

from __future__ import annotations

import logging
import time

from albumen.ml.models.base import InferenceModel, ModelTask, ModelType, clean_name
from albumen.ml.models.clip import ClipTextualEncoder, ClipVisualEncoder
from albumen.ml.models.faces import SFaceRecognizer, YuNetDetector
from albumen.ml.models.insightface import ArcFaceRecognizer, RetinaFaceDetector
from albumen.ml.models.ocr import TextDetector, TextRecognizer
from albumen.ml.settings import MlSettings

log = logging.getLogger("albumen.ml")

ModelKey = tuple[ModelTask, ModelType, str]

#: Which output each (task, type) needs; fixed per pair, whichever class serves it.
DEPENDENCIES: dict[tuple[ModelTask, ModelType], tuple[tuple[ModelTask, ModelType], ...]] = {
    (ModelTask.SEARCH, ModelType.VISUAL): (),
    (ModelTask.SEARCH, ModelType.TEXTUAL): (),
    (ModelTask.FACIAL_RECOGNITION, ModelType.DETECTION): (),
    (ModelTask.FACIAL_RECOGNITION, ModelType.RECOGNITION): (
        (ModelTask.FACIAL_RECOGNITION, ModelType.DETECTION),
    ),
    (ModelTask.OCR, ModelType.DETECTION): (),
    (ModelTask.OCR, ModelType.RECOGNITION): ((ModelTask.OCR, ModelType.DETECTION),),
}


def model_class(
    task: ModelTask, model_type: ModelType, model_name: str, settings: MlSettings
) -> type[InferenceModel]:
    """The class for a request entry; raises KeyError for a pair the service does not know."""
    match task, model_type:
        case ModelTask.SEARCH, ModelType.VISUAL:
            return ClipVisualEncoder
        case ModelTask.SEARCH, ModelType.TEXTUAL:
            return ClipTextualEncoder
        case ModelTask.OCR, ModelType.DETECTION:
            return TextDetector
        case ModelTask.OCR, ModelType.RECOGNITION:
            return TextRecognizer
        case ModelTask.FACIAL_RECOGNITION, ModelType.DETECTION | ModelType.RECOGNITION:
            cached = (
                settings.cache_folder / task.value / clean_name(model_name) / model_type.value / "model.onnx"
            )
            if cached.is_file():
                return RetinaFaceDetector if model_type is ModelType.DETECTION else ArcFaceRecognizer
            log.warning(
                "Face model %r is not in the model cache (%s); using the bundled %s (128-d embeddings)",
                model_name,
                cached,
                "YuNet detector" if model_type is ModelType.DETECTION else "SFace recogniser",
            )
            return YuNetDetector if model_type is ModelType.DETECTION else SFaceRecognizer
    raise KeyError((task, model_type))


class ModelCache:
    """Model objects by (task, type, name); idle ones are unloaded after ``MACHINE_LEARNING_MODEL_TTL``."""

    def __init__(self, settings: MlSettings) -> None:
        self.settings = settings
        self.models: dict[ModelKey, InferenceModel] = {}

    def get(self, task: ModelTask, model_type: ModelType, model_name: str) -> InferenceModel:
        key = (task, model_type, model_name)
        model = self.models.get(key)
        if model is None:
            model = model_class(task, model_type, model_name, self.settings)(model_name, self.settings)
            self.models[key] = model
        model.last_used = time.monotonic()
        return model

    def unload_idle(self, ttl: float) -> list[ModelKey]:
        """Unload and forget the models unused for ``ttl`` seconds with no request in flight."""
        now = time.monotonic()
        expired = [
            key for key, model in self.models.items() if model.active == 0 and now - model.last_used > ttl
        ]
        for key in expired:
            model = self.models.pop(key)
            if model.loaded:
                log.info("Unloading %s model %r after %ss idle", "/".join(key[:2]), key[2], ttl)
                model.unload()
        return expired

    def clear(self) -> None:
        for model in self.models.values():
            model.unload()
        self.models.clear()
