#!/usr/bin/env bash
# Inference benchmark (not part of `mvn verify`). Run from the repository root:
#   benchmark/run.sh [-Dmodel=models/<id>] [-Dthreads=N] [-Dseconds=8]
# PyTorch eager needs the training code (training/, or HISTOSCOPE_TRAINING_DIR) and Debian's /usr/bin/python3 with
# torch; HISTOSCOPE_CHECKPOINT=training/runs/<run>/best.pt loads the trained weights (else random weights: same speed).
# The JVM runs with -Xmx1g: the 30000 x 30000 slide must fit in 1 GiB of heap.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -ntp -q test-compile -DskipTests
./mvnw -B -ntp -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/benchmark.classpath
exec java -Xmx1g "$@" -cp "target/test-classes:target/classes:$(cat target/benchmark.classpath)" \
    org.histoscope.benchmark.InferenceBenchmark
