#!/usr/bin/env bash
# Compares two release builds on this machine in one run, alternating them so that drift in the
# machine's speed falls on both alike (absolute rates here move by a third between days; ratios
# measured in one run do not). Run from the repository root (sigil-bench reads ca/ from it).
#
#   bench/compare-builds.sh OLD_BIN_DIR NEW_BIN_DIR [ROUNDS]
#
# Each BIN_DIR holds a release sigil-bench and sigil-server (`swift build -c release`). Needs wrk.
set -euo pipefail
old=$1 new=$2 rounds=${3:-3}
for round in $(seq "$rounds"); do
  for side in old new; do
    bin=${!side}/sigil-bench
    echo "== round $round $side: log http";  "$bin" log http --duration 10 --connections 64 | grep -E "throughput|latency"
    echo "== round $round $side: ca";        "$bin" ca --duration 10 --connections 4 | grep -E "throughput|latency"
    echo "== round $round $side: storage";   "$bin" log storage --entries 200000 --batch 10000 | grep throughput
  done
done
for side in old new; do
  echo "== $side: proofs"; "${!side}/sigil-bench" log proofs --sizes 10000,100000 | tail -5
done
