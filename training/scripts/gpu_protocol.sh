#!/usr/bin/env bash
# The paper's protocol on a CUDA GPU in one command: the six architectures, EPOCHS (20) epochs each, at the native
# 50 px and upsampled in-network to 100 px, plus the shipped recipe (Xception+NASNet, no stain jitter, lr 3e-4),
# each trained on the shipped split's training patients and evaluated (threshold on validation, test once, no TTA).
# Run folders land in OUT_DIR/<arch>_s<size> (and shipped_recipe_s50), which `histoscope_train.report` reads for
# its GPU columns; each config records the GPU's name. PARALLEL runs share the GPU at once (small models leave most
# of an H100 idle). Reads the patches from ONE packed file (`python3 -m histoscope_train.pack pack ... --split`),
# because at most 64 MiB travels to a lent GPU machine. Works with torch 1.13 and 2.x.
#   scripts/gpu_protocol.sh data/idc-pack.zip            # on the GPU machine, from training/
#   scripts/gpu_protocol.sh data/idc-pack.zip --dry-run  # anywhere: one step per run on a few patches (CPU is fine)
set -euo pipefail
PACK=${1:?pass the packed patches (python3 -m histoscope_train.pack pack ...)}
MODE=${2:-full}
PY=${PYTHON:-python3}
OUT_DIR=${OUT_DIR:-runs/gpu}; EPOCHS=${EPOCHS:-20}; BATCH=${BATCH:-256}; PARALLEL=${PARALLEL:-4}
ARCHS=${ARCHS:-"vgg16 resnet50 xception nasnetmobile vgg16_resnet50 xception_nasnet"}
SIZES=${SIZES:-"50 100"}
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
$PY -m histoscope_train.pack unpack --pack "$PACK" --out "$WORK/idc"
[[ -f "$WORK/idc/split.csv" ]] || { echo "the pack has no split.csv (pack it with --split)" >&2; exit 2; }
extra=(); eval_extra=()
if [[ "$MODE" == "--dry-run" ]]; then
  extra=(--max-steps 1 --max-train 64 --max-val 32 --batch-size 8); eval_extra=(--max-val 32 --max-test 32 --n-boot 10)
  EPOCHS=1; PARALLEL=1
else
  extra=(--batch-size "$BATCH")
fi
mkdir -p "$OUT_DIR"
run() {  # name arch size recipe-args...
  local name=$1 arch=$2 size=$3; shift 3
  local out=$OUT_DIR/$name t0=$SECONDS
  if [[ -f "$out/eval/metrics.json" ]]; then echo "skip $out (done)"; return; fi
  local resize=(); [[ "$size" != 50 ]] && resize=(--input-size "$size")
  $PY -m histoscope_train.train --arch "$arch" --data idc --data-root "$WORK/idc" --out "$out" \
      --split-file "$WORK/idc/split.csv" --epochs "$EPOCHS" --patience 1000 --warmup-steps 200 --threads 2 \
      --device auto --cache-dir "$WORK/cache" --no-progress "${resize[@]}" "${extra[@]}" "$@" > "$out.log" 2>&1
  $PY -m histoscope_train.evaluate --run "$out" --data-root "$WORK/idc" --threads 2 --tta none \
      --calibration platt "${eval_extra[@]}" >> "$out.log" 2>&1
  echo "=== $name done in $((SECONDS - t0)) s: $(grep '\[eval\]' "$out.log" | tail -1)"
}
jobs_running() { jobs -rp | wc -l; }
failed=0
for size in $SIZES; do
  for arch in $ARCHS; do
    while (( $(jobs_running) >= PARALLEL )); do wait -n || failed=1; done
    run "${arch}_s${size}" "$arch" "$size" --lr 1e-3 &
  done
done
while (( $(jobs_running) >= PARALLEL )); do wait -n || failed=1; done
run shipped_recipe_s50 xception_nasnet 50 --lr 3e-4 --hed 0 &
while (( $(jobs_running) > 0 )); do wait -n || failed=1; done
echo "=== GPU protocol done in $SECONDS s; run folders in $OUT_DIR"
if (( failed )); then echo "some runs failed: see $OUT_DIR/*.log" >&2; exit 1; fi
