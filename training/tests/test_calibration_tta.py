import csv
import os

import numpy as np
import torch

from histoscope_train import calibration as C
from histoscope_train import data as D
from histoscope_train import export as E
from histoscope_train import onnx_runner


def test_dihedral_views_are_the_eight_distinct_symmetries():
    x = torch.arange(16.0).view(1, 1, 4, 4)
    views = {tuple(D.dihedral(x, k).flatten().tolist()) for k in range(8)}
    assert len(views) == 8
    assert torch.equal(D.dihedral(x, 0), x)
    assert torch.equal(D.dihedral(x, 4), x.transpose(-1, -2))


def test_histology_augmentation_keeps_range_shape_and_varies_stain():
    g = torch.Generator().manual_seed(0)
    x = torch.rand(16, 3, 50, 50, generator=g) * 0.5 + 0.3
    y = D.augment_fast(x, torch.Generator().manual_seed(1))
    assert y.shape == x.shape and float(y.min()) >= 0 and float(y.max()) <= 1
    # without geometry, only colour changes: the per-image mean moves, and differently per image
    z = D.augment_fast(x, torch.Generator().manual_seed(2), max_shift=0)
    shift = (z - x).mean((1, 2, 3))
    assert float(shift.abs().max()) > 1e-3 and float(shift.std()) > 1e-4
    # with no jitter at all, the dihedral transform alone preserves every pixel value
    w = D.augment_fast(x, torch.Generator().manual_seed(3), max_shift=0, hed=0, brightness=0, contrast=0)
    assert torch.allclose(w.flatten(1).sort(1).values, x.flatten(1).sort(1).values)


def test_platt_fit_recovers_a_known_miscalibration():
    rng = np.random.default_rng(0)
    true_z = rng.normal(0, 2, 20000)
    y = (rng.random(20000) < 1 / (1 + np.exp(-true_z))).astype(float)
    logits = ((true_z - 0.7) / 0.5)[None, :]  # an over-confident, shifted model: z' = 2 z - 1.4
    a, b = C.fit_platt(logits, y)
    assert abs(a - 0.5) < 0.05 and abs(b - 0.7) < 0.07
    before = C.expected_calibration_error(y, C.probabilities(logits))
    after = C.expected_calibration_error(y, C.probabilities(logits, a, b))
    assert before > 0.05 and after < 0.02


def _label_shifted_sample(rng, n, prevalence):
    """Patches whose score given the class is the same in every population (N(+-1, 1.5)); only the share of
    IDC patches differs. The true posterior at ``prevalence`` is then known in closed form."""
    y = (rng.random(n) < prevalence).astype(float)
    score = rng.normal(np.where(y == 1, 1.0, -1.0), 1.5)
    return score, y


def test_prevalence_weighted_platt_is_calibrated_at_the_stated_prevalence_not_at_the_validation_share():
    rng = np.random.default_rng(1)
    val_score, val_y = _label_shifted_sample(rng, 20000, 0.45)   # a validation split rich in IDC
    pop_score, pop_y = _label_shifted_sample(rng, 40000, 0.20)   # the population the app serves
    plain = C.fit_platt(val_score[None, :], val_y)
    weighted = C.fit_platt(val_score[None, :], val_y, prevalence=0.20)
    # the weighted fit moves the intercept by the change of prior odds, log(0.2/0.8) - log(0.45/0.55)
    assert abs((weighted[1] - plain[1]) - (np.log(0.25) - np.log(0.45 / 0.55))) < 0.08
    assert abs(weighted[0] - plain[0]) < 0.05
    ece = lambda ab: C.expected_calibration_error(pop_y, C.probabilities(pop_score[None, :], *ab))
    assert ece(plain) > 0.08 and ece(weighted) < 0.015
    # the weighted validation ECE sees what the population will see
    w = C.prevalence_weights(val_y, 0.20)
    assert abs(float((w * val_y).sum() / w.sum()) - 0.20) < 1e-12 and abs(float(w.mean()) - 1) < 1e-12
    assert C.expected_calibration_error(val_y, C.probabilities(val_score[None, :], *weighted), weights=w) < 0.015


def test_a_prevalence_outside_zero_one_is_refused():
    import pytest
    for bad in (0.0, 1.0, -0.2, 1.5):
        with pytest.raises(ValueError):
            C.prevalence_weights(np.array([0, 1]), bad)


