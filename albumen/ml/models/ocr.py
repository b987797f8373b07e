"""Text detection and recognition with the PP-OCR models shipped in ``rapidocr-onnxruntime``.

Immich's ``PP-OCRv5_*`` names map to the wheel's PP-OCR models unless Immich's files are in the model
cache (``<cache>/ocr/<name>/{detection,recognition}/model.onnx``). Detection and recognition are two
models, as in Immich, with recognition depending on detection's boxes.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import onnxruntime as ort
from numpy.typing import NDArray

from albumen.ml.image import DecodedImage
from albumen.ml.models.base import (
    InferenceModel,
    ModelError,
    ModelTask,
    ModelType,
    option_float,
    release_memory,
)

log = logging.getLogger("albumen.ml")

DEFAULT_MAX_RESOLUTION = 736
DEFAULT_BOX_SCORE = 0.5
DEFAULT_TEXT_SCORE = 0.8
RECOGNITION_HEIGHT = 48
RECOGNITION_MIN_WIDTH = 320
RECOGNITION_BATCH = 6


RAPIDOCR_MISSING = (
    "OCR needs rapidocr-onnxruntime: "
    "pip install --no-deps --ignore-requires-python rapidocr-onnxruntime==1.4.4"
)


def bundled_model(kind: str) -> Path:
    try:
        import rapidocr_onnxruntime
    except ImportError as error:
        raise ModelError(RAPIDOCR_MISSING, 500) from error

    folder = Path(rapidocr_onnxruntime.__file__).parent / "models"
    found = sorted(folder.glob(f"*_{kind}_infer.onnx"))
    if not found:
        raise ModelError(f"rapidocr-onnxruntime has no {kind} model in {folder}", 500)
    return found[-1]


@dataclass(frozen=True)
class TextDetectionOutput:
    """Quadrilaterals ``(N, 4, 2)`` in pixels (clockwise from top-left), reading order, with scores."""

    boxes: NDArray[np.float32]
    scores: NDArray[np.float32]


def ocr_response(
    image: DecodedImage,
    boxes: NDArray[np.float32],
    box_scores: NDArray[np.float32],
    texts: list[str],
    text_scores: list[float],
) -> dict[str, Any]:
    """Immich's ``ocr`` object: boxes flattened to x1,y1..x4,y4 and normalised to 0-1."""
    normalised = boxes.astype(np.float64) / np.array([image.width, image.height])
    return {
        "text": texts,
        "box": [float(value) for value in normalised.reshape(-1)],
        "boxScore": [float(score) for score in box_scores],
        "textScore": [float(score) for score in text_scores],
    }


class TextDetector(InferenceModel):
    task = ModelTask.OCR
    type = ModelType.DETECTION

    def _load(self) -> None:
        bundled = bundled_model("det")  # also tells clearly when rapidocr-onnxruntime is missing
        from rapidocr_onnxruntime.ch_ppocr_det.utils import DBPostProcess

        path = self.model_path if self.model_path.is_file() else bundled
        if path != self.model_path:
            log.info(
                "OCR model %r is not in %s; using the bundled %s", self.model_name, self.model_dir, path.name
            )
        self._session = self.ort_session(path, arena=False)
        self._input_name = self._session.get_inputs()[0].name
        self._postprocess_type = DBPostProcess

    def _unload(self) -> None:
        del self._session

    def _predict(self, inputs: Any, *dependencies: Any, options: dict[str, Any]) -> TextDetectionOutput:
        image: DecodedImage = inputs
        if image.width < 32 or image.height < 32:
            return TextDetectionOutput(np.zeros((0, 4, 2), np.float32), np.zeros((0,), np.float32))
        max_resolution = int(option_float(options, "maxResolution", DEFAULT_MAX_RESOLUTION))
        # A fresh post-processor per call: its thresholds come from this request's options.
        postprocess = self._postprocess_type(
            thresh=0.3,
            box_thresh=option_float(options, "minScore", DEFAULT_BOX_SCORE),
            max_candidates=1000,
            unclip_ratio=1.6,
            use_dilation=True,
            score_mode="fast",
        )
        prediction = self._session.run(None, {self._input_name: self._transform(image, max_resolution)})[0]
        boxes, scores = postprocess(prediction, (image.height, image.width))
        del prediction
        release_memory()
        kept_boxes, kept_scores = [], []
        for box, score in zip(boxes, scores, strict=True):
            ordered = order_clockwise(np.asarray(box, np.float32), image.width, image.height)
            if np.linalg.norm(ordered[0] - ordered[1]) > 3 and np.linalg.norm(ordered[0] - ordered[3]) > 3:
                kept_boxes.append(ordered)
                kept_scores.append(score)
        if not kept_boxes:
            return TextDetectionOutput(np.zeros((0, 4, 2), np.float32), np.zeros((0,), np.float32))
        ranks = reading_order(np.array(kept_boxes))
        return TextDetectionOutput(
            np.array([kept_boxes[i] for i in ranks], np.float32),
            np.array([kept_scores[i] for i in ranks], np.float32),
        )

    @staticmethod
    def _transform(image: DecodedImage, max_resolution: int) -> NDArray[np.float32]:
        # Like Immich: the shorter side goes to maxResolution, both sides to a multiple of 32.
        ratio = max_resolution / min(image.width, image.height)
        width = max(32, round(image.width * ratio / 32) * 32)
        height = max(32, round(image.height * ratio / 32) * 32)
        resized = cv2.resize(
            image.bgr, (width, height), interpolation=cv2.INTER_AREA if ratio < 1 else cv2.INTER_LINEAR
        )
        normalised = (resized.astype(np.float32) - 127.5) / 127.5
        return normalised.transpose(2, 0, 1)[None]


