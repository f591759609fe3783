#!/usr/bin/env bash
# Six-architecture comparison under the short CPU protocol used in ../models/REPORT.md:
# seeded label-stratified subset of MAX_TRAIN (1500) training patches from the training patients,
# EPOCHS (2) epochs, batch BATCH (32), validation subset MAX_VAL (500), native 50x50, from scratch;
# evaluation: threshold on the same validation subset, test AUC etc. on ALL test-patient patches.
# "ARCH@SIZE" (e.g. xception_nasnet@100) = input-size measurement with in-network upsampling:
# SIZE_EPOCHS (1) epoch(s), validation only (no test evaluation).
# Usage (from training/):  scripts/run_comparison.sh [DATA_ROOT] [THREADS] [ARCHS...]
set -euo pipefail
DATA_ROOT=${1:-${IDC_DATA_ROOT:?pass the IDC data folder as the first argument or set IDC_DATA_ROOT}}
THREADS=${2:-1}
shift 2 || true
ARCHS=${*:-"vgg16 resnet50 xception nasnetmobile vgg16_resnet50 xception_nasnet xception_nasnet@100"}
PY=${PYTHON:-python3}
MAX_TRAIN=${MAX_TRAIN:-1500}; MAX_VAL=${MAX_VAL:-500}; EPOCHS=${EPOCHS:-2}; BATCH=${BATCH:-32}
mkdir -p runs/cmp
for spec in $ARCHS; do
  arch=${spec%@*}; size=50; extra=(); epochs=$EPOCHS
  if [[ "$spec" == *@* ]]; then size=${spec#*@}; extra=(--input-size "$size"); epochs=${SIZE_EPOCHS:-1}; fi
  out=runs/cmp/${arch}_s${size}
  if [[ -f "$out/eval/metrics.json" || ( $size != 50 && -f "$out/best.pt" ) ]]; then echo "skip $out (done)"; continue; fi
  echo "=== $arch size $size $(date -u +%H:%M:%S)"
  resume=(); [[ -f "$out/last.pt" ]] && resume=(--resume)
  $PY -m histoscope_train.train --arch "$arch" --data idc --data-root "$DATA_ROOT" --out "$out" \
      --max-train "$MAX_TRAIN" --max-val "$MAX_VAL" --epochs "$epochs" --batch-size "$BATCH" \
      --warmup-steps 10 --threads "$THREADS" --no-progress "${extra[@]}" "${resume[@]}"
  if [[ $size == 50 ]]; then
    $PY -m histoscope_train.evaluate --run "$out" --data-root "$DATA_ROOT" --threads "$THREADS" \
        --max-val "$MAX_VAL" --n-boot 1000
  fi
  echo "=== done $arch size $size $(date -u +%H:%M:%S)"
done
echo "=== comparison queue done $(date -u +%H:%M:%S)"
