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


# ----------------------------------------------------------------------------------------------
# the colour term: statistics of the INPUT's stain densities and texture (computed in the graph too)
# ----------------------------------------------------------------------------------------------
def _h(x: float) -> float:
    """A constant as float16 stores it: the graph's initializers are float16, so PyTorch must use the same value."""
    return float(np.float16(x))


COLOUR_STATS = ("od_h_mean", "od_e_mean", "od_d_mean", "od_h_std", "od_e_std", "od_d_std",
                "chroma_mean", "grey_fraction", "od_total_mean", "e_share", "d_share", "dab_over_eosin",
                "od_gradient", "od_sharpness", "od_gradient_lag2", "od_gradient_lag4", "h_gradient",
                # scale of the haematoxylin structures (2.3.2): nuclei span 2-3 px at the model's 4 um/px, 8-12 px
                # in a 1 um/px scan; differences at growing lags, the normalised variogram and difference-of-
                # Gaussians energies tell the two apart where lag-1 sharpness does not
                "h_lag2", "h_lag4", "h_lag8", "h_lag1_over_lag4", "h_lag2_over_lag8",
                "h_vario1", "h_vario2", "h_vario4", "h_vario8",
                "h_dog12", "h_dog24", "h_dog24_over_dog12")
SCALE_STATS = tuple(range(17, len(COLOUR_STATS)))
# a pixel is near-grey when max-min of its 0..1 RGB is below GREY_SPREAD (between 10/255 and 11/255) and it is
# not background (brightest channel below BACKGROUND, about 221/255); both as smooth steps of width SOFT
GREY_SPREAD = _h(42 / 1024)
BACKGROUND = _h(886 / 1024)
SOFT = _h(1 / 128)
DAB_SOFT = _h(1 / 16)
SHARE_EPS = _h(1 / 16)
SHARP_EPS = _h(1 / 64)
LOG_EPS = _h(1 / 128)
LAG_EPS = _h(1 / 256)      # in OD units: a flat patch (all differences 0) gets ratios near 1, not 0/0
VAR_EPS = _h(1 / 4096)     # in OD^2 units
DOG_SIGMAS = (1.0, 2.0, 4.0)
DOG_RADIUS = 8


def gaussian_taps(sigma: float, radius: int = DOG_RADIUS) -> np.ndarray:
    """A normalised, symmetric Gaussian of 2*radius+1 taps (float64; rounded to float16 where it is stored)."""
    t = np.exp(-0.5 * (np.arange(-radius, radius + 1) / sigma) ** 2)
    return t / t.sum()


def lag(img, k: int):
    """mean |img(p) - img(p + k)| over both axes of [N,H,W] (the same under the 8 dihedral views) -> [N,1]"""
    return 0.5 * ((img[:, :, k:] - img[:, :, :-k]).abs().mean((1, 2))
                  + (img[:, k:, :] - img[:, :-k, :]).abs().mean((1, 2))).unsqueeze(1)


def lag_sq(img, k: int):
    """mean (img(p) - img(p + k))^2 over both axes of [N,H,W] -> [N,1] (twice the variogram at lag k)"""
    return 0.5 * (((img[:, :, k:] - img[:, :, :-k]) ** 2).mean((1, 2))
                  + ((img[:, k:, :] - img[:, :-k, :]) ** 2).mean((1, 2))).unsqueeze(1)


