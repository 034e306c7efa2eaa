#!/usr/bin/env bash
# Two-way interoperability with the real sigstore client (sigstore-python 4.5.1), against a fresh
# `sigil-server all` on loopback. Needs the debug build and `sigstore` on PATH. Prints one PASS/FAIL
# line per check and ends with "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."
source interop/lib/ports.sh
require_default_stack_ports
work=$(mktemp -d)
data="$work/sigil"
sigil=.build/debug/sigil
source interop/lib/checks.sh

.build/debug/sigil-server all --data "$data" --ca-config ca >"$work/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 150); do
  curl -fs http://127.0.0.1:3000/healthz >/dev/null 2>&1 && curl -fs http://127.0.0.1:5555/healthz >/dev/null 2>&1 && break
  sleep 0.2
done
python3 -c "import json,sys; json.dump(json.load(open(sys.argv[1]))['trustedRoot'], open(sys.argv[2],'w'))" \
  "$data/trust_config.json" "$work/trusted_root.json"

token() { curl -fs -X POST -d "subject=$1&email=$1" http://127.0.0.1:5556/token | python3 -c "import json,sys; print(json.load(sys.stdin)['id_token'])"; }
identity=alice@example.com
issuer=http://127.0.0.1:5556
echo "artifact $(date +%s%N)" >"$work/a.txt"
echo "other artifact" >"$work/b.txt"
echo '{"buildDefinition":{"buildType":"https://example.com/build/v1","externalParameters":{}},"runDetails":{"builder":{"id":"https://example.com/builder"}}}' >"$work/predicate.json"

# (a) sigstore signs and attests against Sigil, then verifies offline.
check "sigstore sign against the Sigil stack" 0 \
  sigstore --trust-config "$data/trust_config.json" sign --identity-token "$(token $identity)" --bundle "$work/a.sigstore.json" "$work/a.txt"
check "sigstore attest (DSSE) against the Sigil stack" 0 \
  sigstore --trust-config "$data/trust_config.json" attest --identity-token "$(token $identity)" \
    --predicate-type https://slsa.dev/provenance/v1 --predicate "$work/predicate.json" --bundle "$work/a.intoto.sigstore.json" "$work/a.txt"
check "sigstore verify identity --offline (message signature)" 0 \
  sigstore --trust-config "$data/trust_config.json" verify identity --offline --bundle "$work/a.sigstore.json" \
    --cert-identity $identity --cert-oidc-issuer $issuer "$work/a.txt"
check "sigstore verify identity --offline (DSSE)" 0 \
  sigstore --trust-config "$data/trust_config.json" verify identity --offline --bundle "$work/a.intoto.sigstore.json" \
    --cert-identity $identity --cert-oidc-issuer $issuer "$work/a.txt"

if [ ! -s "$work/a.sigstore.json" ] || [ ! -s "$work/a.intoto.sigstore.json" ]; then
  echo "sigstore produced no bundles; the remaining checks cannot run"
  echo "$passed passed, $((failed + 1)) failed"
  exit 1
fi

# (b) Sigil verifies what sigstore made.
check "sigil verifies sigstore's bundle" 0 \
  $sigil verify-bundle --bundle "$work/a.sigstore.json" --certificate-identity $identity --certificate-oidc-issuer $issuer \
    --trusted-root "$work/trusted_root.json" "$work/a.txt"
check "sigil verifies sigstore's DSSE bundle" 0 \
  $sigil verify-bundle --bundle "$work/a.intoto.sigstore.json" --certificate-identity $identity --certificate-oidc-issuer $issuer \
    --trusted-root "$work/trusted_root.json" "$work/a.txt"

check "sigil verify-blob accepts sigstore's bundle" 0 \
  $sigil verify-blob "$work/a.txt" --bundle "$work/a.sigstore.json" --trust-config "$data/trust_config.json" \
    --certificate-identity $identity --certificate-oidc-issuer $issuer

# (c) sigstore verifies what Sigil made.
echo "sigil artifact $(date +%s%N)" >"$work/s.txt"
check "sigil sign-blob against the Sigil stack" 0 \
  $sigil sign-blob "$work/s.txt" --trust-config "$data/trust_config.json" --identity-token "$(token $identity)"
check "sigstore verify identity --offline accepts sigil's bundle" 0 \
  sigstore --trust-config "$data/trust_config.json" verify identity --offline --bundle "$work/s.txt.sigstore.json" \
    --cert-identity $identity --cert-oidc-issuer $issuer "$work/s.txt"
# The signing config selects Rekor v2 + TSA; Sigil still signs through Rekor v1 when asked to.
echo "sigil v1 artifact $(date +%s%N)" >"$work/v.txt"
check "sigil sign-blob --rekor-version 1 against the Sigil stack" 0 \
  $sigil sign-blob "$work/v.txt" --trust-config "$data/trust_config.json" --rekor-version 1 --identity-token "$(token $identity)"
check "sigstore verify identity --offline accepts sigil's Rekor v1 bundle" 0 \
  sigstore --trust-config "$data/trust_config.json" verify identity --offline --bundle "$work/v.txt.sigstore.json" \
    --cert-identity $identity --cert-oidc-issuer $issuer "$work/v.txt"

# (c') Attestations: sigstore accepts Sigil's DSSE bundle; Sigil's verify-attestation accepts sigstore's.
check "sigil attest (DSSE) against the Sigil stack" 0 \
  $sigil attest "$work/s.txt" --predicate "$work/predicate.json" --type slsaprovenance1 --trust-config "$data/trust_config.json" \
    --identity-token "$(token $identity)"
check "sigstore verify identity --offline accepts sigil's DSSE bundle" 0 \
  sigstore --trust-config "$data/trust_config.json" verify identity --offline --bundle "$work/s.txt.intoto.sigstore.json" \
    --cert-identity $identity --cert-oidc-issuer $issuer "$work/s.txt"
check "sigil verify-attestation accepts sigstore's DSSE bundle" 0 \
  $sigil verify-attestation "$work/a.txt" --bundle "$work/a.intoto.sigstore.json" --type slsaprovenance1 \
    --trust-config "$data/trust_config.json" --certificate-identity $identity --certificate-oidc-issuer $issuer

# (d) Both reject the same tampered bundles (made from sigstore's bundle and from Sigil's).
python3 interop/tamper_bundle.py "$work/a.sigstore.json" "$work" a-
python3 interop/tamper_bundle.py "$work/s.txt.sigstore.json" "$work" s-
python3 interop/tamper_bundle.py "$work/v.txt.sigstore.json" "$work" v-
for source in a s v; do
  artifact="$work/a.txt"; [ $source = s ] && artifact="$work/s.txt"; [ $source = v ] && artifact="$work/v.txt"
  for variant in flipped-signature modified-inclusion-proof modified-set foreign-checkpoint; do
    # Rekor v2 entries (sigstore's and Sigil's default) have no inclusion promise to modify; v's has.
    [ -e "$work/$source-$variant.json" ] || continue
    check "sigstore rejects $variant ($source)" 1 \
      sigstore --trust-config "$data/trust_config.json" verify identity --offline --bundle "$work/$source-$variant.json" \
        --cert-identity $identity --cert-oidc-issuer $issuer "$artifact"
    check "sigil rejects $variant ($source)" 1 \
      $sigil verify-blob "$artifact" --bundle "$work/$source-$variant.json" --trust-config "$data/trust_config.json" \
        --certificate-identity $identity --certificate-oidc-issuer $issuer
  done
done
for what in "another artifact:$work/b.txt:$identity:$issuer" "a wrong identity:$work/a.txt:bob@example.com:$issuer" \
            "a wrong issuer:$work/a.txt:$identity:https://accounts.example.com"; do
  IFS=: read -r name file who iss <<<"$what"
  iss=${what##*:$who:}
  check "sigstore rejects $name" 1 \
    sigstore --trust-config "$data/trust_config.json" verify identity --offline --bundle "$work/a.sigstore.json" \
      --cert-identity "$who" --cert-oidc-issuer "$iss" "$file"
  check "sigil rejects $name" 1 \
    $sigil verify-blob "$file" --bundle "$work/a.sigstore.json" --trust-config "$data/trust_config.json" \
      --certificate-identity "$who" --certificate-oidc-issuer "$iss"
done

finish_checks
