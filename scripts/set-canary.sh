#!/usr/bin/env bash
# The spec's manual procedure: set the canary percentage on a running controller.
#   scripts/set-canary.sh PERCENT [REASON]
#   scripts/set-canary.sh 0                  # immediate rollback: every device to legacy
# The controller is $CYNC_URL (default http://127.0.0.1:9400); the token is $CYNC_ADMIN_TOKEN or the
# admin-token file in $CYNC_STATE_DIR (default ./cync-canary-state). Verify with:
#   curl -s ${CYNC_URL:-http://127.0.0.1:9400}/metrics | grep canary_percentage
set -euo pipefail
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: $0 PERCENT [REASON]" >&2
  exit 2
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
exec "$root/bin/cync-canary" set-canary "$1" --reason "${2:-scripts/set-canary.sh by ${USER:-unknown}}" \
  --state-dir "${CYNC_STATE_DIR:-cync-canary-state}"
