#!/usr/bin/env bash
# Starts a fresh `sigil-server log` on loopback and checks its Rekor v2 log with sigstore-python
# 4.5.1's RekorV2Client and an independent RFC 6962 / C2SP check (interop/rekor_v2_with_sigstore_python.py).
# Needs the debug build (`swift build`) and `sigstore` importable by python3.
set -euo pipefail
cd "$(dirname "$0")/.."
data=$(mktemp -d)
port=3932
trap 'kill $pid 2>/dev/null || true; rm -rf "$data"' EXIT
.build/debug/sigil-server init --data "$data/sigil" >/dev/null
.build/debug/sigil-server log --data "$data/sigil" --port $port >"$data/server.log" 2>&1 &
pid=$!
for _ in $(seq 100); do
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
python3 interop/rekor_v2_with_sigstore_python.py "http://127.0.0.1:$port" "$data/sigil/trusted_root.json"
