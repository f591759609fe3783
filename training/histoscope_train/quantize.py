"""Static int8 quantisation of a shipped model package, for ONNX Runtime's integer kernels (QDQ format).

    python3 -m histoscope_train.quantize --package ../models/xception-nasnetmobile-idc \\
        --data-root IDC --out runs/int8 [--calibration-patches 256]

onnxruntime's own quantiser is Python-only and there is no onnxruntime for Python here, so the graph is
rewritten with the ``onnx`` package and calibrated with ``onnx_runner``:

1. float16 weights (stored with Cast nodes) become float32 initializers; batch normalisations that follow a
   convolution are folded into it;
2. calibration: the folded float graph runs on patches of the VALIDATION patients (the split of the package);
   each convolution's input and output range is the min/max over them;
3. every convolution gets QuantizeLinear/DequantizeLinear on its input and output (uint8, asymmetric), a
   per-channel symmetric int8 weight and an int32 bias (scale = input scale x weight scale), the pattern ONNX
   Runtime fuses into QLinearConv. Everything else (pooling, additions, the head, Platt calibration) stays float.

Whether the result is kept is decided in Java, with ONNX Runtime itself: ``QuantizedModelComparison`` measures
its speed and its AUC on the test patients beside the float model.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import shutil

import numpy as np
import onnx
import torch
from onnx import helper, numpy_helper

from . import data as D
from . import onnx_runner
from .common import sha256_file
from .logsetup import configure_logging

log = logging.getLogger(__name__)


def float_initializers(model: onnx.ModelProto) -> None:
    """Cast(float16 initializer) and Identity(initializer) -> float32 initializers, so that weights can be folded
    and quantised (the exporter shares equal weights through Identity nodes)."""
    g = model.graph
    inits = {i.name: i for i in g.initializer}
    keep = []
    for node in g.node:
        if node.op_type in ("Cast", "Identity") and node.input[0] in inits:
            value = numpy_helper.to_array(inits[node.input[0]])
            if node.op_type == "Cast":
                value = value.astype(np.float32)
            tensor = numpy_helper.from_array(value, node.output[0])
            g.initializer.append(tensor)
            inits[node.output[0]] = tensor
            continue
        keep.append(node)
    del g.node[:]
    g.node.extend(keep)
    _drop_unused_initializers(model)


def fold_batch_norms(model: onnx.ModelProto) -> int:
    """Folds each BatchNormalization whose input is a convolution's only use into that convolution."""
    g = model.graph
    inits = {i.name: i for i in g.initializer}
    producers = {o: n for n in g.node for o in n.output}
    uses = {}
    for n in g.node:
        for i in n.input:
            uses[i] = uses.get(i, 0) + 1
    removed, folded = set(), 0
    for bn in [n for n in g.node if n.op_type == "BatchNormalization"]:
        conv = producers.get(bn.input[0])
        if conv is None or conv.op_type != "Conv" or uses.get(bn.input[0], 0) != 1 or conv.input[1] not in inits:
            continue
        eps = next((a.f for a in bn.attribute if a.name == "epsilon"), 1e-5)
        gamma, beta, mean, var = (numpy_helper.to_array(inits[x]).astype(np.float64) for x in bn.input[1:5])
        w = numpy_helper.to_array(inits[conv.input[1]]).astype(np.float64)
        b = numpy_helper.to_array(inits[conv.input[2]]).astype(np.float64) if len(conv.input) > 2 else 0.0
        factor = gamma / np.sqrt(var + eps)
        w_name, b_name = conv.name + ".folded_weight", conv.name + ".folded_bias"
        g.initializer.append(numpy_helper.from_array((w * factor.reshape(-1, 1, 1, 1)).astype(np.float32), w_name))
        g.initializer.append(numpy_helper.from_array(((b - mean) * factor + beta).astype(np.float32), b_name))
        x = conv.input[0]
        del conv.input[:]
        conv.input.extend([x, w_name, b_name])
        conv.output[0] = bn.output[0]
        removed.add(id(bn))
        folded += 1
    keep = [n for n in g.node if id(n) not in removed]
    del g.node[:]
    g.node.extend(keep)
    _drop_unused_initializers(model)
    return folded


def _drop_unused_initializers(model):
    g = model.graph
    used = {i for n in g.node for i in n.input} | {o.name for o in g.output}
    keep = [i for i in g.initializer if i.name in used]
    del g.initializer[:]
    g.initializer.extend(keep)


