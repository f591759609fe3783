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
