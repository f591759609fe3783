"""Export a trained checkpoint as the Histoscope model package.

    python3 -m histoscope_train.export --run runs/xception_nasnet --data-root "$IDC_DATA_ROOT" \
        --out ../models/xception-nasnetmobile-idc --model-id xception-nasnetmobile-idc

Package layout (see models/README.md for the card schema):

    <out>/model.onnx              opset 17, input "input" [N,3,H,W] float32 RGB normalised,
                                  output "probability" [N,1] = sigmoid(logit) (cancer probability)
    <out>/model-card.json
    <out>/reference/*.png         real test-patient patches (exact native size), copied byte for byte
    <out>/reference/probabilities.csv   file,probability (PyTorch, from the PNG bytes, no resize)
    <out>/reference/labels.csv    file,label,patient_id
    <out>/log.csv                 per-epoch training log

If the fp32 weights would make the file >= ~95 MB, every float initializer is stored as float16
followed by a Cast to float32 inside the graph; the PyTorch model's weights are rounded to the same
float16 values first, so PyTorch and ONNX compute the same function (checked on real patches).
"""
from __future__ import annotations

import argparse
import copy
import csv
import datetime as _dt
import json
import logging
import os
import platform
import random
import shutil
from dataclasses import dataclass

import numpy as np
import onnx
import torch
from onnx import helper, numpy_helper, TensorProto

from . import __version__ as pkg_version
from . import data as D
from . import lineage, onnx_runner, package_weights
from .common import (MAX_ONNX_BYTES, load_model, needs_fp16, round_weights_fp16, sha256_file, write_json,
                     fp32_bytes)
from .models import ARCH_NAMES, count_parameters
from .logsetup import configure_logging
from . import domain_guard as G

INPUT_NAME = "input"
OUTPUT_NAME = "probability"
OOD_OUTPUT_NAME = "ood_score"

log = logging.getLogger(__name__)


def convert_initializers_to_fp16(model_proto: onnx.ModelProto) -> int:
    """Store every float32 initializer as float16 and insert Cast(to=FLOAT) nodes at the top of the
    graph that restore the original names. Returns the number of converted initializers."""
    g = model_proto.graph
    new_inits, casts, n = [], [], 0
    for init in g.initializer:
        if init.data_type == TensorProto.FLOAT:
            arr = numpy_helper.to_array(init)
            h = arr.astype(np.float16)
            if not np.all(np.isfinite(h)):
                raise ValueError(f"initializer {init.name} overflows float16")
            new_inits.append(numpy_helper.from_array(h, init.name + "_fp16"))
            casts.append(helper.make_node("Cast", [init.name + "_fp16"], [init.name], to=TensorProto.FLOAT,
                                          name="cast_" + init.name))
            n += 1
        else:
            new_inits.append(init)
    del g.initializer[:]
    g.initializer.extend(new_inits)
    nodes = list(g.node)
    del g.node[:]
    g.node.extend(casts + nodes)
    return n


class CalibratedProbability(torch.nn.Module):
    """The shipped output: sigmoid(a * logit + b), Platt calibration inside the graph (a=1, b=0: none)."""

    def __init__(self, model, a: float = 1.0, b: float = 0.0):
        super().__init__()
        self.model = model
        self.a, self.b = float(a), float(b)

    def forward(self, x):
        logits = self.model(x)
        if self.a != 1.0 or self.b != 0.0:
            logits = logits * self.a + self.b
        return torch.sigmoid(logits)


class GuardedProbability(torch.nn.Module):
    """The shipped outputs of a model with a domain guard: the calibrated probability and the guard's
    ood_score, both from one pass through the backbones (the guard reads the pooled features)."""

    def __init__(self, model, guard, a: float = 1.0, b: float = 0.0):
        super().__init__()
        self.model, self.guard = model, guard
        self.a, self.b = float(a), float(b)

    def forward(self, x):
        f = self.model.features(x)
        logits = self.model.head(f)
        if self.a != 1.0 or self.b != 0.0:
            logits = logits * self.a + self.b
        if isinstance(self.guard, G.CombinedGuard):  # feature term + colour terms of the input
            return torch.sigmoid(logits), self.guard(x, f)
        return torch.sigmoid(logits), self.guard(f)


