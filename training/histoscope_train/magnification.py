"""The model's training resolution (micrometres per pixel), stated with its source and checked on the data.

    python3 -m histoscope_train.magnification --data-root "$IDC_DATA_ROOT" --out runs/pkg220/eval \
        --patients 8914,8951,8974,8984,9077,9078 --figure ../models/magnification_check.png

Source: the IDC patches (Janowczyk & Madabhushi 2016, use case 6; Cruz-Roa et al. 2014) were cut from
whole-slide images scanned at 40x (about 0.25 um/px) and downsampled 16:1 before tiling into 50x50 patches,
i.e. about 4 um/px (an apparent 2.5x objective). Checks on the data: (1) every complete patient's patches
are stitched at their x,y; the section's extent in px times 4 um/px must be a plausible breast section
(about 1-2 cm), where 0.25 or 1 um/px would make it a fraction of a millimetre or a few millimetres;
(2) nuclei: connected haematoxylin-dense blobs (colour deconvolution) of the patches have a median
equivalent diameter that, times 4 um/px, must be a nucleus (about 6-15 um).
Writes OUT/magnification.json.
"""
from __future__ import annotations

import argparse
import csv
import logging
import os
from collections import defaultdict

import numpy as np

from . import data as D
from . import domain_guard as G
from .common import write_json
from .logsetup import configure_logging

log = logging.getLogger(__name__)

MICRONS_PER_PIXEL = 4.0
SOURCE = ("Janowczyk & Madabhushi 2016 (J Pathol Inform 7:29, use case 6: IDC) and Cruz-Roa et al. 2014 (SPIE "
          "Medical Imaging 9041): whole-slide images scanned at 40x (~0.25 um/px), downsampled by a factor of 16 "
          "before cutting 50x50 patches, so one patch pixel is ~4 um (apparent magnification 2.5x)")
PATCH = 50


def haematoxylin_blobs(rgb: np.ndarray, od_threshold: float = 0.6) -> np.ndarray:
    """Equivalent diameters (px) of the 8-connected haematoxylin-dense blobs of one RGB patch."""
    from scipy import ndimage
    od = -np.log((rgb.astype(np.float64) + 1.0) / 256.0)
    h = (od @ G.HED_FROM_RGB)[..., 0]
    mask = h > od_threshold
    lab, n = ndimage.label(mask, structure=np.ones((3, 3)))
    if n == 0:
        return np.zeros(0)
    sizes = np.bincount(lab.ravel())[1:]
    return 2.0 * np.sqrt(sizes / np.pi)


