"""Pooled features of the shipped model on the sets the domain guard is fitted and checked on,
cached per set in RUN/guard/<set>.npz (features [N,V,D] float32, logits [N,V], labels, ids).

    nice python3 -m histoscope_train.guard_features --run runs/pkg220 --data-root "$IDC_DATA_ROOT" \
        --pcam "$PCAM_SAMPLES" --photos tests/fixtures/photos

Sets (patients by the run's split.csv): ``train`` (a patient-stratified sample, one random dihedral view
each: what the Gaussians are fitted on), ``val`` and ``test`` (view 0 of every patch), ``val8``/``test8``
(a sample with all 8 dihedral views, for the TTA-mean score), and the out-of-domain sets built from
validation (``ood_val_*``, used to choose the method) and from test patients (``ood_test_*``, reported).
A set already cached is skipped, so the command can be interrupted and run again.
Last, the colour statistics of the INPUT (domain_guard.ColourStats, with its float16-rounded constants as
the graph has them) of every cached set are written to RUN/guard/colour_<set>.npy [N,17] (the in-domain sets'
patches are decoded again by their ids; the statistics are the same for all dihedral views).
"""
from __future__ import annotations

import argparse
import glob
import logging
import os
import time

import numpy as np
import torch

from . import data as D
from . import domain_guard as G
from .common import load_model
from .logsetup import configure_logging

log = logging.getLogger(__name__)


@torch.no_grad()
def features_of(model, images: np.ndarray, mean, std, views=(0,), batch: int = 128):
    """features [N,V,D], logits [N,V] of uint8 images [N,50,50,3] for the given dihedral views."""
    feats, logits = [], []
    for i in range(0, len(images), batch):
        x = D.to_input(images[i:i + batch], mean, std)
        fv, lv = [], []
        for k in views:
            f = model.features(D.dihedral(x, k))
            fv.append(f)
            lv.append(model.head(f).view(-1))
        feats.append(torch.stack(fv, 1).numpy())
        logits.append(torch.stack(lv, 1).numpy())
    return np.concatenate(feats), np.concatenate(logits)


def sample(records, n: int, seed: int):
    """``n`` records spread evenly over patients (seeded)."""
    if n >= len(records):
        return list(records)
    rng = np.random.default_rng(seed)
    idx = rng.permutation(len(records))[:n]
    return [records[i] for i in sorted(idx)]


def read_photos(folder: str) -> list:
    return [D.read_rgb(p) for p in sorted(glob.glob(os.path.join(folder, "*")))
            if p.lower().endswith((".png", ".jpg", ".jpeg"))]


