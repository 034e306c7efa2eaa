#!/usr/bin/env bash
# Issue 15, the stack's trust root through TUF, end to end against a fresh `sigil-server all` on
# free ports:
#  - python-tuf's ngclient.Updater (one persistent metadata folder, bootstrapped from 1.root.json)
#    refreshes and downloads trusted_root.json and signing_config.v0.2.json, byte-equal to the data
#    folder's trust files, at the start and after every kind of rotation (ca-intermediate,
#    log-key, tsa, tuf-online, tuf-targets, tuf-root); the trusted root changes when the trust
#    files do, and the Updater follows each N+1.root.json;
#  - the real sigstore 4.5.1 client: `--instance URL trust-instance 1.root.json`, then sign and
#    verify with no --trust-config, `plumbing update-trust-root` after a rotation, and bundles
#    signed before a rotation still verify after it;
#  - sigil: trust-instance, sign-blob/verify-blob --instance, --offline with the server stopped,
#    a clear failure without --offline, and bad input (missing, truncated or foreign root,
#    unreachable instance, unknown instance, a cache copied from another instance) failing with
#    the cache left byte-for-byte as it was;
#  - /tuf/ itself: content types, immutable versioned files, an uncached timestamp.json, and no
#    file outside tuf/repository reachable by dot-dot or encoded paths;
#  - renewal: a second data folder whose timestamp lives 20 s, served by `sigil-server log`, gets
#    a new timestamp.json from the running server and python-tuf keeps refreshing, also after
#    `rotate tuf-online` while that server runs.
# Needs the debug build, curl, python3 with `tuf` and `sigstore` (4.5.1) on PATH. Private HOME and
# XDG folders under a temp dir, so no cache leaks between runs. KEEP=1 keeps the temp dir.
set -uo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
work=$(mktemp -d)
sigil="$repo/.build/debug/sigil"
server="$repo/.build/debug/sigil-server"
helper="$repo/interop/tuf_updater_check.py"
export HOME="$work/home" XDG_DATA_HOME="$work/home/data" XDG_CACHE_HOME="$work/home/cache" XDG_CONFIG_HOME="$work/home/config"
mkdir -p "$HOME"
data="$work/sigil"
source interop/lib/checks.sh
# check_error NAME REGEXP COMMAND...: the command fails (non-zero), prints a message matching
# REGEXP (case-insensitive) without a crash, and the sigil TUF cache is unchanged.
check_error() {
  local name=$1 pattern=$2
  shift 2
  local before after status
  before=$(cache_sum)
  "$@" >"$work/out" 2>&1
  status=$?
  after=$(cache_sum)
  local message
  message=$(grep -v '^\s*$' "$work/out" | head -1)
  if [ $status = 0 ]; then
    fail "$name: succeeded, should fail"
  elif grep -qiE 'fatal error|stack trace|traceback|segmentation' "$work/out"; then
    fail "$name: crashed (exit $status)"; sed 's/^/    /' "$work/out" | tail -5
  elif ! grep -qiE "$pattern" "$work/out"; then
    fail "$name: exit $status but the message does not match /$pattern/: $message"
  elif [ "$before" != "$after" ]; then
    fail "$name: exit $status but the TUF cache changed"
  else
    pass "$name (exit $status, cache unchanged): $message"
  fi
}
cache_dir="$XDG_DATA_HOME/sigil/tuf"
cache_sum() {  # every path and file content under sigil's TUF cache
  if [ -d "$cache_dir" ]; then
    (cd "$cache_dir" && find . -print0 | sort -z | xargs -0 -I{} sh -c 'if [ -f "$1" ]; then sha256sum "$1"; else echo "dir $1"; fi' _ {}) | sha256sum
  else
    echo absent
  fi
}

free_ports() {  # N free loopback ports
  python3 - "$1" <<'PY'
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
PY
}
read -r oidc ca log tsa renew_log unused <<<"$(free_ports 6)"
issuer=http://127.0.0.1:$oidc
instance=http://127.0.0.1:$log/tuf
identity=alice@example.com

pid=
renew_pid=
renew_check_pid=
cleanup() {
  [ -n "$renew_check_pid" ] && pkill -P "$renew_check_pid" 2>/dev/null
  for p in $pid $renew_pid $renew_check_pid; do kill "$p" 2>/dev/null; done
  for p in $pid $renew_pid $renew_check_pid; do wait "$p" 2>/dev/null; done
  [ -n "${KEEP:-}" ] && echo "kept $work" || rm -rf "$work"
}
trap cleanup EXIT

