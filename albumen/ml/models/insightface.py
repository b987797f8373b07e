"""Immich's ``buffalo_*`` / ``antelopev2`` face models (InsightFace RetinaFace + ArcFace, 512-d).

Loaded from ``<cache>/facial-recognition/<name>/{detection,recognition}/model.onnx`` when present
(the layout Immich's service downloads into); the registry falls back to YuNet/SFace otherwise.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from albumen.ml.image import DecodedImage
from albumen.ml.models.base import InferenceModel, ModelTask, ModelType, option_float
from albumen.ml.models.faces import (
    DEFAULT_MIN_SCORE,
    DETECTION_SIDE,
    FaceDetectionOutput,
    align_faces,
    face_detections,
    fit_scale,
)

STRIDES = (8, 16, 32)
NMS_THRESHOLD = 0.4


class RetinaFaceDetector(InferenceModel):
    """SCRFD/RetinaFace with per-stride score, distance and landmark outputs (InsightFace's export)."""

    task = ModelTask.FACIAL_RECOGNITION
    type = ModelType.DETECTION

    def _load(self) -> None:
        self._session = self.ort_session(self.model_path)
        outputs = self._session.get_outputs()
        self._input_name = self._session.get_inputs()[0].name
        self._output_names = [output.name for output in outputs]
        self._with_landmarks = len(outputs) == 3 * len(STRIDES)
        self._anchors_per_cell = 2

    def _unload(self) -> None:
        del self._session

    def _predict(self, inputs: Any, *dependencies: Any, options: dict[str, Any]) -> FaceDetectionOutput:
        image: DecodedImage = inputs
        min_score = option_float(options, "minScore", DEFAULT_MIN_SCORE)
        scale = fit_scale(image.width, image.height, DETECTION_SIDE)
        width, height = max(1, int(image.width * scale)), max(1, int(image.height * scale))
        canvas = np.zeros((DETECTION_SIDE, DETECTION_SIDE, 3), np.uint8)
        canvas[:height, :width] = cv2.resize(image.rgb, (width, height))
        blob = ((canvas.astype(np.float32) - 127.5) / 128.0).transpose(2, 0, 1)[None]
        outputs = self._session.run(self._output_names, {self._input_name: blob})
        boxes, scores, landmarks = self._decode(outputs, min_score)
        if len(scores) == 0:
            return FaceDetectionOutput.empty()
        keep = nms(boxes, scores, NMS_THRESHOLD)
        factor = height / image.height
        return FaceDetectionOutput(boxes[keep] / factor, scores[keep], landmarks[keep] / factor).clipped(
            image.width, image.height
        )

    def _decode(
        self, outputs: list[NDArray[np.float32]], min_score: float
    ) -> tuple[NDArray[np.float32], NDArray[np.float32], NDArray[np.float32]]:
        levels = len(STRIDES)
        all_boxes, all_scores, all_landmarks = [], [], []
        for level, stride in enumerate(STRIDES):
            scores = squeeze_batch(outputs[level]).reshape(-1)
            distances = squeeze_batch(outputs[level + levels]).reshape(-1, 4) * stride
            cells = DETECTION_SIDE // stride
            rows, columns = np.mgrid[:cells, :cells]
            grid = np.stack([columns, rows], axis=-1).reshape(-1, 2).astype(np.float32)
            centers = np.repeat(grid * stride, self._anchors_per_cell, axis=0)
            selected = np.where(scores >= min_score)[0]
            points = centers[selected]
            boxes = np.concatenate(
                [points - distances[selected, :2], points + distances[selected, 2:]], axis=1
            )
            all_boxes.append(boxes)
            all_scores.append(scores[selected])
            if self._with_landmarks:
                offsets = squeeze_batch(outputs[level + 2 * levels]).reshape(-1, 5, 2) * stride
                all_landmarks.append(points[:, None, :] + offsets[selected])
            else:
                all_landmarks.append(np.zeros((len(selected), 5, 2), np.float32))
        return (
            np.concatenate(all_boxes).astype(np.float32),
            np.concatenate(all_scores).astype(np.float32),
            np.concatenate(all_landmarks).astype(np.float32),
        )


class ArcFaceRecognizer(InferenceModel):
    task = ModelTask.FACIAL_RECOGNITION
    type = ModelType.RECOGNITION

    def _load(self) -> None:
        self._session = self.ort_session(self.model_path)
        model_input = self._session.get_inputs()[0]
        self._input_name = model_input.name
        batch = model_input.shape[0]
        # Some exports fix the batch size; a symbolic first dimension takes every face at once.
        self._batch_size = batch if isinstance(batch, int) and batch > 0 else None

    def _unload(self) -> None:
        del self._session

    def _predict(self, inputs: Any, *dependencies: Any, options: dict[str, Any]) -> list[dict[str, Any]]:
        image: DecodedImage = inputs
        faces = face_detections(dependencies)
        if len(faces.boxes) == 0:
            return []
        crops = align_faces(image.rgb, faces.landmarks)
        blob = ((crops.astype(np.float32) - 127.5) / 127.5).transpose(0, 3, 1, 2)
        step = self._batch_size or len(blob)
        embeddings = np.concatenate(
            [
                self._session.run(None, {self._input_name: blob[i : i + step]})[0]
                for i in range(0, len(blob), step)
            ]
        )
        return faces.to_response(embeddings.astype(np.float32))


def squeeze_batch(values: NDArray[np.float32]) -> NDArray[np.float32]:
    return values[0] if values.ndim == 3 else values


def nms(boxes: NDArray[np.float32], scores: NDArray[np.float32], threshold: float) -> list[int]:
    """Indices of the boxes kept by greedy non-maximum suppression, best first."""
    order = scores.argsort()[::-1]
    areas = (boxes[:, 2] - boxes[:, 0] + 1) * (boxes[:, 3] - boxes[:, 1] + 1)
    keep: list[int] = []
    while order.size > 0:
        best = int(order[0])
        keep.append(best)
        rest = order[1:]
        x1 = np.maximum(boxes[best, 0], boxes[rest, 0])
        y1 = np.maximum(boxes[best, 1], boxes[rest, 1])
        x2 = np.minimum(boxes[best, 2], boxes[rest, 2])
        y2 = np.minimum(boxes[best, 3], boxes[rest, 3])
        intersection = np.maximum(0.0, x2 - x1 + 1) * np.maximum(0.0, y2 - y1 + 1)
        overlap = intersection / (areas[best] + areas[rest] - intersection)
        order = rest[overlap <= threshold]
    return keep
