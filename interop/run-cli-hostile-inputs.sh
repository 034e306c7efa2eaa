#!/usr/bin/env bash
# Hostile-input sweep of the `sigil` CLI (interop/cli_hostile_inputs.py) against a fresh
# `sigil-server all` on free loopback ports, in a temporary folder: bundles, certificates, proofs,
# trust configs, keys, identity flags, log subcommands (also against servers that answer garbage,
# 100 MB, nothing or a hostile log), OCI layouts, trust-instance and signing each get malformed,
# oversized and forged input; every case must end (no hang), without a signal (no Swift trap), with
# a clear `Error:` line and a non-zero exit, print no secret, and leave stored files as they were.
# Needs the debug build as `swift build` leaves it (or SIGIL_BIN_DIR) and a Python with
# `cryptography` (.venv if present). Prints one PASS/FAIL line per check and exits non-zero on any
# failure; KEEP=1 keeps the folder (every input stays there, so each FAIL's repro line works).
# Not yet run by .ci/run: it still fails on exponential regular expressions (Swift's Regex
# backtracks), an OCI layout whose blob is a FIFO (hangs), and plain errors for paths that are
# directories (a Foundation error dump instead of a sentence). Each of those is its own fix.
set -uo pipefail
cd "$(dirname "$0")/.."
bin=${SIGIL_BIN_DIR:-.build/debug}
python=python3
[ -x .venv/bin/python3 ] && python=.venv/bin/python3
work=$(mktemp -d)
data="$work/sigil"
pid=
trap 'if [ -n "$pid" ]; then kill $pid 2>/dev/null; wait $pid 2>/dev/null; fi; [ -n "${KEEP:-}" ] && echo "kept $work" || rm -rf "$work"' EXIT

# Four free ports, none of them the defaults (a stack on 3000/5555/5556/5557 is left alone).
read -r oidc_port ca_port log_port tsa_port < <("$python" - <<'PY'
import socket
ports, held = [], []
while len(ports) < 4:
    s = socket.socket(); s.bind(("127.0.0.1", 0)); held.append(s)
    if s.getsockname()[1] not in (3000, 5555, 5556, 5557):
        ports.append(s.getsockname()[1])
print(*ports)
PY
)
"$bin/sigil-server" all --data "$data" --ca-config ca --oidc-port "$oidc_port" --ca-port "$ca_port" \
  --log-port "$log_port" --tsa-port "$tsa_port" >"$work/server.log" 2>&1 &
pid=$!
ready=
for _ in $(seq 150); do
  if curl -fs "http://127.0.0.1:$log_port/readyz" >/dev/null 2>&1 && curl -fs "http://127.0.0.1:$ca_port/readyz" >/dev/null 2>&1 &&
     curl -fs "http://127.0.0.1:$oidc_port/readyz" >/dev/null 2>&1 && curl -fs "http://127.0.0.1:$tsa_port/readyz" >/dev/null 2>&1; then
    ready=1; break
  fi
  sleep 0.2
done
if [ -z "$ready" ]; then
  echo "FAIL the stack did not become ready"; tail -5 "$work/server.log"; exit 1
fi

"$python" interop/cli_hostile_inputs.py --sigil "$bin/sigil" --oidc "http://127.0.0.1:$oidc_port" \
  --ca "http://127.0.0.1:$ca_port" --log "http://127.0.0.1:$log_port" --tsa "http://127.0.0.1:$tsa_port" \
  --trust-config "$data/trust_config.json" --work "$work/cli" ${ONLY:+--only "$ONLY"}
status=$?

# The stack was only a source of material: it must have survived every client run.
if kill -0 "$pid" 2>/dev/null; then echo "PASS sigil-server is still running after the sweep"; else echo "FAIL sigil-server died during the sweep"; status=1; fi
kill -TERM "$pid" 2>/dev/null
wait "$pid"
pid=
exit $status