class ColourStats(torch.nn.Module):
    """Per-patch statistics of the input (the 17 of COLOUR_STATS): mean and std of the haematoxylin, eosin
    and DAB optical densities (Ruifrok & Johnston colour deconvolution of OD = -ln((v+1)/256)), mean chroma
    (max-min of RGB), the share of near-grey tissue pixels, the mean total OD, the eosin and DAB shares of
    the mean density, the share of pixels browner than pink (DAB > eosin), and the texture of the total OD
    (mean |difference| of pixels 1, 2 and 4 apart, the first also relative to the OD's spread) and of H;
    then (2.3.2) the scale of the haematoxylin structures: mean |difference| of H at lags 2, 4, 8, the ratios
    lag1/lag4 and lag2/lag8, the variogram mean (dH)^2 / (2 var H) at lags 1, 2, 4, 8 (1 - autocorrelation),
    and the energies of H filtered by differences of Gaussians (sigma 1-2 and 2-4 px, valid region) over var H,
    and their ratio (large blobs: small lag-1 and sigma 1-2 terms, large lag-8 and sigma 2-4 ones).
    Input: the model's normalised NCHW tensor; ``mean``/``std`` undo the normalisation. Returns [N,29].
    All of them are the same for the 8 dihedral views of a patch; all steps are smooth, so the graph and
    PyTorch agree to float precision (no pixel can sit on a hard edge)."""

    def __init__(self, mean, std):
        super().__init__()
        self.register_buffer("mean", torch.as_tensor(mean, dtype=torch.float32).view(1, 3, 1, 1))
        self.register_buffer("std", torch.as_tensor(std, dtype=torch.float32).view(1, 3, 1, 1))
        self.register_buffer("hed_from_rgb", torch.as_tensor(HED_FROM_RGB, dtype=torch.float32))
        # rows: the Gaussians of DOG_SIGMAS, all 2*DOG_RADIUS+1 taps, applied as a row pass then a column pass
        self.register_buffer("gauss", torch.as_tensor(np.stack([gaussian_taps(s) for s in DOG_SIGMAS]),
                                                      dtype=torch.float32))

    def scale_stats(self, h, h1):
        """The 12 scale statistics of the haematoxylin image h [N,H,W] (h1 = its lag-1 difference) -> [N,12]."""
        n = h.shape[0]
        l2, l4, l8 = lag(h, 2), lag(h, 4), lag(h, 8)
        var = ((h - h.mean((1, 2), keepdim=True)) ** 2).mean((1, 2)).unsqueeze(1) + VAR_EPS
        vario = [lag_sq(h, k) / (2.0 * var) for k in (1, 2, 4, 8)]
        k = self.gauss.shape[1]
        rows = torch.nn.functional.conv2d(h.unsqueeze(1), self.gauss.view(3, 1, 1, k))          # [N,3,H,W-k+1]
        b = torch.nn.functional.conv2d(rows, self.gauss.view(3, 1, k, 1), groups=3)            # [N,3,H-k+1,W-k+1]
        dog12 = ((b[:, 0] - b[:, 1]) ** 2).mean((1, 2)).unsqueeze(1) / var
        dog24 = ((b[:, 1] - b[:, 2]) ** 2).mean((1, 2)).unsqueeze(1) / var
        return torch.cat([l2, l4, l8, (h1 + LAG_EPS) / (l4 + LAG_EPS), (l2 + LAG_EPS) / (l8 + LAG_EPS),
                          *vario, dog12, dog24, (dog24 + VAR_EPS) / (dog12 + VAR_EPS)], 1)

    def forward(self, x):
        v = (x * self.std + self.mean).clamp(0.0, 1.0)                       # [N,3,H,W] in 0..1
        n, _, hgt, wid = v.shape
        od = -torch.log((v * 255.0 + 1.0) / 256.0)
        odp = od.reshape(n, 3, -1).transpose(1, 2)                           # [N,P,3]
        hed = (odp @ self.hed_from_rgb).clamp(min=0.0)                       # [N,P,3]
        hm = hed.mean(1)
        hs = ((hed - hm.unsqueeze(1)) ** 2).mean(1).sqrt()
        vmax = v.amax(1)
        spread = vmax - v.amin(1)                                            # [N,H,W]
        grey = torch.sigmoid((GREY_SPREAD - spread) / SOFT) * torch.sigmoid((BACKGROUND - vmax) / SOFT)
        tot = od.sum(1)                                                      # [N,H,W] total OD
        grad = lag(tot, 1)
        share = hm / (hm.sum(1, keepdim=True) + SHARE_EPS)
        dab = torch.sigmoid((hed[..., 2] - hed[..., 1]) / DAB_SOFT).mean(1, keepdim=True)
        h = hed[..., 0].reshape(n, hgt, wid)
        h1 = lag(h, 1)
        return torch.cat([hm, hs, spread.mean((1, 2)).unsqueeze(1), grey.mean((1, 2)).unsqueeze(1),
                          tot.mean((1, 2)).unsqueeze(1), share[:, 1:3], dab,
                          grad, grad / (tot.std((1, 2)).unsqueeze(1) + SHARP_EPS),
                          lag(tot, 2), lag(tot, 4), h1, self.scale_stats(h, h1)], 1)


