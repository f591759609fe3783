#!/usr/bin/env bash
# REST API latency of a patch upload -> result (not part of `mvn verify`). Run from the repository root:
#   benchmark/api-latency.sh [-Dcount=100]
# Starts the app with an embedded PostgreSQL and the real model, creates an API token, then sends the uploads
# one after another and prints p50 / p95 / max of upload -> job DONE -> result read, the queue wait on its own line
# ("queue wait p95: N ms": upload answered -> job started) and the job's own run time, to its stored result and,
# for a third as many uploads sent one job at a time, to its stored explanation. Runs on a fresh clone: the
# app starts from target/classes with Vaadin in production mode (the benchmark passes vaadin.productionMode=true,
# as Maven's build-frontend token is deleted when Maven exits) and with the shipped queue settings.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -ntp -q test-compile -DskipTests
./mvnw -B -ntp -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/benchmark.classpath
exec java -Xmx1g "$@" -cp "target/test-classes:target/classes:$(cat target/benchmark.classpath)" \
    org.histoscope.benchmark.ApiLatencyBenchmark
