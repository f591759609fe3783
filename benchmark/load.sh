#!/usr/bin/env bash
# Load test (not part of `mvn verify`). Run from the repository root:
#   benchmark/load.sh [-Dclients=50] [-Dbrowsers=10] [-Dseconds=300] [-DslideEvery=20] [-DmaxUploads=20000]
#                     [-DpollMillis=100] [-DjobTimeoutSeconds=600] [-Dport=0] [-DdataDir=target/load/<random>]
#                     [-DbrowserNice=0]
# Starts the app on 127.0.0.1 only (embedded PostgreSQL, the shipped model, the shipped queue settings) in the
# benchmark's JVM, runs N API clients (case -> upload -> poll -> result -> reports) and M headless Chromium sessions
# (case page, patch result, slide viewer) for the given seconds, then prints throughput, p50/p95/p99 per operation,
# errors, the database check of every job (lost / run twice), heap per open Vaadin UI and the connection pool's peak.
# Needs Debian's chromium and chromedriver (/usr/bin) when -Dbrowsers > 0. See benchmark/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -ntp -q test-compile -DskipTests
./mvnw -B -ntp -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/benchmark.classpath
exec java -Xmx${LOAD_HEAP:-4g} "$@" -cp "target/test-classes:target/classes:$(cat target/benchmark.classpath)" \
    org.histoscope.benchmark.LoadBenchmark