wait_ready() {  # URL...: wait until each answers
  for _ in $(seq 150); do
    local ok=1
    for url in "$@"; do curl -fs "$url" >/dev/null 2>&1 || { ok=0; break; }; done
    [ $ok = 1 ] && return 0
    sleep 0.2
  done
  return 1
}
start() {
  "$server" all --data "$data" --ca-config ca >>"$work/server.log" 2>&1 &
  pid=$!
  if ! wait_ready "http://127.0.0.1:$ca/readyz" "http://127.0.0.1:$log/readyz" "http://127.0.0.1:$tsa/healthz" \
      "http://127.0.0.1:$oidc/.well-known/openid-configuration" "$instance/timestamp.json"; then
    echo "FAIL the stack did not come up"; tail -5 "$work/server.log"; exit 1
  fi
}
stop() { kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=; }
token() { curl -fs -X POST -d "subject=$1&email=$1" "$issuer/token" | python3 -c "import json,sys; print(json.load(sys.stdin)['id_token'])"; }

# --- Set up: the main data folder, a second one (only for its foreign 1.root.json), and the
#     renewal folder whose timestamp lives 20 s, served by its own log server from the start so
#     its 20-35 s check runs alongside the rest.
if ! "$server" init --data "$data" --ca-config ca --log-url "http://127.0.0.1:$log" --ca-url "http://127.0.0.1:$ca" \
    --oidc-url "$issuer" --tsa-url "http://127.0.0.1:$tsa" >"$work/init.log" 2>&1; then
  echo "FAIL sigil-server init"; tail -5 "$work/init.log"; exit 1
fi
"$server" init --data "$work/other" --ca-config ca >/dev/null 2>&1 || { echo "FAIL sigil-server init (second folder)"; exit 1; }
python3 - "$data/tuf/roles.json" "$work/short-roles.json" <<'PY'
import json, sys
roles = json.load(open(sys.argv[1]))
roles["roles"]["timestamp"].update({"expires": "20s", "renewBefore": "10s"})
json.dump(roles, open(sys.argv[2], "w"), indent=2)
PY
"$server" init --data "$work/renew" --ca-config ca --tuf-config "$work/short-roles.json" --log-url "http://127.0.0.1:$renew_log" \
  >"$work/renew-init.log" 2>&1 || { echo "FAIL sigil-server init --tuf-config (20 s timestamp)"; tail -5 "$work/renew-init.log"; exit 1; }
"$server" log --data "$work/renew" >"$work/renew-server.log" 2>&1 &
renew_pid=$!
if wait_ready "http://127.0.0.1:$renew_log/tuf/timestamp.json"; then
  # Then rotate the online (timestamp) key while the server runs: it must go on renewing with
  # the new key, and python-tuf must follow 2.root.json and accept the renewed timestamps.
  (
    status=0
    python3 "$helper" renewal "$work/renew-client" "http://127.0.0.1:$renew_log/tuf" "$work/renew" 25 || status=1
    if "$server" rotate tuf-online --data "$work/renew" >"$work/renew-rotate.out" 2>&1 && [ -f "$work/renew/tuf/repository/2.root.json" ]; then
      echo "PASS sigil-server rotate tuf-online while the log server runs published 2.root.json"
    else
      echo "FAIL sigil-server rotate tuf-online while the log server runs"; sed 's/^/    /' "$work/renew-rotate.out" | tail -3; status=1
    fi
    python3 "$helper" renewal "$work/renew-client" "http://127.0.0.1:$renew_log/tuf" "$work/renew" 25 \
      | sed -E 's/^(PASS|FAIL)(.*)$/\1\2, after rotate tuf-online/'
    [ "${PIPESTATUS[0]}" = 0 ] || status=1
    exit $status
  ) >"$work/renewal.out" 2>&1 &
  renew_check_pid=$!
else
  echo "FAIL sigil-server log (renewal folder) did not come up" >"$work/renewal.out"; tail -5 "$work/renew-server.log" >>"$work/renewal.out"
fi

start
ls "$data/tuf/repository/1.root.json" >/dev/null 2>&1 && pass "sigil-server init published tuf/repository/1.root.json" \
  || fail "sigil-server init published no tuf/repository/1.root.json"

