"""Domain guard: how far a patch is from the training domain, from the model's own pooled features.

The shipped graph has a second output ``ood_score`` [N,1]: the Mahalanobis distance of the patch's
pooled features (3104-dim concat of the global-average-pooled Xception and NASNet features) to the
nearest of two class-conditional Gaussians (non-cancer, cancer) fitted on training patients, in the
space of the first K principal components, with one shared Ledoit-Wolf shrinkage covariance
(Lee et al. 2018, "A simple unified framework for detecting out-of-distribution samples"), divided
by sqrt(K) so that an in-domain patch scores about 1. Higher = further from the training domain.

Everything is folded into one matrix product: u = f @ A + c (PCA projection, centring and whitening
together), score = sqrt(min_k ||u - m_k||^2 / K). It is computed inside the ONNX graph, so Python
and Java compute the same number.

This module also builds the out-of-domain sets that the guard is checked on, from in-domain IDC
patches ([N,50,50,3] uint8 RGB): greyscale, IHC-like recolouring (haematoxylin + DAB by colour
deconvolution), strong blur, 4x enlarged crops, and crops of natural photographs.
"""
from __future__ import annotations

import numpy as np
import torch
from PIL import Image, ImageFilter

SIZE = 50

# Ruifrok & Johnston stain vectors (rows: haematoxylin, eosin, DAB), as in data.py / skimage
RGB_FROM_HED = np.array([[0.65, 0.70, 0.29], [0.07, 0.99, 0.11], [0.27, 0.57, 0.78]])
HED_FROM_RGB = np.linalg.inv(RGB_FROM_HED)


# ----------------------------------------------------------------------------------------------
# out-of-domain sets
# ----------------------------------------------------------------------------------------------
def greyscale(x: np.ndarray) -> np.ndarray:
    """ITU-R 601 luma copied into the three channels."""
    y = np.rint(x[..., :3].astype(np.float64) @ np.array([0.299, 0.587, 0.114]))
    return np.repeat(np.clip(y, 0, 255).astype(np.uint8)[..., None], 3, axis=-1)


def ihc_like(x: np.ndarray, dab_gain: float = 1.5) -> np.ndarray:
    """An IHC look by colour deconvolution: haematoxylin kept, the eosin density re-deposited as DAB
    (brown), eosin removed; the result is what a haematoxylin + DAB stain of the same tissue could look like."""
    od = -np.log((x.astype(np.float64) + 1.0) / 256.0)
    hed = np.clip(od @ HED_FROM_RGB, 0, None)
    new = hed[..., 0:1] * RGB_FROM_HED[0] + dab_gain * hed[..., 1:2] * RGB_FROM_HED[2]
    rgb = 256.0 * np.exp(-new) - 1.0
    return np.clip(np.rint(rgb), 0, 255).astype(np.uint8)


def blur(x: np.ndarray, sigma: float = 3.0) -> np.ndarray:
    """Strong Gaussian blur (sigma in pixels at the model's resolution): an out-of-focus scan."""
    return np.stack([np.asarray(Image.fromarray(im).filter(ImageFilter.GaussianBlur(sigma))) for im in x])


def enlarged(x: np.ndarray, factor: int = 4, seed: int = 0) -> np.ndarray:
    """A (50/factor)-px crop at a random place, enlarged ``factor`` times (bicubic) back to 50 px:
    tissue seen at 4x the model's magnification."""
    rng = np.random.default_rng(seed)
    side = int(round(SIZE / factor))
    out = []
    for im in x:
        r, c = rng.integers(0, im.shape[0] - side + 1), rng.integers(0, im.shape[1] - side + 1)
        crop = Image.fromarray(im[r:r + side, c:c + side])
        out.append(np.asarray(crop.resize((SIZE, SIZE), Image.BICUBIC)))
    return np.stack(out)


