#!/usr/bin/env bash
# Issue 13's acceptance run: Sigil's image commands against real OCI registries.
#
# Starts `sigil-server all` (fixed ports 3000/5555/5556, as run-stack-interop.sh), and three CNCF
# distribution 2.8 registries (Debian's docker-registry; configurations in interop/registry/):
#   plain   anonymous, plain HTTP on loopback          (no referrers API: the sha256-<hex> fallback tag)
#   secure  htpasswd basic auth over TLS, a test CA    (credentials by flags + stdin, and by DOCKER_CONFIG)
#   api     anonymous, behind interop/registry/referrers-proxy.py, the referrers-API test double
# Images are pushed by an independent client (skopeo) and read back by it after Sigil wrote.
# Independent checks use plain HTTP calls (interop/registry/probe.py) and the real sigstore client.
#
# Needs: .build/debug/sigil and sigil-server (override with SIGIL=… SIGIL_SERVER=…), docker-registry,
# skopeo, htpasswd, openssl, curl, python3, and `sigstore` (4.5.1) in .venv or on PATH.
# Prints PASS/FAIL per check and stops at the first failure (KEEP_GOING=1: run every check and
# fail at the end). Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
sigil=${SIGIL:-.build/debug/sigil}
server=${SIGIL_SERVER:-.build/debug/sigil-server}
keep_going=${KEEP_GOING:-0}
source interop/registry/start.sh
work=$(mktemp -d)
interop_on_exit "rm -rf '$work'"
mkdir -p "$work/out"
probe() { python3 interop/registry/probe.py "$@"; }

# ---------------------------------------------------------------------------------------------
# Checks. Each runs a command with its stdout in $out and stderr in $err (kept for later parsing
# and for the credential-leak scan at the end).
passed=0
failed=0
n=0
out=
err=
_begin() { n=$((n + 1)); out="$work/out/$(printf %03d $n).out"; err="$work/out/$(printf %03d $n).err"; : >"$out"; : >"$err"; }
_fail() {
  echo "FAIL $1"
  { sed 's/^/    | /' "$out"; sed 's/^/    ! /' "$err"; } | tail -25 || true
  failed=$((failed + 1))
  if [ "$keep_going" != 1 ]; then
    echo "$passed passed, $failed failed (stopped at the first failure; KEEP_GOING=1 runs the rest)"
    exit 1
  fi
}
check() {  # check DESCRIPTION COMMAND… : the command must exit 0
  local name=$1; shift
  _begin
  if "$@" >"$out" 2>"$err" </dev/null; then echo "PASS $name"; passed=$((passed + 1)); else _fail "$name (exit $?)"; fi
}
refuses() {  # refuses DESCRIPTION REGEX COMMAND… : must exit non-zero and print REGEX (ERE, case-insensitive; "" = anything)
  local name=$1 pattern=$2; shift 2
  _begin
  local status=0
  "$@" >"$out" 2>"$err" </dev/null || status=$?
  _refused "$name" "$pattern" $status
}
refuses_stdin() {  # refuses_stdin DESCRIPTION REGEX INPUT COMMAND…
  local name=$1 pattern=$2 input=$3; shift 3
  _begin
  local status=0
  "$@" >"$out" 2>"$err" <<<"$input" || status=$?
  _refused "$name" "$pattern" $status
}
_refused() {
  if [ "$3" = 0 ]; then _fail "$1 (exit 0; expected a refusal)"; return; fi
  if [ -n "$2" ] && ! cat "$out" "$err" | grep -qiE -- "$2"; then _fail "$1 (exit $3, but no /$2/ in the output)"; return; fi
  echo "PASS $1 (exit $3)"; passed=$((passed + 1))
  # The message that made it pass (or the first one), for the reader.
  { [ -n "$2" ] && cat "$out" "$err" | grep -iE -m1 -- "$2" || cat "$err" "$out" | grep -m1 .; } | cut -c1-200 | sed 's/^/       → /' || true
}
assert() {  # assert DESCRIPTION COMMAND… : a check on values already collected (no output kept)
  local name=$1; shift
  _begin
  if "$@" >"$out" 2>"$err" </dev/null; then echo "PASS $name"; passed=$((passed + 1)); else _fail "$name"; fi
}
section() { echo; echo "== $*"; }
json() {  # json FILE PYTHON-EXPRESSION-ON-v : prints the value (strings bare, lists one per line), "unavailable" if none
  python3 -c 'import json, sys
try:
    v = json.load(open(sys.argv[1]))
    r = eval(sys.argv[2])
except Exception:
    r = "unavailable"
print("\n".join(map(str, r)) if isinstance(r, list) else r)' "$1" "$2"
}
# Every referrer digest in `sigil tree --json` output, recursively, sorted.
tree_referrers() {
  python3 -c 'import json, sys
def walk(node):
    for a in node.get("attached", []):
        yield a["digest"]; yield from walk(a)
    for m in node.get("manifests", []):
        yield from walk(m)
try:
    print("\n".join(sorted(set(walk(json.load(open(sys.argv[1])))))))
except Exception as error:
    print(f"(no tree: {error})")' "$1"
}
same_lines() { diff <(sort -u "$1") <(sort -u "$2"); }
grep_in() { local pattern=$1; shift; grep -qiE -- "$pattern" "$@"; }  # grep_in REGEX FILE…

