#!/usr/bin/env bash
# Issue 14, signing as the public instance does today: sigstore-python 4.5.1 given the stack's
# trust config picks the Rekor v2 log and the TSA by itself (highest major version per operator),
# verifies its own bundle offline, and `sigil verify-blob` accepts it. Both tools reject the same
# tampered variants: a timestamp token from another TSA key, a token whose message imprint is over
# another signature, a genTime outside the TSA's validFor, a modified inclusion proof, a
# checkpoint signed by another key.
# Runs a fresh `sigil-server all` on its own ports (SIGIL_V2_INTEROP_BASE, 4 consecutive) plus a
# second TSA from another data folder. Then `sigil sign-blob`/`attest --rekor-version 2` sign
# through the same v2 log and TSA, and sigstore accepts those bundles. Needs the debug build, curl, openssl and `sigstore` on PATH.
set -uo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
data="$work/sigil"
sigil=.build/debug/sigil
base=${SIGIL_V2_INTEROP_BASE:-13550}
oidc=$base ca=$((base + 1)) log=$((base + 2)) tsa=$((base + 3)) other_tsa=$((base + 4))
source interop/lib/checks.sh

SIGIL_OIDC_PORT=$oidc SIGIL_CA_PORT=$ca SIGIL_LOG_PORT=$log SIGIL_TSA_PORT=$tsa \
  .build/debug/sigil-server all --data "$data" --ca-config ca >"$work/server.log" 2>&1 &
pid=$!
.build/debug/sigil-server init --data "$work/other" >/dev/null
.build/debug/sigil-server tsa --data "$work/other" --port $other_tsa >"$work/other-tsa.log" 2>&1 &
other_pid=$!
trap 'kill $pid $other_pid 2>/dev/null; wait $pid $other_pid 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
for _ in $(seq 150); do
  curl -fs http://127.0.0.1:$ca/readyz >/dev/null 2>&1 && curl -fs http://127.0.0.1:$log/readyz >/dev/null 2>&1 \
    && curl -fs http://127.0.0.1:$tsa/healthz >/dev/null 2>&1 && curl -fs http://127.0.0.1:$other_tsa/healthz >/dev/null 2>&1 && break
  sleep 0.2
done
trust="$data/trust_config.json"

