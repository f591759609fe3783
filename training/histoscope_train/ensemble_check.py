"""Would averaging the shipped model with another kept run help? Asked of the validation patients only.

An ensemble is a recipe choice like any other, so it is judged where the recipe is: on validation. The test
patients are not read here at all. Each candidate is the logit average ``(1 - w) * base + w * other`` of two
kept runs' per-patch probabilities, and a paired DeLong test on the same validation patches says whether its
AUC differs from the base model's.

    python3 -m histoscope_train.ensemble_check --base ../models/runs/xception_nasnet_2.2.0 \\
        --others ../models/runs/cmp/* --weights 0.2 0.35 0.5
"""
from __future__ import annotations

import argparse
import logging
import os

import numpy as np

from .metrics import roc_auc
from .report_comparison import read_predictions
from .significance import delong_test
from .logsetup import configure_logging

log = logging.getLogger(__name__)

_EPS = 1e-6
WEIGHTS = [0.2, 0.35, 0.5]  # the other run's share of the average


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, _EPS, 1 - _EPS)
    return np.log(p / (1 - p))


def aligned(base: dict, other: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Labels and both probabilities on the patches the two runs share; they must agree on every label."""
    ids = sorted(base)
    if set(ids) != set(other):
        raise ValueError("the two runs were not evaluated on the same validation patches")
    y = np.array([base[i][0] for i in ids])
    if any(other[i][0] != base[i][0] for i in ids):
        raise ValueError("the two runs disagree on a patch's label")
    return y, np.array([base[i][1] for i in ids]), np.array([other[i][1] for i in ids])


def candidates(base_path: str, other_paths: list[str], weights: list[float]) -> list[dict]:
    bad = [w for w in weights if not 0 < w < 1]
    if bad:
        raise ValueError(f"weight {bad[0]} is not strictly between 0 and 1")
    base = read_predictions(base_path, "val")
    rows = []
    for path in other_paths:
        y, p_base, p_other = aligned(base, read_predictions(path, "val"))
        for w in weights:
            mixed = (1 - w) * _logit(p_base) + w * _logit(p_other)
            test = delong_test(y, mixed, p_base)
            rows.append({"other": os.path.basename(os.path.normpath(path)), "weight": w,
                         "other_auc": roc_auc(y, p_other), "base_auc": test["auc2"],
                         "ensemble_auc": test["auc1"], "gain": test["difference"], "p_value": test["p_value"]})
    return rows


def best_per_run(rows: list[dict]) -> list[dict]:
    """Each other run at the weight that gave it the highest validation AUC (an upper bound on its gain)."""
    best = {}
    for r in rows:
        if r["other"] not in best or r["ensemble_auc"] > best[r["other"]]["ensemble_auc"]:
            best[r["other"]] = r
    return list(best.values())


def table(rows: list[dict]) -> list[str]:
    lines = ["| other run | its val AUC | weight | ensemble val AUC | gain over base | DeLong p |",
             "|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['other']} | {r['other_auc']:.4f} | {r['weight']:.2f} | {r['ensemble_auc']:.4f} "
                     f"| {r['gain']:+.4f} | {r['p_value']:.3g} |")
    return lines


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", required=True, help="the shipped model's (kept) run")
    ap.add_argument("--others", nargs="+", required=True, help="kept runs to average with it")
    ap.add_argument("--weights", nargs="+", type=float, default=WEIGHTS)
    args = ap.parse_args(argv)
    rows = candidates(args.base, args.others, args.weights)
    log.info(f"base {args.base}: validation AUC {rows[0]['base_auc']:.4f}")
    log.info("\n".join(table(rows)))


if __name__ == "__main__":
    configure_logging()
    main()
