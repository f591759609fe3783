import csv
import json

import numpy as np

from histoscope_train import report_comparison as RC


def _run(folder, arch, strength, seed):
    """A finished comparison run folder: config, log, metrics and test predictions of a fake model."""
    rng = np.random.default_rng(seed)
    (folder / "eval").mkdir(parents=True)
    y = np.array([0] * 300 + [1] * 100)
    p = 1 / (1 + np.exp(-(strength * (2 * y - 1) + rng.normal(size=len(y)))))
    with open(folder / "eval" / "predictions_test.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "patient_id", "label", "probability"])
        for i, (label, prob) in enumerate(zip(y, p)):
            w.writerow([f"patch{i}", i % 7, label, prob])
    test = {"n": len(y), "auc": float(np.mean([pp > pn for pp in p[y == 1] for pn in p[y == 0]])),
            "auc_ci95": [0.8, 0.9], "balanced_accuracy": 0.8, "sensitivity": 0.8, "specificity": 0.8, "f1": 0.7}
    cfg = {"arch": arch, "params": 1e6, "n_train_used": 1000, "split_summary": {"train": {"patients": 10}},
           "augmentation": "histology", "ema": 0.998, "precision_used": "bf16", "channels_last": True,
           "batch_size": 64, "lr": 1e-3, "schedule": "cosine", "patience": 5, "threads": 2,
           "time_budget_min": 15.0, "budget_clock": "cpu"}
    log = [{"epoch": 1.0, "train_acc": 0.8, "val_acc": 0.85, "val_auc": 0.9, "seconds_per_epoch": 100.0,
            "images_per_second": 50.0, "cpu_seconds_per_epoch": 90.0}]
    return {"cfg": cfg, "met": {"epoch": 1, "threshold": 0.5, "test": test}, "log": log, "roc": [], "path": str(folder)}


def test_section_has_every_row_the_paper_beside_and_real_paired_tests(tmp_path):
    runs = {a: _run(tmp_path / a, a, 2.0 if a == "xception_nasnet" else 1.0, i) for i, a in enumerate(RC.ORDER)}
    runs["resnet50"] = None  # a run that has not finished shows as such
    baseline = _run(tmp_path / "smallcnn", "smallcnn", 0.3, 99)
    text = "\n".join(RC.section(runs, None, baseline))
    assert "| ResNet50 | not run |" in text
    assert "15 minutes** of training per run, counted as the process's CPU time per thread" in text
    assert "| VGG16 (paper) | not stated | 93.12 % | 294 |" in text
    assert "Plain 8-layer CNN (baseline)" in text
    paired = text.split("### Which differences are real")[1]
    rows = [line for line in paired.splitlines() if line.startswith("| ") and not line.startswith("| model vs")]
    assert len(rows) == 5  # four other architectures and the baseline against Xception+NASNetMobile
    weak_vs_strong = RC.paired_tests(baseline, runs["xception_nasnet"])
    assert weak_vs_strong["delong"]["difference"] < 0 and weak_vs_strong["delong"]["p_value"] < 1e-3
    assert weak_vs_strong["n"] == 400


def test_an_epoch_the_budget_ended_before_it_began_is_not_counted(tmp_path):
    from histoscope_train.report import _read_run
    run = tmp_path / "run"
    (run / "eval").mkdir(parents=True)
    (run / "config.json").write_text(json.dumps({"arch": "smallcnn"}))
    (run / "eval" / "metrics.json").write_text(json.dumps({"epoch": 1}))
    (run / "eval" / "roc_test.csv").write_text("fpr,tpr,threshold\n0,0,inf\n1,1,0\n")
    (run / "log.csv").write_text("epoch,loss,train_acc,val_auc,train_images\n1,0.5,0.8,0.9,1000\n2,0,0,0.9,0\n")
    assert [row["epoch"] for row in _read_run(str(run))["log"]] == [1.0]


def test_patient_size_note_puts_the_calibration_gap_on_the_patients_it_comes_from():
    import numpy as np
    from histoscope_train.report import _patient_size_note, LARGE_PATIENT_PATCHES

    def read(split, with_patients=False):
        n = LARGE_PATIENT_PATCHES
        y = np.array([0] * n + [0, 1] * 20)
        p = np.array([0.45] * n + [0.0, 1.0] * 20)  # the large patient over-called, the small ones exact
        return y, p, np.array(["big"] * n + [f"s{i // 4}" for i in range(40)])

    rows = {line.split("|")[1].strip(): line for line in _patient_size_note(read) if line.startswith("| test")}
    big, small = rows[f"test, ≥ {LARGE_PATIENT_PATCHES} patches"], rows["test, smaller"]
    assert "| 1 | 200 | 0.000 | 0.450 | +90 | 0.4500 |" in big
    assert "| 10 | 40 | 0.500 | 0.500 | +0 | 0.0000 |" in small