# Operators kept in int8 (ONNX Runtime turns DQ -> op -> Q into QLinearConv, QLinearAdd, QLinearAveragePool,
# QLinearConcat, QLinearGlobalAveragePool, int8 MaxPool...): the graph stays integer between convolutions instead
# of converting back and forth around every addition and pooling. The head (Flatten, Gemm, Platt) stays float.
QUANTISED_OPS = {"Conv", "Add", "Relu", "AveragePool", "MaxPool", "Concat", "GlobalAveragePool", "Pad", "Slice"}
# Ops that only move values: their output keeps their input's scale, so that ONNX Runtime can drop the Q/DQ pair.
MOVING_OPS = {"MaxPool", "Pad", "Slice"}
ACTIVATION_INPUTS = {"Conv": 1, "Pad": 1, "Slice": 1, "AveragePool": 1, "MaxPool": 1, "GlobalAveragePool": 1,
                     "Relu": 1, "Add": None, "Concat": None}


def _activation_inputs(node, constants):
    count = ACTIVATION_INPUTS[node.op_type]
    names = node.input if count is None else node.input[:count]
    return [n for n in names if n and n not in constants]


def _constants(model):
    return {i.name for i in model.graph.initializer} | {o for n in model.graph.node if n.op_type == "Constant"
                                                        for o in n.output}


def calibration_ranges(model: onnx.ModelProto, patches: np.ndarray) -> dict[str, tuple[float, float]]:
    """Min and max over ``patches`` (normalised NCHW float32) of every input and output of the int8 operators."""
    constants = _constants(model)
    names = set()
    for node in model.graph.node:
        if node.op_type in QUANTISED_OPS:
            names.update(_activation_inputs(node, constants))
            names.add(node.output[0])
    lo = {n: np.inf for n in names}
    hi = {n: -np.inf for n in names}
    input_name = model.graph.input[0].name
    for start in range(0, len(patches), 32):
        captured = dict.fromkeys(names)
        batch = torch.from_numpy(patches[start:start + 32])
        captured[input_name] = batch
        with torch.no_grad():
            onnx_runner.run(model, {input_name: batch}, capture=captured)
        for n, t in captured.items():
            if t is not None and n in lo and t.is_floating_point():  # not the int64 shape arithmetic
                lo[n] = min(lo[n], float(t.min()))
                hi[n] = max(hi[n], float(t.max()))
    return {n: (lo[n], hi[n]) for n in names if np.isfinite(lo[n])}


def _activation_params(lo, hi):
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    scale = max(hi - lo, 1e-8) / 255.0
    zero = int(np.clip(round(-lo / scale), 0, 255))
    return np.float32(scale), np.uint8(zero)


