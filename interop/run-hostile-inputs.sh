#!/usr/bin/env bash
# Hostile-input sweep (interop/hostile_inputs.py) against a fresh `sigil-server all` on free loopback
# ports, in a temporary data folder: every route gets malformed, oversized, mistyped and forged input
# and must answer a 4xx with a JSON error, never a 5xx, a hang or lost or extra log entries; the
# server's log is then searched for the tokens sent and for private keys. Needs the debug build as
# `swift build` leaves it (or SIGIL_BIN_DIR) and a Python with `cryptography` (.venv if present).
# Prints one PASS/FAIL line per check and exits non-zero on any failure; KEEP=1 keeps the folder
# (server.log, data) for a look afterwards.
set -uo pipefail
cd "$(dirname "$0")/.."
. interop/lib/throwaway-stack.sh

"$python" interop/hostile_inputs.py --oidc "http://127.0.0.1:$oidc_port" --ca "http://127.0.0.1:$ca_port" \
  --log "http://127.0.0.1:$log_port" --tsa "http://127.0.0.1:$tsa_port" --server-log "$work/server.log" --data "$data"
status=$?

# The process survived the sweep and stops cleanly (SIGTERM: drain, flush, exit 0).
if kill -0 "$pid" 2>/dev/null; then echo "PASS sigil-server is still running after the sweep"; else echo "FAIL sigil-server died during the sweep"; status=1; fi
kill -TERM "$pid" 2>/dev/null
wait "$pid"
code=$?
pid=
if [ "$code" = 0 ]; then echo "PASS sigil-server exits 0 on SIGTERM after the sweep"; else echo "FAIL sigil-server exited $code on SIGTERM"; status=1; fi
exit $status
