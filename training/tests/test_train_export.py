import csv
import json
import os

import numpy as np
import onnx
import torch

from histoscope_train import data as D
from histoscope_train import export as E
from histoscope_train import onnx_runner
from histoscope_train.common import sha256_file, round_weights_fp16
from histoscope_train.models import build_model


def _fixture_batch(fixtures_dir):
    ds = D.load_idc(os.path.join(fixtures_dir, "idc"))
    arr = D.load_images(ds.records, 50)
    y = torch.tensor([r.label for r in ds.records], dtype=torch.float32).view(-1, 1)
    mean, std = D.channel_stats(arr)
    return D.to_input(arr, mean, std), y


def test_few_training_steps_reduce_loss(fixtures_dir):
    torch.manual_seed(0)
    x, y = _fixture_batch(fixtures_dir)
    x, y = x[:12], y[:12]
    m = build_model("xception_nasnet")
    m.train()
    opt = torch.optim.Adam(m.parameters(), lr=3e-4)
    lf = torch.nn.BCEWithLogitsLoss()
    losses = []
    for _ in range(8):
        loss = lf(m(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(float(loss))
    assert losses[-1] < losses[0] * 0.8, losses


def _tiny_run(tmp_path, fixtures_dir, extra=()):
    from histoscope_train import train
    out = tmp_path / "run"
    out.mkdir(exist_ok=True)
    root = os.path.join(fixtures_dir, "idc")
    ds = D.load_idc(root)
    assign = {"10255": "train", "14078": "train", "10256": "val", "10257": "test"}
    assert set(assign) == {r.group for r in ds.records}
    D.write_split(str(out / "split.csv"), ds.records, assign, 0)
    train.main(["--arch", "nasnetmobile", "--data", "idc", "--data-root", root, "--out", str(out),
                "--epochs", "1", "--batch-size", "4", "--threads", "1", "--warmup-steps", "2", "--no-progress",
                "--cache-dir", str(tmp_path / "cache"), *extra])
    return out, root


def test_train_cli_log_checkpoint_resume(tmp_path, fixtures_dir):
    out, root = _tiny_run(tmp_path, fixtures_dir)
    assert (out / "last.pt").exists() and (out / "best.pt").exists()
    rows = list(csv.DictReader(open(out / "log.csv")))
    assert len(rows) == 1
    assert set(rows[0]) >= {"epoch", "loss", "train_acc", "val_acc", "val_auc", "seconds_per_epoch"}
    # resume: continue to 2 epochs from last.pt
    _tiny_run(tmp_path, fixtures_dir, extra=("--resume", "--epochs", "2"))
    rows = list(csv.DictReader(open(out / "log.csv")))
    assert [int(r["epoch"]) for r in rows] == [1, 2]


def test_onnx_export_roundtrip_fp16_and_package(tmp_path, fixtures_dir):
    out, root = _tiny_run(tmp_path, fixtures_dir)
    pkg = tmp_path / "pkg"
    card = E.main(["--run", str(out), "--data-root", root, "--out", str(pkg), "--model-id", "tiny-test",
                   "--fp16", "yes", "--n-reference", "2"])
    onnx_path = pkg / "model.onnx"
    proto = onnx.load(str(onnx_path))
    onnx.checker.check_model(proto)
    assert proto.opset_import[0].version == 17
    assert proto.graph.input[0].type.tensor_type.shape.dim[0].dim_param  # dynamic batch
    assert card["onnx"]["sha256"] == sha256_file(str(onnx_path))
    assert card["input"]["layout"] == "NCHW" and card["classes"] == ["non-cancer", "cancer"]
    history = json.loads((pkg / "history.json").read_text())  # a later stage warm-started from it counts this one
    assert len(history["log"]) == 1 and history["stages"] == ["run run"]
    with open(pkg / "reference" / "probabilities.csv") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 2
    # independent re-computation: PNG bytes -> Java-style input -> ONNX graph
    x = E.java_style_input([str(pkg / "reference" / r["file"]) for r in rows], card["input"]["mean"],
                           card["input"]["std"])
    p = onnx_runner.run(str(onnx_path), {"input": x})[0]
    assert p.shape == (2, 1)
    assert np.max(np.abs(p[:, 0] - np.array([float(r["probability"]) for r in rows]))) < 1e-5
    # batch of 5 works (dynamic batch)
    assert onnx_runner.run(str(onnx_path), {"input": torch.randn(5, 3, 50, 50)})[0].shape == (5, 1)


def test_onnx_export_fp32_with_internal_resize(tmp_path):
    m = build_model("nasnetmobile", input_size=64).eval()
    path = str(tmp_path / "m.onnx")
    info = E.export_onnx(m, path, 50, fp16=False)
    assert "Resize" in info["ops"]
    x = torch.randn(3, 3, 50, 50)
    with torch.no_grad():
        m.output_probability = True
        ref = m(x).numpy()
    got = onnx_runner.run(path, {"input": x})[0]
    assert np.max(np.abs(got - ref)) < 1e-5


def test_init_from_warm_starts_from_another_runs_best_weights(tmp_path, fixtures_dir):
    import pytest
    from histoscope_train import train
    out, _ = _tiny_run(tmp_path, fixtures_dir)
    best = torch.load(out / "best.pt", map_location="cpu")["model"]
    fresh = build_model("nasnetmobile")
    assert any(not torch.equal(v, fresh.state_dict()[k]) for k, v in best.items())
    train.init_from(fresh, str(out / "best.pt"), "nasnetmobile")
    assert all(torch.equal(v, fresh.state_dict()[k]) for k, v in best.items())
    with pytest.raises(SystemExit, match="trained as nasnetmobile"):
        train.init_from(build_model("smallcnn"), str(out / "best.pt"), "smallcnn")


def test_card_says_when_stain_jitter_was_off():
    assert E._stain_jitter(0.0) == "no stain jitter"
    assert E._stain_jitter(0.05) == "HED stain jitter (+-0.05 scale and shift per stain)"


def test_card_names_a_warm_start_by_run_folder_not_by_machine_path():
    assert E._run_relative("/work/runs/xception_nasnet_long/best.pt") == "xception_nasnet_long/best.pt"
    assert E._run_relative(None) is None


SHIPPED = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                       "models", "xception-nasnetmobile-idc")


def test_init_from_a_model_package_gives_back_the_shipped_function():
    """A warm start from the published package (its run folder is gone) must compute what the package computes."""
    import pytest
    from histoscope_train import train
    with open(os.path.join(SHIPPED, "model-card.json")) as f:
        card = json.load(f)
    model = build_model(card["architecture"]["arch"], native_size=50)
    train.init_from(model, SHIPPED, card["architecture"]["arch"])
    with open(os.path.join(SHIPPED, "reference", "probabilities.csv")) as f:
        rows = list(csv.DictReader(f))
    x = E.java_style_input([os.path.join(SHIPPED, "reference", r["file"]) for r in rows], card["input"]["mean"],
                           card["input"]["std"])
    shipped = E.CalibratedProbability(model, card["calibration"]["a"], card["calibration"]["b"]).eval()
    with torch.no_grad():
        p = shipped(x).numpy().ravel()
    assert np.max(np.abs(p - np.array([float(r["probability"]) for r in rows]))) < card["reference"]["tolerance"]
    with pytest.raises(SystemExit, match="trained as xception_nasnet"):
        train.init_from(build_model("smallcnn"), SHIPPED, "smallcnn")


def test_package_weights_refuse_a_graph_of_another_architecture(tmp_path, fixtures_dir):
    import pytest
    from histoscope_train import package_weights
    out, root = _tiny_run(tmp_path, fixtures_dir)
    pkg = tmp_path / "pkg"
    E.main(["--run", str(out), "--data-root", root, "--out", str(pkg), "--model-id", "tiny-test", "--n-reference", "2"])
    restored = build_model("nasnetmobile")
    restored.load_state_dict(package_weights.state_dict_from_package(str(pkg), restored))
    best = torch.load(out / "best.pt", map_location="cpu")["model"]
    assert all(torch.allclose(v.float(), restored.state_dict()[k].float(), atol=1e-3)
               for k, v in best.items() if not k.endswith("num_batches_tracked"))
    with pytest.raises(ValueError, match="do not fit this architecture"):
        package_weights.state_dict_from_package(str(pkg), build_model("smallcnn"))


def test_a_package_becomes_a_run_folder_that_evaluates_as_its_run_did(tmp_path, fixtures_dir):
    from histoscope_train import evaluate, package_weights
    out, root = _tiny_run(tmp_path, fixtures_dir)
    pkg = tmp_path / "pkg"
    E.main(["--run", str(out), "--data-root", root, "--out", str(pkg), "--model-id", "tiny-test", "--n-reference", "2"])
    kept_cfg = json.loads((pkg / package_weights.TRAINING_CONFIG).read_text())
    assert "data_root" not in kept_cfg and kept_cfg["split_file"] == "split.csv"  # no path of the training machine

    again = tmp_path / "from-package"
    package_weights.run_from_package(str(pkg), str(again))
    for run in (out, again):
        evaluate.main(["--run", str(run), "--data-root", root, "--threads", "1", "--tta", "none", "--n-boot", "10"])
    first, second = (list(csv.DictReader(open(r / "eval" / "predictions_test.csv"))) for r in (out, again))
    assert [r["id"] for r in first] == [r["id"] for r in second]
    assert max(abs(float(a["probability"]) - float(b["probability"])) for a, b in zip(first, second)) < 1e-5


def test_a_package_made_before_export_kept_its_config_is_given_one_from_its_card_and_history():
    from histoscope_train import package_weights
    cfg = package_weights.run_config(SHIPPED)
    with open(os.path.join(SHIPPED, "model-card.json")) as f:
        card = json.load(f)
    assert cfg["arch"] == card["architecture"]["arch"] and cfg["mean"] == card["input"]["mean"]
    assert f"{cfg['pos_weight']:.4f}" in card["training"]["class_imbalance"]
    assert f"lr {cfg['lr']}" in card["training"]["optimizer"] and cfg["schedule"] in card["training"]["schedule"]


RUN_231 = os.path.join(os.path.dirname(SHIPPED), "runs", "xception_nasnet_2.3.1")


def test_export_of_a_run_with_guard_operating_points_and_magnification_end_to_end(tmp_path, fixtures_dir):
    """Every step of export.main on one run that has all the optional inputs: the graph gets the guard's second
    output, the reference tables its columns, the card the guard, operating points and resolution sections, and
    the written ONNX file reproduces the reference tables from the PNG bytes."""
    import shutil
    from histoscope_train import domain_guard as G
    from histoscope_train.common import load_model
    from histoscope_train.guard_fit import COLOUR_SUBSETS
    out, root = _tiny_run(tmp_path, fixtures_dir, extra=("--arch", "smallcnn"))
    os.makedirs(out / "eval")
    for name in ("operating_points.json", "magnification.json"):
        shutil.copy(os.path.join(RUN_231, "eval", name), out / "eval" / name)
    model, cfg, _ = load_model(str(out / "best.pt"))
    ds = D.load_idc(root)
    x = D.to_input(D.load_images(ds.records, 50), cfg["mean"], cfg["std"])
    with torch.no_grad():
        feats, stats = model.features(x).numpy(), G.ColourStats(cfg["mean"], cfg["std"])(x).numpy()
    guard_info = json.load(open(os.path.join(RUN_231, "guard", "guard.json")))
    choice = guard_info["colour_choice"]
    feature_guard, _ = G.fit_guard(feats, np.array([r.label for r in ds.records]), components=4)
    terms = [G.fit_colour_term(stats, COLOUR_SUBSETS[choice["raw"]], False, choice["raw_weight"]),
             G.fit_colour_term(stats, COLOUR_SUBSETS[choice["log"]], True, choice["log_weight"])]
    guard = round_weights_fp16(G.CombinedGuard(feature_guard, 0.7, G.ColourStats(cfg["mean"], cfg["std"]), terms))
    os.makedirs(out / "guard")
    torch.save(guard.state_dict(), out / "guard" / "guard.pt")
    shutil.copy(os.path.join(RUN_231, "guard", "guard.json"), out / "guard" / "guard.json")

    pkg = tmp_path / "pkg"
    card = E.main(["--run", str(out), "--data-root", root, "--out", str(pkg), "--model-id", "tiny-guarded",
                   "--fp16", "yes", "--n-reference", "4"])
    saved = json.loads((pkg / "model-card.json").read_text())
    assert {k: v for k, v in saved.items() if k != "created_utc"} == {k: v for k, v in card.items() if k != "created_utc"}
    assert list(saved)[:4] == ["schema_version", "id", "name", "version"]
    assert card["outputs"] == ["probability", "ood_score"]
    assert card["domain_guard"]["threshold"] == guard_info["threshold"]
    assert card["operating_points"]["slide"]["score"] == json.load(
        open(os.path.join(RUN_231, "eval", "operating_points.json")))["slide"]["score"]
    assert card["microns_per_pixel"] == json.load(open(os.path.join(RUN_231, "eval", "magnification.json")))[
        "microns_per_pixel"]
    assert card["onnx"]["weights_storage"].startswith("float16") and card["onnx"]["check"]["patches"] == 4
    assert card["onnx"]["check"]["max_abs_diff_onnx_vs_pytorch"] <= 1e-4
    for kept in ("log.csv", "split.csv", "history.json", "training-config.json"):
        assert (pkg / kept).exists(), kept
    with open(pkg / "reference" / "probabilities.csv") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["file", "probability", "probability_dihedral8", "ood_score", "ood_score_dihedral8"]
    labels = list(csv.DictReader(open(pkg / "reference" / "labels.csv")))
    assert [r["file"] for r in labels] == [r["file"] for r in rows]
    assert {r["patient_id"] for r in labels} == {"10257"}  # the test patient only
    p, o = onnx_runner.run(str(pkg / "model.onnx"), {"input": E.java_style_input(
        [str(pkg / "reference" / r["file"]) for r in rows], card["input"]["mean"], card["input"]["std"])})
    assert np.max(np.abs(p[:, 0] - np.array([float(r["probability"]) for r in rows]))) < 1e-4
    assert np.max(np.abs(o[:, 0] - np.array([float(r["ood_score"]) for r in rows]))) < 1e-4
