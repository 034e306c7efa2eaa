#!/usr/bin/env bash
# Sequencer failover on PostgreSQL (issue 16): two `sigil-server log` replicas on a throwaway
# PostgreSQL server; ROUNDS times, SIGKILL the replica holding the sequencer role and time, from the
# kill, the first entry the other replica acknowledges (201). The killed replica is restarted as a
# follower before the next round. Needs the debug build (or SIGIL_SERVER=path) and python3 with
# `cryptography`. Usage: bench/postgres-failover.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
server=${SIGIL_SERVER:-.build/debug/sigil-server}
work=$(mktemp -d)
declare -A pids
source interop/lib/postgres.sh
"$server" init --data "$work/a" >/dev/null
cp -R "$work/a" "$work/b"
declare -A ports=([a]=$(free_port) [b]=$(free_port))
start() {
  SIGIL_LOG_STORAGE=postgres SIGIL_LOG_POSTGRES_URL="$url" "$server" log --data "$work/$1" --port "${ports[$1]}" >>"$work/$1.log" 2>&1 &
  pids[$1]=$!
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:${ports[$1]}/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
}
start a; start b
role() { curl -s "http://127.0.0.1:${ports[$1]}/readyz" | grep -q '"sequencerRole":"sequencer'; }
for round in $(seq "$rounds"); do
  leader=""
  for _ in $(seq 100); do
    for name in a b; do role "$name" && leader=$name; done
    [ -n "$leader" ] && break; sleep 0.1
  done
  other=$([ "$leader" = a ] && echo b || echo a)
  python3 - "http://127.0.0.1:${ports[$other]}" "${pids[$leader]}" "$round" <<'PY'
import base64, hashlib, json, os, signal, sys, time, urllib.request
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, utils
url, pid, round = sys.argv[1], int(sys.argv[2]), sys.argv[3]
key = ec.generate_private_key(ec.SECP256R1())
pem = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
def body():
    digest = hashlib.sha256(os.urandom(32)).digest()
    sig = key.sign(digest, ec.ECDSA(utils.Prehashed(hashes.SHA256())))
    return json.dumps({"apiVersion": "0.0.1", "kind": "hashedrekord", "spec": {
        "signature": {"content": base64.b64encode(sig).decode(), "publicKey": {"content": base64.b64encode(pem).decode()}},
        "data": {"hash": {"algorithm": "sha256", "value": digest.hex()}}}}).encode()
start = time.time()
os.kill(pid, signal.SIGKILL)
while True:
    try:
        req = urllib.request.Request(url + "/api/v1/log/entries", data=body(), headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as resp:
            if resp.status == 201:
                break
    except Exception:
        time.sleep(0.01)
print(f"round {round}: first acknowledged entry {time.time() - start:.2f} s after SIGKILL of the sequencer")
PY
  wait "${pids[$leader]}" 2>/dev/null || true
  start "$leader"
done
