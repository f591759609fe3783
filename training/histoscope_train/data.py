"""Dataset loading, patient-level splits, in-memory patch tensors and on-the-fly augmentation.

Supported layouts (``--data``):

* ``idc``    : ``labels.csv`` with columns ``id,label,patient_id,...,file`` (file relative to root).
* ``kaggle`` : Kaggle "Histopathologic Cancer Detection" layout, ``train_labels.csv`` (``id,label``)
               and ``train/<id>.tif``. No patient ids are published, so each image is its own group
               (patch-level split; documented limitation).
* ``folder`` : one sub-folder per class (``root/<class>/*.png|jpg|tif``). Classes are sorted by
               name; the positive (cancer) class is ``--positive-class`` (default: the 2nd in sorted
               order). Group = file name prefix before the first ``_`` if ``--group-by-prefix``,
               else the file itself.

Patches smaller than the model's native size (IDC slide-border patches, e.g. 50x42 or 50x1) are
padded at the bottom/right with white (255,255,255), i.e. the colour of empty glass / outside the
slide; larger ones (e.g. 96x96 Kaggle patches fed to a 50x50 model) are centre-cropped.
"""
from __future__ import annotations

import csv
import hashlib
import os
import random
from dataclasses import dataclass, field

import numpy as np
import torch
from PIL import Image

IMG_EXT = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp")
PAD_VALUE = 255


@dataclass
class Record:
    path: str
    label: int
    group: str  # patient id where known
    rid: str = ""


@dataclass
class Dataset:
    records: list
    classes: list = field(default_factory=lambda: ["non-cancer", "cancer"])
    native_size: int = 50
    layout: str = "idc"
    root: str = ""
    patient_level: bool = True


def load_idc(root: str, labels_csv: str = "labels.csv") -> Dataset:
    recs = []
    with open(os.path.join(root, labels_csv), newline="") as f:
        for row in csv.DictReader(f):
            recs.append(Record(os.path.join(root, row["file"]), int(row["label"]),
                               str(row["patient_id"]), row.get("id", "")))
    return Dataset(recs, native_size=50, layout="idc", root=root, patient_level=True)


def load_kaggle(root: str, labels_csv: str = "train_labels.csv", image_dir: str = "train") -> Dataset:
    recs = []
    with open(os.path.join(root, labels_csv), newline="") as f:
        for row in csv.DictReader(f):
            rid = row["id"]
            recs.append(Record(os.path.join(root, image_dir, rid + ".tif"), int(row["label"]), rid, rid))
    return Dataset(recs, native_size=96, layout="kaggle", root=root, patient_level=False)


def load_folder(root: str, positive_class: str | None = None, group_by_prefix: bool = False) -> Dataset:
    classes = sorted(d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d)))
    if len(classes) != 2:
        raise ValueError(f"folder layout needs exactly 2 class folders, found {classes}")
    pos = positive_class or classes[1]
    if pos not in classes:
        raise ValueError(f"positive class {pos!r} not in {classes}")
    neg = [c for c in classes if c != pos][0]
    recs = []
    for c in classes:
        for fn in sorted(os.listdir(os.path.join(root, c))):
            if fn.lower().endswith(IMG_EXT):
                group = fn.split("_")[0] if group_by_prefix else f"{c}/{fn}"
                recs.append(Record(os.path.join(root, c, fn), int(c == pos), group, fn))
    size = read_rgb(recs[0].path).shape[0] if recs else 50
    return Dataset(recs, classes=[neg, pos], native_size=size, layout="folder", root=root,
                   patient_level=group_by_prefix)


def load_dataset(kind: str, root: str, **kw) -> Dataset:
    if kind == "idc":
        return load_idc(root)
    if kind == "kaggle":
        return load_kaggle(root)
    if kind == "folder":
        return load_folder(root, **kw)
    raise ValueError(f"unknown data layout {kind!r}")


