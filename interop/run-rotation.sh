#!/usr/bin/env bash
# Key rotation end to end: sign with the first CA intermediate and log key, rotate both, sign
# again, and check that sigil and sigstore-python (if on PATH) verify both bundles with the new
# trust config, and that the new trusted root records validFor windows. Needs the debug build.
set -euo pipefail
cd "$(dirname "$0")/.."
source interop/lib/ports.sh
require_default_stack_ports
work=$(mktemp -d)
data="$work/sigil"
sigil=.build/debug/sigil
pid=
start() {
  .build/debug/sigil-server all --data "$data" --ca-config ca >>"$work/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 150); do
    curl -fs http://127.0.0.1:3000/readyz >/dev/null 2>&1 && curl -fs http://127.0.0.1:5555/readyz >/dev/null 2>&1 && return
    sleep 0.2
  done
  echo "stack did not come up"; tail -5 "$work/server.log"; exit 1
}
stop() { kill -TERM "$pid"; wait "$pid"; }
trap 'kill $pid 2>/dev/null || true; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
token() { curl -fs -X POST -d "subject=$1&email=$1" http://127.0.0.1:5556/token | sed -n 's/.*"id_token" *: *"\([^"]*\)".*/\1/p'; }
sign() {
  echo "$1 $(date +%s%N)" >"$work/$1.txt"
  "$sigil" sign-blob "$work/$1.txt" --trust-config "$data/trust_config.json" --identity-token "$(token alice@example.com)" >/dev/null
}
verify_all() {
  for name in before after; do
    "$sigil" verify-blob "$work/$name.txt" --bundle "$work/$name.txt.sigstore.json" --trust-config "$data/trust_config.json" \
      --certificate-identity alice@example.com --certificate-oidc-issuer http://127.0.0.1:5556 >/dev/null
    echo "PASS sigil verifies the bundle signed $name the rotation"
    if command -v sigstore >/dev/null; then
      sigstore --trust-config "$data/trust_config.json" verify identity --offline --bundle "$work/$name.txt.sigstore.json" \
        --cert-identity alice@example.com --cert-oidc-issuer http://127.0.0.1:5556 "$work/$name.txt" >/dev/null 2>&1
      echo "PASS sigstore verifies the bundle signed $name the rotation"
    fi
  done
}

start
sign before
stop
.build/debug/sigil-server rotate ca-intermediate --data "$data"
.build/debug/sigil-server rotate log-key --data "$data"
.build/debug/sigil-server rotate rekor-v2-key --data "$data"
start
sign after
python3 - "$data/trusted_root.json" "$work/before.txt.sigstore.json" "$work/after.txt.sigstore.json" <<'PY'
import json, sys
root = json.load(open(sys.argv[1]))
cas, tlogs = root["certificateAuthorities"], root["tlogs"]
assert len(cas) == 2 and "end" in cas[0]["validFor"] and "end" not in cas[1]["validFor"], cas
# The Rekor v1 log and the Rekor v2 log (Ed25519) each rotated once: an ended and an open window each.
for name, logs in (("v1", [t for t in tlogs if t["publicKey"]["keyDetails"] != "PKIX_ED25519"]),
                   ("v2", [t for t in tlogs if t["publicKey"]["keyDetails"] == "PKIX_ED25519"])):
    windows = [t["publicKey"]["validFor"] for t in logs]
    assert len(logs) == 2 and "end" in windows[0] and "end" not in windows[1], (name, windows)
    assert logs[0]["logId"]["keyId"] != logs[1]["logId"]["keyId"], name
before, after = (json.load(open(p)) for p in sys.argv[2:4])
ids = [b["verificationMaterial"]["tlogEntries"][0]["logId"]["keyId"] for b in (before, after)]
assert ids[0] != ids[1], "the two bundles must come from different log keys"
print("PASS the trusted root has closed and open validFor windows for both keys; the bundles name different logs")
PY
verify_all
stop
ls "$data/ca/retired/"intermediate-*.pem "$data/retired/"log-*.sqlite "$data/retired/"log-*-public-key.pem >/dev/null
ls "$data/retired/"rekor-v2-*.sqlite "$data/retired/"rekor-v2-*-public-key.pem >/dev/null
.build/debug/sigil-server ca --data "$data" --check-config >/dev/null 2>&1
.build/debug/sigil-server log --data "$data" --check-config >/dev/null 2>&1
echo "PASS the old intermediate and the frozen log are kept under retired/; the CA and log load the new keys"
