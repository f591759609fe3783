"""Test-time augmentation and probability calibration, shared by the evaluator and the exporter.

* Test-time augmentation ``dihedral8``: the probability of a patch is the mean of the probabilities of
  its 8 flips/rotations (``data.dihedral``, the order the Java engine uses too).
* Calibration (Platt scaling on the logit): ``p = sigmoid(a * logit + b)`` per view, then the mean
  over the views. ``a`` and ``b`` are fitted on the VALIDATION patients by maximum likelihood of the
  shipped probability (the TTA mean) and are put INSIDE the exported graph, so that Java and Python
  compute the same number by construction. Platt rather than temperature alone, because the class
  weighting of the loss shifts the logits (a bias that a temperature cannot remove).
* Reference prevalence: a probability is only right for a stated share of IDC patches. The validation
  patients' share is an accident of which 30 patients fell into the split (and of the data folder
  leaving out benign patches of most whole slides), so the fit can weight the two classes of the
  validation patients to a stated population prevalence instead (importance weights for label shift:
  what P(patch | class) the validation patients show is kept, only the class balance is replaced).
"""
from __future__ import annotations

import numpy as np
import torch

from . import data as D

TTA_VIEWS = {"none": 1, "dihedral8": 8}


@torch.no_grad()
def view_logits(model, images_uint8: torch.Tensor, mean, std, device, tta: str = "none",
                batch_size: int = 256, stain: dict | None = None) -> np.ndarray:
    """Logits [V, N] of ``model`` for [N,H,W,3] uint8 patches, one row per TTA view."""
    model.eval()
    views = TTA_VIEWS[tta]
    out = np.zeros((views, len(images_uint8)), dtype=np.float32)
    for i in range(0, len(images_uint8), batch_size):
        x = D.batch_to_input(images_uint8[i:i + batch_size], mean, std, stain=stain).to(device)
        for k in range(views):
            out[k, i:i + len(x)] = model(D.dihedral(x, k)).float().cpu().view(-1).numpy()
    return out


def probabilities(logits: np.ndarray, a: float = 1.0, b: float = 0.0) -> np.ndarray:
    """Mean over views of sigmoid(a * logit + b), computed in float64 then returned as float64."""
    z = a * logits.astype(np.float64) + b
    return (1.0 / (1.0 + np.exp(-z))).mean(0)


def prevalence_weights(y: np.ndarray, prevalence: float | None) -> np.ndarray:
    """Per-patch weights (mean 1) that give the labels ``y`` the class balance ``prevalence``
    (None: every patch weighs 1, the labels' own balance)."""
    y = np.asarray(y)
    if prevalence is None:
        return np.ones(len(y))
    if not 0.0 < prevalence < 1.0:
        raise ValueError(f"a prevalence must lie strictly between 0 and 1, not {prevalence}")
    own = float(y.mean())
    if own in (0.0, 1.0):
        raise ValueError("both classes are needed to re-weight to a prevalence")
    return np.where(y == 1, prevalence / own, (1.0 - prevalence) / (1.0 - own))


def fit_platt(logits: np.ndarray, y: np.ndarray, iterations: int = 200,
              prevalence: float | None = None) -> tuple[float, float]:
    """(a, b) minimising the negative log-likelihood of the view-averaged probability on (logits, y),
    with the classes weighted to ``prevalence`` when one is given (see prevalence_weights)."""
    z = torch.tensor(logits, dtype=torch.float64)
    t = torch.tensor(y, dtype=torch.float64)
    w = torch.tensor(prevalence_weights(y, prevalence), dtype=torch.float64)
    a = torch.ones((), dtype=torch.float64, requires_grad=True)
    b = torch.zeros((), dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([a, b], lr=0.5, max_iter=iterations, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        p = torch.sigmoid(a * z + b).mean(0).clamp(1e-12, 1 - 1e-12)
        loss = -(w * (t * torch.log(p) + (1 - t) * torch.log(1 - p))).mean()
        loss.backward()
        return loss

    opt.step(closure)
    return float(a.detach()), float(b.detach())


def _bin_index(p: np.ndarray, bins: int) -> np.ndarray:
    """Equal-width bin of each probability; 1.0 falls into the last bin."""
    return np.clip(np.digitize(p, np.linspace(0, 1, bins + 1)[1:-1], right=False), 0, bins - 1)


def reliability(y: np.ndarray, p: np.ndarray, bins: int = 10) -> list[dict]:
    """Equal-width reliability bins: count, mean predicted probability and observed positive rate."""
    edges = np.linspace(0, 1, bins + 1)
    idx = _bin_index(p, bins)
    rows = []
    for k in range(bins):
        m = idx == k
        rows.append({"bin": f"{edges[k]:.1f}-{edges[k + 1]:.1f}", "count": int(m.sum()),
                     "mean_probability": float(p[m].mean()) if m.any() else None,
                     "observed_rate": float(y[m].mean()) if m.any() else None})
    return rows


def expected_calibration_error(y: np.ndarray, p: np.ndarray, bins: int = 10,
                               weights: np.ndarray | None = None) -> float:
    """ECE with equal-width bins: sum over bins of |observed rate - mean probability| x share of patches
    (with ``weights``, e.g. prevalence_weights, every patch counts by its weight)."""
    y, p = np.asarray(y, dtype=np.float64), np.asarray(p, dtype=np.float64)
    w = np.ones(len(p)) if weights is None else np.asarray(weights, dtype=np.float64)
    idx = _bin_index(p, bins)
    total = 0.0
    for k in range(bins):
        m = idx == k
        if m.any():
            wk = w[m].sum()
            total += abs((w[m] * y[m]).sum() / wk - (w[m] * p[m]).sum() / wk) * wk
    return float(total / w.sum())
