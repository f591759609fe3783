#!/usr/bin/env bash
# Issue #22's magnification figure (not part of `mvn verify`), from the repository root:
#   benchmark/remagnified.sh IDC_DATA_FOLDER [PATIENT...]
# Stitches each patient's IDC patches into one slide at 4 µm/px, makes it 4x enlarged with 1 µm/px tags and 16x
# enlarged as a tiled JPEG pyramid with 0.25 µm/px tags (libvips), analyses all three through the app's whole-image
# path and prints the per-tile AUC and probability differences (org.histoscope.inference.RemagnifiedSlideCheck).
# Default patients: the model's test patients with whole slides (>= 100 tissue tiles). Needs about 2 GB of disk in
# target/remagnified and libvips-tools (apt-get install libvips-tools).
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${1:?pass the IDC data folder (with labels.csv)}
shift
PATIENTS=${*:-8956 8984 9035 9076}
command -v vips >/dev/null || { echo "needs libvips-tools (apt-get install libvips-tools)" >&2; exit 1; }
./mvnw -B -ntp -q test-compile -DskipTests
./mvnw -B -ntp -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/benchmark.classpath
# shellcheck disable=SC2086
exec java -Xmx6g -Dremagnified.reuse="${REUSE:-0}" -cp "target/test-classes:target/classes:$(cat target/benchmark.classpath)" \
    org.histoscope.inference.RemagnifiedSlideCheck "$DATA" target/remagnified $PATIENTS