# ----------------------------------------------------------------------------------------------
def read_rgb(path: str) -> np.ndarray:
    """Decode an image file to an HxWx3 uint8 RGB array (alpha dropped, greyscale expanded)."""
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"), dtype=np.uint8)


def fit_to_size(img: np.ndarray, size: int) -> np.ndarray:
    """Pad bottom/right with white to ``size`` and/or centre-crop to ``size``."""
    h, w = img.shape[:2]
    if h > size:
        t = (h - size) // 2
        img = img[t:t + size]
    if w > size:
        l = (w - size) // 2
        img = img[:, l:l + size]
    h, w = img.shape[:2]
    if h < size or w < size:
        out = np.full((size, size, 3), PAD_VALUE, dtype=np.uint8)
        out[:h, :w] = img
        img = out
    return np.ascontiguousarray(img)


def load_images(records, size: int, cache_dir: str | None = None, desc: str = "decode") -> np.ndarray:
    """Decode all records into an [N, size, size, 3] uint8 array (cached as .npy if cache_dir)."""
    key = hashlib.sha1(("|".join(r.path for r in records) + f"|{size}").encode()).hexdigest()[:16]
    cache = os.path.join(cache_dir, f"patches-{key}.npy") if cache_dir else None
    if cache and os.path.exists(cache):
        arr = np.load(cache)
        if arr.shape[0] == len(records):
            return arr
    arr = np.empty((len(records), size, size, 3), dtype=np.uint8)
    try:
        from tqdm import tqdm
        it = tqdm(records, desc=desc, mininterval=5, leave=False)
    except ImportError:  # pragma: no cover
        it = records
    for i, r in enumerate(it):
        arr[i] = fit_to_size(read_rgb(r.path), size)
    if cache:
        os.makedirs(cache_dir, exist_ok=True)
        tmp = f"{cache}.{os.getpid()}.tmp.npy"
        np.save(tmp, arr)
        os.replace(tmp, cache)
    return arr


# ----------------------------------------------------------------------------------------------
# Splits
# ----------------------------------------------------------------------------------------------
SPLITS = ("train", "val", "test")


def split_groups(records, seed: int = 42, val_frac: float = 0.15, test_frac: float = 0.15,
                 large_group: int = 100) -> dict:
    """Seeded split of GROUPS (patients) into train/val/test; a patient is in exactly one split.

    Patients are stratified into 'large' (whole-slide, > ``large_group`` patches) and 'small'
    (sampled) patients and, within each stratum, into patients with / without any positive patch,
    so each split gets a similar mix. Each stratum is shuffled with ``seed`` and cut by patient
    count (rounded, at least one patient per split where the stratum has >= 3 patients)."""
    counts, pos = {}, {}
    for r in records:
        counts[r.group] = counts.get(r.group, 0) + 1
        pos[r.group] = pos.get(r.group, 0) + r.label
    strata = {}
    for g in sorted(counts):
        key = (counts[g] > large_group, pos[g] > 0)
        strata.setdefault(key, []).append(g)
    rng = random.Random(seed)
    assign = {}
    for key in sorted(strata):
        gs = strata[key]
        rng.shuffle(gs)
        n = len(gs)
        n_val = int(round(n * val_frac))
        n_test = int(round(n * test_frac))
        if n >= 3:
            n_val, n_test = max(1, n_val), max(1, n_test)
        for i, g in enumerate(gs):
            assign[g] = "val" if i < n_val else ("test" if i < n_val + n_test else "train")
    return assign


def write_split(path: str, records, assign: dict, seed: int):
    counts, pos = {}, {}
    for r in records:
        counts[r.group] = counts.get(r.group, 0) + 1
        pos[r.group] = pos.get(r.group, 0) + r.label
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["patient_id", "split", "n_patches", "n_positive", "seed"])
        for g in sorted(assign, key=lambda s: (SPLITS.index(assign[s]), s)):
            w.writerow([g, assign[g], counts.get(g, 0), pos.get(g, 0), seed])


