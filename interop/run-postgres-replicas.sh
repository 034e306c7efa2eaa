#!/usr/bin/env bash
# Issue 16: two `sigil-server log` replicas on one throwaway PostgreSQL server (initdb in a
# temporary folder, as the postgres user when run as root, on a free loopback port).
# sigstore-python 4.5.1 verifies the answers of entries POSTed to one replica and read back from
# the other; the same entry sent to both replicas at once gets one 201 and one 409; /readyz shows
# one sequencer and one follower. Needs the debug build and `sigstore` importable by python3.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
pids=()
source interop/lib/postgres.sh

.build/debug/sigil-server init --data "$work/a" >/dev/null
cp -R "$work/a" "$work/b"
ports=()
for name in a b; do
  port=$(free_port)
  SIGIL_LOG_STORAGE=postgres SIGIL_LOG_POSTGRES_URL="$url" SIGIL_LOG_REPLICA_ID="$name" \
    .build/debug/sigil-server log --data "$work/$name" --port "$port" >"$work/$name.log" 2>&1 &
  pids+=($!)
  ports+=("$port")
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
done
a="http://127.0.0.1:${ports[0]}"
b="http://127.0.0.1:${ports[1]}"
roles="$(curl -s "$a/readyz") $(curl -s "$b/readyz")"
echo "$roles" | grep -q '"sequencerRole":"sequencer' || { echo "FAIL no replica holds the sequencer role: $roles"; exit 1; }
echo "$roles" | grep -q '"sequencerRole":"follower"' || { echo "FAIL no replica is a follower: $roles"; exit 1; }
echo "PASS one sequencer, one follower"

# Posted to the sequencer, read from the follower; then posted to the follower, read from the sequencer.
python3 interop/rekor_v1_with_sigstore_python.py "$a" "$work/a/log-public-key.pem" "$b"
python3 interop/rekor_v1_with_sigstore_python.py "$b" "$work/a/log-public-key.pem" "$a"

# The same entry at both replicas at once: one 201, one 409.
python3 - "$a" "$b" <<'PY'
import base64, hashlib, json, os, sys, threading, urllib.error, urllib.request
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, utils
key = ec.generate_private_key(ec.SECP256R1())
pem = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
failed = 0
for round in range(10):
    digest = hashlib.sha256(os.urandom(32)).digest()
    sig = key.sign(digest, ec.ECDSA(utils.Prehashed(hashes.SHA256())))
    body = json.dumps({"apiVersion": "0.0.1", "kind": "hashedrekord", "spec": {
        "signature": {"content": base64.b64encode(sig).decode(), "publicKey": {"content": base64.b64encode(pem).decode()}},
        "data": {"hash": {"algorithm": "sha256", "value": digest.hex()}}}}).encode()
    statuses = []
    def post(url):
        req = urllib.request.Request(url + "/api/v1/log/entries", data=body, headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req) as resp:
                statuses.append(resp.status)
        except urllib.error.HTTPError as e:
            statuses.append(e.code)
    threads = [threading.Thread(target=post, args=(u,)) for u in sys.argv[1:3]]
    for t in threads: t.start()
    for t in threads: t.join()
    ok = sorted(statuses) == [201, 409]
    failed += not ok
    print(("PASS" if ok else "FAIL") + f" same entry at both replicas, round {round}: {sorted(statuses)}")
sys.exit(1 if failed else 0)
PY
# The credentials-free URL is all the logs ever show.
if grep -q "password" "$work/a.log" "$work/b.log"; then echo "FAIL a log line mentions a password"; exit 1; fi
echo "PASS postgres replicas interop"
