"""Weights of a published model package, read back from its ONNX graph.

A run folder (with its best.pt) lives only on the machine that trained it; the package in ``models/`` is what lasts.
``export`` keeps every parameter and batch-norm buffer as a named initializer (``model.<state-dict key>``, with a
``_fp16`` suffix when stored as float16, then a Cast), so a later stage can warm-start from the shipped weights
exactly as the engine runs them. The exporter stores equal tensors once and names the copies with Identity nodes;
those are followed too.
"""
from __future__ import annotations

import json
import os

import numpy as np
import onnx
import torch
from onnx import numpy_helper

PREFIX = "model."
FP16_SUFFIX = "_fp16"


def read_card(package_dir: str) -> dict:
    with open(os.path.join(package_dir, "model-card.json")) as f:
        return json.load(f)


def is_package(path: str) -> bool:
    return os.path.isdir(path) and os.path.exists(os.path.join(path, "model-card.json"))


def state_dict_from_package(package_dir: str, model: torch.nn.Module, card: dict | None = None) -> dict:
    """The package's weights as a state dict for ``model``; every parameter and buffer the graph could have must
    be there (batch-norm step counters are not part of the function and keep the model's own values)."""
    card = card or read_card(package_dir)
    proto = onnx.load(os.path.join(package_dir, card["onnx"]["file"]))
    tensors = {init.name: numpy_helper.to_array(init) for init in proto.graph.initializer}
    for node in proto.graph.node:  # graph order: a copy's source is named before the copy
        if node.op_type in ("Identity", "Cast") and node.input and node.input[0] in tensors:
            tensors[node.output[0]] = tensors[node.input[0]]
    stored = {name[len(PREFIX):]: arr for name, arr in tensors.items()
              if name.startswith(PREFIX) and not name.endswith(FP16_SUFFIX)}
    state = model.state_dict()
    missing = [k for k in state if k not in stored and not k.endswith("num_batches_tracked")]
    unexpected = [k for k in stored if k not in state]
    if missing or unexpected:
        raise ValueError(f"{package_dir}: the graph's weights do not fit this architecture "
                         f"(missing {missing[:3]}{'...' if len(missing) > 3 else ''}, "
                         f"unexpected {unexpected[:3]}{'...' if len(unexpected) > 3 else ''})")
    out = {}
    for k, v in state.items():
        if k not in stored:
            out[k] = v
            continue
        arr = stored[k].astype(np.float32) if stored[k].dtype == np.float16 else stored[k]
        if tuple(arr.shape) != tuple(v.shape):
            raise ValueError(f"{package_dir}: {k} has shape {arr.shape}, this architecture needs {tuple(v.shape)}")
        out[k] = torch.from_numpy(np.ascontiguousarray(arr)).to(v.dtype)
    return out
