#!/usr/bin/env bash
# Whole-slide throughput (not part of `mvn verify`), from the repository root:
#   benchmark/slides.sh [-Drounds=3] [-Dthreads=N] [-Dslides=svs|tif]
# Generates target/benchmark-30000.tif (single-level Deflate TIFF, four copies of the committed IDC region on glass)
# and target/benchmark-30000-4um.svs (the same as a JPEG pyramid SVS at 4 um per pixel, made with libvips: apt-get install libvips-tools
# libtiff-tools), then prints the table of benchmark/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v vips >/dev/null && command -v tiffset >/dev/null || {
    echo "needs libvips-tools and libtiff-tools (apt-get install libvips-tools libtiff-tools)" >&2; exit 1; }
./mvnw -B -ntp -q test-compile -DskipTests
./mvnw -B -ntp -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/benchmark.classpath
exec java -Xmx2g "$@" -cp "target/test-classes:target/classes:$(cat target/benchmark.classpath)" \
    org.histoscope.benchmark.SlideThroughputBenchmark
