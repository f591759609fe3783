#!/usr/bin/env bash
# Patient-level 5-fold cross-validation of training recipes on the cheap proxy: the plain CNN, BUDGET_MIN (15)
# CPU-minutes per fold on THREADS thread(s) (--budget-clock cpu, so a fold that shares the machine gets the compute
# of a quiet one), about 75 CPU-minutes per recipe. Folds cover the NON-test patients of the shipped package's split
# (`python3 -m histoscope_train.cv folds`); its test patients are never used for a decision.
# Resumable queue: a finished fold (in OUT_DIR or kept in ../models/runs/cv) is skipped, an interrupted one resumes
# from its checkpoint, and a fold another queue is running is locked and skipped (two queues may share a machine).
# Recipes run in the order given (default: all, baseline first); each fold is archived when evaluated.
# Usage (from training/):  scripts/run_cv.sh DATA_ROOT [THREADS] [RECIPES...]
#   nohup scripts/run_cv.sh "$IDC_DATA_ROOT" 1 > runs/cv.log 2>&1 &
set -euo pipefail
DATA_ROOT=${1:?pass the IDC data folder}
THREADS=${2:-1}
shift 2 || true
PY=${PYTHON:-python3}
BUDGET_MIN=${BUDGET_MIN:-15}; ARCH=${ARCH:-smallcnn}; OUT_DIR=${OUT_DIR:-runs/cv}; K=${K:-5}
SPLIT=${SPLIT:-../models/xception-nasnetmobile-idc/split.csv}
KEPT=${KEPT:-../models/runs/cv}
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
# The shipped recipe (no stain jitter since 2.1.0) and one change per recipe.
declare -A RECIPES=(
  [base]="--hed 0"
  [patient_balanced]="--hed 0 --sampling patient"
  [reinhard]="--hed 0 --stain-norm reinhard"
  [hed_0.1]="--hed 0.1"
  [hed_0.2]="--hed 0.2"
  [hsv_classic]="--augmentation classic"
)
ORDER="base patient_balanced reinhard hed_0.1 hed_0.2 hsv_classic"
NAMES=${*:-$ORDER}
FOLDS=$OUT_DIR/folds
if [[ ! -f "$FOLDS/fold$((K - 1)).csv" ]]; then
  $PY -m histoscope_train.cv folds --split "$SPLIT" --data-root "$DATA_ROOT" --out "$FOLDS" --k "$K"
fi
for name in $NAMES; do
  [[ -v "RECIPES[$name]" ]] || { echo "unknown recipe $name" >&2; exit 2; }
  for ((fold = 0; fold < K; fold++)); do
    out=$OUT_DIR/$name/fold$fold
    if [[ -f "$out/eval/metrics.json" || -f "$KEPT/$name/fold$fold/eval/metrics.json" ]]; then
      echo "skip $out (done)"; continue
    fi
    mkdir -p "$OUT_DIR/$name"
    exec {lock}>"$OUT_DIR/$name/fold$fold.lock"
    if ! flock -n "$lock"; then echo "skip $out (another queue is running it)"; exec {lock}>&-; continue; fi
    if [[ -f "$out/eval/metrics.json" ]]; then echo "skip $out (done)"; exec {lock}>&-; continue; fi
    echo "=== $name fold $fold $(date -u +%H:%M:%S)"
    resume=(); [[ -f "$out/last.pt" ]] && resume=(--resume)
    # shellcheck disable=SC2086
    nice -n 15 $PY -m histoscope_train.train --arch "$ARCH" --data idc --data-root "$DATA_ROOT" --out "$out" \
        --split-file "$FOLDS/fold$fold.csv" --epochs 100 --time-budget-min "$BUDGET_MIN" --budget-clock cpu \
        --batch-size 64 --lr 1e-3 --warmup-steps 200 --patience 5 --ckpt-every-min 4 --threads "$THREADS" \
        --cache-dir "$OUT_DIR/../cache" --no-progress ${RECIPES[$name]} "${resume[@]}"
    nice -n 15 $PY -m histoscope_train.evaluate --run "$out" --data-root "$DATA_ROOT" --threads "$THREADS" \
        --tta none --calibration platt --n-boot 200
    $PY -m histoscope_train.archive --run "$out" --archive "$KEPT/$name" --name "fold$fold"
    echo "=== done $name fold $fold $(date -u +%H:%M:%S)"
    exec {lock}>&-
  done
done
$PY -m histoscope_train.cv summary --kept "$KEPT" --k "$K"
echo "=== cross-validation queue done $(date -u +%H:%M:%S)"