# ---------------------------------------------------------------------------------------------
section "Setup: the Sigil stack, three registries, images pushed with skopeo"
for tool in docker-registry skopeo htpasswd openssl curl python3 sigstore; do
  command -v $tool >/dev/null || { echo "missing tool: $tool"; exit 1; }
done
[ -x "$sigil" ] && [ -x "$server" ] || { echo "missing $sigil or $server (swift build first)"; exit 1; }
if ! "$sigil" copy --help >/dev/null 2>&1; then echo "$sigil has no 'copy' command: it predates the registry CLI"; exit 1; fi
source interop/lib/ports.sh
require_default_stack_ports

data="$work/sigil"
"$server" all --data "$data" --ca-config ca >"$work/server.log" 2>&1 &
server_pid=$!
interop_on_exit "kill $server_pid 2>/dev/null; wait $server_pid 2>/dev/null"
for _ in $(seq 150); do
  curl -fs http://127.0.0.1:3000/healthz >/dev/null 2>&1 && curl -fs http://127.0.0.1:5555/healthz >/dev/null 2>&1 && break
  sleep 0.2
done
trust="$data/trust_config.json"
check "sigil-server all is up (trust config written)" test -s "$trust"
token() { curl -fs -X POST -d "subject=$1&email=$1" http://127.0.0.1:5556/token | python3 -c "import json,sys; print(json.load(sys.stdin)['id_token'])"; }
issuer=http://127.0.0.1:5556
release=alice@example.com
ops=ops@example.com

registry_start plain anonymous "$work"
registry_start secure basic-tls "$work"
registry_start api anonymous "$work"
referrers_proxy_start proxy api "$work"
echo "registries: plain http://$plain_host, secure https://$secure_host (basic auth), referrers double http://$proxy_host over http://$api_host"

# The Docker config file for the secure registry, and a CA directory for skopeo.
mkdir -p "$work/docker" "$work/docker-bad" "$work/certs"
cp "$secure_ca" "$work/certs/ca.crt"
auth=$(printf '%s:%s' "$secure_user" "$secure_password" | base64 -w0)
printf '{"auths": {"%s": {"auth": "%s"}}}\n' "$secure_host" "$auth" >"$work/docker/config.json"
printf '{"auths": {"%s": {"auth": "%s"}}}\n' "$secure_host" "$(printf '%s:%s' "$secure_user" wrong-pw-7f3a91 | base64 -w0)" \
  >"$work/docker-bad/config.json"

# Fixtures: single-platform images and a two-platform index, each with fresh random layers.
layout="$work/layout"
for tag in app conc tamper proxied local; do
  check "fixture image '$tag' built (OCI layout, 3 random tar.gz layers)" python3 interop/fixtures-image.py "$layout" --tag $tag
  printf -v "digest_$tag" '%s' "$(cat "$out")"
done
check "fixture image 'multi' built (index of linux/amd64 + linux/arm64)" python3 interop/fixtures-image.py "$layout" --tag multi --platforms 2
digest_multi=$(cat "$out")
skopeo_plain=(--dest-tls-verify=false)
skopeo_secure=(--dest-cert-dir="$work/certs" --dest-creds "$secure_user:$secure_password")
check "skopeo pushes app to $plain_host/quarantine/app:v1" skopeo copy -q oci:"$layout":app docker://$plain_host/quarantine/app:v1 "${skopeo_plain[@]}"
check "skopeo pushes multi (--all) to $plain_host/quarantine/multi:v1" \
  skopeo copy -q --all oci:"$layout":multi docker://$plain_host/quarantine/multi:v1 "${skopeo_plain[@]}"
check "skopeo pushes conc to $plain_host/quarantine/conc:v1" skopeo copy -q oci:"$layout":conc docker://$plain_host/quarantine/conc:v1 "${skopeo_plain[@]}"
check "skopeo pushes tamper to $plain_host/quarantine/tamper:v1" \
  skopeo copy -q oci:"$layout":tamper docker://$plain_host/quarantine/tamper:v1 "${skopeo_plain[@]}"
check "skopeo pushes app to $secure_host/quarantine/app:v1 (TLS, basic auth)" \
  skopeo copy -q oci:"$layout":app docker://$secure_host/quarantine/app:v1 "${skopeo_secure[@]}"
check "skopeo pushes proxied to $proxy_host/quarantine/app:v1 (through the referrers double)" \
  skopeo copy -q oci:"$layout":proxied docker://$proxy_host/quarantine/app:v1 "${skopeo_plain[@]}"

# The predicate, the promotion policy (release signs and scans, ops decides the lifecycle).
cat >"$work/vuln.json" <<'EOF'
{"invocation": {"parameters": null, "uri": "https://ci.example.com/runs/42", "event_id": "42", "builder.id": "ci"},
 "scanner": {"uri": "pkg:github/aquasecurity/trivy@v0.50.0", "version": "0.50.0",
             "db": {"uri": "pkg:github/aquasecurity/trivy-db", "version": "2"},
             "result": {"summary": {"critical": 0, "high": 1}, "findings": [{"id": "CVE-2025-0001", "severity": "HIGH"}]}},
 "metadata": {"scanStartedOn": "2026-01-01T00:00:00Z", "scanFinishedOn": "2026-01-01T00:01:00Z"}}
EOF
cat >"$work/promote.json" <<EOF
{
  "identities": {
    "release": [{"issuer": "$issuer", "subject": "$release"}],
    "ops": [{"issuer": "$issuer", "subject": "$ops"}]
  },
  "lifecycleSigners": "ops",
  "rules": [
    {"rule": "signed", "by": "release"},
    {"rule": "attestation", "type": "vuln", "by": "release",
     "predicate": {"rules": [{"path": "scanner.result.summary.critical", "max": 0}]}},
    {"rule": "notQuarantined"}
  ]
}
EOF
verify_args=(--certificate-identity $release --certificate-oidc-issuer $issuer --trust-config "$trust")

# ---------------------------------------------------------------------------------------------
# The quarantine-and-promote flow, run against the anonymous registry and the basic-auth TLS one.
# Sigil calls go through sigil_w (writes) and sigil_r (reads), which add the registry's access
# options; probe_auth and skopeo_src hold the independent clients' equivalents.
promotion_flow() {
  local label=$1 host=$2 root=$3 log=$4 src="$2/quarantine/app" dst="$2/prod/app"
  local digest=$digest_app hex=${digest_app#sha256:}

  section "$label: sign, attest, verify, tree"
  check "$label: sign-image $src:v1 --json (keyless, as $release)" \
    sigil_w sign-image $src:v1 --trust-config "$trust" --identity-token "$(token $release)" --json
  local sign_json=$out
  assert "$label: sign-image resolved the tag to the pushed digest $digest" \
    test "$(json "$sign_json" 'v[0]["digest"]')" = "$digest"
  assert "$label: sign-image --json names the signer and a log index" \
    python3 -c 'import json,sys; l=json.load(open(sys.argv[1]))[0]; assert l["identity"]==sys.argv[2] and l["issuer"]==sys.argv[3] and l["logIndex"]>=0 and l["integratedTime"]>0 and l["referrer"].startswith("sha256:")' \
      "$sign_json" $release $issuer
  local sig_ref; sig_ref=$(json "$sign_json" 'v[0]["referrer"]')
  check "$label: attest-image $src:v1 --type vuln" \
    sigil_w attest-image $src:v1 --predicate "$work/vuln.json" --type vuln --trust-config "$trust" --identity-token "$(token $release)" --json
  local att_ref; att_ref=$(json "$out" 'v[0]["referrer"]')
  check "$label: verify-image $src:v1 (identity, --require-attestation vuln)" \
    sigil_r verify-image $src:v1 "${verify_args[@]}" --require-attestation vuln
  refuses "$label: verify-image refuses another identity" "no signature verifies|FAIL" \
    sigil_r verify-image $src:v1 --certificate-identity mallory@example.com --certificate-oidc-issuer $issuer --trust-config "$trust"
  refuses "$label: verify-image refuses a missing attestation type (slsaprovenance1)" "no .*slsa.* attestation verifies" \
    sigil_r verify-image $src:v1 "${verify_args[@]}" --require-attestation slsaprovenance1
  check "$label: tree $src:v1 --json" sigil_r tree $src:v1 --json
  printf '%s\n' "$sig_ref" "$att_ref" >"$work/expected"
  tree_referrers "$out" >"$work/listed"
  assert "$label: tree lists the signature and the attestation" same_lines "$work/expected" "$work/listed"
  check "$label: tree $src:v1 (text)" sigil_r tree $src:v1
  assert "$label: tree's text names both referrers" grep_in "${sig_ref:7:12}.*|${att_ref:7:12}" "$out"

  section "$label: independent checks (plain HTTP, skopeo, sigstore-python)"
  check "$label: the fallback tag sha256-<hex> is a valid OCI image index listing both, with artifactType and annotations" \
    probe "${probe_auth[@]}" fallback-index $host quarantine/app $digest --expect $sig_ref $att_ref --count 2 --sigstore-annotations
  check "$label: skopeo inspect --raw reads the fallback index Sigil wrote" \
    skopeo inspect --raw "${skopeo_src[@]}" docker://$host/quarantine/app:sha256-$hex
  assert "$label: ... and skopeo sees an OCI image index" grep_in '"mediaType": *"application/vnd.oci.image.index.v1\+json"' "$out"
  check "$label: skopeo inspect still reads the image, digest unchanged" skopeo inspect "${skopeo_src[@]}" docker://$host/quarantine/app:v1
  assert "$label: ... Digest $digest" grep_in "\"Digest\": \"$digest\"" "$out"
  check "$label: fetch the signature's manifest and bundle layer by digest (plain HTTP)" \
    probe "${probe_auth[@]}" fetch-bundle $host quarantine/app $sig_ref "$work/$label-sig.sigstore.json"
  check "$label: fetch the attestation's bundle layer (plain HTTP)" \
    probe "${probe_auth[@]}" fetch-bundle $host quarantine/app $att_ref "$work/$label-att.sigstore.json"
  check "$label: fetch the image manifest's bytes (plain HTTP)" \
    probe "${probe_auth[@]}" fetch-manifest $host quarantine/app $digest "$work/$label-manifest.json"
  check "$label: sigstore verify identity sha256:<manifest hex> --bundle <signature layer>" \
    sigstore --trust-config "$trust" verify identity --offline --bundle "$work/$label-sig.sigstore.json" \
      --cert-identity $release --cert-oidc-issuer $issuer "sha256:$hex"
  check "$label: sigstore verify identity <manifest bytes> --bundle <signature layer>" \
    sigstore --trust-config "$trust" verify identity --offline --bundle "$work/$label-sig.sigstore.json" \
      --cert-identity $release --cert-oidc-issuer $issuer "$work/$label-manifest.json"
  check "$label: sigstore verify identity <manifest bytes> --bundle <attestation layer> (DSSE, subject = manifest digest)" \
    sigstore --trust-config "$trust" verify identity --offline --bundle "$work/$label-att.sigstore.json" \
      --cert-identity $release --cert-oidc-issuer $issuer "$work/$label-manifest.json"
  refuses "$label: sigstore rejects the signature bundle for another digest" "FAIL: " \
    sigstore --trust-config "$trust" verify identity --offline --bundle "$work/$label-sig.sigstore.json" \
      --cert-identity $release --cert-oidc-issuer $issuer "sha256:$(printf '%064d' 0)"

  section "$label: quarantine, the gate refuses, nothing reaches $dst"
  check "$label: lifecycle set $src@sha256:… --status quarantined (as $ops)" \
    sigil_w lifecycle set $src@$digest --status quarantined --reason "scan pending" --trust-config "$trust" --identity-token "$(token $ops)" --json
  local q_ref; q_ref=$(json "$out" 'v[0]["referrer"]')
  check "$label: lifecycle show says quarantined" \
    sigil_r lifecycle show $src@$digest --certificate-identity $ops --certificate-oidc-issuer $issuer --trust-config "$trust"
  assert "$label: ... status quarantined" grep_in "status at .*: quarantined" "$out"
  refuses "$label: policy check $src@sha256:… fails (quarantined)" "FAIL not quarantined" \
    sigil_r policy check $src@$digest --policy "$work/promote.json" --trust-config "$trust"
  refuses "$label: copy … --policy promote.json refuses" "nothing was copied" \
    sigil_w copy $src@$digest $dst:v1.2 --policy "$work/promote.json" --trust-config "$trust"
  refuses "$label: destination untouched: no prod/app:v1.2 (HEAD manifest 404)" "" \
    probe "${probe_auth[@]}" has-manifest $host prod/app v1.2
  refuses "$label: destination untouched: no prod/app@$digest" "" probe "${probe_auth[@]}" has-manifest $host prod/app $digest
  refuses "$label: destination untouched: no fallback tag in prod/app" "" probe "${probe_auth[@]}" has-manifest $host prod/app sha256-$hex
  check "$label: destination untouched: prod/app has no tags" probe "${probe_auth[@]}" tags $host prod/app
  assert "$label: ... (tag list empty)" test ! -s "$out"
  assert "$label: destination untouched: no prod repository in the registry's storage" \
    test ! -e "$root/docker/registry/v2/repositories/prod/app"
  refuses "$label: skopeo inspect finds no $dst:v1.2" "manifest unknown|not found|name unknown|unknown" \
    skopeo inspect "${skopeo_src[@]}" docker://$dst:v1.2

  section "$label: active again, the gate passes, promotion with every referrer"
  sleep 1.1  # the newest statement wins by integrated time (seconds): keep the two apart
  check "$label: lifecycle set --status active (as $ops)" \
    sigil_w lifecycle set $src@$digest --status active --reason "scan clean" --trust-config "$trust" --identity-token "$(token $ops)" --json
  local a_ref; a_ref=$(json "$out" 'v[0]["referrer"]')
  check "$label: policy check $src@sha256:… passes" sigil_r policy check $src@$digest --policy "$work/promote.json" --trust-config "$trust"
  local log_lines; log_lines=$(wc -l <"$log")
  check "$label: copy $src@sha256:… $dst:v1.2 --policy promote.json" \
    sigil_w copy $src@$digest $dst:v1.2 --policy "$work/promote.json" --trust-config "$trust"
  tail -n +$((log_lines + 1)) "$log" >"$work/$label-copy.log"
  assert "$label: copy mounted the blobs from quarantine/app (registry log: POST …?mount=… 201, no upload to prod/app)" \
    bash -c 'grep -E "\"POST /v2/prod/app/blobs/uploads/\?[^\"]*mount=[^\"]*\" 201" "$1" >/dev/null &&
             ! grep -E "\"(PATCH|PUT) /v2/prod/app/blobs/uploads/" "$1"' _ "$work/$label-copy.log"
  check "$label: verify-image $dst:v1.2 (the copied referrers verify in the destination)" \
    sigil_r verify-image $dst:v1.2 "${verify_args[@]}" --require-attestation vuln
  check "$label: policy check $dst:v1.2 passes (lifecycle copied too)" \
    sigil_r policy check $dst:v1.2 --policy "$work/promote.json" --trust-config "$trust"
  check "$label: skopeo inspect reads $dst:v1.2" skopeo inspect "${skopeo_src[@]}" docker://$dst:v1.2
  assert "$label: ... with the source's digest" grep_in "\"Digest\": \"$digest\"" "$out"
  check "$label: tree $dst:v1.2 --json" sigil_r tree $dst:v1.2 --json
  printf '%s\n' "$sig_ref" "$att_ref" "$q_ref" "$a_ref" >"$work/expected"
  tree_referrers "$out" >"$work/listed"
  assert "$label: tree shows the 4 copied referrers (signature, vuln, quarantined, active)" same_lines "$work/expected" "$work/listed"
  check "$label: the destination's fallback index lists the 4 referrers (plain HTTP)" \
    probe "${probe_auth[@]}" fallback-index $host prod/app $digest --expect $sig_ref $att_ref $q_ref $a_ref --count 4 --sigstore-annotations
  check "$label: the copied signature's bundle fetched from prod/app verifies with sigstore" \
    probe "${probe_auth[@]}" fetch-bundle $host prod/app $sig_ref "$work/$label-prod-sig.sigstore.json"
  check "$label: ... sigstore verify identity sha256:<hex>" \
    sigstore --trust-config "$trust" verify identity --offline --bundle "$work/$label-prod-sig.sigstore.json" \
      --cert-identity $release --cert-oidc-issuer $issuer "sha256:$hex"
}

# ---------------------------------------------------------------------------------------------
# 1. The anonymous registry.
sigil_w() { "$sigil" "$@"; }
sigil_r() { "$sigil" "$@"; }
probe_auth=()
skopeo_src=(--tls-verify=false)
promotion_flow anonymous "$plain_host" "$plain_root" "$plain_log"

section "anonymous: an image index, recursively"
check "sign-image --recursive $plain_host/quarantine/multi:v1 (index + 2 platform manifests)" \
  "$sigil" sign-image $plain_host/quarantine/multi:v1 --recursive --trust-config "$trust" --identity-token "$(token $release)" --json
assert "... 3 signatures, the index's digest first" \
  python3 -c 'import json,sys; l=json.load(open(sys.argv[1])); assert len(l)==3 and l[0]["digest"]==sys.argv[2], l' "$out" "$digest_multi"
check "verify-image --recursive $plain_host/quarantine/multi:v1" \
  "$sigil" verify-image $plain_host/quarantine/multi:v1 --recursive "${verify_args[@]}"
check "copy $plain_host/quarantine/multi:v1 → prod/multi:v1 (no policy)" "$sigil" copy $plain_host/quarantine/multi:v1 $plain_host/prod/multi:v1
check "skopeo inspect --raw reads the copied index" skopeo inspect --raw --tls-verify=false docker://$plain_host/prod/multi:v1
assert "... byte for byte the source's index ($digest_multi)" test "sha256:$(sha256sum <"$out" | cut -c1-64)" = "$digest_multi"
check "skopeo copy --all reads every platform of the copied index back" \
  skopeo copy -q --all --src-tls-verify=false docker://$plain_host/prod/multi:v1 oci:"$work/readback":multi
check "verify-image --recursive on the copy" "$sigil" verify-image $plain_host/prod/multi:v1 --recursive "${verify_args[@]}"

section "anonymous: 8 concurrent signers on one image"
conc_pids=()
for k in 1 2 3 4 5 6 7 8; do
  ( status=0
    "$sigil" sign-image $plain_host/quarantine/conc:v1 --trust-config "$trust" --identity-token "$(token $release)" --json \
      >"$work/conc-$k.json" 2>"$work/conc-$k.err" || status=$?
    echo $status >"$work/conc-$k.status" ) &
  conc_pids+=($!)
done
wait "${conc_pids[@]}"  # only these: a bare `wait` would wait for the servers too
assert "8 parallel sign-image runs all exit 0" bash -c 'for k in 1 2 3 4 5 6 7 8; do [ "$(cat "$1/conc-$k.status")" = 0 ] || { cat "$1/conc-$k.err"; exit 1; }; done' _ "$work"
conc_refs=()
for k in 1 2 3 4 5 6 7 8; do conc_refs+=("$(json "$work/conc-$k.json" 'v[0]["referrer"]' 2>/dev/null || echo missing-$k)"); done
check "the fallback index lists all 8 new signatures (plain HTTP)" \
  probe fallback-index $plain_host quarantine/conc $digest_conc --expect "${conc_refs[@]}" --count 8 --sigstore-annotations
check "tree $plain_host/quarantine/conc:v1 --json" "$sigil" tree $plain_host/quarantine/conc:v1 --json
printf '%s\n' "${conc_refs[@]}" >"$work/expected"
tree_referrers "$out" >"$work/listed"
assert "tree lists the 8 signatures" same_lines "$work/expected" "$work/listed"
check "verify-image reports 8 verified signatures" "$sigil" verify-image $plain_host/quarantine/conc:v1 "${verify_args[@]}" --json
assert "... 8 OK" python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))[0]["referrers"]; assert sum(x["verified"] for x in r)==8, r' "$out"

