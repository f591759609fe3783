"""Weights of a published model package, read back from its ONNX graph.

A run folder (with its best.pt) lives only on the machine that trained it; the package in ``models/`` is what lasts.
``export`` keeps every parameter and batch-norm buffer as a named initializer (``model.<state-dict key>``, with a
``_fp16`` suffix when stored as float16, then a Cast), so a later stage can warm-start from the shipped weights
exactly as the engine runs them. The exporter stores equal tensors once and names the copies with Identity nodes;
those are followed too.
"""
from __future__ import annotations

import json
import logging
import os

import numpy as np
import onnx
import torch
from onnx import numpy_helper
from .logsetup import configure_logging

log = logging.getLogger(__name__)

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


TRAINING_CONFIG = "training-config.json"  # the run's config.json, kept in the package by export


def run_config(package_dir: str, card: dict | None = None) -> dict:
    """The training config behind a package: the one export kept, else (packages made before export kept it) the
    fields the evaluator and the report need, from the card and the package's history."""
    kept = os.path.join(package_dir, TRAINING_CONFIG)
    if os.path.exists(kept):
        with open(kept) as f:
            return json.load(f)
    card = card or read_card(package_dir)
    training, split = card["training"], card["training"]["split"]
    history_path = os.path.join(package_dir, "history.json")  # lineage.HISTORY_FILE (lineage imports this module)
    recipe = {}
    if os.path.exists(history_path):
        with open(history_path) as f:
            recipe = json.load(f).get("recipe", {})
    return {**recipe, "arch": card["architecture"]["arch"], "data": training["data_layout"], "seed": training["split_seed"],
            "native_size": card["input"]["width"], "input_size": card["architecture"]["internal_resize_to"],
            "mean": card["input"]["mean"], "std": card["input"]["std"], "classes": card["classes"],
            "batch_size": training["batch_size"], "schedule": training["schedule"].split()[0],
            "pos_weight": split["train"]["negative"] / split["train"]["positive"],
            "n_train_used": training["train_patches_used"], "n_val_used": training["val_patches_used_during_training"],
            "split_summary": split, "params": card["architecture"]["parameters"],
            "precision_used": training.get("precision"), "epochs": training["epochs_planned"],
            "reconstructed_from": f"model card {card['id']} {card['version']}"}


def run_from_package(package_dir: str, out_dir: str) -> str:
    """A run folder (best.pt, config.json, log.csv, split.csv, history.json) holding the package's weights, so the
    evaluator and the report work on a published model whose run folder is on another machine."""
    import shutil
    from .models import build_model
    card = read_card(package_dir)
    cfg = dict(run_config(package_dir, card), init_from=None, out=out_dir)
    model = build_model(cfg["arch"], native_size=cfg["native_size"], input_size=cfg["input_size"])
    weights = state_dict_from_package(package_dir, model, card)
    os.makedirs(out_dir, exist_ok=True)
    torch.save({"model": weights, "epoch": card["training"]["best_epoch"], "config": cfg,
                "weights": f"model {card['id']} {card['version']}"}, os.path.join(out_dir, "best.pt"))
    with open(os.path.join(out_dir, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    for name in ("log.csv", "split.csv", "history.json"):
        if os.path.exists(os.path.join(package_dir, name)):
            shutil.copyfile(os.path.join(package_dir, name), os.path.join(out_dir, name))
    return out_dir


def main(argv=None):
    import argparse
    ap = argparse.ArgumentParser(description="Turn a published model package into a run folder (for evaluate "
                                             "and report): python3 -m histoscope_train.package_weights PKG OUT")
    ap.add_argument("package")
    ap.add_argument("out")
    args = ap.parse_args(argv)
    log.info(f"[package] run folder {run_from_package(args.package, args.out)}")


if __name__ == "__main__":
    configure_logging()
    main()
