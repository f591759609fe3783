"""The training history behind a set of weights, across warm-start stages.

A warm-started run's history is its parent's up to the checkpoint it started from, then its own; the parent's
later epochs were spent too, so their time is counted but not their epochs. The parent is a run folder (its
``best.pt``) or a published model package. Once worked out, the history is written next to the weights
(``history.json`` in the run folder, and ``export`` puts it in the package), so a later stage or report needs
neither the parent's folder nor the machine it lived on.
"""
from __future__ import annotations

import json
import os

from . import archive, package_weights

HISTORY_FILE = "history.json"
RECIPE_KEYS = ["augmentation", "hed", "lr", "warmup_steps", "ema", "label_smoothing", "mixup", "imbalance",
               "batch_size", "weight_decay", "time_budget_min", "budget_clock"]


def read_log(path: str) -> list[dict]:
    import csv
    with archive.open_text(os.path.join(path, "log.csv")) as f:
        log = [{k: float(v) for k, v in r.items()} for r in csv.DictReader(f)]
    return [row for row in log if row.get("train_images", 1) > 0]  # an epoch the budget ended before it began


def spent_seconds(rows: list[dict]) -> float:
    return sum(r.get("cpu_seconds_per_epoch", r["seconds_per_epoch"]) for r in rows)


def recipe(cfg: dict) -> dict:
    return {k: cfg.get(k) for k in RECIPE_KEYS}


def of_run(run_dir: str, cfg: dict, log: list[dict], archive_root: str | None = None) -> dict:
    """The history of a run's weights: {log, discarded_seconds, recipe, stages[, warm_start]}."""
    own = {"log": log, "discarded_seconds": 0.0, "recipe": recipe(cfg),
           "stages": [f"run {os.path.basename(os.path.normpath(run_dir))}"]}
    kept = os.path.join(run_dir, HISTORY_FILE)
    if not cfg.get("init_from"):  # from scratch, or a run folder made from a package that brought its history
        return _read(kept) if os.path.exists(kept) else own
    try:
        parent = _parent(cfg["init_from"], archive_root)
    except FileNotFoundError:  # the parent is on another machine: the history worked out when it was here
        if not os.path.exists(kept):
            raise
        return _read(kept)
    start = max(range(len(parent["log"])), key=lambda i: parent["log"][i]["val_auc"]) + 1  # best.pt rule
    changed = ({k: (parent["recipe"].get(k), own["recipe"].get(k)) for k in RECIPE_KEYS
                if parent["recipe"].get(k) != own["recipe"].get(k)} if parent["recipe"] else None)  # None: unknown
    history = {
        "log": parent["log"][:start] + log,
        "discarded_seconds": parent["discarded_seconds"] + spent_seconds(parent["log"][start:]),
        "recipe": own["recipe"], "stages": parent["stages"] + own["stages"],
        "warm_start": {"parent": parent["stages"][-1], "from_epoch": start, "parent_epochs": len(parent["log"]),
                       "own_epochs": len(log), "changed": changed,
                       "parent_minutes": (sum(r["seconds_per_epoch"] for r in parent["log"])
                                          + parent["discarded_seconds"]) / 60},
    }
    with open(kept, "w") as f:
        json.dump(history, f, indent=1)
    return history


def _read(path: str) -> dict:
    with open(path) as f:
        return json.load(f)


def _parent(init_from: str, archive_root: str | None) -> dict:
    source = os.path.abspath(init_from)
    if package_weights.is_package(source):
        return _of_package(source)
    parent_dir = os.path.dirname(source)  # a run's best.pt
    if archive_root and not os.path.exists(os.path.join(parent_dir, "log.csv")):
        parent_dir = os.path.join(archive_root, os.path.basename(parent_dir))
    with open(os.path.join(parent_dir, "config.json")) as f:
        cfg = json.load(f)
    return of_run(parent_dir, cfg, read_log(parent_dir), archive_root)


def _of_package(package_dir: str) -> dict:
    """A package's own history file, else (packages made before it existed) its last stage's log."""
    card = package_weights.read_card(package_dir)
    name = f"model {card['id']} {card['version']}"
    kept = os.path.join(package_dir, HISTORY_FILE)
    if os.path.exists(kept):
        history = _read(kept)
        return dict(history, stages=history["stages"][:-1] + [name])
    return {"log": read_log(package_dir), "discarded_seconds": 0.0, "recipe": {}, "stages": [name]}
