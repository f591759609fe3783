import csv
import json
import os
import shutil

from histoscope_train import lineage, report
from histoscope_train import report_comparison as RC

LOG_COLUMNS = ["epoch", "train_acc", "val_acc", "val_auc", "seconds_per_epoch", "cpu_seconds_per_epoch",
               "train_images"]


def _write_log(folder, val_aucs, seconds):
    with open(folder / "log.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(LOG_COLUMNS)
        for n, auc in enumerate(val_aucs, 1):
            w.writerow([n, 0.8, 0.85, auc, seconds, seconds * 0.7, 1000])


def _finished_run(folder, cfg, val_aucs=(0.9, 0.92), seconds=100.0, best_epoch=2):
    (folder / "eval").mkdir(parents=True)
    (folder / "config.json").write_text(json.dumps(cfg))
    _write_log(folder, val_aucs, seconds)
    (folder / "eval" / "metrics.json").write_text(json.dumps({"epoch": best_epoch, "test": {"auc": 0.9}}))
    (folder / "eval" / "roc_test.csv").write_text("fpr,tpr,threshold\n0,0,inf\n0.1,0.8,0.5\n1,1,0\n")
    for split, n in (("val", 5), ("test", 7)):
        with open(folder / "eval" / f"predictions_{split}.csv", "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["id", "patient_id", "label", "probability"])
            for i in range(n):
                w.writerow([f"{split}{i}.png", i % 3, i % 2, round(0.1 * i + 0.05, 3)])
    return folder


def test_a_kept_run_reads_back_as_the_run_it_was_when_its_folder_is_gone(tmp_path):
    folder = _finished_run(tmp_path / "runs" / "cmp" / "vgg16_s50", {"arch": "vgg16", "lr": 1e-3})
    kept = tmp_path / "models" / "runs"
    first = report._read_kept_run(str(folder), str(kept), "cmp/vgg16_s50")
    predictions = RC.read_predictions(first["path"])
    assert (kept / "cmp" / "vgg16_s50" / "eval" / "predictions_test.csv.gz").exists()
    assert not (kept / "cmp" / "vgg16_s50" / "eval" / "predictions_test.csv").exists()  # kept compressed

    shutil.rmtree(tmp_path / "runs")
    again = report._read_kept_run(str(folder), str(kept), "cmp/vgg16_s50")
    assert again["path"] == str(kept / "cmp" / "vgg16_s50")
    assert (again["cfg"], again["met"], again["log"], again["roc"]) == (first["cfg"], first["met"], first["log"],
                                                                      first["roc"])
    assert RC.read_predictions(again["path"]) == predictions
    assert report._read_kept_run(str(tmp_path / "runs" / "none"), str(kept), "cmp/none") is None


def test_a_run_is_kept_again_after_it_is_evaluated_again(tmp_path):
    folder = _finished_run(tmp_path / "run", {"arch": "smallcnn"})
    kept = tmp_path / "kept"
    report._read_kept_run(str(folder), str(kept), "run")
    (folder / "eval" / "metrics.json").write_text(json.dumps({"epoch": 1, "test": {"auc": 0.95}}))
    report._read_kept_run(str(folder), str(kept), "run")
    assert json.loads((kept / "run" / "eval" / "metrics.json").read_text())["test"]["auc"] == 0.95


def _package(folder, model_id, version, history=None, log_aucs=None):
    folder.mkdir(parents=True)
    (folder / "model-card.json").write_text(json.dumps({"id": model_id, "version": version}))
    if history is not None:
        (folder / lineage.HISTORY_FILE).write_text(json.dumps(history))
    if log_aucs is not None:
        _write_log(folder, log_aucs, 50.0)
    return folder


def test_a_warm_start_from_a_package_inherits_every_stage_and_keeps_it_when_the_package_is_gone(tmp_path):
    rows = [{"epoch": n, "val_auc": a, "seconds_per_epoch": 60.0, "cpu_seconds_per_epoch": 40.0}
            for n, a in enumerate([0.90, 0.93, 0.95, 0.94], 1)]
    package = _package(tmp_path / "pkg", "m", "2.1.0",
                       {"log": rows, "discarded_seconds": 120.0, "recipe": {"lr": 3e-4, "hed": 0.0},
                        "stages": ["run long", "run second"]})
    child = _finished_run(tmp_path / "runs" / "third",
                          {"arch": "xception_nasnet", "lr": 1e-4, "hed": 0.0, "init_from": str(package)},
                          val_aucs=(0.951, 0.953), seconds=300.0, best_epoch=2)
    kept = tmp_path / "kept"

    run = report._read_kept_run(str(child), str(kept), "third")
    assert [r["val_auc"] for r in run["log"]] == [0.90, 0.93, 0.95, 0.951, 0.953]  # parent up to its best
    assert run["met"]["epoch"] == 5
    assert run["discarded_seconds"] == 120.0 + 40.0  # the parent's own discarded time and its epoch 4
    assert run["stages"] == 3
    assert run["warm_start"]["parent"] == "model m 2.1.0"
    assert run["warm_start"]["changed"] == {"lr": (3e-4, 1e-4)}
    assert "`lr` 0.0003 → 0.0001" in report._warm_start_note(run["warm_start"])

    shutil.rmtree(package)
    shutil.rmtree(tmp_path / "runs")
    again = report._read_kept_run(str(child), str(kept), "third")
    assert (again["log"], again["discarded_seconds"], again["met"]["epoch"]) == (
        run["log"], run["discarded_seconds"], run["met"]["epoch"])


def test_a_package_made_before_history_files_counts_its_own_log_and_says_its_recipe_is_unknown(tmp_path):
    package = _package(tmp_path / "old", "m", "1.0.0", log_aucs=[0.9, 0.91, 0.905])
    history = lineage.of_run(str(tmp_path), {"lr": 1e-4, "init_from": str(package)},
                             [{"epoch": 1.0, "val_auc": 0.92, "seconds_per_epoch": 10.0}])
    assert [r["val_auc"] for r in history["log"]] == [0.9, 0.91, 0.92]
    assert history["warm_start"]["changed"] is None
    assert "not recorded" in report._warm_start_note(history["warm_start"])


SHIPPED = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                       "models", "xception-nasnetmobile-idc")


def test_the_shipped_package_history_ends_with_its_own_log():
    with open(os.path.join(SHIPPED, lineage.HISTORY_FILE)) as f:
        history = json.load(f)
    own = lineage.read_log(SHIPPED)
    assert history["log"][-len(own):] == own
    assert history["discarded_seconds"] >= 0 and len(history["stages"]) >= 1
