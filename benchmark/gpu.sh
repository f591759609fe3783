#!/usr/bin/env bash
# The shipped ONNX model on an NVIDIA GPU (not part of `mvn verify`), from the repository root:
#   benchmark/gpu.sh [--batches 1,32,128] [--seconds 5] [--cpu-only]
# Uses Python's ONNX Runtime (onnxruntime-gpu), numpy and Pillow, not Java: the lent GPU machines have Python with
# ONNX Runtime and PyTorch but no JDK, and what travels there is at most 64 MiB (the model is 51 MB; the Java
# onnxruntime_gpu jar alone is 445 MB). Prints CUDA vs CPU throughput at each batch size and checks the reference
# patches' probabilities against models/xception-nasnetmobile-idc/reference/probabilities.csv within 1e-4.
# Exits 2 with a message when there is no usable GPU, 3 when a Python package is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
command -v "$PYTHON" >/dev/null || { echo "no $PYTHON found" >&2; exit 3; }
exec "$PYTHON" benchmark/gpu.py "$@"
