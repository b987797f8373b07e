"""CLIP image and text encoders in Immich's model layout.

``<cache>/clip/<name>/config.json`` (``embed_dim``, ``text_cfg.context_length``…), and under it
``visual/model.onnx`` + ``visual/preprocess_cfg.json``, ``textual/model.onnx`` + ``textual/tokenizer.json``
(+ ``tokenizer_config.json``), as published in the ``immich-app/<name>`` Hugging Face repositories.
"""

from __future__ import annotations

import json
import logging
import os
import string
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime as ort
from numpy.typing import NDArray
from PIL import Image

from albumen.ml.image import DecodedImage
from albumen.ml.models.base import (
    InferenceModel,
    ModelError,
    ModelNotAvailable,
    ModelTask,
    ModelType,
    clean_name,
)
from albumen.ml.models.faces import serialize_embedding

log = logging.getLogger("albumen.ml")

_RESAMPLING = {method.name.lower(): method for method in Image.Resampling}
_PUNCTUATION = str.maketrans("", "", string.punctuation)
_DOWNLOAD_PATTERNS = ["config.json", "*/model.onnx", "*/model.onnx_data", "*/*.json", "*/*.txt"]
#: A model that could not be downloaded is tried again after this long, not on every request.
DOWNLOAD_RETRY_S = 600.0
_download_attempts: dict[Path, float] = {}
_download_lock = threading.Lock()


def read_json(path: Path) -> dict[str, Any]:
    try:
        loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ModelError(f"Cannot read {path}: {error}", 500) from error
    return loaded


def download_from_hub(model_name: str, cache_dir: Path) -> bool:
    """Fetch ``immich-app/<name>`` into ``cache_dir`` where the hub is reachable; False otherwise.

    Honours ``HF_HUB_OFFLINE``; never raises, so a machine without network access gets the
    "not in the model cache" error instead of a traceback.
    """
    try:
        from huggingface_hub import snapshot_download
    except ImportError:
        return False
    if os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes", "on"):
        return False
    repository = f"immich-app/{clean_name(model_name)}"
    log.info("Downloading CLIP model %s into %s", repository, cache_dir)
    try:
        snapshot_download(repository, local_dir=cache_dir, allow_patterns=_DOWNLOAD_PATTERNS)
    except Exception as error:  # any hub or network failure means "not available here"
        log.warning("Could not download %s: %s", repository, error)
        return False
    return True


class ClipModel(InferenceModel):
    """Shared loading for both halves: files checked up front, one optional download attempt."""

    required_files: tuple[str, ...] = ("model.onnx",)
    _session: ort.InferenceSession

    def _ensure_files(self) -> None:
        def missing() -> list[Path]:
            paths = [self.cache_dir / "config.json", *(self.model_dir / name for name in self.required_files)]
            return [path for path in paths if not path.is_file()]

        if not missing():
            return
        if self._may_download() and download_from_hub(self.model_name, self.cache_dir) and not missing():
            return
        if absent := missing():
            raise ModelNotAvailable(
                f"CLIP model '{self.model_name}' is not in the model cache: {absent[0]} is missing. "
                f"Put Immich's immich-app/{clean_name(self.model_name)} files in {self.cache_dir} "
                "(MACHINE_LEARNING_CACHE_FOLDER)."
            )

    def _may_download(self) -> bool:
        """At most one download try per model per :data:`DOWNLOAD_RETRY_S` (each request asks again)."""
        with _download_lock:
            last = _download_attempts.get(self.cache_dir)
            now = time.monotonic()
            if last is not None and now - last < DOWNLOAD_RETRY_S:
                return False
            _download_attempts[self.cache_dir] = now
        log.warning("CLIP model %r is not in the model cache (%s)", self.model_name, self.cache_dir)
        return True

    @property
    def model_cfg(self) -> dict[str, Any]:
        return read_json(self.cache_dir / "config.json")

    def _unload(self) -> None:
        del self._session


