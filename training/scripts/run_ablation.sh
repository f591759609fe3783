#!/usr/bin/env bash
# Recipe ablation on the validation patients: each run changes one choice of the shipped recipe.
# To fit beside the comparison on two cores, it uses the plain CNN (the recipe's effect, not the
# architecture's, is measured) with an equal budget of BUDGET_MIN CPU minutes on THREADS thread(s).
# Two queues may run at once on one machine (e.g. one per core): a run another queue is working on is locked
# and skipped. Usage (from training/):  scripts/run_ablation.sh DATA_ROOT SPLIT_CSV [THREADS] [NAMES...]
set -euo pipefail
DATA_ROOT=${1:?pass the IDC data folder}
SPLIT=${2:?pass the patient split CSV}
THREADS=${3:-1}
shift 3 || true
PY=${PYTHON:-python3}
BUDGET_MIN=${BUDGET_MIN:-6}; ARCH=${ARCH:-smallcnn}; OUT_DIR=${OUT_DIR:-runs/ablation}
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
declare -A VARIANTS=(
  [a_shipped_recipe]=""
  [b_classic_augmentation]="--augmentation classic"
  [c_no_stain_jitter]="--hed 0"
  [d_no_ema]="--ema 0"
  [e_label_smoothing_0.1]="--label-smoothing 0.1"
  [f_mixup_0.2]="--mixup 0.2"
)
KEPT=${KEPT:-../models/runs/ablation}
mkdir -p "$OUT_DIR"
NAMES=${*:-$(printf '%s\n' "${!VARIANTS[@]}" | sort)}
for name in $NAMES; do
  [[ -v "VARIANTS[$name]" ]] || { echo "unknown ablation run $name" >&2; exit 2; }
  out=$OUT_DIR/$name
  if [[ -f "$out/eval/metrics.json" || -f "$KEPT/$name/eval/metrics.json" ]]; then echo "skip $out (done)"; continue; fi
  exec {lock}>"$OUT_DIR/$name.lock"
  if ! flock -n "$lock"; then echo "skip $out (another queue is running it)"; exec {lock}>&-; continue; fi
  # another queue may have finished it between the check above and the lock
  if [[ -f "$out/eval/metrics.json" ]]; then echo "skip $out (done)"; exec {lock}>&-; continue; fi
  echo "=== $name $(date -u +%H:%M:%S)"
  resume=(); [[ -f "$out/last.pt" ]] && resume=(--resume)
  # shellcheck disable=SC2086
  nice -n 15 $PY -m histoscope_train.train --arch "$ARCH" --data idc --data-root "$DATA_ROOT" --out "$out" \
      --split-file "$SPLIT" --epochs 100 --time-budget-min "$BUDGET_MIN" --budget-clock cpu --batch-size 64 \
      --lr 1e-3 --warmup-steps 200 --patience 5 --ckpt-every-min 4 --threads "$THREADS" --no-progress \
      ${VARIANTS[$name]} "${resume[@]}"
  nice -n 15 $PY -m histoscope_train.evaluate --run "$out" --data-root "$DATA_ROOT" --threads "$THREADS" \
      --tta none --calibration platt --n-boot 200
  $PY -m histoscope_train.archive --run "$out" --archive "$KEPT" --name "$name"
  echo "=== done $name $(date -u +%H:%M:%S)"
  exec {lock}>&-
done
echo "=== ablation queue done $(date -u +%H:%M:%S)"
