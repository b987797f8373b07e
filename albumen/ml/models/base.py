"""What every model of the ML service has: an identity, a lazy load, a predict, an unload."""

from __future__ import annotations

import ctypes
import threading
import time
from abc import ABC, abstractmethod
from enum import StrEnum
from pathlib import Path
from typing import Any, ClassVar

import onnxruntime as ort

from albumen.ml.settings import MlSettings


class ModelTask(StrEnum):
    SEARCH = "clip"
    FACIAL_RECOGNITION = "facial-recognition"
    OCR = "ocr"


class ModelType(StrEnum):
    VISUAL = "visual"
    TEXTUAL = "textual"
    DETECTION = "detection"
    RECOGNITION = "recognition"


class ModelError(Exception):
    """A model cannot serve the request; ``status_code`` is what the client gets."""

    def __init__(self, message: str, status_code: int = 500) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code


class ModelNotAvailable(ModelError):
    """The requested model is not in the model cache and cannot be fetched here.

    Answered as 404 so that a server can tell it from a broken service (5xx): that model's work waits
    for the model, while the service's other models go on serving. Immich's own service answers 500.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message, 404)


_CLEAN_NAME = str.maketrans(":\\/", "___", ".")


def clean_name(model_name: str) -> str:
    """Immich's folder name for a model: ``ViT-B-32::openai`` is stored as ``ViT-B-32__openai``."""
    return model_name.split("/")[-1].translate(_CLEAN_NAME)


class InferenceModel(ABC):
    """One model of one task and type; loads on first use and can be unloaded and reloaded."""

    task: ClassVar[ModelTask]
    type: ClassVar[ModelType]

    def __init__(self, model_name: str, settings: MlSettings) -> None:
        self.model_name = model_name
        self.settings = settings
        self.last_used = time.monotonic()
        self.active = 0
        self._load_lock = threading.Lock()
        self._loaded = False

    @property
    def cache_dir(self) -> Path:
        return self.settings.cache_folder / self.task.value / clean_name(self.model_name)

    @property
    def model_dir(self) -> Path:
        return self.cache_dir / self.type.value

    @property
    def model_path(self) -> Path:
        return self.model_dir / "model.onnx"

    @property
    def loaded(self) -> bool:
        return self._loaded

    def load(self) -> None:
        """Load the weights; safe to call from several threads at once."""
        with self._load_lock:
            if not self._loaded:
                self._load()
                self._loaded = True

    def unload(self) -> None:
        with self._load_lock:
            if self._loaded:
                self._unload()
                self._loaded = False

    def predict(self, inputs: Any, *dependencies: Any, options: dict[str, Any]) -> Any:
        """Run the model on ``inputs`` (a decoded image or a text) and the outputs it depends on."""
        self.load()
        return self._predict(inputs, *dependencies, options=options)

    @abstractmethod
    def _load(self) -> None: ...

    @abstractmethod
    def _unload(self) -> None: ...

    @abstractmethod
    def _predict(self, inputs: Any, *dependencies: Any, options: dict[str, Any]) -> Any: ...

    def ort_session(self, path: Path, arena: bool | None = None) -> ort.InferenceSession:
        """An onnxruntime CPU session configured by the ``MACHINE_LEARNING_MODEL_*`` settings.

        ``arena=False`` overrides ``MACHINE_LEARNING_MODEL_ARENA`` for models fed many input shapes,
        whose arena would otherwise keep the peak allocation of every shape it has seen.
        """
        options = ort.SessionOptions()
        options.enable_cpu_mem_arena = self.settings.model_arena if arena is None else arena
        options.inter_op_num_threads = self.settings.model_inter_op_threads
        options.intra_op_num_threads = self.settings.model_intra_op_threads
        options.log_severity_level = 3
        # Idle inference threads would otherwise spin for a while after each run, taking CPU from
        # the server's own work (and from the other requests' threads) on a small machine.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        try:
            return ort.InferenceSession(
                path.as_posix(), sess_options=options, providers=["CPUExecutionProvider"]
            )
        except Exception as error:  # onnxruntime raises its own untyped errors for unreadable models
            raise ModelError(f"Failed to load model '{self.model_name}' from {path}: {error}", 500) from error


def _load_malloc_trim() -> Any:
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc: nothing to trim
        return None


_malloc_trim = _load_malloc_trim()


def release_memory() -> None:
    """Hand memory freed by a large inference back to the OS.

    glibc keeps freed heap pages for reuse; after a text detection on a big image that is a couple
    of hundred MB which the service would otherwise hold while idle.
    """
    if _malloc_trim is not None:
        _malloc_trim(0)


def option_float(options: dict[str, Any], key: str, default: float) -> float:
    value = options.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ModelError(f"Option {key} must be a number", 422)
    return float(value)