token() { curl -fs -X POST -d "subject=$1&email=$1" http://127.0.0.1:$oidc/token | python3 -c "import json,sys; print(json.load(sys.stdin)['id_token'])"; }
identity=alice@example.com
issuer=http://127.0.0.1:$oidc
echo "artifact $(date +%s%N)" >"$work/a.txt"

sigstore_verify() {  # BUNDLE
  sigstore --trust-config "$trust" verify identity --offline --bundle "$1" --cert-identity $identity --cert-oidc-issuer $issuer "$work/a.txt"
}
sigil_verify() {  # BUNDLE
  $sigil verify-blob "$work/a.txt" --bundle "$1" --trust-config "$trust" --certificate-identity $identity --certificate-oidc-issuer $issuer
}

check "sigstore sign --trust-config against the stack" 0 \
  sigstore --trust-config "$trust" sign --identity-token "$(token $identity)" --bundle "$work/a.sigstore.json" "$work/a.txt"
if [ ! -s "$work/a.sigstore.json" ]; then
  echo "sigstore produced no bundle; the remaining checks cannot run"; tail -5 "$work/server.log"
  echo "$passed passed, $((failed + 1)) failed"; exit 1
fi
shape() {  # the bundle went through the v2 log and carries an RFC 3161 timestamp
  python3 - "$work/a.sigstore.json" "$data/trusted_root.json" <<'PY'
import json, sys
bundle, root = (json.load(open(p)) for p in sys.argv[1:3])
entry = bundle["verificationMaterial"]["tlogEntries"][0]
assert entry["kindVersion"] == {"kind": "hashedrekord", "version": "0.0.2"}, entry["kindVersion"]
assert "inclusionPromise" not in entry and "checkpoint" in entry["inclusionProof"], entry
v2 = [t for t in root["tlogs"] if t["publicKey"]["keyDetails"] == "PKIX_ED25519"]
assert entry["logId"]["keyId"] == v2[-1]["logId"]["keyId"], "not the v2 log's key ID"
assert len(bundle["verificationMaterial"]["timestampVerificationData"]["rfc3161Timestamps"]) == 1
PY
}
check "sigstore picked the Rekor v2 log and the TSA (hashedrekord 0.0.2, no promise, one RFC 3161 timestamp)" 0 shape
check "sigstore verify identity --offline accepts its own v2 + TSA bundle" 0 sigstore_verify "$work/a.sigstore.json"
check "sigil verify-blob accepts sigstore's v2 + TSA bundle" 0 sigil_verify "$work/a.sigstore.json"

# Tampered variants. Timestamps: a token over this bundle's signature from a TSA no trust root
# lists, and a token from the stack's own TSA over another signature's SHA-256.
timestamp_for() {  # DIGEST_HEX TSA_PORT OUT
  openssl ts -query -digest "$1" -sha256 -cert -out "$work/q.tsq" 2>/dev/null &&
    curl -fs -H 'Content-Type: application/timestamp-query' --data-binary "@$work/q.tsq" \
      "http://127.0.0.1:$2/api/v1/timestamp" -o "$3"
}
signature_digest=$(python3 -c "import base64,hashlib,json,sys; print(hashlib.sha256(base64.b64decode(json.load(open(sys.argv[1]))['messageSignature']['signature'])).hexdigest())" "$work/a.sigstore.json")
other_digest=$(printf 'another signature' | sha256sum | cut -d' ' -f1)
timestamp_for "$signature_digest" $other_tsa "$work/foreign.tsr" || echo "could not get a timestamp from the other TSA"
timestamp_for "$other_digest" $tsa "$work/other-imprint.tsr" || echo "could not get a timestamp over another digest"
python3 - "$work/a.sigstore.json" "$work" <<'PY'
import base64, json, sys
bundle_path, out = sys.argv[1:3]
for name, reply in (("foreign-timestamp", "foreign.tsr"), ("other-imprint-timestamp", "other-imprint.tsr")):
    bundle = json.load(open(bundle_path))
    bundle["verificationMaterial"]["timestampVerificationData"]["rfc3161Timestamps"][0]["signedTimestamp"] = \
        base64.b64encode(open(f"{out}/{reply}", "rb").read()).decode()
    json.dump(bundle, open(f"{out}/a-{name}.json", "w"))
PY
python3 interop/tamper_bundle.py "$work/a.sigstore.json" "$work" a-
for variant in foreign-timestamp other-imprint-timestamp modified-inclusion-proof foreign-checkpoint flipped-signature; do
  check "sigstore rejects $variant" 1 sigstore_verify "$work/a-$variant.json"
  check "sigil rejects $variant" 1 sigil_verify "$work/a-$variant.json"
done
# genTime outside the TSA's validFor: the same bundle, against a trust config whose TSA window
# closed long before it was signed (a v2 entry has no other verified time to fall back on).
python3 - "$trust" "$work/closed-tsa-trust.json" <<'PY'
import json, sys
config = json.load(open(sys.argv[1]))
for authority in config["trustedRoot"]["timestampAuthorities"]:
    authority["validFor"] = {"start": "2000-01-01T00:00:00Z", "end": "2000-01-02T00:00:00Z"}
json.dump(config, open(sys.argv[2], "w"))
PY
check "sigstore rejects a genTime outside the TSA's validFor" 1 \
  sigstore --trust-config "$work/closed-tsa-trust.json" verify identity --offline --bundle "$work/a.sigstore.json" \
    --cert-identity $identity --cert-oidc-issuer $issuer "$work/a.txt"
check "sigil rejects a genTime outside the TSA's validFor" 1 \
  $sigil verify-blob "$work/a.txt" --bundle "$work/a.sigstore.json" --trust-config "$work/closed-tsa-trust.json" \
    --certificate-identity $identity --certificate-oidc-issuer $issuer

# Sigil signs through v2 + TSA (`--rekor-version 2`); sigstore accepts those bundles.
echo "sigil artifact $(date +%s%N)" >"$work/s.txt"
echo '{"buildDefinition":{"buildType":"https://example.com/build/v1","externalParameters":{}},"runDetails":{"builder":{"id":"https://example.com/builder"}}}' >"$work/predicate.json"
check "sigil sign-blob --rekor-version 2 against the stack" 0 \
  $sigil sign-blob "$work/s.txt" --trust-config "$trust" --identity-token "$(token $identity)" --rekor-version 2 --json
check "sigil attest --rekor-version 2 against the stack" 0 \
  $sigil attest "$work/s.txt" --predicate "$work/predicate.json" --type slsaprovenance1 --trust-config "$trust" \
    --identity-token "$(token $identity)" --rekor-version 2
for bundle in s.txt.sigstore.json s.txt.intoto.sigstore.json; do
  check "sigil's $bundle went through the v2 log with a TSA timestamp" 0 python3 - "$work/$bundle" "$data/trusted_root.json" <<'PY'
import json, sys
bundle, root = (json.load(open(p)) for p in sys.argv[1:3])
entry = bundle["verificationMaterial"]["tlogEntries"][0]
assert entry["kindVersion"] == {"kind": "hashedrekord", "version": "0.0.2"}, entry["kindVersion"]
assert "inclusionPromise" not in entry and "checkpoint" in entry["inclusionProof"], entry
v2 = [t for t in root["tlogs"] if t["publicKey"]["keyDetails"] == "PKIX_ED25519"]
assert entry["logId"]["keyId"] == v2[-1]["logId"]["keyId"], "not the v2 log's key ID"
assert len(bundle["verificationMaterial"]["timestampVerificationData"]["rfc3161Timestamps"]) == 1
assert bundle["mediaType"] == "application/vnd.dev.sigstore.bundle.v0.3+json", bundle["mediaType"]
PY
  check "sigstore verify identity --offline accepts sigil's v2 $bundle" 0 \
    sigstore --trust-config "$trust" verify identity --offline --bundle "$work/$bundle" \
      --cert-identity $identity --cert-oidc-issuer $issuer "$work/s.txt"
done
# Only the hashedrekord over the PAE: the log never sees the statement; the bundle is the same kind.
cp "$work/s.txt" "$work/h.txt"
check "sigil attest --rekor-v2-attestation hashedrekord" 0 \
  $sigil attest "$work/h.txt" --predicate "$work/predicate.json" --type slsaprovenance1 --trust-config "$trust" \
    --identity-token "$(token $identity)" --rekor-version 2 --rekor-v2-attestation hashedrekord
check "sigstore verify identity --offline accepts that attestation bundle" 0 \
  sigstore --trust-config "$trust" verify identity --offline --bundle "$work/h.txt.intoto.sigstore.json" \
    --cert-identity $identity --cert-oidc-issuer $issuer "$work/h.txt"
check "sigil attest --rekor-v2-attestation with another value is refused" 1 \
  $sigil attest "$work/h.txt" --predicate "$work/predicate.json" --type slsaprovenance1 --trust-config "$trust" \
    --identity-token "$(token $identity)" --rekor-v2-attestation pae
check "sigil verify-blob accepts its own v2 bundle" 0 \
  $sigil verify-blob "$work/s.txt" --bundle "$work/s.txt.sigstore.json" --trust-config "$trust" \
    --certificate-identity $identity --certificate-oidc-issuer $issuer
# A managed key through v2: the log's verifier is the public key (publicKey.rawBytes).
(cd "$work" && SIGIL_PASSWORD=interop "$OLDPWD/$sigil" generate-key-pair --output-key-prefix release >/dev/null 2>&1)
check "sigil sign-blob --key --rekor-version 2" 0 \
  env SIGIL_PASSWORD=interop $sigil sign-blob "$work/s.txt" --trust-config "$trust" --key "$work/release.key" --rekor-version 2 \
    --bundle "$work/s.key.sigstore.json"
check "sigil verify-blob --key accepts the managed-key v2 bundle" 0 \
  $sigil verify-blob "$work/s.txt" --bundle "$work/s.key.sigstore.json" --trust-config "$trust" --key "$work/release.pub"
check "sigil sign-blob --rekor-version 3 is refused" 1 \
  $sigil sign-blob "$work/s.txt" --trust-config "$trust" --identity-token "$(token $identity)" --rekor-version 3 --bundle "$work/x.json"

finish_checks