def read_split(path: str) -> dict:
    with open(path, newline="") as f:
        return {row["patient_id"]: row["split"] for row in csv.DictReader(f)}


def split_summary(records, assign: dict) -> dict:
    out = {}
    for s in SPLITS:
        rs = [r for r in records if assign.get(r.group) == s]
        out[s] = {"patients": len({r.group for r in rs}), "patches": len(rs),
                  "positive": sum(r.label for r in rs), "negative": sum(1 - r.label for r in rs)}
    return out


def subset(records, n: int | None, seed: int):
    """Seeded random subset of n records (stratified by label); all if n is None or >= len."""
    if not n or n >= len(records):
        return list(records)
    rng = random.Random(seed)
    pos = [r for r in records if r.label == 1]
    neg = [r for r in records if r.label == 0]
    n_pos = int(round(n * len(pos) / len(records)))
    out = rng.sample(pos, n_pos) + rng.sample(neg, n - n_pos)
    rng.shuffle(out)
    return out


# ----------------------------------------------------------------------------------------------
# Tensors, normalisation and augmentation
# ----------------------------------------------------------------------------------------------
def channel_stats(images: np.ndarray) -> tuple[list, list]:
    x = images.reshape(-1, 3).astype(np.float64) / 255.0
    mean = x.mean(0)
    std = x.std(0)
    return [round(float(v), 4) for v in mean], [round(float(v), 4) for v in std]


def to_input(images_uint8, mean, std) -> torch.Tensor:
    """[N,H,W,3] uint8 (numpy or tensor) -> normalised NCHW float32, exactly as the Java side:
    float(v)/255, then (x - mean[c]) / std[c], all in float32."""
    x = torch.as_tensor(np.asarray(images_uint8)).permute(0, 3, 1, 2).float() / 255.0
    m = torch.tensor(mean, dtype=torch.float32).view(1, 3, 1, 1)
    s = torch.tensor(std, dtype=torch.float32).view(1, 3, 1, 1)
    return (x - m) / s


def _rgb_to_hsv(x):
    r, g, b = x[:, 0], x[:, 1], x[:, 2]
    maxc, _ = x.max(1)
    minc, _ = x.min(1)
    v = maxc
    delta = maxc - minc
    s = torch.where(maxc > 0, delta / maxc.clamp_min(1e-8), torch.zeros_like(maxc))
    dc = delta.clamp_min(1e-8)
    rc, gc, bc = (maxc - r) / dc, (maxc - g) / dc, (maxc - b) / dc
    h = torch.where(maxc == r, bc - gc, torch.where(maxc == g, 2.0 + rc - bc, 4.0 + gc - rc))
    h = torch.where(delta > 0, (h / 6.0) % 1.0, torch.zeros_like(h))
    return torch.stack([h, s, v], 1)


def _hsv_to_rgb(x):
    h, s, v = x[:, 0], x[:, 1], x[:, 2]
    i = torch.floor(h * 6.0)
    f = h * 6.0 - i
    p, q, t = v * (1 - s), v * (1 - s * f), v * (1 - s * (1 - f))
    i = i.long() % 6
    r = torch.stack([v, q, p, p, t, v], 1).gather(1, i.unsqueeze(1)).squeeze(1)
    g = torch.stack([t, v, v, q, p, p], 1).gather(1, i.unsqueeze(1)).squeeze(1)
    b = torch.stack([p, p, t, v, v, q], 1).gather(1, i.unsqueeze(1)).squeeze(1)
    return torch.stack([r, g, b], 1)


