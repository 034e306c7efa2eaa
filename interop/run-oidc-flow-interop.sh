#!/usr/bin/env bash
# Issue 19: people sign in, not only scripts. Against a fresh `sigil-server all` on free loopback
# ports, with no identity token anywhere:
#   - the real `sigstore` client (4.5.1) runs its browser flow against the development issuer
#     (`--oidc-issuer`), with interop/browser_sign_in.py as BROWSER filling in the sign-in form;
#     `sigstore verify identity` accepts the bundle for that email and refuses another;
#   - `sigil sign-blob` does the same on a terminal (under `script`), and out of band
#     (`--oauth-force-oob`, on a pseudo-terminal); with no terminal it fails clearly and opens nothing;
#   - `model-signing` 1.1.1 signs a model directory through `--trust_config` the same way, verifies
#     it, and rejects it after one byte of a model file changes;
#   - the real client's ambient detection picks up the GitHub Actions emulation's
#     ACTIONS_ID_TOKEN_REQUEST_URL/_TOKEN (GITHUB_ACTIONS=true) and signs with no browser at all.
# Needs the debug build, `script` (util-linux), and `sigstore` and `model_signing` on PATH.
# Prints one PASS/FAIL line per check and ends with "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
work=$(mktemp -d)
data="$work/sigil"
sigil="$repo/.build/debug/sigil"
browser="$repo/interop/browser_sign_in.py"
CHECK_TAIL=8
source interop/lib/checks.sh
expect_output() {  # expect_output NAME TEXT: the last check's output contains TEXT
  if grep -qF -- "$2" "$work/out"; then echo "PASS $1"; passed=$((passed + 1))
  else echo "FAIL $1: output lacks \"$2\""; sed 's/^/    /' "$work/out" | tail -8; failed=$((failed + 1)); fi
}

free_ports=$(python3 -c 'import socket
socks = [socket.socket() for _ in range(4)]
for s in socks: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))')
read -r oidc_port ca_port log_port tsa_port <<<"$free_ports"
issuer="http://127.0.0.1:$oidc_port"
"$repo/.build/debug/sigil-server" all --data "$data" --ca-config ca --oidc-port "$oidc_port" --ca-port "$ca_port" \
  --log-port "$log_port" --tsa-port "$tsa_port" >"$work/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 300); do
  curl -fs "http://127.0.0.1:$log_port/healthz" >/dev/null 2>&1 && curl -fs "http://127.0.0.1:$ca_port/healthz" >/dev/null 2>&1 \
    && curl -fs "$issuer/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
trust="$data/trust_config.json"

# No token may leak in from the environment: every identity below comes from a sign-in.
unset SIGSTORE_ID_TOKEN ACTIONS_ID_TOKEN_REQUEST_URL ACTIONS_ID_TOKEN_REQUEST_TOKEN GITHUB_ACTIONS
export BROWSER="$browser"

check "discovery names an authorization endpoint, PKCE S256 and the token endpoint" 0 \
  python3 -c 'import json, sys, urllib.request
doc = json.load(urllib.request.urlopen(sys.argv[1] + "/.well-known/openid-configuration"))
assert doc["authorization_endpoint"] == sys.argv[1] + "/authorize", doc
assert doc["token_endpoint"] == sys.argv[1] + "/token", doc
assert doc["code_challenge_methods_supported"] == ["S256"], doc
for member in ("issuer", "jwks_uri", "response_types_supported", "subject_types_supported", "id_token_signing_alg_values_supported"):
    assert member in doc, member' "$issuer"

# (a) sigstore-python's browser flow.
echo "signed by a person $(date +%s%N)" >"$work/a.txt"
check "sigstore sign with no token signs in through the browser flow" 0 \
  env SIGN_IN_EMAIL=alice@example.com timeout 120 \
  sigstore --trust-config "$trust" sign --oidc-issuer "$issuer" --bundle "$work/a.sigstore.json" "$work/a.txt"
expect_output "sigstore waited for the browser, which delivered the code" "browser: delivered the code to http://localhost:"
check "sigstore verify identity accepts the bundle for the signed-in email" 0 \
  sigstore --trust-config "$trust" verify identity --offline --bundle "$work/a.sigstore.json" \
    --cert-identity alice@example.com --cert-oidc-issuer "$issuer" "$work/a.txt"
