#!/usr/bin/env bash
# The never-reading heartbeat flood of issue 11, measured: a controller (child process, capped heap)
# with a well-behaved simulated fleet, and FLOODERS connections that say hello and then send
# heartbeats as fast as they can for SECONDS without ever reading an answer. Prints the controller's
# peak RSS, the slow_reader count and whether every simulated device is still connected and
# answering a power command.
# Usage: scripts/flood.sh [FLOODERS=50] [SECONDS=30] [DEVICES=200] [SLOW_READER_TIMEOUT=5s]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
flooders="${1:-50}"; seconds="${2:-30}"; devices="${3:-200}"; slow="${4:-5s}"
jar="$root/target/cync-canary.jar"
[ -f "$jar" ] || (cd "$root" && mvn -B -q -DskipTests package)
work="$(mktemp -d)"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
dport="$(free_port)"; hport="$(free_port)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

sed "s/slowReaderTimeout: 30s/slowReaderTimeout: $slow/" "$root/config/cync-canary.yaml" > "$work/config.yaml"
java -Xmx256m -XX:MaxDirectMemorySize=256m -jar "$jar" serve --config "$work/config.yaml" --device-port "$dport" --http-port "$hport" --tls-port -1 \
  --state-dir "$work/state" >"$work/serve.log" 2>&1 &
ctl=$!; pids+=("$ctl")
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$hport/healthz" >/dev/null && break; sleep 0.2; done
java -Xmx256m -jar "$jar" simulate --server "127.0.0.1:$dport" --devices "$devices" >"$work/sim.log" 2>&1 &
pids+=("$!")
token="$(cat "$work/state/admin-token")"
metric() { curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$hport/metrics" | grep -E "^$1" | awk '{s+=$2} END {print s+0}'; }
for _ in $(seq 1 100); do [ "$(metric tcp_comm_connected_devices)" = "$devices" ] && break; sleep 0.3; done
rss_before=$(awk '/VmRSS/ {print $2}' /proc/$ctl/status)

python3 - "$dport" "$flooders" "$seconds" <<'PY' &
import socket, sys, time, struct
port, n, secs = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
def hello(i):
    # 0x23 hello (31 bytes): header, 03, endpoint id, 00 10, 16 ASCII auth code, 00 00 3c (docs/protocol.md)
    body = b"\x03" + struct.pack(">I", 0x7e000000 + i) + b"\x00\x10" + ("flood%011d" % i).encode() + b"\x00\x00\x3c"
    return bytes([0x23, 0, 0, 0, len(body)]) + body
beats = bytes([0xd3, 0, 0, 0, 0]) * 20000
socks = []
for i in range(n):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(("127.0.0.1", port)); s.sendall(hello(i)); s.setblocking(False); socks.append(s)
end, sent, closed = time.time() + secs, 0, 0
while time.time() < end and socks:
    for s in list(socks):
        try:
            sent += s.send(beats)
        except BlockingIOError:
            pass
        except OSError:
            socks.remove(s); closed += 1
    time.sleep(0.001)
print("flood: %d connections, %.1f MB of heartbeats sent, %d closed by the controller" % (n, sent / 1e6, closed))
PY
flood=$!; pids+=("$flood")
peak=0
while kill -0 "$flood" 2>/dev/null; do
  r=$(awk '/VmRSS/ {print $2}' /proc/$ctl/status); [ "$r" -gt "$peak" ] && peak=$r; sleep 0.5
done
wait "$flood" || true
ok=0; first=$(curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$hport/api/devices?limit=5" | python3 -c 'import json,sys; print(" ".join(d["device"] for d in json.load(sys.stdin)["devices"]))')
for id in $first; do
  curl -sf -m 5 -H "Authorization: Bearer $token" -X POST -d '{"on": true}' "http://127.0.0.1:$hport/api/devices/$id/power" | grep -q '"succeeded" : true' && ok=$((ok+1))
done
echo "controller RSS: ${rss_before} kB before the flood, peak ${peak} kB during it (heap capped at 256 MB)"
echo "connected devices after: $(metric tcp_comm_connected_devices) of $devices; power commands answered: $ok of 5"
echo "slow_reader closes: $(metric 'tcp_comm_connection_failures_total\{reason="slow_reader"')"