# --- python-tuf, before and after each rotation. tuf_check LABEL CHANGED(yes|no|any)
last_root_sha=
tuf_check() {
  local label=$1 changed=$2
  if ! python3 "$helper" refresh "$work/python-tuf" "$instance" "$data" "$label" >"$work/tuf.out" 2>&1; then
    fail "python-tuf Updater ($label): refresh, download and compare"; sed 's/^/    /' "$work/tuf.out" | tail -5
    return
  fi
  local summary sha
  summary=$(tail -1 "$work/tuf.out")
  sha=$(python3 -c "import json,sys; print(json.loads(sys.argv[1])['trusted_root_sha256'])" "$summary")
  pass "python-tuf Updater ($label) refreshes and downloads trusted_root.json and signing_config.v0.2.json equal to the data folder's: $summary"
  if [ "$changed" = yes ] && [ "$sha" = "$last_root_sha" ]; then
    fail "python-tuf ($label): the trusted root did not change although the trust files did"
  elif [ "$changed" = no ] && [ "$sha" != "$last_root_sha" ]; then
    fail "python-tuf ($label): the trusted root changed although only TUF keys rotated"
  elif [ "$changed" != any ]; then
    pass "python-tuf ($label): the downloaded trusted_root.json $([ "$changed" = yes ] && echo changed || echo 'is unchanged')"
  fi
  last_root_sha=$sha
}
tuf_check initial any