def shipped_module(model, a: float = 1.0, b: float = 0.0, guard=None) -> torch.nn.Module:
    inner = copy.deepcopy(model).cpu().eval()
    inner.output_probability = False
    if guard is None:
        return CalibratedProbability(inner, a, b).eval()
    return GuardedProbability(inner, copy.deepcopy(guard).cpu().eval(), a, b).eval()


def export_onnx(model, path: str, native_size: int, fp16: bool, opset: int = 17, a: float = 1.0,
                b: float = 0.0, guard=None) -> dict:
    """Export ``model`` (already weight-rounded if fp16) with calibrated sigmoid output and dynamic batch;
    with a ``guard`` (domain_guard.DomainGuard, rounded too) a second output ood_score [N,1]."""
    m = shipped_module(model, a, b, guard)
    outputs = [OUTPUT_NAME] + ([OOD_OUTPUT_NAME] if guard is not None else [])
    dummy = torch.zeros(2, 3, native_size, native_size)
    tmp = path + ".tmp"
    # TrainingMode.PRESERVE on an eval() model keeps BatchNormalization nodes as they are (no
    # Conv+BN folding), so float16-rounded weights stay exactly the rounded PyTorch values.
    torch.onnx.export(m, dummy, tmp, opset_version=opset, input_names=[INPUT_NAME], output_names=outputs,
                      dynamic_axes={INPUT_NAME: {0: "batch"}, **{o: {0: "batch"} for o in outputs}},
                      training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=True)
    proto = onnx.load(tmp)
    n_conv = convert_initializers_to_fp16(proto) if fp16 else 0
    proto.producer_name = "histoscope_train"
    proto.producer_version = pkg_version
    proto.doc_string = ("Histoscope patch classifier. Input: NCHW float32 RGB, (x/255-mean)/std (see model-card.json). "
                        "Output: cancer probability [N,1]" + ("; ood_score [N,1], distance from the training domain "
                                                               "(higher = further)." if guard is not None else "."))
    onnx.checker.check_model(proto)
    inferred = onnx.shape_inference.infer_shapes(proto)
    onnx.checker.check_model(inferred)
    onnx.save(proto, path)
    os.remove(tmp)
    ops = sorted({n.op_type for n in proto.graph.node})
    return {"fp16_initializers": n_conv, "ops": ops, "bytes": os.path.getsize(path),
            "output_shape": [d.dim_param or d.dim_value for d in inferred.graph.output[0].type.tensor_type.shape.dim]}


def pick_reference(records, n: int, seed: int, native: int):
    """n real test patches of exact native size, half of each label, spread over patients."""
    rng = random.Random(seed)
    out = []
    for label in (0, 1):
        rs = [r for r in records if r.label == label]
        rs = [r for r in rs if D.read_rgb(r.path).shape[:2] == (native, native)] if len(rs) < 400 else rs
        by_p = {}
        for r in rs:
            by_p.setdefault(r.group, []).append(r)
        patients = sorted(by_p)
        rng.shuffle(patients)
        chosen = []
        k = 0
        while len(chosen) < n // 2 and any(by_p.values()):
            p = patients[k % len(patients)]
            if by_p[p]:
                r = by_p[p].pop(rng.randrange(len(by_p[p])))
                if D.read_rgb(r.path).shape[:2] == (native, native):
                    chosen.append(r)
            k += 1
        out += chosen
    return out


def java_style_input(png_paths, mean, std) -> torch.Tensor:
    """Decode exactly as the Java side: RGB uint8 -> float/255 -> (x-mean)/std, NCHW, no resize."""
    return D.to_input(np.stack([D.read_rgb(p) for p in png_paths]), mean, std)


def _run_relative(checkpoint):
    """A checkpoint as run folder/file: the card must not carry a path of the training machine."""
    return None if not checkpoint else os.path.join(os.path.basename(os.path.dirname(checkpoint)),
                                                    os.path.basename(checkpoint))


def _portable(cfg: dict) -> dict:
    """The run's config without the training machine's paths."""
    out = {k: v for k, v in cfg.items() if k not in ("data_root", "out", "cache_dir")}
    return dict(out, split_file="split.csv", init_from=_run_relative(cfg.get("init_from")))