def read_pcam(folder: str, limit: int | None = None) -> np.ndarray:
    paths = sorted(glob.glob(os.path.join(folder, "**", "*.tif"), recursive=True))[:limit]
    return np.stack([D.fit_to_size(D.read_rgb(p), G.SIZE) for p in paths])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--run", required=True)
    ap.add_argument("--data-root", required=True)
    ap.add_argument("--pcam", default=None)
    ap.add_argument("--photos", default=None)
    ap.add_argument("--n-train", type=int, default=2500)
    ap.add_argument("--n-test", type=int, default=1500)
    ap.add_argument("--n-tta", type=int, default=300)
    ap.add_argument("--n-ood", type=int, default=150)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--only", default=None, help="comma-separated set names")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    model, cfg, _ = load_model(os.path.join(args.run, "best.pt"))
    from .evaluate import split_records
    _, _, recs = split_records(cfg, args.data_root, os.path.join(args.run, "split.csv"))
    out = os.path.join(args.run, "guard")
    os.makedirs(out, exist_ok=True)
    mean, std = cfg["mean"], cfg["std"]
    photos = read_photos(args.photos) if args.photos else []

    def images(rs):
        return D.load_images(rs, G.SIZE)

    def in_domain(split, n, seed):
        rs = sample(recs[split], n, seed)
        return images(rs), np.array([r.label for r in rs]), np.array([r.group for r in rs]), \
            np.array([os.path.splitext(os.path.basename(r.path))[0] for r in rs])

    def ood(split, seed):
        x, _, _, _ = in_domain(split, args.n_ood, seed)
        sets = {f"ood_{split}_{name}": fn(x) for name, fn in G.TRANSFORMS.items()}
        if photos:
            sets[f"ood_{split}_photos"] = G.photo_crops(photos, args.n_ood, seed=seed)
        if args.pcam:
            pc = read_pcam(args.pcam)
            half = len(pc) // 2
            sets[f"ood_{split}_pcam"] = pc[:half] if split == "val" else pc[half:]
        return sets

    plan = [("val", lambda: in_domain("val", 10 ** 9, 0), (0,)),
            ("train", lambda: in_domain("train", args.n_train, 1), "random"),
            ("ood_val", lambda: ood("val", 2), (0,)),
            ("test", lambda: in_domain("test", args.n_test, 3), (0,)),
            ("ood_test", lambda: ood("test", 4), (0,)),
            ("val8", lambda: in_domain("val", args.n_tta, 5), tuple(range(8))),
            ("test8", lambda: in_domain("test", args.n_tta, 6), tuple(range(8)))]
    only = set(args.only.split(",")) if args.only else None
    for name, make, views in plan:
        if only and name not in only:
            continue
        if name.startswith("ood_"):
            if all(os.path.exists(os.path.join(out, f"{name}_{t}.npz")) for t in G.TRANSFORMS):
                if os.path.exists(os.path.join(out, f"{name}_done")):
                    continue
            for set_name, x in make().items():
                path = os.path.join(out, set_name + ".npz")
                if os.path.exists(path):
                    continue
                t = time.time()
                f, l = features_of(model, x, mean, std, views)
                np.savez(path, features=f, logits=l, images=x)
                log.info(f"[guard] {set_name}: {len(x)} patches x {len(views)} views, {time.time() - t:.0f}s")
            open(os.path.join(out, f"{name}_done"), "w").close()
            continue
        path = os.path.join(out, name + ".npz")
        if os.path.exists(path):
            continue
        x, y, g, ids = make()
        t = time.time()
        if views == "random":
            ks = np.random.default_rng(11).integers(0, 8, len(x))
            f = np.empty((len(x), 1, model.feature_dim), np.float32)
            l = np.empty((len(x), 1), np.float32)
            for k in range(8):
                sel = np.flatnonzero(ks == k)
                if len(sel):
                    fk, lk = features_of(model, np.ascontiguousarray(D.dihedral(torch.as_tensor(x[sel]).permute(0, 3, 1, 2), k)
                                                                      .permute(0, 2, 3, 1).numpy()), mean, std)
                    f[sel], l[sel] = fk, lk
        else:
            f, l = features_of(model, x, mean, std, views)
        np.savez(path, features=f, logits=l, labels=y, patients=g, ids=ids)
        log.info(f"[guard] {name}: {len(x)} patches x {f.shape[1]} views, {time.time() - t:.0f}s")


    colour_cache(args.run, args.data_root, cfg, recs)


@torch.no_grad()
def colour_stats_of(images: np.ndarray, mean, std, batch: int = 256) -> np.ndarray:
    from .common import round_weights_fp16
    cs = round_weights_fp16(G.ColourStats(mean, std)).eval()
    return np.concatenate([cs(D.to_input(images[i:i + batch], mean, std)).numpy()
                           for i in range(0, len(images), batch)])


def colour_cache(run: str, data_root: str, cfg: dict, recs: dict):
    folder = os.path.join(run, "guard")
    by_id = {os.path.splitext(os.path.basename(r.path))[0]: r for split in recs.values() for r in split}
    for path in sorted(glob.glob(os.path.join(folder, "*.npz"))):
        name = os.path.basename(path)[:-4]
        out = os.path.join(folder, f"colour_{name}.npy")
        if os.path.exists(out):
            continue
        z = np.load(path)
        x = z["images"] if "images" in z.files else D.load_images([by_id[i] for i in z["ids"]], G.SIZE)
        np.save(out, colour_stats_of(x, cfg["mean"], cfg["std"]))
        log.info(f"[guard] colour statistics of {name}: {len(x)} patches")


if __name__ == "__main__":
    configure_logging()
    main()
