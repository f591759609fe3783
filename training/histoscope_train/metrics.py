"""Binary classification metrics (numpy only, no sklearn needed at run time)."""
from __future__ import annotations

import numpy as np


def roc_curve(y, p):
    """ROC points (fpr, tpr, thresholds); thresholds descending, first point (0,0) at +inf."""
    y = np.asarray(y).astype(np.float64).ravel()
    p = np.asarray(p).astype(np.float64).ravel()
    order = np.argsort(-p, kind="mergesort")
    p, y = p[order], y[order]
    distinct = np.where(np.diff(p))[0]
    idx = np.r_[distinct, y.size - 1]
    tps = np.cumsum(y)[idx]
    fps = (1 + idx) - tps
    P, N = y.sum(), y.size - y.sum()
    tpr = np.r_[0.0, tps / P if P > 0 else np.zeros_like(tps)]
    fpr = np.r_[0.0, fps / N if N > 0 else np.zeros_like(fps)]
    thr = np.r_[np.inf, p[idx]]
    return fpr, tpr, thr


def roc_auc(y, p) -> float:
    """Area under the ROC curve (ties counted as 1/2), NaN if only one class present."""
    y = np.asarray(y).ravel() > 0.5
    p = np.asarray(p, dtype=np.float64).ravel()
    n_pos, n_neg = y.sum(), (~y).sum()
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    # rank-based (Mann-Whitney U) with average ranks for ties
    order = np.argsort(p, kind="mergesort")
    ranks = np.empty(len(p), dtype=np.float64)
    sp = p[order]
    # average ranks over tie blocks
    _, start, counts = np.unique(sp, return_index=True, return_counts=True)
    avg = np.repeat((start + 1 + start + counts) / 2.0, counts)
    ranks[order] = avg
    return float((ranks[y].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


def youden_threshold(y, p) -> float:
    """Threshold maximising Youden's J = sensitivity + specificity - 1 (predict positive if p >= t).
    Among ties, the threshold in the middle of the optimal probability interval is returned."""
    fpr, tpr, thr = roc_curve(y, p)
    j = tpr - fpr
    k = int(np.argmax(j[1:])) + 1  # skip the +inf point
    t = thr[k]
    # midpoint between this threshold and the next lower distinct score (more robust than the edge)
    lower = thr[k + 1] if k + 1 < len(thr) else t
    return float((t + lower) / 2.0) if lower < t else float(t)


def confusion(y, p, threshold):
    y = np.asarray(y).ravel() > 0.5
    pred = np.asarray(p).ravel() >= threshold
    tp = int(np.sum(pred & y))
    tn = int(np.sum(~pred & ~y))
    fp = int(np.sum(pred & ~y))
    fn = int(np.sum(~pred & y))
    return tp, fp, tn, fn


def threshold_metrics(y, p, threshold) -> dict:
    tp, fp, tn, fn = confusion(y, p, threshold)
    n = tp + fp + tn + fn
    sens = tp / (tp + fn) if tp + fn else float("nan")
    spec = tn / (tn + fp) if tn + fp else float("nan")
    prec = tp / (tp + fp) if tp + fp else float("nan")
    f1 = 2 * tp / (2 * tp + fp + fn) if (2 * tp + fp + fn) else float("nan")
    return {"threshold": float(threshold), "n": n, "accuracy": (tp + tn) / n if n else float("nan"),
            "balanced_accuracy": (sens + spec) / 2, "sensitivity": sens, "specificity": spec,
            "precision": prec, "f1": f1,
            "confusion_matrix": {"tp": tp, "fp": fp, "tn": tn, "fn": fn,
                                 "layout": "rows = true [non-cancer, cancer], cols = predicted",
                                 "matrix": [[tn, fp], [fn, tp]]}}


def bootstrap_auc_ci(y, p, n_boot=2000, seed=0, groups=None, alpha=0.05):
    """Percentile bootstrap CI of the AUC. If ``groups`` (patient ids) is given, whole patients are
    resampled (cluster bootstrap), which respects the correlation of patches of one patient."""
    y = np.asarray(y).ravel()
    p = np.asarray(p).ravel()
    rng = np.random.default_rng(seed)
    aucs = []
    if groups is None:
        n = len(y)
        for _ in range(n_boot):
            idx = rng.integers(0, n, n)
            a = roc_auc(y[idx], p[idx])
            if not np.isnan(a):
                aucs.append(a)
    else:
        groups = np.asarray(groups)
        uniq = np.unique(groups)
        members = {g: np.where(groups == g)[0] for g in uniq}
        for _ in range(n_boot):
            gs = rng.choice(uniq, len(uniq), replace=True)
            idx = np.concatenate([members[g] for g in gs])
            a = roc_auc(y[idx], p[idx])
            if not np.isnan(a):
                aucs.append(a)
    lo, hi = np.percentile(aucs, [100 * alpha / 2, 100 * (1 - alpha / 2)])
    return float(lo), float(hi)


def full_report(y, p, threshold, groups=None, n_boot=2000, seed=0) -> dict:
    out = threshold_metrics(y, p, threshold)
    out["auc"] = roc_auc(y, p)
    out["auc_ci95"] = list(bootstrap_auc_ci(y, p, n_boot=n_boot, seed=seed))
    out["auc_ci95_method"] = f"percentile bootstrap over patches, {n_boot} resamples"
    if groups is not None and len(np.unique(groups)) > 1:
        out["auc_ci95_patient"] = list(bootstrap_auc_ci(y, p, n_boot=n_boot, seed=seed, groups=groups))
        out["auc_ci95_patient_method"] = f"cluster bootstrap over patients, {n_boot} resamples"
    out["n_positive"] = int(np.sum(np.asarray(y) > 0.5))
    out["n_negative"] = int(np.sum(np.asarray(y) <= 0.5))
    return out