# --- What the log serves at /tuf/: content types, caching (versioned files are immutable, the
#     timestamp must not be cached), and nothing outside the repository folder.
headers() { curl -s --path-as-is -D - -o /dev/null "http://127.0.0.1:$log$1" | tr -d '\r'; }
target_path=$(cd "$data/tuf/repository" && ls targets/*.trusted_root.json | head -1)
header_problems=
for path in /tuf/1.root.json /tuf/1.snapshot.json /tuf/1.targets.json "/tuf/$target_path"; do
  h=$(headers "$path")
  grep -q '^HTTP/1.1 200' <<<"$h" && grep -qi '^content-type: application/json' <<<"$h" && grep -qi '^cache-control:.*immutable' <<<"$h" \
    || header_problems+=" $path"
done
h=$(headers /tuf/timestamp.json)
grep -q '^HTTP/1.1 200' <<<"$h" && grep -qi '^content-type: application/json' <<<"$h" && grep -qiE '^cache-control:.*(no-cache|no-store|max-age=[0-9]{1,3}\b)' <<<"$h" \
  || header_problems+=" /tuf/timestamp.json"
[ -z "$header_problems" ] && pass "/tuf/ serves N.root.json, V.snapshot.json, V.targets.json and targets/<sha256>.<name> immutable, timestamp.json uncached, as application/json" \
  || fail "/tuf/ content type or caching headers wrong for:$header_problems"
leaks=
for path in /tuf/../keys/tuf/root.pem /tuf/..%2f..%2fkeys%2ftuf%2froot.pem /tuf/%2e%2e/%2e%2e/keys/tuf/online.pem \
            /tuf/targets/..%2f..%2f..%2fkeys%2ftuf%2ftargets.pem /tuf/..%2froles.json /tuf/lock /tuf/../trust_config.json; do
  [ "$(curl -s --path-as-is -o "$work/leak" -w '%{http_code}' "http://127.0.0.1:$log$path")" = 200 ] && leaks+=" $path"
  grep -q 'PRIVATE KEY' "$work/leak" 2>/dev/null && leaks+=" $path(private key!)"
done
[ -z "$leaks" ] && pass "/tuf/ serves nothing outside tuf/repository (dot-dot and encoded paths, private keys, roles.json, lock)" \
  || fail "/tuf/ serves files outside the repository:$leaks"

# --- The real sigstore client through --instance (no --trust-config).
sigstore_sign() {  # NAME: signs $work/NAME.txt into $work/NAME.sigstore.json
  echo "$1 $(date +%s%N)" >"$work/$1.txt"
  check "sigstore --instance sign ($1)" 0 \
    sigstore --instance "$instance" sign --identity-token "$(token $identity)" --bundle "$work/$1.sigstore.json" "$work/$1.txt"
}
sigstore_verify() {  # NAME WHEN
  check "sigstore --instance verify identity accepts the bundle $1 ($2)" 0 \
    sigstore --instance "$instance" verify identity --cert-identity $identity --cert-oidc-issuer "$issuer" \
      --bundle "$work/$1.sigstore.json" "$work/$1.txt"
}
sigil_verify() {  # NAME WHEN [--offline]
  local name=$1 when=$2
  shift 2
  check "sigil verify-blob --instance ${*:+$* }accepts the bundle $name ($when)" 0 \
    "$sigil" verify-blob "$work/$name.txt" --bundle "$work/$name.sigstore.json" --instance "$instance" "$@" \
      --certificate-identity $identity --certificate-oidc-issuer "$issuer"
}
check "sigstore --instance URL trust-instance 1.root.json" 0 \
  sigstore --instance "$instance" trust-instance "$data/tuf/repository/1.root.json"
sigstore_sign first
sigstore_verify first "no --trust-config"

# --- sigil through --instance.
check "sigil trust-instance URL 1.root.json" 0 "$sigil" trust-instance "$instance" "$data/tuf/repository/1.root.json"
echo "sigil $(date +%s%N)" >"$work/mine.txt"
check "sigil sign-blob --instance" 0 \
  "$sigil" sign-blob "$work/mine.txt" --instance "$instance" --identity-token "$(token $identity)" --bundle "$work/mine.sigstore.json"
sigil_verify mine "its own bundle"
sigil_verify first "sigstore's bundle"
sigstore_verify mine "sigil's bundle"

# --- Bad input: clear failure, cache untouched.
head -c 300 "$data/tuf/repository/1.root.json" >"$work/truncated-root.json"
check_error "sigil trust-instance with a missing root file" 'missing-root\.json|cannot|no such|not found' \
  "$sigil" trust-instance "$instance" "$work/missing-root.json"
check_error "sigil trust-instance with a truncated root file" 'json|root' \
  "$sigil" trust-instance "$instance" "$work/truncated-root.json"
check_error "sigil trust-instance with another data folder's 1.root.json" 'signature|root|key|threshold' \
  "$sigil" trust-instance "$instance" "$work/other/tuf/repository/1.root.json"
check_error "sigil trust-instance with an unreachable instance" 'connect|refused|unreachable|reach' \
  "$sigil" trust-instance "http://127.0.0.1:$unused/tuf" "$data/tuf/repository/1.root.json"
check_error "sigil verify-blob --instance of an unknown instance (no cache)" 'trust-instance|no trusted root|not trusted|cache' \
  "$sigil" verify-blob "$work/mine.txt" --bundle "$work/mine.sigstore.json" --instance "http://127.0.0.1:$unused/tuf" \
    --certificate-identity $identity --certificate-oidc-issuer "$issuer"
# A cache copied from another instance: this instance's cache folder, put where the renewal
# instance's (a different repository, running) would be. As copied it still names this instance;
# with its `instance` file rewritten it must still fail online, on the other repository's keys.
quoted() { python3 -c "import urllib.parse,sys; print(urllib.parse.quote(sys.argv[1], safe=''))" "$1"; }
renew_instance=http://127.0.0.1:$renew_log/tuf
cp -a "$cache_dir/$(quoted "$instance")" "$cache_dir/$(quoted "$renew_instance")"
for mode in online --offline; do
  check_error "sigil verify-blob --instance with a cache copied from another instance ($mode)" 'belongs|another instance|instance' \
    "$sigil" verify-blob "$work/mine.txt" --bundle "$work/mine.sigstore.json" --instance "$renew_instance" \
      $([ $mode = --offline ] && echo --offline) --certificate-identity $identity --certificate-oidc-issuer "$issuer"
done
printf '%s' "$renew_instance" >"$cache_dir/$(quoted "$renew_instance")/instance"
check_error "sigil verify-blob --instance with another instance's cache relabelled for this one" 'signature|root|key|threshold' \
  "$sigil" verify-blob "$work/mine.txt" --bundle "$work/mine.sigstore.json" --instance "$renew_instance" \
    --certificate-identity $identity --certificate-oidc-issuer "$issuer"
rm -rf "${cache_dir:?}/$(quoted "$renew_instance")"
[ -d "$XDG_DATA_HOME/sigil/tuf/$(python3 -c "import urllib.parse,sys; print(urllib.parse.quote(sys.argv[1], safe=''))" "http://127.0.0.1:$unused/tuf")" ] \
  && fail "a failed trust-instance left a cache folder for the unreachable instance" \
  || pass "no cache folder for the unreachable instance"

# --- Rotations. rotate KIND: stop the stack, rotate, restart.
rotate() {
  stop
  if "$server" rotate "$1" --data "$data" >"$work/rotate.out" 2>&1; then
    pass "sigil-server rotate $1"
  else
    fail "sigil-server rotate $1"; sed 's/^/    /' "$work/rotate.out" | tail -5
  fi
  start
}
root_count() { ls "$data/tuf/repository/" | grep -cE '^[0-9]+\.root\.json$'; }

rotate ca-intermediate
tuf_check "after rotate ca-intermediate" yes
check "sigstore --instance plumbing update-trust-root" 0 sigstore --instance "$instance" plumbing update-trust-root
sigstore_sign after-ca
sigstore_verify after-ca "signed after rotate ca-intermediate"
sigstore_verify first "signed before rotate ca-intermediate"
sigil_verify after-ca "signed after rotate ca-intermediate"
sigil_verify first "signed before rotate ca-intermediate"
sigil_verify mine "sigil's, signed before rotate ca-intermediate"
python3 - "$work/first.sigstore.json" "$work/after-ca.sigstore.json" >"$work/out" 2>&1 <<'PY' \
  && pass "the bundles before and after rotate ca-intermediate have certificates from different intermediates" \
  || { fail "the bundles before and after rotate ca-intermediate do not differ in issuer"; sed 's/^/    /' "$work/out" | tail -3; }
import base64, json, sys
from cryptography import x509
def issuer_key(path):
    material = json.load(open(path))["verificationMaterial"]
    der = base64.b64decode((material.get("certificate") or material["x509CertificateChain"]["certificates"][0])["rawBytes"])
    return x509.load_der_x509_certificate(der).extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value.key_identifier
assert issuer_key(sys.argv[1]) != issuer_key(sys.argv[2])
PY

for kind in log-key tsa; do
  rotate $kind
  tuf_check "after rotate $kind" yes
  sigstore_sign "after-$kind"
  sigstore_verify "after-$kind" "signed after rotate $kind"
  sigstore_verify first "signed before all rotations, after rotate $kind"
  sigil_verify "after-$kind" "signed after rotate $kind"
done

for kind in tuf-online tuf-targets tuf-root; do
  roots_before=$(root_count)
  rotate $kind
  roots_after=$(root_count)
  if [ "$roots_after" = $((roots_before + 1)) ] && [ -f "$data/tuf/repository/$roots_after.root.json" ]; then
    pass "rotate $kind published $roots_after.root.json"
  else
    fail "rotate $kind: $roots_before root files before, $roots_after after (expected $((roots_before + 1)).root.json)"
  fi
  tuf_check "after rotate $kind" no
  sigil_verify first "after rotate $kind"
  sigil_verify "after-tsa" "after rotate $kind"
  sigstore_verify first "after rotate $kind"
done
python3 - "$data/tuf/repository" >"$work/out" 2>&1 <<'PY' \
  && pass "each N+1.root.json is signed by the keys of root N (threshold) and its own (python-tuf Metadata API)" \
  || { fail "the root chain does not verify with python-tuf's Metadata API"; sed 's/^/    /' "$work/out" | tail -3; }
import os, re, sys
from tuf.api.metadata import Metadata, Root
folder = sys.argv[1]
versions = sorted(int(m.group(1)) for m in (re.fullmatch(r"(\d+)\.root\.json", n) for n in os.listdir(folder)) if m)
assert versions == list(range(1, len(versions) + 1)) and len(versions) == 4, versions
roots = [Metadata[Root].from_file(f"{folder}/{v}.root.json") for v in versions]
for old, new in zip(roots, roots[1:]):
    old.verify_delegate(Root.type, new)  # signed by the previous root's keys
    new.verify_delegate(Root.type, new)  # and by its own
    assert new.signed.version == old.signed.version + 1
PY
sigstore_sign after-tuf
sigstore_verify after-tuf "signed after the TUF key rotations"
check "sigil sign-blob --instance after the TUF key rotations" 0 \
  "$sigil" sign-blob "$work/mine.txt" --instance "$instance" --identity-token "$(token $identity)" --bundle "$work/mine2.sigstore.json"
cp "$work/mine.txt" "$work/mine2.txt"
sigil_verify mine2 "signed after the TUF key rotations"

# --- Offline use of the cache with the server stopped.
stop
sigil_verify after-tuf "server stopped" --offline
sigil_verify first "server stopped" --offline
check_error "sigil verify-blob --instance with the server stopped and no --offline" 'connect|refused|unreachable|reach|offline' \
  "$sigil" verify-blob "$work/first.txt" --bundle "$work/first.sigstore.json" --instance "$instance" \
    --certificate-identity $identity --certificate-oidc-issuer "$issuer"

# --- Renewal by the running server (started at the beginning).
if [ -n "$renew_check_pid" ]; then
  wait "$renew_check_pid"
  renew_status=$?
  renew_check_pid=
else
  renew_status=1
fi
grep -E '^(PASS|FAIL)' "$work/renewal.out" | while read -r line; do echo "$line (20 s timestamp)"; done
passed=$((passed + $(grep -c '^PASS' "$work/renewal.out")))
failed=$((failed + $(grep -c '^FAIL' "$work/renewal.out")))
if [ $renew_status != 0 ] && ! grep -q '^FAIL' "$work/renewal.out"; then
  fail "renewal check (20 s timestamp) exited $renew_status"; sed 's/^/    /' "$work/renewal.out" | tail -5
fi

finish_checks