def _stain_jitter(hed: float) -> str:
    return f"HED stain jitter (+-{hed} scale and shift per stain)" if hed else "no stain jitter"


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--run", required=True)
    ap.add_argument("--checkpoint", default=None, help="default RUN/best.pt")
    ap.add_argument("--data-root", required=True, help="dataset root (reference patches are copied from it)")
    ap.add_argument("--eval-dir", default=None, help="default RUN/eval (metrics.json from evaluate)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--model-id", default="xception-nasnetmobile-idc")
    ap.add_argument("--name", default=None)
    ap.add_argument("--version", default="1.0.0")
    ap.add_argument("--fp16", default="auto", choices=["auto", "yes", "no"])
    ap.add_argument("--n-reference", type=int, default=16)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--microns-per-pixel", type=float, default=None,
                    help="default: the value of RUN/eval/magnification.json (magnification check) if present")
    ap.add_argument("--guard-dir", default=None,
                    help="domain guard from guard_fit (guard.pt + guard.json); default RUN/guard if it has guard.pt")
    ap.add_argument("--operating-points", default=None,
                    help="operating_points.json from histoscope_train.operating_points; default RUN/eval/ if present")
    ap.add_argument("--notes", default="")
    ap.add_argument("--extra-json", default=None, help="JSON file merged into the card's 'training' section")
    return ap.parse_args(argv)


def main(argv=None):
    """The export as its steps: read the run, write the graph, copy and check the reference patches against it,
    keep the run's files, then the card. The checkpoint, lineage, evaluation, guard and operating points are all
    read before anything is written (OUT may be the package the run was warm-started from)."""
    args = parse_args(argv)
    torch.set_num_threads(2)
    run = load_run_inputs(args)
    os.makedirs(args.out, exist_ok=True)
    onnx_path, info = export_graph(run, args.out)
    names, ref = copy_reference_patches(args, run.cfg)
    parity = check_parity(run, onnx_path, os.path.join(args.out, "reference"), names)
    write_reference_tables(os.path.join(args.out, "reference"), names, ref, parity)
    keep_run_files(args, run)
    card = build_card(args, run, info, onnx_path, parity, len(names), training_history(args.run, run.checkpoint),
                      read_extra(args.extra_json))
    write_json(os.path.join(args.out, "model-card.json"), card)
    log.info(f"[export] {onnx_path} {info['bytes']/1e6:.1f} MB fp16={run.fp16} sha256={card['onnx']['sha256']}")
    return card


@dataclass
class RunInputs:
    """Everything the package is made from, read before anything is written."""
    model: torch.nn.Module     # the deployed weights (rounded to float16 values when fp16)
    original: torch.nn.Module  # the checkpoint's weights as trained, to measure what the rounding costs
    cfg: dict
    checkpoint: dict
    fp16: bool
    weights_history: dict | None
    metrics: dict
    calib: dict
    tta: str
    guard: torch.nn.Module | None
    guard_info: dict | None
    operating: dict | None
    magnification: dict | None


def _read_json_if_exists(path: str):
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def load_run_inputs(args) -> RunInputs:
    """Read the checkpoint and what evaluate, the guard fit, operating_points and the magnification check left
    in the run. The lineage is read first: a run warm-started from the package it is exported over reads that
    package, which the export is about to overwrite."""
    ckpt = args.checkpoint or os.path.join(args.run, "best.pt")
    model, cfg, ck = load_model(ckpt, "cpu")
    weights_history = (lineage.of_run(args.run, cfg, lineage.read_log(args.run))
                       if os.path.exists(os.path.join(args.run, "log.csv")) else None)
    fp16 = needs_fp16(model, args.fp16)
    original = copy.deepcopy(model)
    if fp16:
        round_weights_fp16(model)
    eval_dir = args.eval_dir or os.path.join(args.run, "eval")
    metrics = _read_json_if_exists(os.path.join(eval_dir, "metrics.json"))
    metrics = {} if metrics is None else metrics
    guard_dir = args.guard_dir or os.path.join(args.run, "guard")
    guard, guard_info = None, None
    if os.path.exists(os.path.join(guard_dir, "guard.pt")):
        from .guard_fit import load_guard
        guard = load_guard(guard_dir)
        with open(os.path.join(guard_dir, "guard.json")) as f:
            guard_info = json.load(f)
    return RunInputs(
        model=model, original=original, cfg=cfg, checkpoint=ck, fp16=fp16, weights_history=weights_history,
        metrics=metrics, calib=metrics.get("calibration") or {"method": "none", "a": 1.0, "b": 0.0},
        tta=metrics.get("tta", "none"), guard=guard, guard_info=guard_info,
        operating=_read_json_if_exists(args.operating_points or os.path.join(eval_dir, "operating_points.json")),
        magnification=_read_json_if_exists(os.path.join(eval_dir, "magnification.json")))


