#!/usr/bin/env bash
# Writes docs/status-page.png: the status page during a demo rollback. Starts the demo (300 simulated
# devices, the rollout a day per minute, the new transport losing half its commands from virtual day
# 2.5), waits for the automatic rollback, then photographs the page, unlocked with the demo's admin
# token, in Debian's chromium through Selenium; stops the demo. About four minutes.
# Needs chromium and chromium-driver (apt-get install chromium chromium-driver).
# Usage: scripts/status-page-screenshot.sh [OUT.png]   (default docs/status-page.png)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$(realpath -m "${1:-$root/docs/status-page.png}")"
work="$(mktemp -d)"
demo_pid=""
cleanup() {
  if [ -n "$demo_pid" ]; then kill "$demo_pid" 2>/dev/null || true; wait "$demo_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
(cd "$root" && mvn -B -q -Dstyle.color=never -DskipTests package) >&2
java -jar "$root/target/cync-canary.jar" demo --devices 300 --rate 400 --fault-at 2d12h --duration 15m \
  --http-port 0 --device-port 0 --tls-port -1 --state-dir "$work/state" > "$work/demo.log" 2>&1 &
demo_pid=$!
url=""
for _ in $(seq 1 60); do
  url="$(sed -n 's|^demo: status page on \(http://[^ ]*\) .*|\1|p' "$work/demo.log")"
  [ -n "$url" ] && break
  sleep 1
done
[ -n "$url" ] || { echo "the demo did not print its status page address; its log:" >&2; cat "$work/demo.log" >&2; exit 1; }
echo "demo at $url; waiting for the automatic rollback (about 3 minutes) ..." >&2
for _ in $(seq 1 360); do
  if curl -fsS "${url}metrics" | grep -q '^canary_rollbacks_total{trigger="auto"} [1-9]'; then break; fi
  sleep 1
done
curl -fsS "${url}metrics" | grep -q '^canary_rollbacks_total{trigger="auto"} [1-9]' \
  || { echo "no automatic rollback within 6 minutes; the demo's log is in $work/demo.log" >&2; trap - EXIT; kill "$demo_pid"; exit 1; }
sleep 15   # a few more samples after the rollback, so the charts show the new transport's traffic stop
(cd "$root" && mvn -B -o -q -Dstyle.color=never test -Dtest=StatusPageScreenshot -Dsurefire.failIfNoSpecifiedTests=false \
  -Dcync.screenshot.url="$url" -Dcync.screenshot.token-file="$work/state/admin-token" -Dcync.screenshot.out="$out") >&2
echo "wrote $out" >&2