class TextRecognizer(InferenceModel):
    task = ModelTask.OCR
    type = ModelType.RECOGNITION

    def _load(self) -> None:
        bundled = bundled_model("rec")
        from rapidocr_onnxruntime.ch_ppocr_rec.utils import CTCLabelDecode

        session: ort.InferenceSession | None = None
        if self.model_path.is_file():
            session = self.ort_session(self.model_path, arena=False)
            if "character" not in session.get_modelmeta().custom_metadata_map:
                log.warning("OCR model %s carries no character list; using the bundled one", self.model_path)
                session = None
        if session is None:
            log.info(
                "OCR model %r is not in %s; using the bundled recogniser", self.model_name, self.model_dir
            )
            session = self.ort_session(bundled, arena=False)
        characters = session.get_modelmeta().custom_metadata_map["character"].splitlines()
        self._session = session
        self._input_name = session.get_inputs()[0].name
        self._decode = CTCLabelDecode(character=characters)

    def _unload(self) -> None:
        del self._session, self._decode

    def _predict(self, inputs: Any, *dependencies: Any, options: dict[str, Any]) -> dict[str, Any]:
        image: DecodedImage = inputs
        detected = dependencies[0] if dependencies else None
        if not isinstance(detected, TextDetectionOutput):
            raise ModelError("Text recognition needs the output of text detection", 400)
        min_score = option_float(options, "minScore", DEFAULT_TEXT_SCORE)
        if len(detected.boxes) == 0:
            return ocr_response(image, detected.boxes, detected.scores, [], [])
        results = self.recognize([crop_text(image.bgr, box) for box in detected.boxes])
        keep = [i for i, (_, score) in enumerate(results) if score > min_score]
        return ocr_response(
            image,
            detected.boxes[keep],
            detected.scores[keep],
            [results[i][0] for i in keep],
            [results[i][1] for i in keep],
        )

    def recognize(self, crops: list[NDArray[np.uint8]]) -> list[tuple[str, float]]:
        """Text and confidence for each crop, batched by similar aspect ratio."""
        results: list[tuple[str, float]] = [("", 0.0)] * len(crops)
        order = np.argsort([crop.shape[1] / crop.shape[0] for crop in crops])
        for start in range(0, len(crops), RECOGNITION_BATCH):
            indices = order[start : start + RECOGNITION_BATCH]
            ratios = [crops[i].shape[1] / crops[i].shape[0] for i in indices]
            width = int(RECOGNITION_HEIGHT * max(RECOGNITION_MIN_WIDTH / RECOGNITION_HEIGHT, *ratios))
            batch = np.stack([pad_text_line(crops[i], width) for i in indices])
            decoded = self._decode(self._session.run(None, {self._input_name: batch})[0])
            for index, (text, score) in zip(indices, decoded, strict=True):
                results[int(index)] = (str(text), float(score))
        return results


def reading_order(boxes: NDArray[np.float32]) -> list[int]:
    """Indices top to bottom, and left to right within a line (tops less than 10 px apart)."""
    order = sorted(range(len(boxes)), key=lambda i: (boxes[i][0][1], boxes[i][0][0]))
    for end in range(len(order) - 1):
        for j in range(end, -1, -1):
            upper, lower = boxes[order[j]][0], boxes[order[j + 1]][0]
            if abs(lower[1] - upper[1]) < 10 and lower[0] < upper[0]:
                order[j], order[j + 1] = order[j + 1], order[j]
            else:
                break
    return order


def order_clockwise(points: NDArray[np.float32], width: int, height: int) -> NDArray[np.float32]:
    """Top-left, top-right, bottom-right, bottom-left, clipped to the image."""
    by_x = points[np.argsort(points[:, 0])]
    left, right = by_x[:2], by_x[2:]
    top_left, bottom_left = left[np.argsort(left[:, 1])]
    top_right, bottom_right = right[np.argsort(right[:, 1])]
    ordered = np.array([top_left, top_right, bottom_right, bottom_left], np.float32)
    ordered[:, 0] = ordered[:, 0].clip(0, width - 1)
    ordered[:, 1] = ordered[:, 1].clip(0, height - 1)
    return ordered


def crop_text(image: NDArray[np.uint8], box: NDArray[np.float32]) -> NDArray[np.uint8]:
    """The box's quadrilateral warped to an upright rectangle; tall crops are turned to read sideways."""
    width = int(max(np.linalg.norm(box[0] - box[1]), np.linalg.norm(box[2] - box[3])))
    height = int(max(np.linalg.norm(box[0] - box[3]), np.linalg.norm(box[1] - box[2])))
    width, height = max(width, 1), max(height, 1)
    target = np.array([[0, 0], [width, 0], [width, height], [0, height]], np.float32)
    matrix = cv2.getPerspectiveTransform(box.astype(np.float32), target)
    crop = cv2.warpPerspective(
        image, matrix, (width, height), borderMode=cv2.BORDER_REPLICATE, flags=cv2.INTER_CUBIC
    )
    if crop.shape[0] / crop.shape[1] >= 1.5:
        crop = np.rot90(crop)
    return np.ascontiguousarray(crop)


def pad_text_line(crop: NDArray[np.uint8], width: int) -> NDArray[np.float32]:
    """Resize to the recogniser's height keeping the aspect ratio, scale to -1..1, pad right with 0."""
    resized_width = min(width, math.ceil(RECOGNITION_HEIGHT * crop.shape[1] / crop.shape[0]))
    resized = cv2.resize(crop, (resized_width, RECOGNITION_HEIGHT)).astype(np.float32)
    line = np.zeros((3, RECOGNITION_HEIGHT, width), np.float32)
    line[:, :, :resized_width] = (resized.transpose(2, 0, 1) / 255.0 - 0.5) / 0.5
    return line
