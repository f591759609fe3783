"""Helpers shared by evaluate / export / report."""
from __future__ import annotations

import hashlib
import json
import os

import torch

from .models import build_model

MAX_ONNX_BYTES = 100 * 1000 * 1000  # every shipped model file must stay below 100 MB
FP32_LIMIT_BYTES = 95 * 1000 * 1000  # above this, store weights as float16 initializers


def load_model(checkpoint: str, device="cpu"):
    """Rebuild the model from a best.pt/last.pt checkpoint. Returns (model, config)."""
    ck = torch.load(checkpoint, map_location="cpu")
    cfg = ck["config"]
    model = build_model(cfg["arch"], native_size=cfg["native_size"], input_size=cfg["input_size"])
    model.load_state_dict(ck["model"])
    model.to(device).eval()
    return model, cfg, ck


def fp32_bytes(model) -> int:
    return sum(t.numel() * 4 for t in model.state_dict().values() if t.is_floating_point())


def needs_fp16(model, mode: str = "auto") -> bool:
    if mode == "yes":
        return True
    if mode == "no":
        return False
    return fp32_bytes(model) > FP32_LIMIT_BYTES


@torch.no_grad()
def round_weights_fp16(model):
    """Round every floating parameter/buffer to the nearest float16 value (kept as float32), so
    PyTorch computes exactly what the float16-initializer ONNX graph computes."""
    for t in list(model.parameters()) + list(model.buffers()):
        if t.is_floating_point():
            h = t.data.half()
            if not torch.isfinite(h).all():
                raise ValueError("a weight overflows float16; cannot store as fp16")
            t.data.copy_(h.float())
    return model


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_json(path, obj):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w") as f:
        json.dump(obj, f, indent=2, sort_keys=False)
        f.write("\n")
