"""Operating points: the smoothing is Java's WholeSlideScoring.smooth, thresholds and grey zones follow their rules,
mosaics and slide scores are built as stated, the magnification check measures what it says, and the report
sections render from the kept run files."""
import math
import os

import numpy as np
import pytest

from histoscope_train import magnification as M
from histoscope_train import operating_points as O
from histoscope_train import report_trust

KEPT = os.path.join(os.path.dirname(__file__), "..", "..", "models", "runs", "xception_nasnet_2.3.0")


def java_smooth(grid, columns, rows, sigma):
    """Line-by-line port of inference/WholeSlideScoring.smooth (the reference the Python one must equal)."""
    radius = int(math.ceil(3 * sigma))
    kernel = [math.exp(-d * d / (2 * sigma * sigma)) for d in range(radius + 1)]
    out = np.empty(len(grid), dtype=np.float32)
    for row in range(rows):
        for column in range(columns):
            i = row * columns + column
            if math.isnan(grid[i]):
                out[i] = np.nan
                continue
            s = w = 0.0
            for dy in range(-radius, radius + 1):
                y = row + dy
                if y < 0 or y >= rows:
                    continue
                for dx in range(-radius, radius + 1):
                    x = column + dx
                    if x < 0 or x >= columns:
                        continue
                    p = grid[y * columns + x]
                    if not math.isnan(p):
                        k = kernel[abs(dx)] * kernel[abs(dy)]
                        s += k * float(p)
                        w += k
            out[i] = np.float32(s / w)
    return out


def test_smoothing_is_javas():
    rng = np.random.default_rng(0)
    p = rng.random((9, 13)).astype(np.float32)
    p[rng.random(p.shape) < 0.4] = np.nan
    got = O.smooth(p, 2.0).ravel()
    want = java_smooth(p.ravel().tolist(), 13, 9, 2.0)
    assert np.array_equal(np.isnan(got), np.isnan(want))
    assert np.nanmax(np.abs(got - want)) < 1e-6


def test_mosaics_pair_each_idc_patient_with_its_benign_only_self():
    cells = {(0, 0): (0.9, 1), (1, 0): (0.2, 0), (5, 5): (0.1, 0)}
    s = O.Slide("p1", cells)
    clean = O.Slide("p2", {(0, 0): (0.1, 0)})
    pairs = O.mosaics([s, clean])
    assert [(m.patient, label, m.tissue()) for m, label in pairs] == [("p1", 1, 3), ("p1", 0, 2), ("p2", 0, 1)]
    scores = O.slide_scores(O.smooth(s.p), 0.5)
    assert scores["max_tile"] <= 0.9 and scores["tiles_above_tile_threshold"] >= 1
    assert O.largest_component(np.array([[1, 1, 0], [0, 0, 0], [0, 0, 1]], bool)) == 2


def test_further_slide_scores_measure_the_map_as_named():
    smoothed = np.array([[0.1, 0.2, np.nan], [0.8, 0.9, 0.35], [np.nan, 0.05, 0.75]], np.float32)
    sc = O.slide_scores(smoothed, 0.5)
    values = np.array([0.1, 0.2, 0.8, 0.9, 0.35, 0.05, 0.75])
    assert sc["mean_smoothed"] == pytest.approx(values.mean())
    assert sc["q90_smoothed"] == pytest.approx(np.quantile(values, 0.9))
    assert sc["area_fraction_above_0.3"] == pytest.approx(4 / 7)
    assert sc["area_fraction_above_0.7"] == pytest.approx(3 / 7)
    assert sc["tiles_above_0.7"] == 3
    assert sc["largest_component_above_0.7"] == 3   # 0.8, 0.9 and 0.75 touch diagonally
    assert set(sc) == set(O.SCORE_PARAMETERS)      # every score has its card parameters


def test_thresholds_and_grey_zone_follow_their_rules():
    rng = np.random.default_rng(1)
    y = np.r_[np.ones(300), np.zeros(700)].astype(int)
    s = np.r_[rng.beta(5, 2, 300), rng.beta(2, 5, 700)]
    t = O.threshold_for_sensitivity(y, s, 0.92)
    assert O.sens_spec(y, s, t)[0] >= 0.92 and O.sens_spec(y, s, t + 1e-6)[0] < 0.92 + 1 / 300
    j = O.youden(y, s)
    se, sp = O.sens_spec(y, s, j)
    assert se + sp >= max(sum(O.sens_spec(y, s, c)) for c in np.linspace(0, 1, 101)) - 1e-9
    z = O.grey_zone(y, s, j)
    assert z["low"] <= j <= z["high"]
    assert z["ppv_above"] >= 0.9 and z["npv_below"] >= 0.9
    # weighting to a lower prevalence makes positives rarer: the band's upper edge can only move up
    zw = O.grey_zone(y, s, j, weights=O.prevalence_weights(y, 0.1))
    assert zw["high"] >= z["high"]
    gain = O.paired_auc_gain_ci(y, s, rng.random(1000), np.arange(1000) // 10, n_boot=200)
    assert gain[0] > 0


def test_haematoxylin_blobs_measure_a_disk_by_its_diameter():
    img = np.full((50, 50, 3), 255, np.uint8)
    yy, xx = np.mgrid[:50, :50]
    img[(yy - 25) ** 2 + (xx - 25) ** 2 <= 5 ** 2] = (60, 40, 120)  # a haematoxylin-blue disk, diameter ~10 px
    d = M.haematoxylin_blobs(img)
    assert len(d) == 1 and d[0] == pytest.approx(10, abs=1)


def test_report_sections_render_from_the_kept_run_files():
    if not os.path.isdir(KEPT):
        pytest.skip("no kept 2.3.0 run files")
    text = "\n".join(report_trust.sections(KEPT))
    for heading in ("## Magnification", "## Operating points", "### Slide-level table", "## Domain guard"):
        assert heading in text
    assert "4 µm per pixel" in text and "| slide verdict" in text and "| natural photographs" in text
