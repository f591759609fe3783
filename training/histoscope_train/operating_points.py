"""Operating points chosen for what they decide, on the validation patients, checked once on the test patients.

    python3 -m histoscope_train.operating_points --run runs/pkg220 --data-root "$IDC_DATA_ROOT" \
        --predictions ../models/runs/xception_nasnet_2.2.0/eval

* **patch**: the patch threshold (Youden's J, as ``evaluate`` chose it) and its grey zone;
* **tile**: the threshold of the heatmap outline, on the same smoothed map the colours show (the Java
  ``inference/WholeSlideScoring.smooth``: a Gaussian of sigma 2 tiles over the classified neighbours only,
  replicated here exactly), judged against the tiles' own labels on each patient's stitched slide;
* **slide**: the slide verdict, judged on mosaics of the patients (tile = patch at its x,y): each patient's
  mosaic with all its patches (contains IDC) against the same mosaic with its IDC patches removed
  (benign-only), for several slide scores; and its grey zone.

Per-patch probabilities (calibrated, dihedral8 TTA) come from ``evaluate``'s predictions_{val,test}.csv.gz,
coordinates from the data folder's labels.csv. Writes RUN/eval/operating_points.json.
"""
from __future__ import annotations

import argparse
import csv
import gzip
import json
import logging
import math
import os
from collections import defaultdict

import numpy as np

from .common import write_json
from .metrics import roc_auc
from .logsetup import configure_logging

log = logging.getLogger(__name__)

PATCH = 50
SIGMA_TILES = 2.0
GREY_ZONE_TARGET = 0.90   # outside the band: PPV and NPV at least this
TILE_SENSITIVITY = 0.92   # share of validation IDC tiles the outline must keep
INCUMBENT = "top50_mean"  # the slide score the app had (WholeSlideScoring.slideScore)


def _top_k_params(k):
    return lambda tile_t: {"k": k, "of": "smoothed tiles", "smoothing_sigma_tiles": SIGMA_TILES}


def _top_pct_params(frac):
    return lambda tile_t: {"fraction_of_tissue_tiles": frac, "of": "smoothed tiles",
                           "smoothing_sigma_tiles": SIGMA_TILES}


SCORE_PARAMETERS = {
    "max_tile": _top_k_params(1), "top10_mean": _top_k_params(10), "top20_mean": _top_k_params(20),
    "top50_mean": _top_k_params(50), "top2pct_mean": _top_pct_params(0.02), "top5pct_mean": _top_pct_params(0.05),
    "top10pct_mean": _top_pct_params(0.10),
    "area_fraction_above_tile_threshold": lambda t: {"tile_threshold": t, "smoothing_sigma_tiles": SIGMA_TILES},
    "tiles_above_tile_threshold": lambda t: {"tile_threshold": t, "smoothing_sigma_tiles": SIGMA_TILES},
    "largest_component_tiles": lambda t: {"tile_threshold": t, "connectivity": 8, "smoothing_sigma_tiles": SIGMA_TILES},
    "mean_smoothed": lambda t: {"of": "smoothed tiles", "smoothing_sigma_tiles": SIGMA_TILES},
    "q90_smoothed": lambda t: {"quantile": 0.9, "of": "smoothed tiles", "smoothing_sigma_tiles": SIGMA_TILES},
    "q95_smoothed": lambda t: {"quantile": 0.95, "of": "smoothed tiles", "smoothing_sigma_tiles": SIGMA_TILES},
    "area_fraction_above_0.3": lambda t: {"tile_threshold": 0.3, "smoothing_sigma_tiles": SIGMA_TILES},
    "area_fraction_above_0.7": lambda t: {"tile_threshold": 0.7, "smoothing_sigma_tiles": SIGMA_TILES},
    "tiles_above_0.7": lambda t: {"tile_threshold": 0.7, "smoothing_sigma_tiles": SIGMA_TILES},
    "largest_component_above_0.7": lambda t: {"tile_threshold": 0.7, "connectivity": 8,
                                              "smoothing_sigma_tiles": SIGMA_TILES},
}