def photo_crops(photos: list, n: int, seed: int = 0, short_sides=(64, 128, 256, 512)) -> np.ndarray:
    """``n`` random 50x50 crops of natural photographs (RGB uint8 arrays), each photo first scaled
    to a random one of ``short_sides`` (whole objects to fine texture)."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        im = Image.fromarray(photos[i % len(photos)]).convert("RGB")
        s = int(rng.choice([s for s in short_sides if s <= min(im.size)] or [min(im.size)]))
        w, h = im.size
        k = s / min(w, h)
        im = np.asarray(im.resize((max(SIZE, int(round(w * k))), max(SIZE, int(round(h * k)))), Image.BILINEAR))
        r, c = rng.integers(0, im.shape[0] - SIZE + 1), rng.integers(0, im.shape[1] - SIZE + 1)
        out.append(im[r:r + SIZE, c:c + SIZE])
    return np.stack(out)


TRANSFORMS = {"greyscale": greyscale, "ihc_like": ihc_like, "blur": blur, "enlarged_4x": enlarged}


# ----------------------------------------------------------------------------------------------
# the guard
# ----------------------------------------------------------------------------------------------
class DomainGuard(torch.nn.Module):
    """ood_score = sqrt(min_k ||f @ A + c - m_k||^2 / K) for pooled features f [N,D]; returns [N,1]."""

    def __init__(self, projection: np.ndarray, offset: np.ndarray, class_means: np.ndarray):
        super().__init__()
        self.register_buffer("projection", torch.as_tensor(projection, dtype=torch.float32))   # [D,K]
        self.register_buffer("offset", torch.as_tensor(offset, dtype=torch.float32))           # [K]
        self.register_buffer("class_means", torch.as_tensor(class_means, dtype=torch.float32))  # [C,K]
        self.k = int(projection.shape[1])

    def forward(self, features):
        u = features @ self.projection + self.offset                       # [N,K]
        d2 = ((u.unsqueeze(1) - self.class_means.unsqueeze(0)) ** 2).sum(-1)  # [N,C]
        return torch.sqrt(d2.min(dim=1, keepdim=True).values / self.k)

    def describe(self) -> dict:
        return {"components": self.k, "classes": int(self.class_means.shape[0]),
                "feature_dim": int(self.projection.shape[0])}


def fit_guard(features: np.ndarray, labels: np.ndarray, components: int = 128) -> tuple[DomainGuard, dict]:
    """PCA (``components``) of the training features, class means, one shared Ledoit-Wolf covariance of
    the within-class residuals; folded into a DomainGuard. float64 throughout the fit."""
    from sklearn.covariance import LedoitWolf
    f = features.astype(np.float64)
    y = np.asarray(labels).astype(int)
    mean = f.mean(0)
    _, s, vt = np.linalg.svd(f - mean, full_matrices=False)
    p = vt[:components].T                                  # [D,K]
    z = (f - mean) @ p
    classes = sorted(set(y.tolist()))
    mus = np.stack([z[y == c].mean(0) for c in classes])
    resid = np.concatenate([z[y == c] - mus[i] for i, c in enumerate(classes)])
    lw = LedoitWolf(assume_centered=True).fit(resid)
    prec = np.linalg.inv(lw.covariance_)
    w = np.linalg.cholesky(prec)                           # prec = w w^T, ||x w||^2 = x prec x^T
    a = p @ w
    c = -(mean @ p) @ w
    m = mus @ w
    explained = float((s[:components] ** 2).sum() / (s ** 2).sum())
    return DomainGuard(a, c, m), {"components": components, "explained_variance": explained,
                                  "shrinkage": float(lw.shrinkage_), "fit_patches": int(len(y)),
                                  "fit_patches_per_class": {str(c): int((y == c).sum()) for c in classes}}


def max_logit_score(logits: np.ndarray) -> np.ndarray:
    """Baseline: a binary model's max-logit (= |logit|) taken negative, so that higher = less confident."""
    return -np.abs(np.asarray(logits, dtype=np.float64))


def energy_score(logits: np.ndarray) -> np.ndarray:
    """Baseline: the free energy of the two-class logits (0, logit), -logsumexp; higher = further out."""
    l = np.asarray(logits, dtype=np.float64)
    return -np.logaddexp(0.0, l)


def threshold_for_share(scores: np.ndarray, share: float = 0.05) -> float:
    """The score above which ``share`` of ``scores`` lie (flagged = score > threshold)."""
    return float(np.quantile(np.asarray(scores, dtype=np.float64), 1.0 - share))
