#!/usr/bin/env bash
# Issue 16's chaos test: three `sigil-server log` replicas on one throwaway PostgreSQL server under
# concurrent load; the sequencing replica is SIGKILLed, another SIGSTOPped past its lease and
# resumed, and PostgreSQL itself crashes and restarts. interop/postgres_chaos.py then checks, with
# its own RFC 6962 code, that nothing acknowledged was lost, no index was assigned twice and every
# checkpoint any client saw is consistent with the final tree. Needs the debug build (or
# SIGIL_SERVER=path) and python3 with `cryptography`. Usage: run-postgres-chaos.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
server=${SIGIL_SERVER:-.build/debug/sigil-server}
work=$(mktemp -d)
pids=()
source interop/lib/postgres.sh
"$server" init --data "$work/a" >/dev/null
cp -R "$work/a" "$work/b"
cp -R "$work/a" "$work/c"
python3 interop/postgres_chaos.py "$server" "$work/a" "$work/b" "$work/c" "$url" "$bin" "$work/pg" "$pgport" "$work" "${1:-24}" || {
  for name in a b c; do echo "--- $name.log (tail)"; tail -20 "$work/$name.log"; done
  exit 1
}
if grep -qi "password" "$work"/[abc].log; then echo "FAIL a log line mentions a password"; exit 1; fi
echo "PASS postgres chaos"