def insert_qdq(model: onnx.ModelProto, ranges: dict) -> int:
    """Q/DQ around the int8 operators: uint8 activations, per-channel int8 convolution weights, int32 biases."""
    g = model.graph
    inits = {i.name: i for i in g.initializer}
    constants = _constants(model)
    new_nodes, params = [], {}

    def add_qdq(tensor, source, scale, zero):
        """Q/DQ from ``source`` (a float tensor) into ``tensor`` (its dequantised copy)."""
        s, z = tensor + ".q_scale", tensor + ".q_zero"
        g.initializer.extend([numpy_helper.from_array(np.array(scale), s), numpy_helper.from_array(np.array(zero), z)])
        new_nodes.append(helper.make_node("QuantizeLinear", [source, s, z], [tensor + ".q"]))
        new_nodes.append(helper.make_node("DequantizeLinear", [tensor + ".q", s, z], [tensor]))
        params[tensor] = (float(scale), zero)

    producer_ops = {o: n.op_type for n in g.node for o in n.output}
    # a ReLU joins the int8 region only behind an int8 operator: the head's ReLU (after a Gemm) stays float
    quantisable = [n for n in g.node if n.op_type in QUANTISED_OPS and n.output[0] in ranges
                   and all(i in ranges for i in _activation_inputs(n, constants))
                   and (n.op_type != "Conv" or n.input[1] in inits)
                   and (n.op_type != "Relu" or producer_ops.get(n.input[0]) in QUANTISED_OPS)]
    produced = {n.output[0] for n in quantisable}
    chosen = {id(n) for n in quantisable}
    consumers = {}
    for n in g.node:
        for i in n.input:
            consumers.setdefault(i, []).append(n.op_type)
    # an output that only feeds ReLUs is quantised from 0 up: the uint8 saturation then is the ReLU, so ONNX Runtime
    # drops the ReLU and its Q/DQ pair (same scale, zero point 0)
    relu_only = {y for y in produced if consumers.get(y) and all(op == "Relu" for op in consumers[y])}
    renamed = {}  # tensor from outside the int8 region -> its Q/DQ copy
    for node in g.node:
        if id(node) not in chosen:
            new_nodes.append(node)
            continue
        for k, name in enumerate(node.input):
            if not name or name in constants or name in produced or k >= len(node.input):
                continue
            if ACTIVATION_INPUTS[node.op_type] is not None and k >= ACTIVATION_INPUTS[node.op_type]:
                continue
            if name not in renamed:
                renamed[name] = name + ".dq"
                add_qdq(renamed[name], name, *_activation_params(*ranges[name]))
            node.input[k] = renamed[name]
        if node.op_type == "Conv":
            _quantise_conv_weights(g, inits, node, params[node.input[0]][0] if node.input[0] in params else None,
                                   new_nodes)
        y = node.output[0]
        node.output[0] = y + ".float"
        new_nodes.append(node)
        source = node.input[0]
        keeps_scale = node.op_type in MOVING_OPS or node.op_type == "Relu" and params.get(source, (0, 1))[1] == 0
        if keeps_scale and source in params:
            add_qdq(y, y + ".float", np.float32(params[source][0]), params[source][1])
        elif y in relu_only:
            add_qdq(y, y + ".float", *_activation_params(0.0, ranges[y][1]))
        else:
            add_qdq(y, y + ".float", *_activation_params(*ranges[y]))
    del g.node[:]
    g.node.extend(_topological(new_nodes, {i.name for i in g.initializer} | {i.name for i in g.input}))
    _drop_unused_initializers(model)
    return sum(1 for n in quantisable if n.op_type == "Conv")


def _quantise_conv_weights(g, inits, node, input_scale, new_nodes):
    """Per-output-channel symmetric int8 weight and, with the input scale, the int32 bias, both through DQ."""
    w = numpy_helper.to_array(inits[node.input[1]]).astype(np.float32)
    w_scale = np.maximum(np.abs(w).reshape(w.shape[0], -1).max(1), 1e-12) / 127.0
    w_q = np.clip(np.round(w / w_scale.reshape(-1, 1, 1, 1)), -127, 127).astype(np.int8)
    wn = node.name + ".w"
    g.initializer.extend([numpy_helper.from_array(w_q, wn + "_q"),
                          numpy_helper.from_array(w_scale.astype(np.float32), wn + "_scale"),
                          numpy_helper.from_array(np.zeros(w.shape[0], np.int8), wn + "_zero")])
    new_nodes.append(helper.make_node("DequantizeLinear", [wn + "_q", wn + "_scale", wn + "_zero"], [wn + "_dq"], axis=0))
    node.input[1] = wn + "_dq"
    if len(node.input) > 2 and node.input[2]:
        b = numpy_helper.to_array(inits[node.input[2]]).astype(np.float64)
        b_scale = (input_scale * w_scale).astype(np.float32)
        b_q = np.clip(np.round(b / b_scale), -2 ** 31, 2 ** 31 - 1).astype(np.int32)
        bn = node.name + ".b"
        g.initializer.extend([numpy_helper.from_array(b_q, bn + "_q"), numpy_helper.from_array(b_scale, bn + "_scale"),
                              numpy_helper.from_array(np.zeros(w.shape[0], np.int32), bn + "_zero")])
        new_nodes.append(helper.make_node("DequantizeLinear", [bn + "_q", bn + "_scale", bn + "_zero"], [bn + "_dq"],
                                          axis=0))
        node.input[2] = bn + "_dq"


