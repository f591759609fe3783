"""Patient-level cross-validation of training recipes on a cheap proxy (the plain CNN, 15 CPU-minutes a fold).

One split of 30 validation patients cannot tell recipes apart: its patient-level AUC interval is ~0.05 wide. So
recipes are compared on K folds of the NON-test patients (grouped by patient, stratified by slide type and IDC
share); the test patients of the shipped package are never used for a decision.

    python3 -m histoscope_train.cv folds --split ../models/xception-nasnetmobile-idc/split.csv \
        --data-root DATA --out runs/cv/folds            # writes fold0.csv .. fold4.csv (train/val/test)
    python3 -m histoscope_train.cv summary --kept ../models/runs/cv    # the table, mean +- sd per recipe

A fold's figures are those of its held-out patients (``val`` of the fold's split): the AUC, and the balanced
accuracy at a threshold that fold did not choose - Youden's J on the pooled out-of-fold predictions of the OTHER
folds - so the threshold is never fitted on the patients it is scored on.
"""
from __future__ import annotations

import argparse
import logging
import csv
import json
import os
import random
import statistics

import numpy as np

from . import data as D
from .logsetup import configure_logging
from .archive import open_text
from .metrics import roc_auc, threshold_metrics, youden_threshold

BASELINE = "base"
# What each recipe of scripts/run_cv.sh changes against the baseline (the shipped recipe on the plain CNN).
RECIPE_DESCRIPTIONS = {
    "base": "the shipped recipe: histology augmentation without stain jitter, EMA, pos_weight, cosine",
    "patient_balanced": "every patient weighs the same in an epoch (sampling with replacement)",
    "reinhard": "Reinhard stain normalisation to the training patches' mean tissue statistics",
    "hed_0.1": "HED stain jitter of strength 0.1",
    "hed_0.2": "HED stain jitter of strength 0.2",
    "hsv_classic": "the first version's augmentation: flips, HSV jitter and channel gains",
}

log = logging.getLogger(__name__)


def assign_folds(patients: dict, k: int = 5, seed: int = 42) -> dict:
    """patient -> fold (0..k-1). ``patients`` maps a patient id to (n_patches, n_positive).

    Patients are grouped into strata (whole slide vs sampled patient), sorted within each by their IDC share and
    dealt out in blocks of k, each block shuffled with ``seed``: every fold gets a like mix of slide types and IDC
    shares, and a patient is in exactly one fold."""
    rng = random.Random(seed)
    folds, offset = {}, 0
    for large in (True, False):
        stratum = sorted((p for p, (n, _) in patients.items() if (n > 100) == large),
                         key=lambda p: (patients[p][1] / max(1, patients[p][0]), p))
        for start in range(0, len(stratum), k):
            block = stratum[start:start + k]
            slots = [(offset + i) % k for i in range(k)]
            rng.shuffle(slots)
            for patient, slot in zip(block, slots):
                folds[patient] = slot
            offset += len(block)  # a partial block is continued by the next stratum's first block
    return folds


def write_fold_splits(split_csv: str, records, out_dir: str, k: int = 5, seed: int = 42) -> list:
    """One split file per fold: the fold's patients are ``val``, the other folds ``train``, and the package's test
    patients stay ``test``. Returns the paths."""
    package = D.read_split(split_csv)
    counts: dict = {}
    for r in records:
        if package.get(r.group) in ("train", "val"):
            n, pos = counts.get(r.group, (0, 0))
            counts[r.group] = (n + 1, pos + r.label)
    folds = assign_folds(counts, k, seed)
    paths = []
    for fold in range(k):
        assign = {p: ("val" if f == fold else "train") for p, f in folds.items()}
        assign.update({p: "test" for p, s in package.items() if s == "test"})
        path = os.path.join(out_dir, f"fold{fold}.csv")
        D.write_split(path, records, assign, seed)
        paths.append(path)
    return paths


def read_fold_predictions(run_dir: str) -> tuple[np.ndarray, np.ndarray, list]:
    """Held-out (val) labels, probabilities and patient ids of one fold's run."""
    with open_text(os.path.join(run_dir, "eval", "predictions_val.csv")) as f:
        rows = list(csv.DictReader(f))
    return (np.array([int(r["label"]) for r in rows]), np.array([float(r["probability"]) for r in rows]),
            [r["patient_id"] for r in rows])


def fold_runs(recipe_dir: str) -> dict:
    """fold index -> run folder, for the folds of a recipe that are evaluated."""
    runs = {}
    if not os.path.isdir(recipe_dir):
        return runs
    for name in sorted(os.listdir(recipe_dir)):
        path = os.path.join(recipe_dir, name)
        if name.startswith("fold") and os.path.exists(os.path.join(path, "eval", "metrics.json")):
            runs[int(name[4:])] = path
    return runs


