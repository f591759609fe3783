"""Helpers shared by evaluate / export / report."""
from __future__ import annotations

import hashlib
import json
import os
import random

import numpy as np
import torch

from . import data as D
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


def get_device(name: str = "auto") -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(name)


def seed_everything(seed: int):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    if torch.cuda.is_available():
        torch.cuda.manual_seed_all(seed)


@torch.no_grad()
def predict(model, images_uint8: torch.Tensor, mean, std, device, batch_size=256, stain: dict | None = None) -> np.ndarray:
    """Probabilities for [N,H,W,3] uint8 images (no augmentation; the model's stain normalisation if it has one)."""
    model.eval()
    out = []
    for i in range(0, len(images_uint8), batch_size):
        x = D.batch_to_input(images_uint8[i:i + batch_size], mean, std, stain=stain).to(device)
        out.append(torch.sigmoid(model(x)).float().cpu().view(-1))
    return torch.cat(out).numpy() if out else np.zeros(0, dtype=np.float32)