def _topological(nodes, available):
    available, ordered, pending = set(available), [], list(nodes)
    while pending:
        rest = []
        for n in pending:
            if all(not i or i in available for i in n.input):
                ordered.append(n)
                available.update(n.output)
            else:
                rest.append(n)
        if len(rest) == len(pending):
            raise ValueError("graph has a cycle or a missing input: " + rest[0].name)
        pending = rest
    return ordered


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--package", required=True)
    ap.add_argument("--data-root", required=True)
    ap.add_argument("--out", required=True, help="folder for the int8 package")
    ap.add_argument("--calibration-patches", type=int, default=256)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    with open(os.path.join(args.package, "model-card.json")) as f:
        card = json.load(f)
    model = onnx.load(os.path.join(args.package, "model.onnx"))
    float_initializers(model)
    folded = fold_batch_norms(model)
    patches = calibration_patches(args, card)
    ranges = calibration_ranges(model, patches)
    quantised = insert_qdq(model, ranges)
    onnx.checker.check_model(model)
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "model.onnx")
    onnx.save(model, path)
    for extra in ("split.csv", "reference", "log.csv"):
        src = os.path.join(args.package, extra)
        if os.path.isdir(src):
            shutil.copytree(src, os.path.join(args.out, extra), dirs_exist_ok=True)
        elif os.path.exists(src):
            shutil.copyfile(src, os.path.join(args.out, extra))
    write_reference(model, card, args.out)
    card["id"] = card["id"] + "-int8"
    card["name"] = card.get("name", card["id"]) + " (int8)"
    card["sha256"] = sha256_file(path)
    card["onnx"] = {"opset": card["onnx"]["opset"], "file": "model.onnx", "bytes": os.path.getsize(path),
                    "sha256": card["sha256"], "weights_storage": "int8 per-channel (QDQ), int32 biases"}
    card["reference"]["tolerance"] = REFERENCE_TOLERANCE
    card["reference"]["how"] = ("the int8 graph executed op by op (histoscope_train.onnx_runner, exact Q/DQ arithmetic "
                                "in float64); ONNX Runtime's integer kernels round differently, hence the tolerance")
    card["metrics"] = {"note": "measured in ONNX Runtime by benchmark/int8.sh (QuantizedModelBenchmark), which writes "
                               "the test-patient figures here"}
    card["quantisation"] = {"from": {"id": card["id"][:-5], "version": card["version"]},
                            "method": "static QDQ: per-channel symmetric int8 weights, uint8 activations (min/max), "
                                      "batch norms folded; additions, pooling and concatenations in int8 too",
                            "convolutions": quantised, "batch_norms_folded": folded,
                            "calibration": f"{len(patches)} patches of the validation patients, single view"}
    with open(os.path.join(args.out, "model-card.json"), "w") as f:
        json.dump(card, f, indent=2)
    log.info(f"[int8] {quantised} convolutions quantised, {folded} batch norms folded, {len(patches)} calibration "
             f"patches -> {path} ({os.path.getsize(path) / 1e6:.1f} MB)")


REFERENCE_TOLERANCE = 0.02


def write_reference(model, card, out):
    """reference/probabilities.csv of the int8 graph, single view and mean over the 8 dihedral views."""
    import csv
    folder = os.path.join(out, "reference")
    with open(os.path.join(folder, "probabilities.csv")) as f:
        files = [r["file"] for r in csv.DictReader(f)]
    images = np.stack([D.read_rgb(os.path.join(folder, name)) for name in files])
    x = D.batch_to_input(torch.from_numpy(images), card["input"]["mean"], card["input"]["std"])
    name = model.graph.input[0].name
    with torch.no_grad():
        views = [onnx_runner.run(model, {name: D.dihedral(x, k).contiguous()})[0].ravel() for k in range(8)]
    with open(os.path.join(folder, "probabilities.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["file", "probability", "probability_dihedral8"])
        for i, name in enumerate(files):
            w.writerow([name, f"{views[0][i]:.9g}", f"{np.mean([v[i] for v in views]):.8g}"])


def calibration_patches(args, card) -> np.ndarray:
    """Normalised NCHW float32 patches of the validation patients, a seeded sample stratified by nothing."""
    import csv
    with open(os.path.join(args.package, "split.csv")) as f:
        val_patients = {r["patient_id"] for r in csv.DictReader(f) if r["split"] == "val"}
    records = [r for r in D.load_idc(args.data_root).records if r.group in val_patients]
    rng = np.random.default_rng(0)
    chosen = [records[i] for i in rng.choice(len(records), min(args.calibration_patches, len(records)), replace=False)]
    images = torch.from_numpy(D.load_images(chosen, card["input"]["height"], None, "calibration"))
    mean, std = card["input"]["mean"], card["input"]["std"]
    return D.batch_to_input(images, mean, std).numpy().astype(np.float32)


if __name__ == "__main__":
    configure_logging()
    main()