def paired_auc_gain_ci(y, s_new, s_old, groups, n_boot: int = 2000, seed: int = 0) -> list:
    """95 % percentile CI of AUC(s_new) - AUC(s_old), resampling patients (a patient's mosaics together)."""
    rng = np.random.default_rng(seed)
    ids = np.unique(groups)
    idx = {g: np.flatnonzero(groups == g) for g in ids}
    gains = []
    for _ in range(n_boot):
        sel = np.concatenate([idx[g] for g in rng.choice(ids, len(ids))])
        if len(np.unique(y[sel])) < 2:
            continue
        gains.append(roc_auc(y[sel], s_new[sel]) - roc_auc(y[sel], s_old[sel]))
    return [float(np.percentile(gains, 2.5)), float(np.percentile(gains, 97.5))]


# ----------------------------------------------------------------------------------------------
# slides as tile grids
# ----------------------------------------------------------------------------------------------
class Slide:
    """A patient's tile grid: probabilities (NaN = no tissue patch) and labels (-1 = none)."""

    def __init__(self, patient: str, cells: dict):
        self.patient = patient
        cols = [c for c, _ in cells]
        rows = [r for _, r in cells]
        self.c0, self.r0 = min(cols), min(rows)
        self.columns, self.rows = max(cols) - self.c0 + 1, max(rows) - self.r0 + 1
        self.p = np.full((self.rows, self.columns), np.nan, dtype=np.float32)
        self.y = np.full((self.rows, self.columns), -1, dtype=np.int8)
        for (c, r), (prob, label) in cells.items():
            self.p[r - self.r0, c - self.c0] = prob
            self.y[r - self.r0, c - self.c0] = label

    @property
    def positive(self) -> bool:
        return bool((self.y == 1).any())

    def benign_only(self) -> "Slide":
        s = object.__new__(Slide)
        s.patient, s.c0, s.r0, s.columns, s.rows = self.patient, self.c0, self.r0, self.columns, self.rows
        s.p, s.y = self.p.copy(), self.y.copy()
        s.p[self.y == 1] = np.nan
        s.y[self.y == 1] = -1
        return s

    def tissue(self) -> int:
        return int(np.isfinite(self.p).sum())


def smooth(p: np.ndarray, sigma: float = SIGMA_TILES) -> np.ndarray:
    """Exactly Java's WholeSlideScoring.smooth: separable Gaussian weights exp(-d^2/(2 sigma^2)) up to
    radius ceil(3 sigma), summed over non-NaN neighbours only (double sums, float result); NaN stays NaN."""
    if sigma <= 0:
        return p.copy()
    radius = int(math.ceil(3 * sigma))
    k = np.exp(-np.arange(-radius, radius + 1) ** 2 / (2 * sigma * sigma))
    valid = np.isfinite(p)
    v = np.where(valid, p.astype(np.float64), 0.0)
    w = valid.astype(np.float64)

    def conv(a):
        pad = np.pad(a, radius)
        rows = sum(k[i] * pad[i:i + a.shape[0], :] for i in range(2 * radius + 1))
        return sum(k[j] * rows[:, j:j + a.shape[1]] for j in range(2 * radius + 1))

    with np.errstate(invalid="ignore", divide="ignore"):
        out = (conv(v) / conv(w)).astype(np.float32)
    out[~valid] = np.nan
    return out