def recipe_figures(recipe_dir: str) -> dict:
    """Per-fold AUC and cross-fold-threshold balanced accuracy of one recipe, with mean and sd."""
    runs = fold_runs(recipe_dir)
    preds = {fold: read_fold_predictions(path) for fold, path in runs.items()}
    folds = []
    for fold, (y, p, _) in sorted(preds.items()):
        others = [f for f in preds if f != fold]
        if others:
            y_o = np.concatenate([preds[f][0] for f in others])
            p_o = np.concatenate([preds[f][1] for f in others])
            threshold = youden_threshold(y_o, p_o)
        else:  # a single finished fold has no other fold to take a threshold from
            threshold = None
        with open(os.path.join(runs[fold], "eval", "metrics.json")) as f:
            metrics = json.load(f)
        with open(os.path.join(runs[fold], "log.csv")) as f:
            log = list(csv.DictReader(f))
        folds.append({
            "fold": fold, "auc": float(roc_auc(y, p)), "threshold": threshold,
            "balanced_accuracy": (threshold_metrics(y, p, threshold)["balanced_accuracy"]
                                  if threshold is not None else None),
            "patients": len(set(preds[fold][2])), "patches": len(y),
            "epochs": len(log), "minutes": sum(float(r["seconds_per_epoch"]) for r in log) / 60,
            "test_auc": metrics["test"]["auc"],
        })
    return {"folds": folds, **_mean_sd(folds, "auc"), **_mean_sd(folds, "balanced_accuracy")}


def _mean_sd(folds: list, key: str) -> dict:
    values = [f[key] for f in folds if f[key] is not None]
    return {f"{key}_mean": statistics.fmean(values) if values else None,
            f"{key}_sd": statistics.stdev(values) if len(values) > 1 else None}


def decide(base: dict, other: dict, k: int = 5) -> str:
    """A change is kept only if it wins by more than the fold spread: its mean fold AUC exceeds the baseline's by
    more than the larger of the two fold standard deviations, with all k folds of both finished."""
    if len(base["folds"]) < k or len(other["folds"]) < k:
        return "undecided (folds missing)"
    gain = other["auc_mean"] - base["auc_mean"]
    spread = max(base["auc_sd"], other["auc_sd"])
    if gain > spread:
        return f"keep (+{gain:.4f} > sd {spread:.4f})"
    return f"not kept ({gain:+.4f} within sd {spread:.4f})"


def summary(kept: str, k: int = 5) -> dict:
    recipes = {}
    for name in sorted(os.listdir(kept)) if os.path.isdir(kept) else []:
        if os.path.isdir(os.path.join(kept, name)) and name != "folds":
            recipes[name] = recipe_figures(os.path.join(kept, name))
    base = recipes.get(BASELINE)
    for name, fig in recipes.items():
        fig["decision"] = "baseline" if name == BASELINE else (decide(base, fig, k) if base else "no baseline")
    return recipes


def markdown_table(recipes: dict, descriptions: dict | None = None, k: int = 5) -> str:
    def fmt(mean, sd):
        if mean is None:
            return "–"
        return f"{mean:.4f} ± {sd:.4f}" if sd is not None else f"{mean:.4f}"
    lines = ["| recipe | what changes | folds done | fold AUC (mean ± sd) | balanced accuracy (mean ± sd) "
             "| CPU-budgeted wall-clock per fold (min) | decision |",
             "|---|---|---|---|---|---|---|"]
    for name, fig in recipes.items():
        minutes = [f["minutes"] for f in fig["folds"]]
        lines.append(f"| {name} | {(descriptions or {}).get(name, '')} | {len(fig['folds'])}/{k} "
                     f"| {fmt(fig['auc_mean'], fig['auc_sd'])} "
                     f"| {fmt(fig['balanced_accuracy_mean'], fig['balanced_accuracy_sd'])} "
                     f"| {statistics.fmean(minutes):.1f} | {fig['decision']} |" if minutes else
                     f"| {name} | | 0/{k} | – | – | – | {fig['decision']} |")
    return "\n".join(lines)


def report_section(kept: str, k: int = 5) -> list:
    """The cross-validation section of models/REPORT.md, from the kept fold runs."""
    recipes = summary(kept, k)
    lines = ["## Recipes by patient-level cross-validation (plain-CNN proxy)\n",
             f"{k} folds over the non-test patients of the shipped split, grouped by patient and stratified by slide "
             "type and IDC share (`python3 -m histoscope_train.cv folds`; the fold files are kept in "
             "`models/runs/cv/folds/`). Each fold trains the plain CNN for 15 CPU-minutes on one thread "
             "(`scripts/run_cv.sh`) and is scored on its held-out patients: the AUC, and the balanced accuracy at "
             "the threshold the other folds' out-of-fold predictions choose (Youden's J). A recipe is kept only if "
             "its mean fold AUC beats the baseline's by more than the larger fold standard deviation. The test "
             "patients play no part in these decisions.\n"]
    if not recipes:
        return lines + ["No fold has finished yet.\n"]
    return lines + [markdown_table(recipes, RECIPE_DESCRIPTIONS, k), ""]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    f = sub.add_parser("folds", help="write one split file per fold")
    f.add_argument("--split", required=True, help="the shipped package's split.csv (its test patients stay test)")
    f.add_argument("--data-root", required=True)
    f.add_argument("--out", required=True)
    f.add_argument("--k", type=int, default=5)
    f.add_argument("--seed", type=int, default=42)
    s = sub.add_parser("summary", help="mean +- sd of every recipe's folds")
    s.add_argument("--kept", default="../models/runs/cv")
    s.add_argument("--k", type=int, default=5)
    s.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    if args.command == "folds":
        ds = D.load_dataset("idc", args.data_root)
        for path in write_fold_splits(args.split, ds.records, args.out, args.k, args.seed):
            log.info(f"[cv] {path}")
    else:
        recipes = summary(args.kept, args.k)
        print(json.dumps(recipes, indent=2) if args.json else markdown_table(recipes, RECIPE_DESCRIPTIONS, args.k))


if __name__ == "__main__":
    configure_logging()
    main()