def test_reliability_bins_count_every_patch():
    y = np.array([0, 0, 1, 1, 1])
    p = np.array([0.05, 0.15, 0.95, 1.0, 0.55])
    bins = C.reliability(y, p)
    assert sum(b["count"] for b in bins) == 5 and bins[-1]["count"] == 2 and bins[5]["observed_rate"] == 1.0


def test_export_puts_calibration_in_the_graph_and_writes_tta_references(tmp_path, fixtures_dir):
    from histoscope_train.models import build_model
    torch.manual_seed(0)
    model = build_model("nasnetmobile").eval()
    path = str(tmp_path / "m.onnx")
    E.export_onnx(model, path, 50, fp16=False, a=0.5, b=-0.3)
    x = torch.randn(4, 3, 50, 50)
    with torch.no_grad():
        expected = torch.sigmoid(model(x) * 0.5 - 0.3).numpy()
    got = onnx_runner.run(path, {"input": x})[0]
    assert np.max(np.abs(got - expected)) < 1e-5


def test_evaluate_chooses_tta_and_calibration_on_validation(tmp_path, fixtures_dir):
    from histoscope_train import evaluate
    from test_train_export import _tiny_run
    out, root = _tiny_run(tmp_path, fixtures_dir)
    res = evaluate.main(["--run", str(out), "--data-root", root, "--n-boot", "20", "--threads", "1"])
    assert res["tta"] in ("none", "dihedral8")
    assert res["tta_choice"]["chosen"] == res["tta"]
    assert (res["tta"] == "dihedral8") == (res["tta_choice"]["val_auc_dihedral8"] > res["tta_choice"]["val_auc_single_view"])
    assert res["calibration"]["method"] == "platt" and "shipped" in res["variants"]
    assert res["calibration"]["prevalence"] == res["calibration"]["validation_prevalence"]
    pkg = tmp_path / "pkg"
    card = E.main(["--run", str(out), "--data-root", root, "--out", str(pkg), "--model-id", "tiny-test",
                   "--n-reference", "2"])
    assert card["tta"] == res["tta"] and card["calibration"]["in_graph"]
    with open(pkg / "reference" / "probabilities.csv") as f:
        rows = list(csv.DictReader(f))
    xs = E.java_style_input([str(pkg / "reference" / r["file"]) for r in rows], card["input"]["mean"],
                            card["input"]["std"])
    views = torch.cat([D.dihedral(xs, k) for k in range(8)])
    p = onnx_runner.run(str(pkg / "model.onnx"), {"input": views})[0].reshape(8, -1).mean(0)
    assert np.max(np.abs(p - np.array([float(r["probability_dihedral8"]) for r in rows]))) < 1e-5


def test_evaluate_and_card_state_the_prevalence_the_probability_refers_to(tmp_path, fixtures_dir):
    import pytest
    from histoscope_train import evaluate
    from test_train_export import _tiny_run
    out, root = _tiny_run(tmp_path, fixtures_dir)
    with pytest.raises(SystemExit):  # a prevalence must say where it comes from
        evaluate.main(["--run", str(out), "--data-root", root, "--calibration-prevalence", "0.3"])
    own = evaluate.main(["--run", str(out), "--data-root", root, "--n-boot", "20", "--threads", "1", "--tta", "none"])
    res = evaluate.main(["--run", str(out), "--data-root", root, "--n-boot", "20", "--threads", "1", "--tta", "none",
                         "--calibration-prevalence", "0.1", "--prevalence-source", "a stated population"])
    cal = res["calibration"]
    assert cal["prevalence"] == 0.1 and cal["prevalence_source"] == "a stated population"
    assert "weighted" in cal["fitted_on"]
    # a rarer population lowers every probability, so the intercept drops
    if own["calibration"]["validation_prevalence"] > 0.1:
        assert cal["b"] < own["calibration"]["b"]
    card = E.main(["--run", str(out), "--data-root", root, "--out", str(tmp_path / "pkg"), "--model-id", "tiny-test",
                   "--n-reference", "2"])
    assert card["calibration"]["prevalence"] == 0.1 and card["calibration"]["prevalence_source"] == "a stated population"
    assert "10.0 % IDC patches" in card["intended_use"]
