#!/usr/bin/env bash
# Runs every transport benchmark of docs/BENCHMARKS.md, one after another (never in parallel: the
# machine is the controller and the fleet at once), writing JSON to target/bench/.
# Usage: scripts/bench-transports.sh [SCENARIO...]   scenarios: nofault closed loss latency dup nodedup partition memory
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/target/bench"
mkdir -p "$out"
java_opts="${CYNC_JAVA_OPTS:--Xms4g -Xmx4g}"
# Build once, then run a frozen copy: edits made while the benchmarks run cannot leak into them.
(cd "$root" && mvn -B -q -Dstyle.color=never -DskipTests package) >&2
jar="$out/cync-canary-bench.jar"
cp "$root/target/cync-canary.jar" "$jar"
run() { java $java_opts -jar "$jar" "$@"; }
bench() { local name=$1; shift; echo "== $name: bench $*" >&2; run bench --json "$@" > "$out/$name.json"; }
scenarios=("$@")
[ ${#scenarios[@]} -eq 0 ] && scenarios=(nofault closed loss latency dup nodedup partition memory)
for s in "${scenarios[@]}"; do
  case "$s" in
    nofault)   bench nofault   --devices 1000 --commands 300000 --rate 20000 ;;
    closed)    bench closed    --devices 1000 --commands 300000 ;;
    loss)      bench loss      --devices 1000 --commands 60000 --rate 2000 --loss 0.2 --latency-ms 10 --arms legacy,reliable ;;
    latency)   bench latency   --devices 1000 --commands 30000 --rate 1000 --latency-ms 500 --arms legacy,reliable ;;
    dup)       bench dup       --devices 1000 --commands 50000 --rate 5000 --duplicate 0.5 --arms legacy,reliable ;;
    nodedup)   bench nodedup   --devices 1000 --commands 50000 --rate 5000 --duplicate 0.5 --arms reliable --no-dedup ;;
    partition) bench partition --devices 1000 --commands 60000 --rate 2000 --partition-at 15s --partition-for 10s --partition-share 0.5 --arms reliable ;;
    memory)    echo "== memory: bench --memory --devices 10000" >&2; run bench --memory --devices 10000 > "$out/memory.json" ;;
    *) echo "unknown scenario $s" >&2; exit 2 ;;
  esac
done
echo "results in $out" >&2