def export_graph(run: RunInputs, out: str) -> tuple[str, dict]:
    """OUT/model.onnx with calibration (and the guard's ood_score) inside the graph; refused when it would break
    the size limit every shipped model file keeps."""
    onnx_path = os.path.join(out, "model.onnx")
    info = export_onnx(run.model, onnx_path, run.cfg["native_size"], run.fp16, a=run.calib["a"], b=run.calib["b"],
                       guard=run.guard)
    if info["bytes"] >= MAX_ONNX_BYTES:
        raise SystemExit(f"model.onnx is {info['bytes']} bytes >= {MAX_ONNX_BYTES}")
    return onnx_path, info


def copy_reference_patches(args, cfg: dict) -> tuple[list[str], list]:
    """Real TEST-patient patches of the exact native size, copied byte for byte into OUT/reference (emptied
    first), so the app can check its own decoding and inference against the package. Returns (file names,
    records)."""
    from .evaluate import split_records
    _, _, recs = split_records(cfg, args.data_root, os.path.join(args.run, "split.csv"))
    ref = pick_reference(recs["test"], args.n_reference, args.seed, cfg["native_size"])
    if not ref:
        raise SystemExit("no test patch of the exact native size to use as reference")
    ref_dir = os.path.join(args.out, "reference")
    if os.path.isdir(ref_dir):
        shutil.rmtree(ref_dir)
    os.makedirs(ref_dir)
    names = []
    for r in ref:
        name = os.path.basename(r.path)
        shutil.copyfile(r.path, os.path.join(ref_dir, name))
        names.append(name)
    return names, ref


@dataclass
class Parity:
    """PyTorch's outputs on the reference patches and how far the ONNX file and the fp16 rounding stray from them."""
    p_torch: np.ndarray
    p_tta: np.ndarray
    o_torch: np.ndarray | None
    o_tta: np.ndarray | None
    diff_onnx: float
    diff_fp16: float


def check_parity(run: RunInputs, onnx_path: str, ref_dir: str, names: list[str]) -> Parity:
    """The written graph, executed op by op from the file, must compute what PyTorch computes with the deployed
    weights (1e-4), and the float16 rounding must cost at most 1e-3 of probability; otherwise the export stops."""
    cfg, calib, guard = run.cfg, run.calib, run.guard
    x = java_style_input([os.path.join(ref_dir, n) for n in names], cfg["mean"], cfg["std"])
    shipped = CalibratedProbability(run.model.eval(), calib["a"], calib["b"]).eval()
    o_torch = o_tta = None
    with torch.no_grad():
        p_torch = shipped(x).numpy().reshape(-1)
        p_orig = CalibratedProbability(run.original.eval(), calib["a"], calib["b"]).eval()(x).numpy().reshape(-1)
        p_tta = torch.stack([shipped(D.dihedral(x, k)).view(-1) for k in range(8)]).double().mean(0).numpy()
        if guard is not None:
            both = shipped_module(run.model, calib["a"], calib["b"], guard)
            o_torch = both(x)[1].numpy().reshape(-1)
            o_tta = torch.stack([both(D.dihedral(x, k))[1].view(-1) for k in range(8)]).double().mean(0).numpy()
    onnx_out = onnx_runner.run(onnx_path, {INPUT_NAME: x})
    diff_onnx = float(np.max(np.abs(onnx_out[0].reshape(-1) - p_torch)))
    if guard is not None:
        diff_ood = float(np.max(np.abs(onnx_out[1].reshape(-1) - o_torch)))
        log.info(f"[check] ood_score ONNX (interpreted) vs PyTorch: max |d| = {diff_ood:.3g}")
        diff_onnx = max(diff_onnx, diff_ood)
    diff_fp16 = float(np.max(np.abs(p_torch - p_orig)))
    log.info(f"[check] ONNX (interpreted from file) vs PyTorch (deployed weights): max |dp| = {diff_onnx:.3g}; "
             f"fp16-rounded vs original fp32 PyTorch: max |dp| = {diff_fp16:.3g}")
    if diff_onnx > 1e-4 or diff_fp16 > 1e-3:
        raise SystemExit("ONNX check failed")
    return Parity(p_torch, p_tta, o_torch, o_tta, diff_onnx, diff_fp16)