def random_shift(x: torch.Tensor, rnd, max_shift: int) -> torch.Tensor:
    """Shift each image by up to ``max_shift`` px in x and y: reflect-pad, then a random crop per image."""
    n, _, h, w = x.shape
    p = max_shift
    xp = torch.nn.functional.pad(x, (p, p, p, p), mode="reflect")
    dx = (rnd(n) * (2 * p + 1)).long().clamp(max=2 * p)
    dy = (rnd(n) * (2 * p + 1)).long().clamp(max=2 * p)
    base_y = torch.arange(h, device=x.device).view(1, h, 1) + dy.view(n, 1, 1)
    base_x = torch.arange(w, device=x.device).view(1, 1, w) + dx.view(n, 1, 1)
    idx = (base_y * (w + 2 * p) + base_x).view(n, 1, h * w).expand(n, 3, h * w)
    return xp.reshape(n, 3, -1).gather(2, idx).view(n, 3, h, w)


def augment(x: torch.Tensor, gen: torch.Generator, max_shift: int = 3, hue: float = 0.03,
            sat: float = 0.1, val: float = 0.1, stain: float = 0.05) -> torch.Tensor:
    """On-the-fly augmentation of a [N,3,H,W] float batch in [0,1] (before normalisation):
    random horizontal/vertical flips, random 90-degree rotations, small shifts (reflect padding,
    up to ``max_shift`` px), mild HSV jitter (hue +-hue, saturation/value x(1+-sat/val)) and a mild
    per-channel 'stain' gain (x(1+-stain)). All random numbers come from ``gen`` (seeded)."""
    n, _, h, w = x.shape
    dev = x.device

    def rnd(*shape):
        return torch.rand(*shape, generator=gen).to(dev)

    # flips
    fh = rnd(n) < 0.5
    x = torch.where(fh.view(n, 1, 1, 1), x.flip(3), x)
    fv = rnd(n) < 0.5
    x = torch.where(fv.view(n, 1, 1, 1), x.flip(2), x)
    # 90-degree rotations (square patches)
    if h == w:
        k = (rnd(n) * 4).long().clamp(max=3)
        out = x.clone()
        for r in (1, 2, 3):
            m = k == r
            if m.any():
                out[m] = torch.rot90(x[m], r, (2, 3))
        x = out
    # small shifts: reflect-pad then random crop
    if max_shift > 0:
        x = random_shift(x, rnd, max_shift)
    # colour: HSV jitter
    if hue or sat or val:
        hsv = _rgb_to_hsv(x.clamp(0, 1))
        dh = (rnd(n) * 2 - 1) * hue
        ds = 1 + (rnd(n) * 2 - 1) * sat
        dv = 1 + (rnd(n) * 2 - 1) * val
        hsv = torch.stack([(hsv[:, 0] + dh.view(n, 1, 1)) % 1.0,
                           (hsv[:, 1] * ds.view(n, 1, 1)).clamp(0, 1),
                           (hsv[:, 2] * dv.view(n, 1, 1)).clamp(0, 1)], 1)
        x = _hsv_to_rgb(hsv)
    if stain:
        gain = 1 + (rnd(n, 3) * 2 - 1) * stain
        x = x * gain.view(n, 3, 1, 1)
    return x.clamp(0, 1)


# Stain (HED) jitter after Ruifrok & Johnston 2001 ("Quantification of histochemical staining by colour
# deconvolution"); the stain vectors are scikit-image's rgb_from_hed. Tellez et al. 2019 found HED
# jitter plus brightness/contrast the most useful colour augmentation for H&E.
_RGB_FROM_HED = torch.tensor([[0.65, 0.70, 0.29], [0.07, 0.99, 0.11], [0.27, 0.57, 0.78]], dtype=torch.float32)
_HED_FROM_RGB = torch.linalg.inv(_RGB_FROM_HED)
_OD_EPS = 1e-6


def dihedral(x: torch.Tensor, k: int) -> torch.Tensor:
    """The k-th (0..7) element of the dihedral group D4 on the last two axes: k % 4 quarter turns,
    transposed first when k >= 4. The Java engine's test-time augmentation uses the same order."""
    if k >= 4:
        x = x.transpose(-1, -2)
    return torch.rot90(x, k % 4, (-2, -1)) if k % 4 else x


