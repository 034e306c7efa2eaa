#!/usr/bin/env bash
# Runs examples/ci-job.sh against a fresh `sigil-server all` on loopback, then stops the stack with
# SIGTERM and requires a clean exit (queued entries committed, databases closed). Needs the debug build.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
source interop/lib/ports.sh
require_default_stack_ports
work=$(mktemp -d)
.build/debug/sigil-server all --data "$work/.sigil" --ca-config ca >"$work/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 150); do
  curl -fs http://127.0.0.1:3000/readyz >/dev/null 2>&1 && curl -fs http://127.0.0.1:5555/readyz >/dev/null 2>&1 \
    && curl -fs http://127.0.0.1:5556/readyz >/dev/null 2>&1 && break
  sleep 0.2
done
# The defaults of the script (./.sigil, sigil on PATH) are what a user in the repository gets.
(cd "$work" && PATH="$repo/.build/debug:$PATH" sh "$repo/examples/ci-job.sh")
kill -TERM $pid
status=0
wait $pid || status=$?
if [ $status != 0 ] || ! grep -q '"message":"flushed and closed"' "$work/server.log"; then
  echo "sigil-server all did not shut down cleanly on SIGTERM (exit $status)"; tail -5 "$work/server.log"; exit 1
fi
echo "sigil-server all stopped cleanly on SIGTERM"