check "sigstore verify identity refuses another email" 1 \
  sigstore --trust-config "$trust" verify identity --offline --bundle "$work/a.sigstore.json" \
    --cert-identity bob@example.com --cert-oidc-issuer "$issuer" "$work/a.txt"
expect_output "... because the certificate names the signed-in email" "actual SANs"
check "sigil verify-blob accepts sigstore's browser-signed bundle" 0 \
  "$sigil" verify-blob "$work/a.txt" --bundle "$work/a.sigstore.json" --trust-config "$trust" \
    --certificate-identity alice@example.com --certificate-oidc-issuer "$issuer"

# (b) sigil on a terminal: `script` gives it a pseudo-terminal, BROWSER plays the person.
echo "signed by sigil on a terminal $(date +%s%N)" >"$work/s.txt"
printf -v command '%q ' env SIGN_IN_EMAIL=carol@example.com "$sigil" sign-blob "$work/s.txt" --trust-config "$trust" \
  --bundle "$work/s.sigstore.json"
check "sigil sign-blob with no token signs in through the browser on a terminal" 0 \
  timeout 120 script -qec "$command" /dev/null </dev/null
expect_output "sigil told the person where to sign in" "Opened your browser to sign in at $issuer"
check "sigil verify-blob accepts the bundle for the signed-in email" 0 \
  "$sigil" verify-blob "$work/s.txt" --bundle "$work/s.sigstore.json" --trust-config "$trust" \
    --certificate-identity carol@example.com --certificate-oidc-issuer "$issuer"
check "sigstore verify identity accepts sigil's browser-signed bundle" 0 \
  sigstore --trust-config "$trust" verify identity --offline --bundle "$work/s.sigstore.json" \
    --cert-identity carol@example.com --cert-oidc-issuer "$issuer" "$work/s.txt"

# (c) Out of band: sigil prints the URL and reads the code the issuer's page shows.
echo "signed out of band $(date +%s%N)" >"$work/o.txt"
check "sigil sign-blob --oauth-force-oob reads the code shown after sign-in" 0 \
  env SIGN_IN_EMAIL=dave@example.com timeout 120 python3 interop/oob_sign_in.py \
    "$sigil" sign-blob "$work/o.txt" --trust-config "$trust" --oidc-issuer "$issuer" --oauth-force-oob --bundle "$work/o.sigstore.json"
check "the out-of-band bundle verifies for that email" 0 \
  "$sigil" verify-blob "$work/o.txt" --bundle "$work/o.sigstore.json" --trust-config "$trust" \
    --certificate-identity dave@example.com --certificate-oidc-issuer "$issuer"

# (d) No terminal: the message of old, no browser, no bundle.
cat >"$work/tattle-browser" <<TATTLE
#!/bin/sh
touch "$work/browser-was-opened"
TATTLE
chmod +x "$work/tattle-browser"
echo "nobody at the keyboard" >"$work/n.txt"
check "sigil sign-blob with no token and no terminal fails" 1 \
  env BROWSER="$work/tattle-browser" "$sigil" sign-blob "$work/n.txt" --trust-config "$trust" --bundle "$work/n.sigstore.json" </dev/null
expect_output "the failure says what to do" "no identity token: pass --identity-token, set SIGSTORE_ID_TOKEN"
check "no browser was opened and no bundle was written" 0 test ! -e "$work/browser-was-opened" -a ! -e "$work/n.sigstore.json"

# (e) model-signing 1.1.1 through the stack's trust config, signing in through the browser flow.
mkdir -p "$work/model/weights"
python3 -c 'import os, sys; open(sys.argv[1], "wb").write(os.urandom(65536))' "$work/model/weights/layer0.bin"
echo '{"architectures": ["TinyModel"], "hidden_size": 8}' >"$work/model/config.json"
check "model_signing sign sigstore signs the model directory through the browser flow" 0 \
  env SIGN_IN_EMAIL=mallory-the-modeler@example.com timeout 180 \
  model_signing sign sigstore --trust_config "$trust" --signature "$work/model.sig" "$work/model"