def colour_transform(stats, log: bool):
    """The space a colour term's Gaussian is fitted in: the statistics as they are, or their logarithms."""
    if not log:
        return stats
    if isinstance(stats, np.ndarray):
        return np.log(np.abs(stats) + np.float32(LOG_EPS))
    return torch.log(stats.abs() + LOG_EPS)


class ColourTerm(torch.nn.Module):
    """weight * (Mahalanobis distance of the chosen colour statistics, optionally in log, to the training
    patches' Gaussian (Ledoit-Wolf covariance)) / its median on the training patches: the weight, the scale
    and the 1/sqrt(S) are folded into the whitening matrix, so the term is ||(t(s) - centre) @ W||. [N,1]."""

    def __init__(self, columns, log: bool, centre: np.ndarray, whitening: np.ndarray):
        super().__init__()
        self.columns, self.log = [int(c) for c in columns], bool(log)
        self.register_buffer("centre", torch.as_tensor(centre, dtype=torch.float32))
        self.register_buffer("whitening", torch.as_tensor(whitening, dtype=torch.float32))

    def forward(self, stats):
        u = (colour_transform(stats[:, self.columns], self.log) - self.centre) @ self.whitening
        return torch.sqrt((u ** 2).sum(1, keepdim=True))

    def describe(self) -> dict:
        return {"statistics": [COLOUR_STATS[c] for c in self.columns], "log": self.log}


def fit_colour_term(stats: np.ndarray, columns, log: bool, weight: float = 1.0) -> ColourTerm:
    from sklearn.covariance import LedoitWolf
    s = colour_transform(stats[:, list(columns)].astype(np.float64), log)
    mu = s.mean(0)
    w = np.linalg.cholesky(np.linalg.inv(LedoitWolf().fit(s).covariance_))
    d = np.sqrt((((s - mu) @ w) ** 2).sum(1))
    return ColourTerm(columns, log, mu, w * (weight / np.median(d)))


class CombinedGuard(torch.nn.Module):
    """ood_score = max(feature_weight * feature score, colour term 1, colour term 2, ...): the feature
    Mahalanobis distance (DomainGuard, in units of its training median via feature_weight) and colour terms
    of the input, each in units of its own in-domain scale times its weight, so that any one can flag a patch.
    Reads the model's input and its pooled features. [N,1]."""

    def __init__(self, feature_guard: DomainGuard, feature_weight: float, colour_stats: ColourStats, terms):
        super().__init__()
        self.feature_guard, self.colour_stats = feature_guard, colour_stats
        self.terms = torch.nn.ModuleList(terms)
        self.register_buffer("feature_weight", torch.tensor([float(feature_weight)], dtype=torch.float32))

    def forward(self, x, features):
        s = self.colour_stats(x)
        out = self.feature_guard(features) * self.feature_weight
        for t in self.terms:
            out = torch.maximum(out, t(s))
        return out

    def describe(self) -> dict:
        return {**self.feature_guard.describe(), "colour_terms": [t.describe() for t in self.terms]}
