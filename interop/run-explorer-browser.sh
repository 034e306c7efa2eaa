#!/usr/bin/env bash
# The log explorer (issue 17) in a real browser: Debian's chromium driven headless by Playwright for
# Python, against a fresh `sigil-server all` on free ports with entries made by `sigil sign-blob` and
# `sigil attest` with default settings (the Rekor v2 log), and a few made with `--rekor-version 1`
# for the v1 log (the explorer shows both). Needs the debug build, /usr/bin/chromium and
# playwright + cryptography in .venv (see .ci/run). Writes docs/explorer-*.png. Ends with
# "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
work=$(mktemp -d)
data="$work/sigil"
sigil=$repo/.build/debug/sigil
python=${PYTHON:-$repo/.venv/bin/python}
free_port() { "$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
oidc=$(free_port); ca=$(free_port); log=$(free_port); tsa=$(free_port)

.build/debug/sigil-server all --data "$data" --ca-config ca --oidc-port "$oidc" --ca-port "$ca" --log-port "$log" --tsa-port "$tsa" \
  >"$work/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 300); do
  curl -fs "http://127.0.0.1:$log/healthz" >/dev/null 2>&1 && curl -fs "http://127.0.0.1:$ca/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fs "http://127.0.0.1:$log/healthz" >/dev/null || { echo "sigil-server all did not start"; tail -20 "$work/server.log"; echo "0 passed, 1 failed"; exit 1; }

token() {  # token EMAIL
  curl -fs -X POST --data-urlencode "subject=$1" --data-urlencode "email=$1" "http://127.0.0.1:$oidc/token" \
    | "$python" -c "import json,sys; print(json.load(sys.stdin)['id_token'])"
}
sign() {  # sign FILE EMAIL [ARGS...]: a hashedrekord entry, in the Rekor v2 log unless ARGS say otherwise
  local file=$1 email=$2
  shift 2
  "$sigil" sign-blob "$file" --trust-config "$data/trust_config.json" --identity-token "$(token "$email")" "$@" >"$work/sign.out" 2>&1 \
    || { echo "sigil sign-blob $file failed:"; cat "$work/sign.out"; return 1; }
}
mkdir -p "$work/files"
echo "release artifact $(date +%s%N)" >"$work/files/app.tar"
echo "second artifact $(date +%s%N)" >"$work/files/lib.tar"
echo '{"buildDefinition":{"buildType":"https://example.com/build/v1","externalParameters":{}},"runDetails":{"builder":{"id":"https://example.com/builder"}}}' >"$work/predicate.json"
# Markup where a careless page would render it: in the certificate's URI SAN and a Fulcio
# extension (the CA refuses markup in emails, but a workflow path and an event name are the job's
# to choose), and, through the file name, in the in-toto subject of a DSSE payload.
markup_workflow='.github/workflows/<img/src=x/onerror=window.__pwned=1>.yml'
markup_event='<img src=x onerror=window.__pwned=3>'
markup_identity="https://github.com/octo-org/app/$markup_workflow@refs/tags/v1.2.3"
markup_file="$work/files/<img src=x onerror=window.__pwned=2>.txt"
echo "markup $(date +%s%N)" >"$markup_file"

# Default settings: the trust config offers the Rekor v2 log and a TSA, so these go to v2. The
# same file is also signed and attested through the v1 log, so one search finds entries in both.
sign "$work/files/app.tar" alice@example.com || exit 1
sign "$work/files/lib.tar" alice@example.com || exit 1
sign "$work/files/app.tar" alice@example.com --rekor-version 1 --bundle "$work/files/app.tar.v1.sigstore.json" || exit 1
"$sigil" attest "$work/files/app.tar" --predicate "$work/predicate.json" --type slsaprovenance1 --trust-config "$data/trust_config.json" \
  --rekor-version 1 --identity-token "$(token alice@example.com)" >"$work/attest.out" 2>&1 || { echo "sigil attest (v1) failed:"; cat "$work/attest.out"; exit 1; }
# lib.tar is attested through the v2 log only: the log indexes the envelope's in-toto subjects, so
# a search by the file finds the attestation as well as the signature.
"$sigil" attest "$work/files/lib.tar" --predicate "$work/predicate.json" --type slsaprovenance1 --trust-config "$data/trust_config.json" \
  --identity-token "$(token alice@example.com)" >"$work/attest3.out" 2>&1 || { echo "sigil attest (v2) failed:"; cat "$work/attest3.out"; exit 1; }
"$sigil" attest "$markup_file" --predicate "$work/predicate.json" --type slsaprovenance1 --trust-config "$data/trust_config.json" \
  --identity-token "$(token alice@example.com)" >"$work/attest2.out" 2>&1 || { echo "sigil attest (markup subject) failed:"; cat "$work/attest2.out"; exit 1; }

sign_as_job() {  # sign_as_job FILE WORKFLOW EVENT: signs as an emulated GitHub Actions job (Fulcio's workflow extensions)
  local answer
  answer=$(curl -fsS -X POST "http://127.0.0.1:$oidc/actions/jobs" \
    --data-urlencode "repository=octo-org/app" --data-urlencode "workflow=$2" \
    --data-urlencode "ref=refs/tags/v1.2.3" --data-urlencode "sha=8f1e6a1bd7c0d5e3f2a4b6c8d0e2f4a6b8c0d2e4" \
    --data-urlencode "event_name=$3" --data-urlencode "runner_environment=github-hosted")
  ACTIONS_ID_TOKEN_REQUEST_URL=$(printf '%s' "$answer" | "$python" -c "import json,sys; print(json.load(sys.stdin)['ACTIONS_ID_TOKEN_REQUEST_URL'])") \
  ACTIONS_ID_TOKEN_REQUEST_TOKEN=$(printf '%s' "$answer" | "$python" -c "import json,sys; print(json.load(sys.stdin)['ACTIONS_ID_TOKEN_REQUEST_TOKEN'])") \
    "$sigil" sign-blob "$1" --trust-config "$data/trust_config.json" >"$work/wf.out" 2>&1 \
    || { echo "sigil sign-blob as a GitHub Actions job failed:"; cat "$work/wf.out"; return 1; }
}
echo "workflow artifact $(date +%s%N)" >"$work/files/workflow.tar"
echo "markup workflow artifact $(date +%s%N)" >"$work/files/markup-workflow.tar"
sign_as_job "$work/files/workflow.tar" .github/workflows/release.yml push || exit 1
sign_as_job "$work/files/markup-workflow.tar" "$markup_workflow" "$markup_event" || exit 1

"$python" interop/explorer_browser_test.py --log "http://127.0.0.1:$log" --oidc "http://127.0.0.1:$oidc" --work "$work" \
  --data "$data" --sigil "$sigil" --markup-identity "$markup_identity" --markup-event "$markup_event" --markup-file "$markup_file" \
  --screenshots "$repo/docs"