check "model_signing verify sigstore accepts the model" 0 \
  model_signing verify sigstore --trust_config "$trust" --signature "$work/model.sig" \
    --identity mallory-the-modeler@example.com --identity_provider "$issuer" "$work/model"
check "model_signing verify sigstore refuses another identity" 1 \
  model_signing verify sigstore --trust_config "$trust" --signature "$work/model.sig" \
    --identity alice@example.com --identity_provider "$issuer" "$work/model"
expect_output "... because the certificate names the signed-in email" "actual SANs: {'mallory-the-modeler@example.com'}"
python3 -c 'import sys
path = sys.argv[1]
data = bytearray(open(path, "rb").read())
data[1000] ^= 0x01
open(path, "wb").write(bytes(data))' "$work/model/weights/layer0.bin"
check "model_signing verify sigstore rejects the model after one byte changed" 1 \
  model_signing verify sigstore --trust_config "$trust" --signature "$work/model.sig" \
    --identity mallory-the-modeler@example.com --identity_provider "$issuer" "$work/model"
expect_output "... because a file's digest no longer matches" "Hash mismatch for"
expect_output "... and that file is the one changed" "weights/layer0.bin"

# (f) Ambient credentials: the GitHub Actions emulation, as a runner exports it. BROWSER is the
#     tattle script, so a fall-back to the browser flow would show.
rm -f "$work/browser-was-opened"
answer=$(curl -fsS -X POST "$issuer/actions/jobs" --data-urlencode "repository=octo-org/app" \
  --data-urlencode "workflow=.github/workflows/release.yml" --data-urlencode "ref=refs/tags/v1.2.3" \
  --data-urlencode "sha=8f1e6a1bd7c0d5e3f2a4b6c8d0e2f4a6b8c0d2e4" --data-urlencode "event_name=push")
request_url=$(printf '%s' "$answer" | python3 -c 'import json,sys; print(json.load(sys.stdin)["ACTIONS_ID_TOKEN_REQUEST_URL"])')
request_token=$(printf '%s' "$answer" | python3 -c 'import json,sys; print(json.load(sys.stdin)["ACTIONS_ID_TOKEN_REQUEST_TOKEN"])')
workflow_identity="https://github.com/octo-org/app/.github/workflows/release.yml@refs/tags/v1.2.3"
echo "signed in CI $(date +%s%N)" >"$work/ci.txt"
check "sigstore sign picks up the Actions emulation's ambient credentials" 0 \
  env GITHUB_ACTIONS=true ACTIONS_ID_TOKEN_REQUEST_URL="$request_url" ACTIONS_ID_TOKEN_REQUEST_TOKEN="$request_token" \
    BROWSER="$work/tattle-browser" timeout 120 \
    sigstore --trust-config "$trust" sign --bundle "$work/ci.sigstore.json" "$work/ci.txt" </dev/null
check "sigstore verify identity accepts the workflow identity" 0 \
  sigstore --trust-config "$trust" verify identity --offline --bundle "$work/ci.sigstore.json" \
    --cert-identity "$workflow_identity" --cert-oidc-issuer "$issuer/actions" "$work/ci.txt"
echo "signed in CI by sigil $(date +%s%N)" >"$work/ci2.txt"
check "sigil sign-blob picks up the same ambient credentials" 0 \
  env ACTIONS_ID_TOKEN_REQUEST_URL="$request_url" ACTIONS_ID_TOKEN_REQUEST_TOKEN="$request_token" BROWSER="$work/tattle-browser" \
    "$sigil" sign-blob "$work/ci2.txt" --trust-config "$trust" --bundle "$work/ci2.sigstore.json" </dev/null
check "sigil verify-blob accepts the workflow identity" 0 \
  "$sigil" verify-blob "$work/ci2.txt" --bundle "$work/ci2.sigstore.json" --trust-config "$trust" \
    --certificate-identity "$workflow_identity" --certificate-oidc-issuer "$issuer/actions"
check "no browser was opened for ambient credentials" 0 test ! -e "$work/browser-was-opened"

finish_checks
