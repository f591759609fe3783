"""Fit and choose the domain guard on cached features (``guard_features``), set its threshold, check it.

    python3 -m histoscope_train.guard_fit --run runs/pkg220

Candidates: Mahalanobis to class-conditional Gaussians (shared Ledoit-Wolf covariance) in the first K
principal components of the training patients' pooled features (K = 64, 128, 256), and two baselines from
the logit alone (max-logit, energy). Each is thresholded at the score above which 5 % of the validation
patients' patches lie; the chosen one flags the largest share of its WORST out-of-domain set built from
validation patients (greyscale, IHC-like, natural photographs, PCam; blur and 4x enlarged are reported, not
targeted: a blurred or enlarged patch of the same tissue is a QC or magnification matter). The chosen
guard is then rounded as it is shipped (float16 initializers), its threshold set on the shipped function,
and it is checked once on the test patients and the out-of-domain sets built from them.
Writes RUN/guard/guard.pt (the DomainGuard state) and RUN/guard/guard.json (choice, threshold, figures).
"""
from __future__ import annotations

import argparse
import glob
import json
import os

import numpy as np
import torch

from . import domain_guard as G
from .common import round_weights_fp16, write_json

TARGET_SETS = ("greyscale", "ihc_like", "photos", "pcam")
SHARE = 0.05


def load(folder, name):
    z = np.load(os.path.join(folder, name + ".npz"))
    return {k: z[k] for k in z.files}


def ood_sets(folder, split):
    out = {}
    for p in sorted(glob.glob(os.path.join(folder, f"ood_{split}_*.npz"))):
        out[os.path.basename(p)[len(f"ood_{split}_"):-4]] = load(folder, os.path.basename(p)[:-4])
    return out


@torch.no_grad()
def guard_scores(guard: G.DomainGuard, features: np.ndarray) -> np.ndarray:
    """[N,V,D] features -> [N,V] scores in float32, as the graph computes them."""
    n, v, d = features.shape
    return guard(torch.as_tensor(features.reshape(n * v, d))).numpy().reshape(n, v)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--run", required=True)
    ap.add_argument("--components", default="64,128,256")
    args = ap.parse_args(argv)
    folder = os.path.join(args.run, "guard")
    train, val = load(folder, "train"), load(folder, "val")
    ood_val = ood_sets(folder, "val")
    candidates = {}
    for k in [int(c) for c in args.components.split(",")]:
        guard, info = G.fit_guard(train["features"][:, 0], train["labels"], k)
        candidates[f"mahalanobis_pca{k}"] = (lambda f, g=guard: guard_scores(g, f[:, :1])[:, 0], guard, info)
    candidates["max_logit"] = (None, None, {})
    candidates["energy"] = (None, None, {})

    def score(name, s):
        fn = candidates[name][0]
        if fn is not None:
            return fn(s["features"])
        return (G.max_logit_score if name == "max_logit" else G.energy_score)(s["logits"][:, 0])

    table = {}
    for name in candidates:
        sv = score(name, val)
        t = G.threshold_for_share(sv, SHARE)
        rates = {k: float((score(name, s) > t).mean()) for k, s in ood_val.items()}
        table[name] = {"threshold": t, "val_flagged": float((sv > t).mean()), "ood_val_flagged": rates,
                       "worst_target": min(rates.get(k, 0.0) for k in TARGET_SETS if k in rates)}
        print(f"{name:22s} t={t:8.4f} " + " ".join(f"{k} {v:.2f}" for k, v in rates.items()), flush=True)
    chosen = max((n for n in candidates if candidates[n][1] is not None),
                 key=lambda n: table[n]["worst_target"])
    if max(table[n]["worst_target"] for n in ("max_logit", "energy")) > table[chosen]["worst_target"]:
        print("[guard] a logit baseline beats every Mahalanobis variant on validation; the graph output is "
              "still the Mahalanobis score (the logit is already shown as the probability)", flush=True)
    guard = candidates[chosen][1]
    round_weights_fp16(guard)  # as shipped: float16 initializers in the graph
    sv = guard_scores(guard, val["features"])[:, 0]
    threshold = G.threshold_for_share(sv, SHARE)
    result = {"chosen": chosen, "fit": candidates[chosen][2], "threshold": threshold,
              "selection_rule": ("largest flagged share of the worst of the validation-built out-of-domain sets "
                                 f"{list(TARGET_SETS)} at the threshold flagging {SHARE:.0%} of validation patches"),
              "candidates": table, "validation_flagged_share_single_view": float((sv > threshold).mean()),
              "validation_patches": int(len(sv))}
    if os.path.exists(os.path.join(folder, "val8.npz")):
        v8 = guard_scores(guard, load(folder, "val8")["features"]).mean(1)
        result["validation_flagged_share_tta_mean"] = float((v8 > threshold).mean())
        result["validation_tta_patches"] = int(len(v8))
    test = {}
    if os.path.exists(os.path.join(folder, "test.npz")):
        st = guard_scores(guard, load(folder, "test")["features"])[:, 0]
        test["test_patients_single_view"] = {"n": int(len(st)), "flagged": float((st > threshold).mean())}
    if os.path.exists(os.path.join(folder, "test8.npz")):
        s8 = guard_scores(guard, load(folder, "test8")["features"]).mean(1)
        test["test_patients_tta_mean"] = {"n": int(len(s8)), "flagged": float((s8 > threshold).mean())}
    for k, s in ood_sets(folder, "test").items():
        sc = guard_scores(guard, s["features"]).mean(1)
        test[k] = {"n": int(len(sc)), "flagged": float((sc > threshold).mean()),
                   "median_score": float(np.median(sc))}
    result["test"] = test
    torch.save(guard.state_dict(), os.path.join(folder, "guard.pt"))
    write_json(os.path.join(folder, "guard.json"), result)
    print(json.dumps({k: v for k, v in result.items() if k != "candidates"}, indent=1))


def load_guard(folder: str) -> G.DomainGuard:
    sd = torch.load(os.path.join(folder, "guard.pt"), map_location="cpu")
    return G.DomainGuard(sd["projection"].numpy(), sd["offset"].numpy(), sd["class_means"].numpy())


if __name__ == "__main__":
    main()