section "anonymous: layouts and registries (the layout path is kept)"
check "copy $plain_host/prod/app:v1.2 → a layout oci:DIR:v1.2" "$sigil" copy $plain_host/prod/app:v1.2 oci:"$work/backup":v1.2
check "verify-image oci:DIR:v1.2 (referrers copied into the layout)" \
  "$sigil" verify-image oci:"$work/backup":v1.2 "${verify_args[@]}" --require-attestation vuln
check "sign-image on a layout ($layout:local)" \
  "$sigil" sign-image "$layout":local --trust-config "$trust" --identity-token "$(token $release)"
check "copy the layout image → $plain_host/fromlayout/app:v1" "$sigil" copy "$layout":local $plain_host/fromlayout/app:v1
check "verify-image $plain_host/fromlayout/app:v1" "$sigil" verify-image $plain_host/fromlayout/app:v1 "${verify_args[@]}"
check "skopeo inspect reads it" skopeo inspect --tls-verify=false docker://$plain_host/fromlayout/app:v1
assert "... with the layout's digest" grep_in "\"Digest\": \"$digest_local\"" "$out"

section "anonymous: bad input and tampered storage"
refuses "an unknown tag is a clear error" "not found|unknown|no image is tagged|does not exist" "$sigil" tree $plain_host/quarantine/app:v9
refuses "an unknown repository is a clear error" "not found|unknown|does not exist" "$sigil" tree $plain_host/nothere/app:v1
refuses "a registry that is down is a clear error" "connect|refused|unreachable|could not reach" "$sigil" tree 127.0.0.1:1/app:v1
check "sign-image $plain_host/quarantine/tamper:v1" \
  "$sigil" sign-image $plain_host/quarantine/tamper:v1 --trust-config "$trust" --identity-token "$(token $release)" --json
