#!/usr/bin/env bash
# The Home Assistant bridge's benchmark (docs/BENCHMARKS.md): discovery of 1,000 devices and
# command -> published state latency, against a real mosquitto (apt-get install mosquitto) that it
# starts on a free loopback port and stops. Usage: scripts/bench-mqtt.sh [DEVICES [COMMANDS]] (the bridge
# alone, with an in-process fleet), or scripts/bench-mqtt.sh controller [DEVICES [COMMANDS]] (the whole path:
# the real controller and the simulated fleet over loopback TCP).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
cp_file="target/bench-mqtt.classpath"
mvn -B -q -Dstyle.color=never test-compile dependency:build-classpath -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test >&2
# mosquitto lives in /usr/sbin, which is not on every PATH.
main=dev.cync.canary.mqtt.MqttBench
if [[ "${1:-}" == controller ]]; then
  main=dev.cync.canary.cli.MqttControllerBench
  shift
fi
PATH="$PATH:/usr/sbin" exec java -Xmx1g -cp "target/test-classes:target/classes:$(cat "$cp_file")" "$main" "$@"
