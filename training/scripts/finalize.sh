#!/usr/bin/env bash
# Evaluate + export the default model run and rebuild the report.
# Usage (from training/): scripts/finalize.sh [DATA_ROOT] [RUN] [VERSION]
set -euo pipefail
DATA_ROOT=${1:-${IDC_DATA_ROOT:?pass the IDC data folder as the first argument or set IDC_DATA_ROOT}}
RUN=${2:-runs/xception_nasnet}
VERSION=${3:-1.0.0}
PY=${PYTHON:-python3}
PKG=../models/xception-nasnetmobile-idc
echo "=== evaluate $(date -u +%H:%M:%S)"
$PY -m histoscope_train.evaluate --run "$RUN" --data-root "$DATA_ROOT" --threads "${THREADS:-1}"
echo "=== export $(date -u +%H:%M:%S)"
$PY -m histoscope_train.export --run "$RUN" --data-root "$DATA_ROOT" --out "$PKG" \
    --model-id xception-nasnetmobile-idc --version "$VERSION" --extra-json runs/card_extra.json \
    --notes "${NOTES:-Default Histoscope model. See models/REPORT.md for how it was trained and how it compares.}"
rm -f "$PKG/EARLY_PLACEHOLDER-NOTE.txt"
echo "=== report $(date -u +%H:%M:%S)"
$PY -m histoscope_train.report --runs-dir runs --default-run "$RUN" --models-dir ../models
echo "=== finalize done $(date -u +%H:%M:%S)"
