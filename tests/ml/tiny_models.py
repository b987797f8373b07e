"""Tiny ONNX models with the inputs, outputs and files of Immich's published models.

No real CLIP or buffalo weights can be fetched on these machines, so tests and the benchmark build
stand-ins with deterministic weights: the service's real loading, preprocessing and tokenising code
runs on them unchanged.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors

CLIP_NAME = "ViT-B-32__openai"
EMBED_DIM = 16
IMAGE_SIZE = 32
CONTEXT_LENGTH = 12
WORDS = ["a", "dog", "on", "the", "beach", "cat", "photo", "of", "sunset", "mountain", "city", "night"]
SPECIAL = ["<|startoftext|>", "<|endoftext|>", "[UNK]"]
PREPROCESS_CFG = {
    "size": [IMAGE_SIZE, IMAGE_SIZE],
    "mode": "RGB",
    "mean": [0.48145466, 0.4578275, 0.40821073],
    "std": [0.26862954, 0.26130258, 0.27577711],
    "interpolation": "bicubic",
    "resize_mode": "shortest",
    "fill_color": 0,
}


def _save(graph: onnx.GraphProto, path: Path) -> None:
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, path.as_posix())


def build_tiny_clip(cache_folder: Path, name: str = CLIP_NAME) -> Path:
    """Write ``<cache>/clip/<name>/`` with a visual and a textual model; returns that folder."""
    root = cache_folder / "clip" / name
    rng = np.random.default_rng(7)
    pixels = 3 * IMAGE_SIZE * IMAGE_SIZE
    projection = (rng.standard_normal((pixels, EMBED_DIM)) / np.sqrt(pixels)).astype(np.float32)
    visual = helper.make_graph(
        [
            helper.make_node("Flatten", ["image"], ["flat"], axis=1),
            helper.make_node("MatMul", ["flat", "projection"], ["embedding"]),
        ],
        "tiny_clip_visual",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 3, IMAGE_SIZE, IMAGE_SIZE])],
        [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, [1, EMBED_DIM])],
        [numpy_helper.from_array(projection, "projection")],
    )
    _save(visual, root / "visual" / "model.onnx")
    (root / "visual" / "preprocess_cfg.json").write_text(json.dumps(PREPROCESS_CFG))

    vocabulary = {token: index for index, token in enumerate(SPECIAL + WORDS)}
    table = rng.standard_normal((len(vocabulary), EMBED_DIM)).astype(np.float32)
    textual = helper.make_graph(
        [
            helper.make_node("Cast", ["text"], ["ids"], to=TensorProto.INT64),
            helper.make_node("Gather", ["table", "ids"], ["tokens"], axis=0),
            helper.make_node("ReduceMean", ["tokens"], ["embedding"], axes=[1], keepdims=0),
        ],
        "tiny_clip_textual",
        [helper.make_tensor_value_info("text", TensorProto.INT32, [1, CONTEXT_LENGTH])],
        [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, [1, EMBED_DIM])],
        [numpy_helper.from_array(table, "table")],
    )
    _save(textual, root / "textual" / "model.onnx")

    tokenizer = Tokenizer(models.WordLevel(vocab=vocabulary, unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.Lowercase()
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer.post_processor = processors.TemplateProcessing(
        single="<|startoftext|> $A <|endoftext|>",
        special_tokens=[
            ("<|startoftext|>", vocabulary["<|startoftext|>"]),
            ("<|endoftext|>", vocabulary["<|endoftext|>"]),
        ],
    )
    tokenizer.save((root / "textual" / "tokenizer.json").as_posix())
    (root / "textual" / "tokenizer_config.json").write_text(json.dumps({"pad_token": "<|endoftext|>"}))
    config = {
        "embed_dim": EMBED_DIM,
        "vision_cfg": {"image_size": IMAGE_SIZE, "layers": 1, "width": 8, "patch_size": 16},
        "text_cfg": {
            "context_length": CONTEXT_LENGTH,
            "vocab_size": len(vocabulary),
            "width": 8,
            "layers": 1,
        },
    }
    (root / "config.json").write_text(json.dumps(config))
    return root


#: Where the fake RetinaFace puts its one face: stride-8 cell (row 10, column 20), first anchor.
FAKE_FACE_CELL = (10, 20)
FAKE_FACE_DISTANCES = (2.0, 3.0, 4.0, 5.0)
FAKE_FACE_SCORE = 0.9


def build_tiny_buffalo(cache_folder: Path, name: str = "buffalo_l") -> Path:
    """A RetinaFace stand-in answering one fixed face for a 640x640 input, and a 512-d ArcFace one."""
    root = cache_folder / "facial-recognition" / name
    outputs, initializers, nodes = [], [], []
    for kind, width in (("score", 1), ("bbox", 4), ("kps", 10)):
        for stride in (8, 16, 32):
            rows = (640 // stride) ** 2 * 2
            values = np.zeros((rows, width), np.float32)
            if stride == 8:
                anchor = (FAKE_FACE_CELL[0] * 80 + FAKE_FACE_CELL[1]) * 2
                if kind == "score":
                    values[anchor] = FAKE_FACE_SCORE
                elif kind == "bbox":
                    values[anchor] = FAKE_FACE_DISTANCES
                else:
                    values[anchor] = [-1.0, -1.0, 1.0, -1.0, 0.0, 0.0, -1.0, 1.5, 1.0, 1.5]
            output = f"{kind}_{stride}"
            initializers.append(numpy_helper.from_array(values, f"{output}_value"))
            if output != "score_8":  # score_8 is computed from the image below
                nodes.append(helper.make_node("Identity", [f"{output}_value"], [output]))
            outputs.append(helper.make_tensor_value_info(output, TensorProto.FLOAT, [rows, width]))
    # The image must flow into the graph; adding 0 x its mean keeps the outputs fixed.
    nodes.append(helper.make_node("ReduceMean", ["input.1"], ["image_mean"], keepdims=0))
    nodes.append(helper.make_node("Mul", ["image_mean", "zero"], ["image_zero"]))
    nodes.append(helper.make_node("Add", ["score_8_value", "image_zero"], ["score_8"]))
    initializers.append(numpy_helper.from_array(np.zeros((), np.float32), "zero"))
    detection = helper.make_graph(
        nodes,
        "tiny_retinaface",
        [helper.make_tensor_value_info("input.1", TensorProto.FLOAT, [1, 3, "height", "width"])],
        outputs,
        initializers,
    )
    _save(detection, root / "detection" / "model.onnx")

    projection = np.random.default_rng(11).standard_normal((3, 512)).astype(np.float32)
    recognition = helper.make_graph(
        [
            helper.make_node("ReduceMean", ["input.1"], ["channels"], axes=[2, 3], keepdims=0),
            helper.make_node("MatMul", ["channels", "projection"], ["683"]),
        ],
        "tiny_arcface",
        [helper.make_tensor_value_info("input.1", TensorProto.FLOAT, ["batch", 3, 112, 112])],
        [helper.make_tensor_value_info("683", TensorProto.FLOAT, ["batch", 512])],
        [numpy_helper.from_array(projection, "projection")],
    )
    _save(recognition, root / "recognition" / "model.onnx")
    return root