def write_reference_tables(ref_dir: str, names: list[str], ref: list, parity: Parity) -> None:
    """reference/probabilities.csv (PyTorch's expected outputs, 9 significant digits, with the guard's columns
    when there is one) and reference/labels.csv (label and patient of each patch)."""
    guarded = parity.o_torch is not None
    with open(os.path.join(ref_dir, "probabilities.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["file", "probability", "probability_dihedral8"]
                   + (["ood_score", "ood_score_dihedral8"] if guarded else []))
        for i, (n, pr, pa) in enumerate(zip(names, parity.p_torch, parity.p_tta)):
            w.writerow([n, f"{float(pr):.9g}", f"{float(pa):.9g}"]
                       + ([f"{float(parity.o_torch[i]):.9g}", f"{float(parity.o_tta[i]):.9g}"] if guarded else []))
    with open(os.path.join(ref_dir, "labels.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["file", "label", "patient_id"])
        for n, r in zip(names, ref):
            w.writerow([n, r.label, r.group])


def keep_run_files(args, run: RunInputs) -> None:
    """The run's log, split, lineage and portable config travel with the package, so a later warm start, report
    or re-evaluation needs nothing but the package."""
    log_src = os.path.join(args.run, "log.csv")
    if os.path.exists(log_src):
        shutil.copyfile(log_src, os.path.join(args.out, "log.csv"))
    shutil.copyfile(os.path.join(args.run, "split.csv"), os.path.join(args.out, "split.csv"))
    if run.weights_history is not None:  # every stage behind the weights, for a later warm start or report
        write_json(os.path.join(args.out, lineage.HISTORY_FILE), run.weights_history)
    write_json(os.path.join(args.out, package_weights.TRAINING_CONFIG), _portable(run.cfg))  # re-evaluable later


def training_history(run_dir: str, checkpoint: dict) -> list[dict]:
    """The epochs of the run: the full log.csv when there is one (it may go on after the best epoch), else the
    history the checkpoint carries."""
    log_src = os.path.join(run_dir, "log.csv")
    if not os.path.exists(log_src):
        return checkpoint.get("history") or []
    with open(log_src) as f:
        return [{k: float(v) for k, v in r.items()} for r in csv.DictReader(f)]


def read_extra(path: str | None) -> dict:
    """--extra-json: fields merged into the card's training section (a missing file adds nothing)."""
    if not path or not os.path.exists(path):
        return {}
    with open(path) as f:
        return json.load(f)


CARD_METRICS = ["n", "patients", "n_positive", "n_negative", "threshold", "accuracy", "balanced_accuracy",
                "sensitivity", "specificity", "precision", "f1", "auc", "auc_ci95", "auc_ci95_method",
                "auc_ci95_patient", "auc_ci95_patient_method", "confusion_matrix", "accuracy_at_0.5"]


def _card_metrics(m: dict | None) -> dict | None:
    """The figures of one split that the card states (evaluate's metrics.json has more)."""
    if not m:
        return None
    return {k: m[k] for k in CARD_METRICS if k in m}


def build_card(args, run: RunInputs, info: dict, onnx_path: str, parity: Parity, n_reference: int,
               history: list[dict], extra: dict) -> dict:
    """model-card.json: what the app needs to feed the graph and read its outputs, and what a reader needs to
    judge the model (data, split, training, figures, frameworks). The key order is the file's order."""
    cfg, model, metrics, calib, guard = run.cfg, run.model, run.metrics, run.calib, run.guard
    native, tta, ck = cfg["native_size"], run.tta, run.checkpoint
    threshold = metrics.get("threshold", 0.5)
    return {
        "schema_version": 1,
        "id": args.model_id,
        "name": args.name or f"{ARCH_NAMES[cfg['arch']]} - IDC breast histopathology patch classifier",
        "version": args.version,
        "created_utc": _dt.datetime.utcnow().replace(microsecond=0).isoformat() + "Z",
        "architecture": {
            "arch": cfg["arch"], "description": ARCH_NAMES[cfg["arch"]], "backbones": model.backbone_names,
            "feature_dim": model.feature_dim, "head": "concat(global-avg-pooled features) -> dense 256 -> ReLU -> dropout 0.5 -> dense 1 -> sigmoid",
            "parameters": count_parameters(model), "internal_resize_to": cfg["input_size"],
            "pretrained": "none (trained from scratch)" if not cfg.get("pretrained") else cfg["pretrained"],
        },
        "task": "binary patch classification: invasive ductal carcinoma (IDC) present in the patch or not",
        "classes": list(cfg.get("classes") or ["non-cancer", "cancer"]),
        "positive_class_index": 1,
        "input": {
            "name": INPUT_NAME, "dtype": "float32", "shape": ["N", 3, native, native],
            "height": native, "width": native, "layout": "NCHW", "channel_order": "RGB",
            "scale": 1.0 / 255.0, "scale_text": "1/255",
            "mean": cfg["mean"], "std": cfg["std"],
            "formula": "x[c] = (pixel_uint8[c] / 255 - mean[c]) / std[c], computed in float32",
            "resize_method": (f"none outside the model: feed {native}x{native} patches; the network resizes "
                              f"internally (bilinear, align_corners=false, ONNX Resize) to "
                              f"{cfg['input_size']}x{cfg['input_size']}" if cfg["input_size"] != native else
                              f"none: the model works at the native {native}x{native} patch size. Larger "
                              f"images must be tiled into {native}x{native} patches (stride {native})."),
            "smaller_patches": f"pad bottom/right with white (255,255,255) to {native}x{native} before normalising",
        },
        "output": {"name": OUTPUT_NAME, "dtype": "float32", "shape": ["N", 1],
                   "meaning": "calibrated probability that the patch contains invasive ductal carcinoma (class "
                              "'cancer'); Platt calibration and sigmoid are inside the graph"},
        "tta": tta,
        "tta_note": ("the shipped probability of a patch is the mean of the graph's output over the 8 "
                     "flips/rotations of the patch (view k: transpose if k >= 4, then k % 4 quarter turns, "
                     "torch.rot90 sense)" if tta == "dihedral8" else "single view"),
        "calibration": {**calib, "in_graph": True,
                        "test_ece_10_bins": metrics.get("test_ece"),
                        "test_ece_10_bins_before": metrics.get("test_ece_before")},
        "threshold": threshold,
        "threshold_method": metrics.get("threshold_method", "default 0.5 (no evaluation run)"),
        **_magnification_fields(args.microns_per_pixel, run.magnification),
        "onnx": {"opset": 17, "file": "model.onnx", "bytes": info["bytes"], "sha256": sha256_file(onnx_path),
                 "weights_storage": "float16 initializers + Cast to float32 in the graph" if run.fp16 else "float32",
                 "fp32_would_be_bytes": fp32_bytes(model), "dynamic_batch": True, "ops": info["ops"],
                 "check": {"patches": n_reference,
                           "max_abs_diff_onnx_vs_pytorch": parity.diff_onnx,
                           "max_abs_diff_fp16_vs_fp32_pytorch": parity.diff_fp16,
                           "method": "onnx graph executed op by op from the file (histoscope_train.onnx_runner) "
                                     "vs PyTorch on the reference PNGs"}},
        **({"outputs": [OUTPUT_NAME, OOD_OUTPUT_NAME],
            "operating_points": _operating_points(run.operating, threshold)} if run.operating else {}),
        **({"domain_guard": _domain_guard(guard, run.guard_info)} if guard is not None else {}),
        "reference": {"dir": "reference", "probabilities": "reference/probabilities.csv",
                      "labels": "reference/labels.csv", "count": n_reference,
                      "tolerance": 1e-4,
                      "probability_dihedral8": "mean over the 8 dihedral views, as the card's tta prescribes",
                      **({"ood_score": "the graph's ood_score of the patch as it is (view 0)",
                          "ood_score_dihedral8": "mean of ood_score over the 8 dihedral views, as the domain "
                                                 "guard's aggregation prescribes"} if guard is not None else {}),
                      "how": "PNG bytes decoded to RGB uint8, float/255, (x-mean)/std, NCHW, no resize, PyTorch with the shipped (rounded) weights"},
        "training": _training_section(cfg, ck, run.weights_history, history, extra),
        "metrics": {"validation": _card_metrics(metrics.get("val")), "test": _card_metrics(metrics.get("test")),
                    "note": "threshold chosen on validation patients; test patients used once"},
        "frameworks": {"python": platform.python_version(), "torch": torch.__version__, "onnx": onnx.__version__,
                       "numpy": np.__version__, "exporter": "torch.onnx.export (TrainingMode.PRESERVE)"},
        "notes": args.notes,
        "intended_use": "research / decision support demo; not a medical device" + _prevalence_clause(calib),
    }


def _training_section(cfg: dict, ck: dict, weights_history: dict | None, history: list[dict], extra: dict) -> dict:
    """The card's training section: data, split, recipe and the epochs run, from the run's config and log."""
    return {
        "dataset": "IDC breast histopathology patches (Janowczyk & Madabhushi 2016; Cruz-Roa et al. 2014)"
                   if cfg["data"] == "idc" else cfg["data"],
        "data_layout": cfg["data"], "data_licence": "CC0 1.0",
        "split_unit": "patient" if cfg.get("patient_level_split", True) else "image",
        "split_seed": cfg["seed"], "split_file": "split.csv",
        "split": cfg["split_summary"],
        "train_patches_used": cfg["n_train_used"], "val_patches_used_during_training": cfg["n_val_used"],
        "epochs_run": len(history), "epochs_planned": cfg["epochs"], "best_epoch": ck.get("epoch"),
        "shipped_weights": f"checkpoint of epoch {ck.get('epoch')} (best validation AUC)",
        "batch_size": cfg["batch_size"], "optimizer": f"Adam lr {cfg['lr']} wd {cfg['weight_decay']}",
        "schedule": f"{cfg['schedule']} (warmup {cfg['warmup_steps']} steps)",
        "loss": "BCEWithLogits", "class_imbalance": (f"pos_weight = n_neg/n_pos of the training split = {cfg['pos_weight']:.4f}"
                                                     if cfg.get("pos_weight") else cfg["imbalance"]),
        "augmentation": (f"one of the 8 dihedral flips/rotations, shifts up to 3 px (reflect), "
                         f"{_stain_jitter(cfg.get('hed', 0.05))}, brightness/contrast +-0.1"
                         if cfg.get("augmentation") == "histology" else
                         "random h/v flips, 90-degree rotations, shifts up to 3 px (reflect), HSV jitter "
                         "(hue +-0.03, sat/val x(1+-0.1)), per-channel stain gain x(1+-0.05)"),
        "precision": cfg.get("precision_used", "fp32"),
        "weight_averaging": (f"exponential moving average, decay {cfg['ema']}" if cfg.get("ema") else "none"),
        "label_smoothing": cfg.get("label_smoothing", 0.0), "mixup": cfg.get("mixup", 0.0),
        "warm_start": ((weights_history or {}).get("warm_start", {}).get("parent")
                       or _run_relative(cfg.get("init_from"))),
        "seconds": sum(h["seconds_per_epoch"] for h in history) if history else None,
        "history": history,
        **extra,
    }


def _magnification_fields(mpp_arg, magnification) -> dict:
    """The model's resolution: from --microns-per-pixel, else from the magnification check (magnification.json)."""
    if mpp_arg is None and magnification is None:
        return {"microns_per_pixel": None,
                "microns_per_pixel_note": "not known: no --microns-per-pixel and no magnification check in the run"}
    mpp = mpp_arg if mpp_arg is not None else magnification["microns_per_pixel"]
    return {"microns_per_pixel": mpp,
            "microns_per_pixel_source": (magnification or {}).get("source", "--microns-per-pixel"),
            "microns_per_pixel_check": (magnification or {}).get("check", "none")}


def _operating_points(op: dict, patch_threshold: float) -> dict:
    """The card's operating_points from operating_points.json (chosen on validation patients)."""
    p, t, s = op["patch"], op["tile"], op["slide"]
    return {
        "patch": {"threshold": patch_threshold, "grey_zone": p["grey_zone"],
                  "method": "Youden's J on the validation patients' patches (calibrated, dihedral8)",
                  "grey_zone_rule": p["rule"]},
        "tile": {"threshold": t["threshold"], "smoothing_sigma_tiles": t["smoothing_sigma_tiles"],
                 "method": t["method"]},
        "slide": {"threshold": s["threshold"], "score": s["score"], "score_parameters": s["score_parameters"],
                  "grey_zone": s["grey_zone"], "method": s["method"], "grey_zone_rule": s["rule"]},
    }


def _domain_guard(guard, info: dict) -> dict:
    fit = info["fit"]
    return {"output": OOD_OUTPUT_NAME, "threshold": info["threshold"], "aggregation": "mean over TTA views",
            "direction": "higher is further from the training domain",
            "flagged_when": "ood_score (mean over the TTA views) > threshold",
            "validation_flagged_share": round(info["validation_flagged_share_single_view"], 4),
            "validation_flagged_share_tta_mean": info.get("validation_flagged_share_tta_mean"),
            "method": _guard_method(guard, info),
            **({"validation_built_ood_flagged": info["ood_val_flagged"]} if "ood_val_flagged" in info else {}),
            "test": info.get("test")}


def _guard_method(guard, info: dict) -> str:
    fit = info["fit"]
    feature = (f"the Mahalanobis distance of the pooled features ({guard.describe()['feature_dim']}-dim concat of "
               f"the global-average-pooled Xception and NASNet features) to the nearer of the two "
               f"class-conditional Gaussians, in the first {fit['components']} principal components "
               f"({100 * fit['explained_variance']:.1f} % of the variance) of {fit['fit_patches']} training-"
               f"patient patches, shared Ledoit-Wolf covariance (shrinkage {fit['shrinkage']:.3f}), divided "
               f"by sqrt({fit['components']})")
    rule = ("threshold = the score above which 5 % of the validation patients' patches lie (view 0, the shipped "
            "float16 function)")
    if not isinstance(guard, G.CombinedGuard):
        return (feature[0].upper() + feature[1:] + "; chosen over other component counts and the max-logit and "
                f"energy scores on validation patients and out-of-domain sets built from them ({info['selection_rule']}); "
                + rule)
    from .guard_fit import term_specs
    weights = [w for _, _, w in term_specs(info["colour_choice"])]
    terms = "; ".join(f"{'log of ' if t.log else ''}{', '.join(t.describe()['statistics'])} (weight {w})"
                      for t, w in zip(guard.terms, weights))
    return ("The largest of: (1) " + feature + ", in units of its median on the training patches; (2) colour and "
            "texture terms of the INPUT patch: the Mahalanobis distance (Ledoit-Wolf covariance) of per-patch "
            "statistics to their distribution over the same training patches, in units of its median there, times "
            "a weight: " + terms + ". The statistics (domain_guard.ColourStats, computed inside the graph): mean and "
            "std of the haematoxylin, eosin and DAB optical densities (Ruifrok-Johnston colour deconvolution of "
            "OD = -ln((v+1)/256)), the share of near-grey tissue pixels, the eosin and DAB shares of the mean density, "
            "and the mean |difference| of the total OD between pixels 1, 2 and 4 apart, its ratio to the OD's "
            "spread and the haematoxylin gradient; the scale of the haematoxylin structures: mean |difference| of "
            "H at lags 2, 4, 8 and the ratios lag1/lag4 (h_lag1_over_lag4, small where nuclei span many pixels, as "
            "in a scan at a higher magnification than the model's) and lag2/lag8, the normalised variogram at lags "
            "1, 2, 4, 8 and difference-of-Gaussians energies (all the same for the 8 dihedral views). Feature term chosen over "
            "other component counts and the max-logit and energy scores, colour terms over a grid of statistics "
            "subsets, raw or log, and weights, on validation patients and out-of-domain sets built from them ("
            + info["selection_rule"] + "); " + rule)


def _prevalence_clause(calib) -> str:
    """What a shown probability refers to, in the line that reports print: it is right only for a share of IDC."""
    share = calib.get("prevalence")
    if share is None or calib.get("method") == "none":
        return ""
    return (f"; a patch probability is calibrated for tissue with {100 * share:.1f} % IDC patches (model card: "
            f"calibration.prevalence_source): where IDC is rarer it over-states, where commoner it under-states")


if __name__ == "__main__":
    configure_logging()
    main()
