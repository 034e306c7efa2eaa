#!/usr/bin/env bash
# Issue 16: two `sigil-server log` replicas on one throwaway PostgreSQL server (initdb in a
# temporary folder, as the postgres user when run as root, on a free loopback port).
# sigstore-python 4.5.1 verifies the answers of entries POSTed to one replica and read back from
# the other; the same entry sent to both replicas at once gets one 201 and one 409; /readyz shows
# one sequencer and one follower; `sigstore sign` goes through one replica and `sigstore verify`
# accepts the entry as the other serves it. Needs the debug build and `sigstore` importable by python3.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
pids=()
source interop/lib/postgres.sh

# The stack's URLs on free ports: the signing config sends clients to replica a's log.
declare -A at=([log]=$(free_port) [ca]=$(free_port) [oidc]=$(free_port) [tsa]=$(free_port))
.build/debug/sigil-server init --data "$work/a" --log-url "http://127.0.0.1:${at[log]}" --ca-url "http://127.0.0.1:${at[ca]}" \
  --oidc-url "http://127.0.0.1:${at[oidc]}" --tsa-url "http://127.0.0.1:${at[tsa]}" >/dev/null
cp -R "$work/a" "$work/b"
ports=()
for name in a b; do
  port=$([ "$name" = a ] && echo "${at[log]}" || free_port)
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
# The real sigstore client signs through replica a (the CA, the issuer and the TSA run beside it)
# and verifies what replica b serves: a Rekor v1 entry rebuilt into the bundle from b's answer, and
# for the default Rekor v2 entry, b's checkpoint for the same tree size.
for server in oidc ca tsa; do
  .build/debug/sigil-server "$server" --data "$work/a" >"$work/$server.log" 2>&1 &
  pids+=($!)
done
for server in oidc ca tsa; do
  for _ in $(seq 150); do curl -fs "http://127.0.0.1:${at[$server]}/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
done
token=$(curl -fs -X POST -d "subject=alice@example.com&email=alice@example.com" "http://127.0.0.1:${at[oidc]}/token" \
  | python3 -c "import json,sys; print(json.load(sys.stdin)['id_token'])")
python3 - "$work/a/trust_config.json" "$work/v1_trust_config.json" <<'PY'
import json, sys
config = json.load(open(sys.argv[1]))
config["signingConfig"]["rekorTlogUrls"] = [u for u in config["signingConfig"]["rekorTlogUrls"] if u["majorApiVersion"] == 1]
json.dump(config, open(sys.argv[2], "w"))
PY
echo "artifact through replica a $(date +%s%N)" >"$work/v1.txt"
echo "v2 artifact through replica a $(date +%s%N)" >"$work/v2.txt"
sigstore --trust-config "$work/v1_trust_config.json" sign --identity-token "$token" --bundle "$work/v1.sigstore.json" "$work/v1.txt" >"$work/sign.out" 2>&1 \
  || { echo "FAIL sigstore sign (Rekor v1) through replica a"; cat "$work/sign.out"; exit 1; }
echo "PASS sigstore sign (Rekor v1) through replica a"
python3 interop/bundle_from_replica.py "$work/v1.sigstore.json" "$b" "$work/v1.from-b.sigstore.json"
sigstore --trust-config "$work/a/trust_config.json" verify identity --offline --bundle "$work/v1.from-b.sigstore.json" \
  --cert-identity alice@example.com --cert-oidc-issuer "http://127.0.0.1:${at[oidc]}" "$work/v1.txt" >"$work/verify.out" 2>&1 \
  || { echo "FAIL sigstore verify of the entry as replica b serves it"; cat "$work/verify.out"; exit 1; }
echo "PASS sigstore verifies the entry as replica b serves it (inclusion proof, checkpoint, SET from b)"
sigstore --trust-config "$work/a/trust_config.json" sign --identity-token "$token" --bundle "$work/v2.sigstore.json" "$work/v2.txt" >"$work/sign.out" 2>&1 \
  || { echo "FAIL sigstore sign (default: Rekor v2 + TSA) through replica a"; cat "$work/sign.out"; exit 1; }
sigstore --trust-config "$work/a/trust_config.json" verify identity --offline --bundle "$work/v2.sigstore.json" \
  --cert-identity alice@example.com --cert-oidc-issuer "http://127.0.0.1:${at[oidc]}" "$work/v2.txt" >"$work/verify.out" 2>&1 \
  || { echo "FAIL sigstore verify of the Rekor v2 bundle"; cat "$work/verify.out"; exit 1; }
python3 - "$work/v2.sigstore.json" "$b" <<'PY' || exit 1
import json, sys, time, urllib.request
entry = json.load(open(sys.argv[1]))["verificationMaterial"]["tlogEntries"][0]
assert entry["kindVersion"]["version"] == "0.0.2", entry["kindVersion"]
envelope = entry["inclusionProof"]["checkpoint"]["envelope"]
size = int(entry["inclusionProof"]["treeSize"])
for _ in range(40):
    served = urllib.request.urlopen(sys.argv[2] + "/rekor-v2/checkpoint").read().decode()
    if int(served.splitlines()[1]) >= size:
        break
    time.sleep(0.05)
# Ed25519 signatures are deterministic: the same tree head signed by the same key is the same note.
ok = int(served.splitlines()[1]) > size or served == envelope
print(("PASS" if ok else "FAIL") + " sigstore signs with Rekor v2 through replica a, and replica b serves the same checkpoint")
sys.exit(0 if ok else 1)
PY

# The credentials-free URL is all the logs ever show.
if grep -q "password" "$work/a.log" "$work/b.log"; then echo "FAIL a log line mentions a password"; exit 1; fi
echo "PASS postgres replicas interop"
