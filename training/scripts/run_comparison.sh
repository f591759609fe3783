#!/usr/bin/env bash
# The paper's six-model comparison (and the plain small-CNN baseline) at a real protocol:
# every run trains on ALL training-patient patches of the same patient split, with the shipped model's
# recipe (histology augmentation, EMA, bf16 autocast, channels_last, cosine schedule over the budget,
# early stopping on validation AUC), for the same BUDGET_MIN minutes of compute each. The budget counts
# the training process's CPU time per thread (--budget-clock cpu), so a run that shares the machine gets
# the same compute as one on a quiet machine; its wall-clock time is never below BUDGET_MIN.
# Evaluation: threshold on the validation patients, then the test patients once, without TTA.
# Re-running skips finished runs (in OUT_DIR or kept in ../models/runs, where each evaluated run is archived
# so that the comparison can be finished on another machine) and resumes an interrupted one from its checkpoint.
# Usage (from training/):  scripts/run_comparison.sh DATA_ROOT SPLIT_CSV [THREADS] [ARCHS...]
set -euo pipefail
DATA_ROOT=${1:?pass the IDC data folder}
SPLIT=${2:?pass the patient split CSV of the shipped model (e.g. runs/xception_nasnet_long/split.csv)}
THREADS=${3:-2}
shift 3 || true
ARCHS=${*:-"smallcnn vgg16 resnet50 xception nasnetmobile vgg16_resnet50 xception_nasnet"}
PY=${PYTHON:-python3}
BUDGET_MIN=${BUDGET_MIN:-15}; BATCH=${BATCH:-64}; OUT_DIR=${OUT_DIR:-runs/cmp}
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}  # idle OpenMP threads must not burn the CPU budget
KEPT=${KEPT:-../models/runs/cmp}
mkdir -p "$OUT_DIR"
for arch in $ARCHS; do
  out=$OUT_DIR/${arch}_s50
  if [[ -f "$out/eval/metrics.json" || -f "$KEPT/${arch}_s50/eval/metrics.json" ]]; then echo "skip $out (done)"; continue; fi
  echo "=== $arch $(date -u +%H:%M:%S)"
  resume=(); [[ -f "$out/last.pt" ]] && resume=(--resume)
  nice -n 2 $PY -m histoscope_train.train --arch "$arch" --data idc --data-root "$DATA_ROOT" --out "$out" \
      --split-file "$SPLIT" --epochs 100 --time-budget-min "$BUDGET_MIN" --budget-clock cpu \
      --batch-size "$BATCH" --lr 1e-3 --warmup-steps 200 --patience 5 --ckpt-every-min 4 \
      --threads "$THREADS" --no-progress "${resume[@]}"
  nice -n 2 $PY -m histoscope_train.evaluate --run "$out" --data-root "$DATA_ROOT" --threads "$THREADS" \
      --tta none --calibration platt --n-boot 2000
  $PY -m histoscope_train.archive --run "$out" --archive "$KEPT" --name "${arch}_s50"
  echo "=== done $arch $(date -u +%H:%M:%S)"
done
echo "=== comparison queue done $(date -u +%H:%M:%S)"