tamper_sig=$(json "$out" 'v[0]["referrer"]')
check "verify-image passes before tampering" "$sigil" verify-image $plain_host/quarantine/tamper:v1 "${verify_args[@]}"
corrupt="corrupt|hashes to|mismatch|does not match"
blob_path() { local hex=${1#sha256:}; echo "$plain_root/docker/registry/v2/blobs/sha256/${hex:0:2}/$hex/data"; }
flip() { python3 -c 'import sys; p=sys.argv[1]; o=int(sys.argv[2]); b=bytearray(open(p,"rb").read()); b[o]^=1; open(p,"wb").write(b)' "$@"; }
# (a) a layer, one bit flipped (same size). verify-image and policy check only check that a
#     registry holds each layer with its stated size (ImageStore.checkPresent: the registry checked
#     the digest on upload and every puller checks it again); what reads the bytes must refuse them.
layer=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["layers"][0]["digest"])' \
  "$layout/blobs/sha256/${digest_tamper#sha256:}")
cp "$(blob_path $layer)" "$work/layer.orig"
flip "$(blob_path $layer)" $(($(stat -c %s "$work/layer.orig") / 2))
refuses "copy to a layout refuses a layer whose bytes no longer match its digest" "$corrupt" \
  "$sigil" copy $plain_host/quarantine/tamper:v1 oci:"$work/tampered-copy":v1
assert "... and the layout names no image (nothing findable half-written)" \
  bash -c '! grep -qs "\"v1\"" "$1/index.json"' _ "$work/tampered-copy"
refuses "copy to another registry refuses it too" "$corrupt" \
  "$sigil" copy $plain_host/quarantine/tamper:v1 $api_host/tampered/app:v1
refuses "... and the destination has no tampered/app:v1" "" probe has-manifest $api_host tampered/app v1
# (a') the same layer truncated: the size check catches it without reading it.
head -c 1000 "$work/layer.orig" >"$(blob_path $layer)"
refuses "verify-image fails when a layer's size is not its descriptor's" "bytes|size" \
  "$sigil" verify-image $plain_host/quarantine/tamper:v1 "${verify_args[@]}"
cp "$work/layer.orig" "$(blob_path $layer)"
# (b) the image manifest itself: still valid JSON (a digest character changed), other bytes.
cp "$(blob_path $digest_tamper)" "$work/manifest.orig"
python3 -c 'import sys; p=sys.argv[1]; t=open(p).read(); k=t.index("sha256:")+7; t=t[:k]+("0" if t[k]!="0" else "1")+t[k+1:]; open(p,"w").write(t)' \
  "$(blob_path $digest_tamper)"
refuses "verify-image fails when the manifest's bytes no longer match its digest" "$corrupt" \
  "$sigil" verify-image $plain_host/quarantine/tamper:v1 "${verify_args[@]}"
refuses "policy check fails on the same tampered manifest" "$corrupt" \
  "$sigil" policy check $plain_host/quarantine/tamper:v1 --policy "$work/promote.json" --trust-config "$trust"
refuses "copy refuses it (to a fresh repository)" "$corrupt" "$sigil" copy $plain_host/quarantine/tamper:v1 $plain_host/tampered/app:v1
refuses "... and writes no tampered/app:v1" "" probe has-manifest $plain_host tampered/app v1
cp "$work/manifest.orig" "$(blob_path $digest_tamper)"
# (c) the signature's bundle layer.
bundle_layer=$(probe fetch-bundle $plain_host quarantine/tamper $tamper_sig "$work/tamper.sigstore.json" | sed -E 's/.*bundle layer (sha256:[0-9a-f]+).*/\1/' || echo sha256:unavailable)
if [ -f "$(blob_path $bundle_layer)" ]; then
  cp "$(blob_path $bundle_layer)" "$work/bundle.orig"
  flip "$(blob_path $bundle_layer)" 20
  refuses "verify-image fails when the only signature's bundle blob is tampered (reason names the digest)" "$corrupt" \
    "$sigil" verify-image $plain_host/quarantine/tamper:v1 "${verify_args[@]}"
  assert "... and reports that no signature verifies" grep_in "no signature verifies" "$out" "$err"
  cp "$work/bundle.orig" "$(blob_path $bundle_layer)"
else
  _begin; _fail "the signature's bundle layer of quarantine/tamper is not in storage"
fi
check "verify-image passes again once storage is restored" "$sigil" verify-image $plain_host/quarantine/tamper:v1 "${verify_args[@]}"

# ---------------------------------------------------------------------------------------------
# 2. The basic-auth TLS registry: writes with --registry-username + --registry-password-stdin,
#    reads with the Docker config file.
sigil_w() { "$sigil" "$@" --registry-ca-file "$secure_ca" --registry-username "$secure_user" --registry-password-stdin <<<"$secure_password"; }
sigil_r() { DOCKER_CONFIG="$work/docker" "$sigil" "$@" --registry-ca-file "$secure_ca"; }
probe_auth=(--ca "$secure_ca" --user "$secure_user" --password-env SECURE_PASSWORD)
export SECURE_PASSWORD=$secure_password
skopeo_src=(--cert-dir="$work/certs" --creds "$secure_user:$secure_password")
promotion_flow basic-tls "$secure_host" "$secure_root" "$secure_log"

section "basic-tls: credentials and transport refusals"
refuses_stdin "a wrong password (stdin) is refused with a non-zero exit" "401|unauthori|credential|denied" wrong-pw-7f3a91 \
  "$sigil" tree $secure_host/quarantine/app:v1 --registry-ca-file "$secure_ca" --registry-username "$secure_user" --registry-password-stdin
assert "... and the wrong password does not appear in the output" bash -c '! grep -q wrong-pw-7f3a91 "$1" "$2"' _ "$out" "$err"
refuses "a wrong password (Docker config) is refused" "401|unauthori|credential|denied" \
  env DOCKER_CONFIG="$work/docker-bad" "$sigil" tree $secure_host/quarantine/app:v1 --registry-ca-file "$secure_ca"
assert "... without printing the password or the config's auth string" \
  bash -c '! grep -qE "wrong-pw-7f3a91|$3" "$1" "$2"' _ "$out" "$err" "$(printf '%s:%s' "$secure_user" wrong-pw-7f3a91 | base64 -w0)"
refuses "no credentials at all: 401 is a clear error" "401|unauthori|credential|denied" \
  env DOCKER_CONFIG="$work/empty-config" "$sigil" tree $secure_host/quarantine/app:v1 --registry-ca-file "$secure_ca"
refuses "without --registry-ca-file a loopback registry is spoken to in plain HTTP: a clear error from the TLS port" "HTTPS|HTTP 400" \
  env DOCKER_CONFIG="$work/docker" "$sigil" tree $secure_host/quarantine/app:v1
openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj "/CN=Another CA" \
  -keyout "$work/other-ca.key" -out "$work/other-ca.crt" 2>/dev/null
refuses "with another CA in --registry-ca-file the registry's certificate is refused" "certificate|tls|ssl|trust|verif" \
  env DOCKER_CONFIG="$work/docker" "$sigil" tree $secure_host/quarantine/app:v1 --registry-ca-file "$work/other-ca.crt"

# ---------------------------------------------------------------------------------------------
# 3. The referrers API (the test double over a real registry's storage).
section "referrers API (interop/registry/referrers-proxy.py over distribution's storage)"
check "the double itself: skopeo pushes the image to selftest/app too" \
  skopeo copy -q oci:"$layout":proxied docker://$proxy_host/selftest/app:v1 "${skopeo_plain[@]}"
check "the double itself: a hand-pushed referrer (plain HTTP) is answered with OCI-Subject" \
  probe push-referrer $proxy_host selftest/app $digest_proxied --artifact-type application/x-selftest --annotation k=v
selftest_ref=$(cut -d' ' -f1 "$out")
assert "... OCI-Subject: $digest_proxied" test "$(cut -d' ' -f2 "$out")" = "$digest_proxied"
check "the double itself: GET …/referrers/<digest> lists it" \
  probe referrers $proxy_host selftest/app $digest_proxied --expect $selftest_ref --count 1
digest_proxied_hex=${digest_proxied#sha256:}
check "sign-image $proxy_host/quarantine/app:v1" \
  "$sigil" sign-image $proxy_host/quarantine/app:v1 --trust-config "$trust" --identity-token "$(token $release)" --json
proxy_sig=$(json "$out" 'v[0]["referrer"]')
check "attest-image $proxy_host/quarantine/app:v1 --type vuln" \
  "$sigil" attest-image $proxy_host/quarantine/app:v1 --predicate "$work/vuln.json" --type vuln --trust-config "$trust" \
    --identity-token "$(token $release)" --json
proxy_att=$(json "$out" 'v[0]["referrer"]')
check "verify-image $proxy_host/quarantine/app:v1 --require-attestation vuln" \
  "$sigil" verify-image $proxy_host/quarantine/app:v1 "${verify_args[@]}" --require-attestation vuln
check "tree $proxy_host/quarantine/app:v1 --json" "$sigil" tree $proxy_host/quarantine/app:v1 --json
printf '%s\n' "$proxy_sig" "$proxy_att" >"$work/expected"
tree_referrers "$out" >"$work/listed"
assert "tree lists the signature and the attestation" same_lines "$work/expected" "$work/listed"
assert "Sigil discovered them through GET /v2/quarantine/app/referrers/<digest> (the double's access log, by User-Agent)" \
  bash -c 'grep -F "\"GET /v2/quarantine/app/referrers/$2" "$1" | grep -v Python-urllib | grep -q " 200 "' _ "$proxy_log" "$digest_proxied"
check "the referrers API lists the signature and the attestation (plain HTTP)" \
  probe referrers $proxy_host quarantine/app $digest_proxied --expect $proxy_sig $proxy_att --count 2 --sigstore-annotations
check "the referrers API filters by artifactType (OCI-Filters-Applied)" \
  probe referrers $proxy_host quarantine/app $digest_proxied --artifact-type application/vnd.dev.sigstore.bundle.v0.3+json --count 2
refuses "no sha256-<hex> fallback tag was created (the registry answered OCI-Subject)" "" \
  probe has-manifest $proxy_host quarantine/app sha256-$digest_proxied_hex
check "the repository's tags are only v1" probe tags $proxy_host quarantine/app
assert "... (v1)" test "$(cat "$out")" = v1
assert "no sha256-* tag directory in the registry's storage" \
  bash -c '! ls "$1"/docker/registry/v2/repositories/quarantine/app/_manifests/tags | grep -q "^sha256-"' _ "$api_root"
check "copy $proxy_host/quarantine/app:v1 → prod/app:v1" "$sigil" copy $proxy_host/quarantine/app:v1 $proxy_host/prod/app:v1
check "the copy's referrers are listed by the API in prod/app" \
  probe referrers $proxy_host prod/app $digest_proxied --expect $proxy_sig $proxy_att --count 2
refuses "no fallback tag in prod/app either" "" probe has-manifest $proxy_host prod/app sha256-$digest_proxied_hex
check "verify-image $proxy_host/prod/app:v1" "$sigil" verify-image $proxy_host/prod/app:v1 "${verify_args[@]}" --require-attestation vuln

# ---------------------------------------------------------------------------------------------
section "No credential in any output"
assert "the registry password and its base64 form appear in no captured stdout/stderr" \
  bash -c '! grep -rlE -- "$2|$3" "$1"' _ "$work/out" "$secure_password" "$auth"

echo
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