def read_slides(predictions_csv_gz: str, labels_csv: str) -> list[Slide]:
    """One Slide per patient of the predictions file (tile column/row = (x-1)//50, (y-1)//50 as in Java)."""
    coords = {}
    with open(labels_csv, newline="") as f:
        for row in csv.DictReader(f):
            coords[row["id"]] = ((int(row["x"]) - 1) // PATCH, (int(row["y"]) - 1) // PATCH)
    cells = defaultdict(dict)
    with gzip.open(predictions_csv_gz, "rt", newline="") as f:
        for row in csv.DictReader(f):
            cells[row["patient_id"]][coords[row["id"]]] = (float(row["probability"]), int(row["label"]))
    return [Slide(p, c) for p, c in sorted(cells.items())]


# ----------------------------------------------------------------------------------------------
# slide scores: each takes the smoothed grid (NaN = no tissue) and returns a number, higher = more IDC
# ----------------------------------------------------------------------------------------------
def top_k_mean(values: np.ndarray, k: int) -> float:
    v = np.sort(values[np.isfinite(values)])
    if not len(v):
        return 0.0
    return float(v[-min(k, len(v)):].astype(np.float64).mean())


def largest_component(mask: np.ndarray) -> int:
    """Tiles of the largest 8-connected component of ``mask``."""
    seen = np.zeros_like(mask, dtype=bool)
    best = 0
    rows, cols = mask.shape
    for r0, c0 in zip(*np.nonzero(mask)):
        if seen[r0, c0]:
            continue
        stack, n = [(r0, c0)], 0
        seen[r0, c0] = True
        while stack:
            r, c = stack.pop()
            n += 1
            for dr in (-1, 0, 1):
                for dc in (-1, 0, 1):
                    rr, cc = r + dr, c + dc
                    if 0 <= rr < rows and 0 <= cc < cols and mask[rr, cc] and not seen[rr, cc]:
                        seen[rr, cc] = True
                        stack.append((rr, cc))
        best = max(best, n)
    return best


def slide_scores(smoothed: np.ndarray, tile_threshold: float) -> dict:
    finite = np.isfinite(smoothed)
    n = int(finite.sum())
    above = finite & (np.nan_to_num(smoothed, nan=-1) >= tile_threshold)
    out = {"max_tile": top_k_mean(smoothed, 1)}
    for k in (10, 20, 50):
        out[f"top{k}_mean"] = top_k_mean(smoothed, k)
    for frac in (0.02, 0.05, 0.10):
        out[f"top{int(frac * 100)}pct_mean"] = top_k_mean(smoothed, max(1, int(math.ceil(frac * n))))
    out["area_fraction_above_tile_threshold"] = float(above.sum() / n) if n else 0.0
    out["tiles_above_tile_threshold"] = float(above.sum())
    out["largest_component_tiles"] = float(largest_component(above))
    # issue #22's further candidates: the map's level rather than its peak (mean, high quantiles), and the area,
    # count and largest region above fixed levels (0.3: most of the tumour, 0.7: confident tumour only)
    values = smoothed[finite].astype(np.float64)
    out["mean_smoothed"] = float(values.mean()) if n else 0.0
    for q in (90, 95):
        out[f"q{q}_smoothed"] = float(np.quantile(values, q / 100)) if n else 0.0
    for level in (0.3, 0.7):
        out[f"area_fraction_above_{level}"] = float((values >= level).sum() / n) if n else 0.0
    high = finite & (np.nan_to_num(smoothed, nan=-1) >= 0.7)
    out["tiles_above_0.7"] = float(high.sum())
    out["largest_component_above_0.7"] = float(largest_component(high))
    return out


# ----------------------------------------------------------------------------------------------
# thresholds
# ----------------------------------------------------------------------------------------------
def sens_spec(y: np.ndarray, s: np.ndarray, t: float) -> tuple[float, float]:
    y = np.asarray(y).astype(bool)
    pred = np.asarray(s) >= t
    return float(pred[y].mean()) if y.any() else float("nan"), float((~pred[~y]).mean()) if (~y).any() else float("nan")


def youden(y: np.ndarray, s: np.ndarray) -> float:
    """Threshold of the largest sensitivity + specificity (midpoint between neighbouring scores)."""
    u = np.unique(s)
    cands = np.concatenate([[u[0] - 1e-9], (u[:-1] + u[1:]) / 2, [u[-1] + 1e-9]]) if len(u) > 1 else u
    best, bt = -1, float(cands[0])
    for t in cands:
        se, sp = sens_spec(y, s, t)
        if se + sp > best + 1e-12:
            best, bt = se + sp, float(t)
    return bt


def threshold_for_sensitivity(y: np.ndarray, s: np.ndarray, sensitivity: float) -> float:
    """Highest threshold that keeps at least ``sensitivity`` of the positives at or above it."""
    pos = np.sort(np.asarray(s)[np.asarray(y).astype(bool)])
    i = int(math.floor((1 - sensitivity) * len(pos) + 1e-9))
    return float(pos[min(i, len(pos) - 1)])


def grey_zone(y: np.ndarray, s: np.ndarray, threshold: float, target: float = GREY_ZONE_TARGET,
              weights: np.ndarray | None = None) -> dict:
    """The narrowest band [low, high] around ``threshold`` such that a call above it has PPV >= target
    (of the items scored >= high) and a call below it NPV >= target (of the items scored < low); weights
    give each item's share (class balance to a stated prevalence)."""
    y = np.asarray(y).astype(bool)
    s = np.asarray(s, dtype=np.float64)
    w = np.ones_like(s) if weights is None else np.asarray(weights, dtype=np.float64)
    u = np.unique(np.concatenate([s, [threshold]]))
    high = None
    for t in u[u >= threshold]:       # lowest high with PPV >= target
        sel = s >= t
        if w[sel].sum() > 0 and w[sel & y].sum() / w[sel].sum() >= target:
            high = float(t)
            break
    low = None
    for t in u[u <= threshold][::-1]:  # highest low with NPV >= target
        sel = s < t
        if w[sel].sum() > 0 and w[sel & ~y].sum() / w[sel].sum() >= target:
            low = float(t)
            break
    high = float(s.max() + 1e-6) if high is None else high
    low = float(s.min()) if low is None else low

    def value(sel, good):
        return float(w[sel & good].sum() / w[sel].sum()) if w[sel].sum() > 0 else None
    return {"low": low, "high": high,
            "ppv_above": value(s >= high, y), "npv_below": value(s < low, ~y),
            "share_in_band": float(w[(s >= low) & (s < high)].sum() / w.sum())}


def prevalence_weights(y: np.ndarray, prevalence: float | None) -> np.ndarray:
    y = np.asarray(y).astype(bool)
    if prevalence is None:
        return np.ones(len(y))
    return np.where(y, prevalence / y.mean(), (1 - prevalence) / (1 - y.mean()))


# ----------------------------------------------------------------------------------------------
def tile_arrays(slides: list[Slide], sigma: float = SIGMA_TILES):
    ys, ss = [], []
    for sl in slides:
        sm = smooth(sl.p, sigma)
        m = sl.y >= 0
        ys.append(sl.y[m])
        ss.append(sm[m])
    return np.concatenate(ys), np.concatenate(ss)


def mosaics(slides: list[Slide]):
    """(slide, label): every patient's full mosaic labelled by whether it holds IDC, plus the benign-only
    mosaic of each patient with IDC (a patient without IDC is already benign-only: counted once)."""
    out = []
    for sl in slides:
        out.append((sl, int(sl.positive)))
        if sl.positive:
            b = sl.benign_only()
            if b.tissue():
                out.append((b, 0))
    return out


def score_mosaics(slides, tile_threshold):
    rows = []
    for sl, label in mosaics(slides):
        sc = slide_scores(smooth(sl.p), tile_threshold)
        rows.append({"patient": sl.patient, "label": label, "tiles": sl.tissue(), **sc})
    return rows


def choose(run: str, data_root: str, predictions_dir: str, prevalence: float | None,
           patch_threshold: float, whole_slide_min_tiles: int = 100) -> dict:
    labels_csv = os.path.join(data_root, "labels.csv")
    val = read_slides(os.path.join(predictions_dir, "predictions_val.csv.gz"), labels_csv)
    test = read_slides(os.path.join(predictions_dir, "predictions_test.csv.gz"), labels_csv)

    # ---- patch: threshold as evaluate chose it; grey zone by PPV/NPV at the card's prevalence
    def patches(slides):
        y = np.concatenate([sl.y[sl.y >= 0] for sl in slides])
        p = np.concatenate([sl.p[sl.y >= 0] for sl in slides])
        return y, p
    yv, pv = patches(val)
    yt, pt = patches(test)
    pz = grey_zone(yv, pv, patch_threshold, weights=prevalence_weights(yv, prevalence))
    pz_test = grey_zone(yt, pt, patch_threshold, weights=prevalence_weights(yt, prevalence))
    patch = {"threshold": patch_threshold, "grey_zone": {"low": pz["low"], "high": pz["high"]},
             "rule": (f"narrowest band around the threshold such that, on the validation patients' patches "
                      f"weighted to the calibration prevalence ({prevalence}), the patches at or above 'high' have "
                      f"PPV >= {GREY_ZONE_TARGET} and those below 'low' NPV >= {GREY_ZONE_TARGET}; in between: "
                      f"indeterminate"),
             "validation": pz, "test_at_validation_band": _band_check(yt, pt, pz["low"], pz["high"],
                                                                      prevalence_weights(yt, prevalence)),
             "test_own_band": pz_test}

    # ---- tile: on the smoothed map of the whole slides; sensitivity first (an outline that misses tumour
    # is the costly error), then the highest threshold that keeps 0.92 of the validation IDC tiles
    wv = [s for s in val if s.tissue() >= whole_slide_min_tiles]
    wt = [s for s in test if s.tissue() >= whole_slide_min_tiles]
    ytv, stv = tile_arrays(wv)
    ytt, stt = tile_arrays(wt)
    tile_t = threshold_for_sensitivity(ytv, stv, TILE_SENSITIVITY)
    tile_candidates = {"youden": youden(ytv, stv), f"sensitivity_{TILE_SENSITIVITY}": tile_t,
                       "patch_threshold": patch_threshold}
    tile = {"threshold": tile_t, "smoothing_sigma_tiles": SIGMA_TILES,
            "method": (f"highest threshold on the smoothed map (Gaussian sigma {SIGMA_TILES} tiles over the classified "
                       f"neighbours, as the colours show) that keeps >= {TILE_SENSITIVITY} of the IDC tiles of the "
                       f"validation patients' stitched slides (>= {whole_slide_min_tiles} tissue tiles) inside the "
                       f"outline: a missed tumour region is the costlier error; Youden's J is given for comparison"),
            "candidates": {k: {"threshold": t, "val": sens_spec(ytv, stv, t), "test": sens_spec(ytt, stt, t)}
                           for k, t in tile_candidates.items()},
            "val_slides": [s.patient for s in wv], "test_slides": [s.patient for s in wt],
            "val_tiles": int(len(ytv)), "test_tiles": int(len(ytt)),
            "val_auc": roc_auc(ytv, stv), "test_auc": roc_auc(ytt, stt)}
    tile["val_sensitivity"], tile["val_specificity"] = sens_spec(ytv, stv, tile_t)
    tile["test_sensitivity"], tile["test_specificity"] = sens_spec(ytt, stt, tile_t)
    tile["test_per_slide"] = {s.patient: dict(zip(("sensitivity", "specificity"),
                                                  sens_spec(*tile_arrays([s]), tile_t))) for s in wt}

    # ---- slide: every score on the mosaics; chosen by validation AUC (ties: the simpler, listed first)
    mv, mt = score_mosaics(val, tile_t), score_mosaics(test, tile_t)
    names = [k for k in mv[0] if k not in ("patient", "label", "tiles")]
    table = {}
    for n in names:
        yv_, sv_ = np.array([r["label"] for r in mv]), np.array([r[n] for r in mv])
        yt_, st_ = np.array([r["label"] for r in mt]), np.array([r[n] for r in mt])
        t = youden(yv_, sv_)
        table[n] = {"val_auc": roc_auc(yv_, sv_), "test_auc": roc_auc(yt_, st_), "threshold": t,
                    "val": sens_spec(yv_, sv_, t), "test": sens_spec(yt_, st_, t)}
    groups = np.array([r["patient"] for r in mv])
    for n in names:
        table[n]["val_auc_gain_over_incumbent_ci95"] = paired_auc_gain_ci(
            np.array([r["label"] for r in mv]), np.array([r[n] for r in mv]),
            np.array([r[INCUMBENT] for r in mv]), groups)
    better = [n for n in names if table[n]["val_auc_gain_over_incumbent_ci95"][0] > 0]
    best = max(better, key=lambda n: table[n]["val_auc"]) if better else INCUMBENT
    yv_, sv_ = np.array([r["label"] for r in mv]), np.array([r[best] for r in mv])
    yt_, st_ = np.array([r["label"] for r in mt]), np.array([r[best] for r in mt])
    st = table[best]["threshold"]
    sz = grey_zone(yv_, sv_, st)
    slide = {"threshold": st, "score": best, "score_parameters": SCORE_PARAMETERS[best](tile_t),
             "grey_zone": {"low": sz["low"], "high": sz["high"]},
             "method": (f"slide scores compared on mosaics of the validation patients (tile = patch at its x,y): "
                        f"each patient's mosaic with all its patches (with IDC) against the same mosaic with its IDC "
                        f"patches removed (benign-only); the incumbent {INCUMBENT} is replaced only by a score whose "
                        f"validation AUC gain has a patient-bootstrap 95 % CI above 0; threshold by Youden's J on "
                        f"the validation mosaics"),
             "rule": (f"narrowest band around the threshold such that validation mosaics scored at or above 'high' "
                      f"have PPV >= {GREY_ZONE_TARGET} and those below 'low' NPV >= {GREY_ZONE_TARGET}"),
             "validation_grey_zone": sz, "table": table,
             "val_mosaics": {"with_idc": int(yv_.sum()), "benign_only": int((1 - yv_).sum())},
             "test_mosaics": {"with_idc": int(yt_.sum()), "benign_only": int((1 - yt_).sum())},
             "test_auc": roc_auc(yt_, st_), "val_auc": roc_auc(yv_, sv_)}
    slide["test_sensitivity"], slide["test_specificity"] = sens_spec(yt_, st_, st)
    slide["val_sensitivity"], slide["val_specificity"] = sens_spec(yv_, sv_, st)
    slide["test_grey_zone_check"] = _band_check(yt_, st_, sz["low"], sz["high"], np.ones(len(yt_)))
    slide["mosaic_scores"] = {"val": mv, "test": mt}
    return {"patch": patch, "tile": tile, "slide": slide}


def _band_check(y, s, low, high, w):
    y = np.asarray(y).astype(bool)
    s = np.asarray(s)
    above, below = s >= high, s < low
    return {"ppv_above": float(w[above & y].sum() / w[above].sum()) if above.any() else None,
            "npv_below": float(w[below & ~y].sum() / w[below].sum()) if below.any() else None,
            "share_in_band": float(w[~above & ~below].sum() / w.sum())}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--run", required=True)
    ap.add_argument("--data-root", required=True)
    ap.add_argument("--predictions", default=None, help="folder with predictions_{val,test}.csv.gz (default RUN/eval)")
    args = ap.parse_args(argv)
    pred = args.predictions or os.path.join(args.run, "eval")
    with open(os.path.join(pred, "metrics.json")) as f:
        metrics = json.load(f)
    res = choose(args.run, args.data_root, pred, (metrics.get("calibration") or {}).get("prevalence"),
                 metrics["threshold"])
    out = os.path.join(args.run, "eval", "operating_points.json")
    write_json(out, res)
    log.info(json.dumps({k: {kk: vv for kk, vv in v.items() if kk not in ("table", "mosaic_scores", "test_per_slide",
                                                                           "val_slides", "test_slides")}
                         for k, v in res.items()}, indent=1))
    for n, r in res["slide"]["table"].items():
        log.info(f"{n:40s} val AUC {r['val_auc']:.4f} test AUC {r['test_auc']:.4f} t={r['threshold']:.4g} "
                 f"val se/sp {r['val'][0]:.3f}/{r['val'][1]:.3f} test se/sp {r['test'][0]:.3f}/{r['test'][1]:.3f}")


if __name__ == "__main__":
    configure_logging()
    main()
