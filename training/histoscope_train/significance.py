"""Paired significance tests for two models scored on the same test patches.

* DeLong et al. (1988) test of two correlated ROC AUCs, computed with the fast midrank algorithm of
  Sun & Xu (2014). Two-sided p-value from the normal distribution.
* McNemar's test on the patches that exactly one of the two models classifies correctly at its own
  threshold: exact two-sided binomial test (mid-size samples do not need the chi-square approximation).

Patches of one patient are not independent, so both p-values are optimistic; the report says so.
"""
from __future__ import annotations

import math

import numpy as np


def _midranks(x: np.ndarray) -> np.ndarray:
    order = np.argsort(x, kind="mergesort")
    xs = x[order]
    ranks = np.empty(len(x), dtype=np.float64)
    i = 0
    while i < len(xs):
        j = i
        while j < len(xs) and xs[j] == xs[i]:
            j += 1
        ranks[i:j] = 0.5 * (i + j - 1) + 1
        i = j
    out = np.empty(len(x), dtype=np.float64)
    out[order] = ranks
    return out


def delong_test(y, p1, p2) -> dict:
    """Paired DeLong test of AUC(p1) vs AUC(p2) on labels y (1 = positive)."""
    y = np.asarray(y).astype(int)
    scores = np.vstack([np.asarray(p1, dtype=np.float64), np.asarray(p2, dtype=np.float64)])
    pos, neg = scores[:, y == 1], scores[:, y == 0]
    m, n = pos.shape[1], neg.shape[1]
    if m == 0 or n == 0:
        raise ValueError("both classes are needed")
    aucs, v10, v01 = np.zeros(2), np.zeros((2, m)), np.zeros((2, n))
    for k in range(2):
        tx, ty = _midranks(pos[k]), _midranks(neg[k])
        tz = _midranks(np.concatenate([pos[k], neg[k]]))
        aucs[k] = (tz[:m].sum() - m * (m + 1) / 2) / (m * n)
        v10[k] = (tz[:m] - tx) / n
        v01[k] = 1.0 - (tz[m:] - ty) / m
    cov = np.cov(v10) / m + np.cov(v01) / n
    var = cov[0, 0] + cov[1, 1] - 2 * cov[0, 1]
    diff = aucs[0] - aucs[1]
    z = diff / math.sqrt(var) if var > 0 else 0.0
    return {"auc1": float(aucs[0]), "auc2": float(aucs[1]), "difference": float(diff), "z": float(z),
            "p_value": float(math.erfc(abs(z) / math.sqrt(2)))}


def mcnemar_test(y, predicted1, predicted2) -> dict:
    """Exact McNemar test on paired hard predictions (booleans, True = cancer) against labels y."""
    y = np.asarray(y).astype(bool)
    c1 = np.asarray(predicted1).astype(bool) == y
    c2 = np.asarray(predicted2).astype(bool) == y
    only1, only2 = int(np.sum(c1 & ~c2)), int(np.sum(~c1 & c2))
    n = only1 + only2
    if n == 0:
        p = 1.0
    else:
        k = min(only1, only2)
        tail = sum(math.comb(n, i) for i in range(k + 1)) / 2.0 ** n
        p = min(1.0, 2.0 * tail)
    return {"only_first_correct": only1, "only_second_correct": only2, "p_value": float(p)}


def holm(p_values: list[float]) -> list[float]:
    """Holm-Bonferroni adjusted p-values, in the input order."""
    order = sorted(range(len(p_values)), key=lambda i: p_values[i])
    adjusted, running = [0.0] * len(p_values), 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (len(p_values) - rank) * p_values[i]))
        adjusted[i] = running
    return adjusted
