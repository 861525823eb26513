#!/usr/bin/env bash
# Runs the JMH micro benchmarks (src/test/java/dev/cync/canary/bench) with the GC profiler.
# Usage: scripts/jmh.sh [BENCHMARK_REGEX] [extra JMH options, e.g. -f 2 -wi 5]
# Results: printed, and written as JSON to target/jmh-result.json.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mvn -B -q -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile=target/test.classpath
cp="target/test-classes:target/classes:$(cat target/test.classpath)"
regex="${1:-.}"
shift || true
exec java -cp "$cp" org.openjdk.jmh.Main "$regex" -prof gc -rf json -rff target/jmh-result.json "$@"
