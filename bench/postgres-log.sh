#!/usr/bin/env bash
# The log on PostgreSQL against the log on SQLite, in one run (issue 16). Starts a throwaway
# PostgreSQL server (interop/lib/postgres.sh: initdb in a temporary folder, default durability:
# fsync and synchronous_commit on) and, with the release build of sigil-bench and sigil-server:
#   1. appends over HTTP (wrk, 64 connections, distinct signed entries): SQLite, PostgreSQL with one
#      replica, PostgreSQL with two replicas (32 connections each), ROUNDS rounds each, medians;
#   2. bytes per entry in PostgreSQL after the one-replica rounds (pg_database_size over tree size);
#   3. inclusion and consistency proofs at PROOF_SIZE entries, read from SQLite and from PostgreSQL
#      (cold: a freshly opened log whose hash cache is empty, so every proof reads the database);
#   4. sequencer failover (bench/postgres-failover.sh).
# Usage: bench/postgres-log.sh [ROUNDS] [PROOF_SIZE]   (defaults 3, 1000000)
# Build first: swift build -c release --product sigil-server && swift build -c release --product sigil-bench
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
proof_size=${2:-1000000}
release=${SIGIL_RELEASE:-.build/release}
[ -x "$release/sigil-bench" ] && [ -x "$release/sigil-server" ] || { echo "build the release sigil-bench and sigil-server first (or set SIGIL_RELEASE)"; exit 1; }
work=$(mktemp -d)
pids=()
source interop/lib/postgres.sh
db_url() { echo "postgres://postgres@127.0.0.1:$pgport/$1?sslmode=disable"; }
newdb() { as_pg "$bin/createdb" -h 127.0.0.1 -p "$pgport" -U postgres "$1"; }
psql_at() { as_pg "$bin/psql" -h 127.0.0.1 -p "$pgport" -U postgres -d "$1" -At -c "$2"; }

http() {  # http LABEL [sigil-bench options...]: one round, prints "rate p50 p99"
  "$release/sigil-bench" log http --duration 10 --entries 60000 --connections 64 "${@:2}" >"$work/http.out" 2>&1 || { cat "$work/http.out"; exit 1; }
  rate=$(sed -n 's/.*throughput: *\([0-9]*\).*/\1/p' "$work/http.out")
  latency=$(sed -n 's/.*p50 \([0-9.]*\) ms, p90 [0-9.]* ms, p99 \([0-9.]*\) ms.*/\1 \2/p' "$work/http.out")
  echo "$rate $latency"
}
median() { sort -n | awk '{a[NR]=$0} END {print a[int((NR+1)/2)]}'; }

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); PostgreSQL $("$bin/postgres" --version | awk '{print $3}')"
declare -A rates p50s p99s
for round in $(seq "$rounds"); do
  for config in sqlite pg1 pg2; do
    case $config in
      sqlite) result=$(http "$config") ;;
      pg1) newdb "pg1_$round"; result=$(http "$config" --postgres-url "$(db_url "pg1_$round")")
           bytes=$(psql_at "pg1_$round" "SELECT pg_database_size(current_database())")
           entries=$(psql_at "pg1_$round" "SELECT count(*) FROM rekor_entries")
           echo "$bytes $entries" >>"$work/storage" ;;
      pg2) newdb "pg2_$round"; result=$(http "$config" --postgres-url "$(db_url "pg2_$round")" --replicas 2) ;;
    esac
    read -r rate p50 p99 <<<"$result"
    echo "  round $round $config: $rate entries/s, p50 $p50 ms, p99 $p99 ms"
    rates[$config]+="$rate "; p50s[$config]+="$p50 "; p99s[$config]+="$p99 "
  done
done
newdb empty
empty=$(psql_at empty "SELECT pg_database_size(current_database())")

echo
echo "| Storage | Appends/s (median of $rounds) | p50 | p99 | vs SQLite |"
echo "|---|---|---|---|---|"
sqlite_rate=$(tr ' ' '\n' <<<"${rates[sqlite]}" | grep . | median)
for config in sqlite pg1 pg2; do
  rate=$(tr ' ' '\n' <<<"${rates[$config]}" | grep . | median)
  p50=$(tr ' ' '\n' <<<"${p50s[$config]}" | grep . | median)
  p99=$(tr ' ' '\n' <<<"${p99s[$config]}" | grep . | median)
  label=$(case $config in sqlite) echo "SQLite, one process";; pg1) echo "PostgreSQL, one replica";; pg2) echo "PostgreSQL, two replicas";; esac)
  echo "| $label | $rate | $p50 ms | $p99 ms | $(awk -v a="$rate" -v b="$sqlite_rate" 'BEGIN {printf "%.2f", a / b}')× |"
done
awk -v empty="$empty" '{bytes += $1 - empty; entries += $2} END {printf "\nPostgreSQL bytes per entry (indexes included, empty database subtracted): %.0f over %d entries\n", bytes / entries, entries}' "$work/storage"

echo
echo "Proofs at $proof_size entries (µs), SQLite:"
"$release/sigil-bench" log proofs --sizes "$proof_size" --samples 5000 --cold-samples 1000 | tail -n +1
newdb proofs
echo "Proofs at $proof_size entries (µs), PostgreSQL:"
"$release/sigil-bench" log proofs --sizes "$proof_size" --samples 5000 --cold-samples 1000 --postgres-url "$(db_url proofs)"
echo
echo "Failover (SIGKILL of the sequencing replica to the next acknowledged entry):"
SIGIL_SERVER="$release/sigil-server" bash bench/postgres-failover.sh 3