def check(data_root: str, patients: list[str], max_nuclei_patches: int = 400, seed: int = 0):
    rows = defaultdict(list)
    with open(os.path.join(data_root, "labels.csv"), newline="") as f:
        for r in csv.DictReader(f):
            if r["patient_id"] in patients:
                rows[r["patient_id"]].append(r)
    per_patient = {}
    rng = np.random.default_rng(seed)
    diameters = []
    for p in patients:
        rs = rows[p]
        xs = np.array([int(r["x"]) for r in rs])
        ys = np.array([int(r["y"]) for r in rs])
        w_px = int(xs.max() - xs.min() + PATCH)
        h_px = int(ys.max() - ys.min() + PATCH)
        per_patient[p] = {
            "patches": len(rs), "idc_patches": int(sum(int(r["label"]) for r in rs)),
            "extent_px": [w_px, h_px],
            "extent_mm_at_4um": [round(w_px * MICRONS_PER_PIXEL / 1000, 2), round(h_px * MICRONS_PER_PIXEL / 1000, 2)],
            "extent_mm_if_0.25um": [round(w_px * 0.25 / 1000, 2), round(h_px * 0.25 / 1000, 2)],
            "extent_mm_if_1um": [round(w_px / 1000, 2), round(h_px / 1000, 2)],
            "tissue_area_mm2_at_4um": round(len(rs) * (PATCH * MICRONS_PER_PIXEL / 1000) ** 2, 1),
        }
        for r in [rs[i] for i in rng.permutation(len(rs))[:max_nuclei_patches // len(patients)]]:
            diameters.append(haematoxylin_blobs(D.read_rgb(os.path.join(data_root, r["file"]))))
    d = np.concatenate(diameters)
    d = d[d >= 1.5]  # single-pixel specks are noise, not nuclei
    longest = [max(v["extent_mm_at_4um"]) for v in per_patient.values()]
    nuclei = {"blobs": int(len(d)), "median_diameter_px": float(np.median(d)),
              "median_diameter_um_at_4um": float(np.median(d) * MICRONS_PER_PIXEL),
              "iqr_diameter_um_at_4um": [float(np.percentile(d, 25) * MICRONS_PER_PIXEL),
                                         float(np.percentile(d, 75) * MICRONS_PER_PIXEL)],
              "method": "haematoxylin optical density > 0.6 (Ruifrok-Johnston deconvolution), 8-connected blobs "
                        ">= 1.5 px equivalent diameter; at 4 um/px a nucleus spans only 2-4 px, so this is coarse"}
    text = (f"{len(patients)} complete whole-slide patients stitched from their patches' x,y: longest extent "
            f"{min(longest):.1f}-{max(longest):.1f} mm at {MICRONS_PER_PIXEL:g} um/px (median "
            f"{float(np.median(longest)):.1f} mm), a plausible breast tissue section of about 1-2 cm; at 0.25 um/px "
            f"(native 40x) the same sections would span {min(longest) / 16:.2f}-{max(longest) / 16:.2f} mm and at "
            f"1 um/px {min(longest) / 4:.1f}-{max(longest) / 4:.1f} mm, neither a whole section. Haematoxylin-dense "
            f"blobs: median equivalent diameter {nuclei['median_diameter_px']:.1f} px = "
            f"{nuclei['median_diameter_um_at_4um']:.0f} um at 4 um/px (nuclei and small nuclear clusters; a nucleus "
            f"is about 6-15 um), consistent with ~4 um/px.")
    return {"microns_per_pixel": MICRONS_PER_PIXEL, "source": SOURCE, "check": text,
            "patients": per_patient, "nuclei": nuclei}


def stitch(data_root: str, patient: str, downsample: int = 2) -> np.ndarray:
    """A patient's patches placed at their x,y on white (background = no patch), downsampled."""
    rs = []
    with open(os.path.join(data_root, "labels.csv"), newline="") as f:
        rs = [r for r in csv.DictReader(f) if r["patient_id"] == patient]
    xs = np.array([int(r["x"]) for r in rs])
    ys = np.array([int(r["y"]) for r in rs])
    x0, y0 = xs.min(), ys.min()
    canvas = np.full((ys.max() - y0 + PATCH, xs.max() - x0 + PATCH, 3), 255, np.uint8)
    for r, x, y in zip(rs, xs, ys):
        im = D.fit_to_size(D.read_rgb(os.path.join(data_root, r["file"])), PATCH)
        canvas[y - y0:y - y0 + PATCH, x - x0:x - x0 + PATCH] = im
    return canvas[::downsample, ::downsample]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-root", required=True)
    ap.add_argument("--out", required=True, help="folder for magnification.json (a run's eval folder)")
    ap.add_argument("--patients", default="8914,8951,8974,8984,9077,9078")
    ap.add_argument("--figure", default=None, help="PNG of the first patient's stitched section with a 5 mm bar")
    args = ap.parse_args(argv)
    patients = args.patients.split(",")
    res = check(args.data_root, patients)
    write_json(os.path.join(args.out, "magnification.json"), res)
    log.info(res["check"])
    if args.figure:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        ds = 4
        img = stitch(args.data_root, patients[0], ds)
        fig, ax = plt.subplots(figsize=(6, 6 * img.shape[0] / img.shape[1]))
        ax.imshow(img)
        bar = 5000 / MICRONS_PER_PIXEL / ds  # 5 mm in displayed px
        ax.plot([20, 20 + bar], [img.shape[0] - 20] * 2, color="k", lw=3)
        ax.text(20, img.shape[0] - 30, "5 mm at 4 um/px", fontsize=8)
        ax.set_title(f"patient {patients[0]}: patches stitched at x,y")
        ax.axis("off")
        fig.tight_layout()
        fig.savefig(args.figure, dpi=80)


if __name__ == "__main__":
    configure_logging()
    main()
