#!/bin/sh
# An emulated GitHub Actions release job signing its artifact with Sigil, then an auditor checking
# the log. Runs against `sigil-server all` on loopback (the defaults below) or inside
# docker-compose (`docker-compose run --rm ci-job`, which sets the URLs to the service names).
#
#   sigil-server all &  then  sh examples/ci-job.sh
#
# Environment (all optional; JOB_ names, because SIGIL_LOG_*, SIGIL_CA_* and SIGIL_OIDC_* are
# the servers' own settings):
#   SIGIL                 the sigil client                      (default: sigil on PATH)
#   JOB_OIDC_URL          the development OIDC issuer           (default: http://127.0.0.1:5556)
#   JOB_CA_URL            the certificate authority             (default: http://127.0.0.1:5555)
#   JOB_LOG_URL           the transparency log                  (default: http://127.0.0.1:3000)
#   JOB_TRUST_CONFIG      the trust config `init` wrote         (default: .sigil/trust_config.json)
#   JOB_LOG_KEY           the log's public key, for the auditor (default: .sigil/log-public-key.pem)
set -eu

SIGIL=${SIGIL:-sigil}
OIDC=${JOB_OIDC_URL:-http://127.0.0.1:5556}
CA=${JOB_CA_URL:-http://127.0.0.1:5555}
LOG=${JOB_LOG_URL:-http://127.0.0.1:3000}
# Absolute, because the job works in a folder of its own.
absolute() { case $1 in /*) printf '%s' "$1" ;; *) printf '%s/%s' "$PWD" "$1" ;; esac; }
TRUST=$(absolute "${JOB_TRUST_CONFIG:-.sigil/trust_config.json}")
LOG_KEY=$(absolute "${JOB_LOG_KEY:-.sigil/log-public-key.pem}")
case $SIGIL in */*) SIGIL=$(absolute "$SIGIL") ;; esac
[ -f "$TRUST" ] || { echo "ci-job: no trust config at $TRUST (set JOB_TRUST_CONFIG)" >&2; exit 1; }
[ -f "$LOG_KEY" ] || { echo "ci-job: no log public key at $LOG_KEY (set JOB_LOG_KEY)" >&2; exit 1; }

REPOSITORY=octo-org/app
WORKFLOW=.github/workflows/release.yml
REF=refs/tags/v1.2.3
IDENTITY="https://github.com/$REPOSITORY/$WORKFLOW@$REF"
ISSUER="$OIDC/actions"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

step() { printf '\n== %s\n' "$*"; }
fail() { printf 'ci-job: FAILED: %s\n' "$*" >&2; exit 1; }
# The value of a string member of a flat JSON object (the issuer's answers are exactly that).
json_field() { sed -n "s/.*\"$1\" *: *\"\\([^\"]*\\)\".*/\\1/p"; }

step "Auditor: pin the log's current checkpoint before the job runs"
"$SIGIL" log monitor --log-url "$LOG" --log-key "$LOG_KEY" --state monitor.json

step "Runner: register the emulated job for $REPOSITORY/$WORKFLOW@$REF"
answer=$(curl -fsS -X POST "$OIDC/actions/jobs" \
  --data-urlencode "repository=$REPOSITORY" --data-urlencode "workflow=$WORKFLOW" \
  --data-urlencode "ref=$REF" --data-urlencode "sha=8f1e6a1bd7c0d5e3f2a4b6c8d0e2f4a6b8c0d2e4" \
  --data-urlencode "event_name=push" --data-urlencode "runner_environment=github-hosted")
ACTIONS_ID_TOKEN_REQUEST_URL=$(printf '%s' "$answer" | json_field ACTIONS_ID_TOKEN_REQUEST_URL)
ACTIONS_ID_TOKEN_REQUEST_TOKEN=$(printf '%s' "$answer" | json_field ACTIONS_ID_TOKEN_REQUEST_TOKEN)
[ -n "$ACTIONS_ID_TOKEN_REQUEST_URL" ] && [ -n "$ACTIONS_ID_TOKEN_REQUEST_TOKEN" ] || fail "no request URL/token in: $answer"
export ACTIONS_ID_TOKEN_REQUEST_URL ACTIONS_ID_TOKEN_REQUEST_TOKEN
echo "exported ACTIONS_ID_TOKEN_REQUEST_URL=$ACTIONS_ID_TOKEN_REQUEST_URL (and the request token)"

step "Job: build the artifact"
mkdir app && printf 'app v1.2.3 built at %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" > app/README && printf 'binary' > app/app
tar -cf app-1.2.3.tar app
echo "built app-1.2.3.tar ($(wc -c < app-1.2.3.tar) bytes)"

step "Job: sign with no token flag (the identity comes from the runner's ACTIONS_ID_TOKEN_REQUEST_*)"
unset SIGSTORE_ID_TOKEN 2>/dev/null || true
"$SIGIL" sign-blob app-1.2.3.tar --trust-config "$TRUST" --fulcio-url "$CA" --rekor-url "$LOG" \
  --bundle app-1.2.3.tar.sigstore.json

step "Consumer: verify offline against the release workflow's identity"
"$SIGIL" verify-blob app-1.2.3.tar --bundle app-1.2.3.tar.sigstore.json --trust-config "$TRUST" \
  --certificate-identity "$IDENTITY" --certificate-oidc-issuer "$ISSUER" \
  --certificate-github-workflow-repository "$REPOSITORY" --certificate-github-workflow-ref "$REF"

step "Consumer: a different workflow identity is rejected"
if "$SIGIL" verify-blob app-1.2.3.tar --bundle app-1.2.3.tar.sigstore.json --trust-config "$TRUST" \
  --certificate-identity "https://github.com/$REPOSITORY/.github/workflows/deploy.yml@refs/heads/main" \
  --certificate-oidc-issuer "$ISSUER" 2> rejected.txt; then
  fail "a bundle from release.yml verified as deploy.yml"
fi
echo "rejected as expected: $(cat rejected.txt)"

step "Auditor: find the artifact in the log by its hash"
"$SIGIL" log search --log-url "$LOG" --log-key "$LOG_KEY" --artifact app-1.2.3.tar | tee search.txt
grep -Eq '^[0-9a-f]{64}$' search.txt || fail "the artifact's entry was not found in the log"
for uuid in $(cat search.txt); do
  "$SIGIL" log get --log-url "$LOG" --log-key "$LOG_KEY" --uuid "$uuid" | sed -n 1,5p
done

step "Auditor: prove the log only grew since the first checkpoint"
"$SIGIL" log monitor --log-url "$LOG" --log-key "$LOG_KEY" --state monitor.json

printf '\nci-job: signed, verified, rejected the wrong identity, found in the log, log consistent.\n'
