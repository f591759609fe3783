#!/usr/bin/env bash
# The int8 variant of the shipped model beside the float one, in ONNX Runtime (not part of `mvn verify`):
#   benchmark/int8.sh IDC_DATA_ROOT [-Drounds=5] [-Dthreads=N]
# Quantises models/xception-nasnetmobile-idc into target/int8 (training/histoscope_train/quantize.py, calibrated on
# 256 validation-patient patches), prints images/s of both (alternating rounds, one process) and their AUC on every
# test-patient patch, writes those figures into the variant's card, and publishes it as
# models/xception-nasnetmobile-idc-int8 only if it is faster and its test AUC drops by less than 0.005.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA_ROOT=$(cd "${1:?pass the IDC data folder (the one with labels.csv)}" && pwd)
shift
rm -rf target/int8
(cd training && ${PYTHON:-python3} -m histoscope_train.quantize --package ../models/xception-nasnetmobile-idc \
    --data-root "$DATA_ROOT" --out ../target/int8)
./mvnw -B -ntp -q test-compile -DskipTests
./mvnw -B -ntp -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/benchmark.classpath
if java -Xmx3g -Ddata="$DATA_ROOT" -Dint8=target/int8 -Dupdate-card=true "$@" \
    -cp "target/test-classes:target/classes:$(cat target/benchmark.classpath)" org.histoscope.benchmark.QuantizedModelBenchmark; then
  rm -rf models/xception-nasnetmobile-idc-int8 && cp -r target/int8 models/xception-nasnetmobile-idc-int8
  echo "published models/xception-nasnetmobile-idc-int8"
else
  echo "not published" >&2
fi
