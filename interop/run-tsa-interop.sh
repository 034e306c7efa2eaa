#!/usr/bin/env bash
# Independent RFC 3161 implementations against a fresh `sigil-server tsa` (issue 14): OpenSSL's
# `openssl ts` and the `rfc3161-client` Python package (what sigstore-python uses) each build a
# query, post it over HTTP, and verify the reply against the TSA chain `init` wrote. Needs the
# debug build, openssl, curl, and rfc3161-client importable by python3 (`.ci/run` installs it
# into .venv). Prints one PASS/FAIL line per check and exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
port=${SIGIL_TSA_INTEROP_PORT:-5957}
pid=
trap 'kill $pid 2>/dev/null || true; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
failures=0
check() {
  local name=$1; shift
  if "$@" >"$work/check.log" 2>&1; then echo "PASS $name"; else echo "FAIL $name"; sed 's/^/    /' "$work/check.log"; failures=$((failures + 1)); fi
}

.build/debug/sigil-server init --data "$work/sigil" >/dev/null
.build/debug/sigil-server tsa --data "$work/sigil" --port "$port" >"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 150); do
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
url="http://127.0.0.1:$port/api/v1/timestamp"

# The chain, split the way both verifiers want it: root (trusted), leaf + intermediate (untrusted).
curl -fs "$url/certchain" >"$work/chain.pem"
awk -v dir="$work" '/BEGIN CERTIFICATE/ { n++ } { print > (dir "/cert" n ".pem") }' "$work/chain.pem"
cat "$work/cert1.pem" "$work/cert2.pem" >"$work/untrusted.pem"
check "certchain is leaf, intermediate, root" test -s "$work/cert3.pem"

echo "artifact $(date +%s%N)" >"$work/data.txt"
openssl_round() {
  local digest=$1 cert=$2 name=$3
  openssl ts -query -data "$work/data.txt" "-$digest" $cert -out "$work/$name.tsq"
  curl -fs -H 'Content-Type: application/timestamp-query' --data-binary "@$work/$name.tsq" "$url" -o "$work/$name.tsr"
  openssl ts -verify -queryfile "$work/$name.tsq" -in "$work/$name.tsr" -CAfile "$work/cert3.pem" -untrusted "$work/untrusted.pem"
  openssl ts -verify -data "$work/data.txt" -in "$work/$name.tsr" -CAfile "$work/cert3.pem" -untrusted "$work/untrusted.pem"
}
for digest in sha256 sha384 sha512; do
  check "openssl ts -verify accepts a reply to its own $digest query (certificate embedded)" openssl_round "$digest" -cert "$digest-cert"
  check "openssl ts -verify accepts a reply to its own $digest query (no certificate)" openssl_round "$digest" "" "$digest-nocert"
done
other_root() {
  openssl ecparam -name prime256v1 -genkey -noout -out "$work/other.key"
  openssl req -x509 -new -key "$work/other.key" -subj /CN=other -days 1 -out "$work/other.pem"
  ! openssl ts -verify -queryfile "$work/sha256-cert.tsq" -in "$work/sha256-cert.tsr" -CAfile "$work/other.pem" -untrusted "$work/untrusted.pem"
}
check "openssl ts -verify refuses the reply under another root" other_root
tampered() {
  echo tampered >"$work/other.txt"
  ! openssl ts -verify -data "$work/other.txt" -in "$work/sha256-cert.tsr" -CAfile "$work/cert3.pem" -untrusted "$work/untrusted.pem"
}
check "openssl ts -verify refuses the reply for other data" tampered
sha1_refused() {
  openssl ts -query -data "$work/data.txt" -sha1 -out "$work/sha1.tsq"
  status=$(curl -s -o "$work/sha1.json" -w '%{http_code}' -H 'Content-Type: application/timestamp-query' --data-binary "@$work/sha1.tsq" "$url")
  [ "$status" = 400 ] && grep -q 'SHA-1' "$work/sha1.json"
}
check "an openssl SHA-1 query is refused with 400 and a reason" sha1_refused

python=python3
[ -x .venv/bin/python3 ] && python=.venv/bin/python3
check "rfc3161-client builds queries and verifies the replies" "$python" - "$url" "$work" <<'PY'
import sys, urllib.request, urllib.error
from cryptography import x509
from rfc3161_client import TimestampRequestBuilder, HashAlgorithm, VerifierBuilder, decode_timestamp_response, VerificationError

url, work = sys.argv[1], sys.argv[2]
leaf, intermediate, root = (x509.load_pem_x509_certificate(open(f"{work}/cert{i}.pem", "rb").read()) for i in (1, 2, 3))

def post(request):
    http = urllib.request.Request(url, data=request.as_bytes(), headers={"Content-Type": "application/timestamp-query"})
    return decode_timestamp_response(urllib.request.urlopen(http, timeout=5).read())

def verifier(request, *, with_leaf):
    builder = VerifierBuilder.from_request(request).add_root_certificate(root).add_intermediate_certificate(intermediate)
    return (builder.tsa_certificate(leaf) if with_leaf else builder).build()

message = b"the signature bytes sigstore timestamps"
for algorithm in (HashAlgorithm.SHA256, HashAlgorithm.SHA512):
    for cert_req in (True, False):
        request = TimestampRequestBuilder().data(message).hash_algorithm(algorithm).nonce(nonce=True).cert_request(cert_request=cert_req).build()
        response = post(request)
        assert response.tst_info.nonce == request.nonce, "nonce not echoed"
        assert (len(response.signed_data.certificates) == 1) == cert_req, "certificate embedded iff certReq"
        # sigstore-python passes the trusted root's leaf; without an embedded certificate it must.
        verifier(request, with_leaf=True).verify_message(response, message)
        if cert_req:
            verifier(request, with_leaf=False).verify_message(response, message)
        try:
            verifier(request, with_leaf=True).verify_message(response, message + b"!")
            raise SystemExit("a reply verified for other data")
        except VerificationError:
            pass
        print(f"rfc3161-client verified {algorithm.name} certReq={cert_req}, genTime {response.tst_info.gen_time}")
PY
sed 's/^/    /' "$work/check.log"

if ((failures)); then echo "$failures TSA interop check(s) failed"; tail -5 "$work/server.log"; exit 1; fi
echo "all TSA interop checks passed"
