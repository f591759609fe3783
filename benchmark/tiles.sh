#!/usr/bin/env bash
# Deep-zoom tile latency (not part of `mvn verify`). Run from the repository root:
#   benchmark/tiles.sh <slide> [tiles per level]
# A 16384 x 10650 pyramid SVS-like test slide can be made from the committed IDC region with libvips:
#   vips resize src/test/resources/images/slide/idc-8984-region.png /tmp/big.v 8.192
#   vips tiffsave /tmp/big.v /tmp/big-pyramid.tif --tile --tile-width 256 --tile-height 256 --pyramid --compression jpeg --Q 85
#   vips tiffsave /tmp/big.v /tmp/big-flat.tif --tile --tile-width 256 --tile-height 256 --compression jpeg --Q 85
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -ntp -q test-compile -DskipTests
./mvnw -B -ntp -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/benchmark.classpath
exec java -Xmx1g -cp "target/test-classes:target/classes:$(cat target/benchmark.classpath)" \
    org.histoscope.viewer.TileLatencyBenchmark "$@"
