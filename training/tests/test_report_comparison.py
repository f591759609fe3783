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

    n = LARGE_PATIENT_PATCHES
    y = np.array([0] * n + [0, 1] * 20)
    p = np.array([0.45] * n + [0.0, 1.0] * 20)  # the large patient over-called, the small ones exact
    split = (y, p, np.array(["big"] * n + [f"s{i // 4}" for i in range(40)]))

    note = _patient_size_note({"val": split, "test": split})
    rows = {line.split("|")[1].strip(): line for line in note if line.startswith("| test")}
    big, small = rows[f"test, ≥ {LARGE_PATIENT_PATCHES} patches"], rows["test, smaller"]
    assert "| 1 | 200 | 0.000 | 0.450 | +90 | 0.4500 |" in big
    assert "| 10 | 40 | 0.500 | 0.500 | +0 | 0.0000 |" in small


def test_a_warm_started_run_counts_both_stages(tmp_path):
    from histoscope_train import report

    def write_run(folder, cfg, log, met_epoch):
        (folder / "eval").mkdir(parents=True)
        (folder / "config.json").write_text(json.dumps(cfg))
        (folder / "eval" / "metrics.json").write_text(json.dumps({"epoch": met_epoch}))
        (folder / "eval" / "roc_test.csv").write_text("fpr,tpr\n0,0\n1,1\n")
        with open(folder / "log.csv", "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=["epoch", "val_auc", "seconds_per_epoch"])
            w.writeheader()
            w.writerows(log)

    parent, child = tmp_path / "long", tmp_path / "second"
    write_run(parent, {"hed": 0.05, "lr": 1e-3},
              [{"epoch": e, "val_auc": a, "seconds_per_epoch": 600} for e, a in [(1, .90), (2, .93), (3, .92)]], 2)
    write_run(child, {"hed": 0.0, "lr": 1e-3, "init_from": str(parent / "best.pt")},
              [{"epoch": e, "val_auc": a, "seconds_per_epoch": 300} for e, a in [(1, .94), (2, .95)]], 2)

    run = report._read_run(str(child))
    assert [row["val_auc"] for row in run["log"]] == [.90, .93, .94, .95]  # parent up to its best, then its own
    assert run["met"]["epoch"] == 4
    assert run["discarded_seconds"] == 600  # the parent's epoch 3 was spent but not kept
    assert run["warm_start"]["changed"] == {"hed": (0.05, 0.0)}
    assert "epoch 2" in report._warm_start_note(run["warm_start"])
    report._write_log(run["log"], str(tmp_path / "lineage.csv"))
    assert [r["epoch"] for r in csv.DictReader(open(tmp_path / "lineage.csv"))] == ["1", "2", "3", "4"]


def test_throughput_table_comes_from_the_kept_log_when_the_runs_folder_lacks_it(tmp_path):
    from histoscope_train import report
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "throughput.csv").write_text("step,images_per_second,gain_vs_previous,gain_vs_first\n"
                                         "fp32,16.2,1.0,1.0\nbf16,38.8,2.395,2.395\n")
    lines = report._throughput_section(str(tmp_path / "no-runs"), str(logs))
    assert any("| bf16 | 38.8 | x2.40 | x2.40 |" in l for l in lines)


def test_prevalence_note_states_the_share_the_probability_refers_to_and_its_source(tmp_path):
    from histoscope_train.report import _prevalence_note
    rng = np.random.default_rng(3)
    (tmp_path / "eval").mkdir()
    for split, share, n in (("val", 0.5, 2000), ("test", 0.1, 4000)):
        y = (rng.random(n) < share).astype(int)
        score = rng.normal(np.where(y == 1, 1.0, -1.0), 1.0)
        p = 1 / (1 + np.exp(-(2 * score + np.log(0.25 / 0.75))))  # exact at a 25 % share
        with open(tmp_path / "eval" / f"predictions_{split}.csv", "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["id", "patient_id", "label", "probability"])
            for i, (label, prob) in enumerate(zip(y, p)):
                w.writerow([f"{split}{i}", f"{split}-p{i % 9}", label, prob])
    default = {"path": str(tmp_path), "cfg": {"split_summary": {"train": {"positive": 300, "patches": 1000}}},
               "met": {"calibration": {"prevalence": 0.25, "prevalence_source": "a stated population"}}}
    note = "\n".join(_prevalence_note(default))
    assert "refers to **25.0 %** (a stated population)" in note
    assert "30.0 % on the training patients" in note
    # exact at its share: the re-weighted validation ECE is small, the move to the test share is -log(3)
    import re
    assert float(re.search(r"reference share, the ECE is (\d\.\d{4})", note).group(1)) < 0.03
    shift = float(re.search(r"\(([+-]\d\.\d{3}) on the logit\)", note).group(1))
    assert abs(shift - (np.log(0.1 / 0.9) - np.log(0.25 / 0.75))) < 0.15
