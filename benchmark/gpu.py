#!/usr/bin/env python3
"""The shipped ONNX model on a GPU with Python's ONNX Runtime: CUDA execution provider at batch 1/32/128 against
the CPU provider, and the probabilities of the committed reference patches checked against the reference CSV
within 1e-4 on both. Needs numpy, Pillow and onnxruntime-gpu (PyTorch's CUDA libraries are reused when present).
Not part of `mvn verify`; run through benchmark/gpu.sh. Exit codes: 0 ok, 1 a check failed, 2 no usable GPU,
3 a Python package is missing."""
import argparse
import csv
import os
import platform
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL_DIR = os.path.join(ROOT, "models", "xception-nasnetmobile-idc")
TOLERANCE = 1e-4


def fail(code, message):
    print(message, file=sys.stderr)
    sys.exit(code)


def load_inputs(np, image_module, card):
    """The reference patches preprocessed exactly as the model card says (and the Java Preprocessor does)."""
    spec = card["input"]
    size = spec["width"]
    mean = np.array(spec["mean"], dtype=np.float32).reshape(3, 1, 1)
    std = np.array(spec["std"], dtype=np.float32).reshape(3, 1, 1)
    names, expected, patches = [], [], []
    with open(os.path.join(MODEL_DIR, "reference", "probabilities.csv"), newline="") as f:
        for row in csv.DictReader(f):
            pixels = np.asarray(image_module.open(os.path.join(MODEL_DIR, "reference", row["file"])).convert("RGB"))
            # training's fit_to_size: centre-crop larger patches, pad smaller ones bottom/right with white
            h, w = pixels.shape[:2]
            top, left = max(0, (h - size) // 2), max(0, (w - size) // 2)
            pixels = pixels[top:top + size, left:left + size]
            padded = np.full((size, size, 3), 255, dtype=np.uint8)
            padded[:pixels.shape[0], :pixels.shape[1]] = pixels
            x = padded.astype(np.float32).transpose(2, 0, 1) * np.float32(spec["scale"])
            patches.append((x - mean) / std)
            names.append(row["file"])
            expected.append(float(row["probability"]))
    return names, np.array(expected), np.stack(patches).astype(np.float32)


def session(ort, provider, threads):
    options = ort.SessionOptions()
    if threads:
        options.intra_op_num_threads = threads
    providers = ["CUDAExecutionProvider", "CPUExecutionProvider"] if provider == "cuda" else ["CPUExecutionProvider"]
    s = ort.InferenceSession(os.path.join(MODEL_DIR, "model.onnx"), options, providers=providers)
    if provider == "cuda" and s.get_providers()[0] != "CUDAExecutionProvider":
        fail(2, "the CUDA execution provider did not load (providers in use: %s): ONNX Runtime fell back to the "
                "CPU; check the CUDA 12.x and cuDNN 9.x libraries" % s.get_providers())
    return s


def probabilities(np, s, inputs):
    name = s.get_inputs()[0].name
    return np.concatenate([s.run(None, {name: inputs[i:i + 64]})[0].reshape(-1) for i in range(0, len(inputs), 64)])


def throughput(np, s, inputs, batch, seconds):
    name = s.get_inputs()[0].name
    reps = -(-batch // len(inputs))
    feed = {name: np.ascontiguousarray(np.concatenate([inputs] * reps)[:batch])}
    for _ in range(3):  # warm-up: CUDA kernels, cuDNN algorithm search
        s.run(None, feed)
    times = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline or len(times) < 5:
        start = time.perf_counter()
        s.run(None, feed)
        times.append(time.perf_counter() - start)
    return batch / statistics.median(times), statistics.median(times) * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--batches", default="1,32,128")
    parser.add_argument("--seconds", type=float, default=5.0, help="measuring time per provider and batch size")
    parser.add_argument("--cpu-threads", type=int, default=0, help="CPU provider threads (0: ONNX Runtime's choice)")
    parser.add_argument("--cpu-only", action="store_true",
                        help="dry run without a GPU: the CPU provider and the reference check only")
    args = parser.parse_args()
    try:
        import json
        import numpy as np
        from PIL import Image
    except ImportError as e:
        fail(3, "missing Python package: %s (needs numpy and Pillow)" % e.name)
    with open(os.path.join(MODEL_DIR, "model-card.json")) as f:
        card = json.load(f)
    names, expected, inputs = load_inputs(np, Image, card)
    print("model %s %s, %d reference patches" % (card["id"], card["version"], len(names)))
    try:
        import onnxruntime as ort
    except ImportError:
        fail(3, "Python's onnxruntime is not installed (pip install onnxruntime-gpu, or onnxruntime for --cpu-only); "
                "nothing was measured")
    available = ort.get_available_providers()
    print("onnxruntime %s, providers available: %s" % (ort.__version__, ", ".join(available)))
    providers = ["cpu"] if args.cpu_only else ["cuda", "cpu"]
    if "cuda" in providers and "CUDAExecutionProvider" not in available:
        fail(2, "no CUDA execution provider in this onnxruntime (install onnxruntime-gpu on a machine with an "
                "NVIDIA GPU), or run with --cpu-only")
    try:
        import subprocess
        gpu = subprocess.run(["nvidia-smi", "--query-gpu=name,driver_version,memory.total", "--format=csv,noheader"],
                             capture_output=True, text=True, timeout=20).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        gpu = "none found (nvidia-smi missing)"
    print("machine: %s, %d CPUs; GPU: %s" % (platform.machine(), os.cpu_count(), gpu or "none"))

    ok = True
    rows = []
    for provider in providers:
        s = session(ort, provider, args.cpu_threads if provider == "cpu" else 0)
        got = probabilities(np, s, inputs)
        worst = float(np.max(np.abs(got - expected)))
        within = worst <= TOLERANCE
        ok &= within
        print("%s: reference probabilities max |difference| %.2e (%s 1e-4)" % (provider.upper(), worst,
                                                                              "within" if within else "NOT within"))
        for batch in [int(b) for b in args.batches.split(",")]:
            per_second, millis = throughput(np, s, inputs, batch, args.seconds)
            rows.append((provider.upper(), batch, per_second, millis))
    print()
    print("| provider | batch | patches/s | ms per batch (median) |")
    print("|---|---:|---:|---:|")
    for provider, batch, per_second, millis in rows:
        print("| %s | %d | %.0f | %.2f |" % (provider, batch, per_second, millis))
    if not args.cpu_only:
        cpu = {b: p for prov, b, p, _ in rows if prov == "CPU"}
        for prov, b, p, _ in rows:
            if prov == "CUDA" and cpu.get(b):
                print("CUDA / CPU at batch %d: %.1fx" % (b, p / cpu[b]))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