class ClipVisualEncoder(ClipModel):
    task = ModelTask.SEARCH
    type = ModelType.VISUAL
    required_files = ("model.onnx", "preprocess_cfg.json")

    def _load(self) -> None:
        self._ensure_files()
        config = read_json(self.model_dir / "preprocess_cfg.json")
        size = config["size"]
        self.size = int(size[0] if isinstance(size, list) else size)
        interpolation = str(config.get("interpolation", "bicubic")).lower()
        if interpolation not in _RESAMPLING:
            raise ModelError(f"Unsupported interpolation {interpolation!r} in preprocess_cfg.json", 500)
        self.resampling = _RESAMPLING[interpolation]
        self.resize_mode = str(config.get("resize_mode", "shortest"))
        if self.resize_mode not in ("shortest", "squash"):
            raise ModelError(f"Unsupported resize_mode {self.resize_mode!r} in preprocess_cfg.json", 500)
        self.mean = np.array(config["mean"], np.float32)
        self.std = np.array(config["std"], np.float32)
        self._session = self.ort_session(self.model_path)
        self._input_name = self._session.get_inputs()[0].name

    def preprocess(self, image: Image.Image) -> NDArray[np.float32]:
        """Resize (shorter side to ``size`` then centre crop, or squash), scale to 0-1, normalise, NCHW."""
        if self.resize_mode == "squash":
            resized = image.resize((self.size, self.size), resample=self.resampling)
        else:
            if image.width < image.height:
                scaled = (self.size, int(image.height / image.width * self.size))
            else:
                scaled = (int(image.width / image.height * self.size), self.size)
            resized = image.resize(scaled, resample=self.resampling)
            left = int(resized.width / 2 - self.size / 2)
            top = int(resized.height / 2 - self.size / 2)
            resized = resized.crop((left, top, left + self.size, top + self.size))
        pixels = np.asarray(resized.convert("RGB"), np.float32) / 255.0
        return ((pixels - self.mean) / self.std).transpose(2, 0, 1)[None].astype(np.float32)

    def encode(self, image: Image.Image) -> NDArray[np.float32]:
        self.load()
        output: NDArray[np.float32] = self._session.run(None, {self._input_name: self.preprocess(image)})[0][
            0
        ]
        return output

    def _predict(self, inputs: Any, *dependencies: Any, options: dict[str, Any]) -> str:
        if not isinstance(inputs, DecodedImage):
            raise ModelError("CLIP visual needs an image", 400)
        return serialize_embedding(self.encode(inputs.pil))


class ClipTextualEncoder(ClipModel):
    task = ModelTask.SEARCH
    type = ModelType.TEXTUAL
    required_files = ("model.onnx", "tokenizer.json")

    def _load(self) -> None:
        from tokenizers import Tokenizer

        self._ensure_files()
        text_cfg: dict[str, Any] = self.model_cfg.get("text_cfg", {})
        context_length = int(text_cfg.get("context_length", 77))
        tokenizer_kwargs = text_cfg.get("tokenizer_kwargs") or {}
        self.canonicalize = tokenizer_kwargs.get("clean") == "canonicalize"
        tokenizer = Tokenizer.from_file((self.model_dir / "tokenizer.json").as_posix())
        pad_token = self._pad_token()
        pad_id = tokenizer.token_to_id(pad_token) if pad_token is not None else None
        tokenizer.enable_padding(length=context_length, pad_token=pad_token or "", pad_id=pad_id or 0)
        tokenizer.enable_truncation(max_length=context_length)
        self.tokenizer = tokenizer
        self._session = self.ort_session(self.model_path)
        self._inputs = {model_input.name: model_input.type for model_input in self._session.get_inputs()}

    def _pad_token(self) -> str | None:
        config_path = self.model_dir / "tokenizer_config.json"
        if config_path.is_file():
            pad = read_json(config_path).get("pad_token")
            if isinstance(pad, dict):
                pad = pad.get("content")
            if isinstance(pad, str):
                return pad
        return None

    def tokenize(self, text: str) -> dict[str, NDArray[np.integer[Any]]]:
        """Model inputs for ``text``: ``text`` (OpenCLIP) or ``input_ids``/``attention_mask`` (M-CLIP)."""
        self.load()
        text = " ".join(text.split())
        if self.canonicalize:
            text = text.translate(_PUNCTUATION).lower()
        encoding = self.tokenizer.encode(text)

        def tensor(name: str, values: list[int]) -> NDArray[np.integer[Any]]:
            dtype = np.int64 if self._inputs[name] == "tensor(int64)" else np.int32
            return np.array([values], dtype=dtype)

        if "input_ids" in self._inputs:
            feeds = {"input_ids": tensor("input_ids", encoding.ids)}
            if "attention_mask" in self._inputs:
                feeds["attention_mask"] = tensor("attention_mask", encoding.attention_mask)
            return feeds
        name = "text" if "text" in self._inputs else next(iter(self._inputs))
        return {name: tensor(name, encoding.ids)}

    def encode(self, text: str) -> NDArray[np.float32]:
        output: NDArray[np.float32] = self._session.run(None, self.tokenize(text))[0][0]
        return output

    def _predict(self, inputs: Any, *dependencies: Any, options: dict[str, Any]) -> str:
        if not isinstance(inputs, str):
            raise ModelError("CLIP textual needs text", 400)
        return serialize_embedding(self.encode(inputs))