def augment_fast(x: torch.Tensor, gen: torch.Generator, max_shift: int = 3, hed: float = 0.05,
                 brightness: float = 0.1, contrast: float = 0.1) -> torch.Tensor:
    """Histology augmentation of a [N,3,H,W] float batch in [0,1], vectorised over the batch:
    one of the 8 dihedral transforms per image, small reflect-padded shifts, HED stain jitter
    (each stain's optical density scaled by 1+-hed and shifted by +-hed) and brightness/contrast."""
    n, _, h, w = x.shape
    dev = x.device

    def rnd(*shape):
        return torch.rand(*shape, generator=gen).to(dev)

    if h == w:
        k = (rnd(n) * 8).long().clamp(max=7)
        out = torch.empty_like(x)
        for r in range(8):
            m = k == r
            if m.any():
                out[m] = dihedral(x[m], r)
        x = out
    if max_shift > 0:
        x = random_shift(x, rnd, max_shift)
    if hed:
        od = -torch.log(x.clamp_min(_OD_EPS))                                   # N,3,H,W optical density
        stains = torch.einsum("nchw,cd->ndhw", od, _HED_FROM_RGB.to(dev))
        alpha = 1 + (rnd(n, 3) * 2 - 1) * hed
        beta = (rnd(n, 3) * 2 - 1) * hed
        stains = stains * alpha.view(n, 3, 1, 1) + beta.view(n, 3, 1, 1)
        x = torch.exp(-torch.einsum("ndhw,dc->nchw", stains, _RGB_FROM_HED.to(dev)))
    if brightness or contrast:
        c = 1 + (rnd(n) * 2 - 1) * contrast
        b = (rnd(n) * 2 - 1) * brightness
        mu = x.mean((1, 2, 3), keepdim=True)
        x = (x - mu) * c.view(n, 1, 1, 1) + mu + b.view(n, 1, 1, 1)
    return x.clamp(0, 1)


AUGMENTATIONS = {"classic": augment, "histology": augment_fast}


def batch_to_input(images_uint8: torch.Tensor, mean, std, gen: torch.Generator | None = None,
                   train: bool = False, augmentation: str = "classic", stain: dict | None = None,
                   **aug_kw) -> torch.Tensor:
    x = images_uint8.permute(0, 3, 1, 2).float() / 255.0
    if stain:  # normalisation is part of the model's input definition: before augmentation, in training and inference
        x = reinhard_normalise(x, stain)
    if train and gen is not None:
        x = AUGMENTATIONS[augmentation](x, gen, **aug_kw)
    m = torch.tensor(mean, dtype=torch.float32).view(1, 3, 1, 1)
    s = torch.tensor(std, dtype=torch.float32).view(1, 3, 1, 1)
    return (x - m) / s


# ----------------------------------------------------------------------------------------------
# Stain normalisation (Reinhard et al. 2001, "Color transfer between images", in their l-alpha-beta space)
# ----------------------------------------------------------------------------------------------
# Each patch's tissue pixels are moved to a reference mean and standard deviation per l-alpha-beta channel.
# The reference is stored with the model (config "stain_reference"), so training and inference use one target.
_RGB_TO_LMS = torch.tensor([[0.3811, 0.5783, 0.0402], [0.1967, 0.7244, 0.0782], [0.0241, 0.1288, 0.8444]],
                           dtype=torch.float64)
_LMS_TO_RGB = torch.linalg.inv(_RGB_TO_LMS)
_LOG_LMS_TO_LAB = (torch.diag(torch.tensor([3 ** -0.5, 6 ** -0.5, 2 ** -0.5], dtype=torch.float64))
                   @ torch.tensor([[1., 1., 1.], [1., 1., -2.], [1., -1., 0.]], dtype=torch.float64))
