import csv
import gzip

import numpy as np
import pytest

from histoscope_train import ensemble_check
from histoscope_train.metrics import roc_auc


def _kept_run(folder, labels, probabilities, test_probability=None):
    """A kept run as the archive stores it: gzip predictions per split."""
    (folder / "eval").mkdir(parents=True)
    for split, p in (("val", probabilities), ("test", test_probability)):
        if p is None:
            continue
        with gzip.open(folder / "eval" / f"predictions_{split}.csv.gz", "wt", newline="") as f:
            w = csv.writer(f)
            w.writerow(["id", "patient_id", "label", "probability"])
            for i, (y, q) in enumerate(zip(labels, p)):
                w.writerow([f"p{i}.png", i % 7, int(y), float(q)])
    return str(folder)


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def test_two_runs_with_independent_errors_average_to_a_better_validation_auc(tmp_path):
    rng = np.random.default_rng(11)
    y = rng.integers(0, 2, 3000)
    base = _kept_run(tmp_path / "base", y, _sigmoid(1.2 * (2 * y - 1) + rng.normal(size=3000)))
    other = _kept_run(tmp_path / "other", y, _sigmoid(1.2 * (2 * y - 1) + rng.normal(size=3000)))
    [row] = ensemble_check.candidates(base, [other], [0.5])
    assert row["gain"] > 0.01 and row["p_value"] < 1e-3
    assert row["ensemble_auc"] == pytest.approx(row["base_auc"] + row["gain"])


def test_a_copy_of_the_base_gains_nothing(tmp_path):
    rng = np.random.default_rng(12)
    y = rng.integers(0, 2, 500)
    p = _sigmoid((2 * y - 1) + rng.normal(size=500))
    base = _kept_run(tmp_path / "base", y, p)
    row = ensemble_check.candidates(base, [_kept_run(tmp_path / "copy", y, p)], [0.3])[0]
    assert row["gain"] == pytest.approx(0.0, abs=1e-12) and row["base_auc"] == pytest.approx(roc_auc(y, p))


def test_the_test_patients_are_never_read(tmp_path):
    rng = np.random.default_rng(13)
    y = rng.integers(0, 2, 200)
    base = _kept_run(tmp_path / "base", y, rng.random(200))  # no test predictions kept at all
    other = _kept_run(tmp_path / "other", y, rng.random(200))
    assert len(ensemble_check.candidates(base, [other], [0.2, 0.5])) == 2


def test_runs_on_different_patches_or_labels_and_bad_weights_are_refused(tmp_path):
    y = np.array([0, 1, 0, 1])
    base = _kept_run(tmp_path / "base", y, [0.1, 0.9, 0.2, 0.8])
    shorter = _kept_run(tmp_path / "shorter", y[:3], [0.1, 0.9, 0.2])
    relabelled = _kept_run(tmp_path / "relabelled", 1 - y, [0.1, 0.9, 0.2, 0.8])
    with pytest.raises(ValueError, match="same validation patches"):
        ensemble_check.candidates(base, [shorter], [0.5])
    with pytest.raises(ValueError, match="disagree"):
        ensemble_check.candidates(base, [relabelled], [0.5])
    with pytest.raises(ValueError, match="strictly between"):
        ensemble_check.candidates(base, [base], [1.0])


def test_the_report_section_shows_each_runs_best_weight_against_the_shipped_model(tmp_path):
    from histoscope_train import report
    rng = np.random.default_rng(14)
    y = rng.integers(0, 2, 1000)
    signal = 1.2 * (2 * y - 1)
    shipped = {"path": _kept_run(tmp_path / "shipped", y, _sigmoid(signal + rng.normal(size=1000)))}
    runs = {"xception": {"path": _kept_run(tmp_path / "xception_s50", y, _sigmoid(signal + rng.normal(size=1000)))},
            "vgg16": None}
    baseline = {"path": _kept_run(tmp_path / "smallcnn_s50", y, rng.random(1000))}
    lines = report._ensemble_section(shipped, runs, baseline)
    rows = [line for line in lines if line.startswith("| ") and "_s50" in line]
    assert [row.split(" | ")[0] for row in rows] == ["| xception_s50", "| smallcnn_s50"]  # one row each
    assert "| 0.50 |" in rows[0]  # an equally good independent run is best at equal weight
    assert report._ensemble_section(None, runs, baseline) == []