_LAB_TO_LOG_LMS = torch.linalg.inv(_LOG_LMS_TO_LAB)
_LMS_EPS = 1.0 / 255.0  # log10 of a black pixel must stay finite
TISSUE_MAX_MEAN = 0.9  # a pixel whose mean RGB is above this is glass, not stained tissue
MIN_TISSUE_SHARE = 0.1  # below this share the patch's statistics come from all its pixels


def rgb_to_lab(x: torch.Tensor) -> torch.Tensor:
    """[N,3,H,W] RGB in [0,1] -> l-alpha-beta, in float64."""
    lms = torch.einsum("dc,nchw->ndhw", _RGB_TO_LMS, x.double()).clamp_min(_LMS_EPS)
    return torch.einsum("dc,nchw->ndhw", _LOG_LMS_TO_LAB, torch.log10(lms))


def lab_to_rgb(lab: torch.Tensor) -> torch.Tensor:
    lms = torch.pow(10.0, torch.einsum("dc,nchw->ndhw", _LAB_TO_LOG_LMS, lab))
    return torch.einsum("dc,nchw->ndhw", _LMS_TO_RGB, lms).clamp(0, 1)


def tissue_statistics(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-patch mean and standard deviation [N,3] of the l-alpha-beta channels over tissue pixels."""
    lab = rgb_to_lab(x)
    tissue = (x.double().mean(1, keepdim=True) <= TISSUE_MAX_MEAN).double()          # N,1,H,W
    share = tissue.mean((2, 3))                                                       # N,1
    weights = torch.where(share >= MIN_TISSUE_SHARE, tissue.flatten(1), torch.ones_like(tissue.flatten(1)))
    weights = weights / weights.sum(1, keepdim=True)                                  # N,HW
    flat = lab.flatten(2)                                                             # N,3,HW
    mean = torch.einsum("ncp,np->nc", flat, weights)
    var = torch.einsum("ncp,np->nc", (flat - mean.unsqueeze(2)) ** 2, weights)
    return mean, var.sqrt()


def stain_reference(images_uint8: np.ndarray, batch: int = 2048) -> dict:
    """The normalisation target: the mean over patches of their tissue statistics (training patches only)."""
    means, stds = [], []
    for i in range(0, len(images_uint8), batch):
        x = torch.as_tensor(np.asarray(images_uint8[i:i + batch])).permute(0, 3, 1, 2).float() / 255.0
        m, s = tissue_statistics(x)
        means.append(m)
        stds.append(s)
    m, s = torch.cat(means).mean(0), torch.cat(stds).mean(0)
    return {"method": "reinhard", "space": "l-alpha-beta (Reinhard et al. 2001)",
            "mean": [round(float(v), 6) for v in m], "std": [round(float(v), 6) for v in s]}


def reinhard_normalise(x: torch.Tensor, reference: dict) -> torch.Tensor:
    """[N,3,H,W] RGB in [0,1] -> the same patches with their tissue colour moved to ``reference``."""
    mean, std = tissue_statistics(x)
    target_mean = torch.tensor(reference["mean"], dtype=torch.float64).view(1, 3, 1, 1)
    target_std = torch.tensor(reference["std"], dtype=torch.float64).view(1, 3, 1, 1)
    lab = rgb_to_lab(x)
    lab = (lab - mean.view(-1, 3, 1, 1)) / std.clamp_min(1e-6).view(-1, 3, 1, 1) * target_std + target_mean
    return lab_to_rgb(lab).to(x.dtype)


def patient_balanced_weights(groups: list) -> torch.Tensor:
    """Sampling weight per patch so that every patient weighs the same in an epoch (a whole slide of 2,000
    patches counts as much as a sampled patient of 40)."""
    counts: dict = {}
    for g in groups:
        counts[g] = counts.get(g, 0) + 1
    return torch.tensor([1.0 / counts[g] for g in groups], dtype=torch.float64)
