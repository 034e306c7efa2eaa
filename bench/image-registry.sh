#!/usr/bin/env bash
# Issue 13's performance checks, against a loopback CNCF distribution 2.8 registry (Debian's
# docker-registry, interop/registry/anonymous.yml) and a fresh `sigil-server all`:
#   (a) `sigil sign-image HOST/bench/app@sha256:…`, whole processes timed (start included):
#       RUNS runs (default 30) after 2 warm-ups; p50/p90. Target: p50 ≤ 60 ms.
#   (b) `sigil copy` of a COPY_MB image (default 200 MB of random layers, 4 layers) between two
#       repositories of one registry: median of COPY_RUNS (default 3), each to a fresh repository.
#       Target: ≤ 1 s, by cross-repository mount. The registry's access log must show the
#       blobs mounted (POST …/blobs/uploads/?mount=… answered 201) and no blob upload (PATCH/PUT)
#       to the destination. For scale, the same copy to a second registry (no mount possible)
#       and skopeo's copy between the two repositories are timed once.
#
#   bench/image-registry.sh [SIGIL_BINARY]      (default .build/release/sigil)
#
# The server is SIGIL_SERVER, else sigil-server next to SIGIL_BINARY. Uses ports 3000/5555/5556.
set -euo pipefail
cd "$(dirname "$0")/.."
sigil=$(realpath "${1:-.build/release/sigil}")
server=${SIGIL_SERVER:-$(dirname "$sigil")/sigil-server}
runs=${RUNS:-30}
copy_mb=${COPY_MB:-200}
copy_runs=${COPY_RUNS:-3}
layers=4
[ -x "$sigil" ] || { echo "no $sigil (swift build -c release)"; exit 1; }
[ -x "$server" ] || { echo "no $server (set SIGIL_SERVER)"; exit 1; }
for port in 3000 5555 5556; do
  if curl -s -o /dev/null "http://127.0.0.1:$port/"; then echo "port $port is in use: stop the server there first"; exit 1; fi
done
source interop/registry/start.sh
work=$(mktemp -d)
interop_on_exit "rm -rf '$work'"

"$server" all --data "$work/sigil" --ca-config ca >"$work/server.log" 2>&1 &
server_pid=$!
interop_on_exit "kill $server_pid 2>/dev/null; wait $server_pid 2>/dev/null"
for _ in $(seq 150); do
  curl -fs http://127.0.0.1:3000/healthz >/dev/null 2>&1 && curl -fs http://127.0.0.1:5555/healthz >/dev/null 2>&1 && break
  sleep 0.2
done
trust="$work/sigil/trust_config.json"
[ -s "$trust" ] || { echo "sigil-server did not start"; tail "$work/server.log"; exit 1; }
token=$(curl -fs -X POST -d "subject=bench@example.com&email=bench@example.com" http://127.0.0.1:5556/token |
  python3 -c "import json,sys; print(json.load(sys.stdin)['id_token'])")
echo "$token" >"$work/token"

registry_start reg anonymous "$work"
registry_start other anonymous "$work"
echo "sigil: $sigil; registries $reg_host and $other_host; $(nproc) cores"

# Runs a command RUNS times (after WARMUP runs), one line of seconds per run.
timed() {  # timed RUNS WARMUP COMMAND…   (the command may use {k}: the run number)
  python3 - "$@" <<'EOF'
import subprocess, sys, time
runs, warmup, cmd = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
for k in range(warmup + runs):
    argv = [a.replace("{k}", str(k)) for a in cmd]
    start = time.perf_counter()
    done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"failed ({done.returncode}): {' '.join(argv)}\n{done.stderr.decode()[-2000:]}")
    if k >= warmup:
        print(f"{elapsed:.6f}")
EOF
}
stats() {  # stats FILE: "p50 p90 median n" in ms
  python3 -c 'import sys
v = sorted(float(x) * 1000 for x in open(sys.argv[1]))
p = lambda q: v[min(len(v) - 1, round(q / 100 * (len(v) - 1)))]
print(f"{p(50):.1f} {p(90):.1f} {sorted(v)[len(v) // 2]:.1f} {len(v)}")' "$1"
}

# (a) sign-image in a loopback registry.
digest=$(python3 interop/fixtures-image.py "$work/small" --tag v1)
skopeo copy -q oci:"$work/small":v1 docker://$reg_host/bench/app:v1 --dest-tls-verify=false
echo "(a) sign-image $reg_host/bench/app@$digest: $runs runs"
timed "$runs" 2 "$sigil" sign-image "$reg_host/bench/app@$digest" --trust-config "$trust" --identity-token "$work/token" >"$work/sign.times"
read -r sign_p50 sign_p90 _ sign_n < <(stats "$work/sign.times")
# Peers in the same run, alternating nothing else: the same signing without a registry (a layout
# on disk) and with no image at all (sign-blob), so the registry's share can be read off.
cp -r "$work/small" "$work/small-layout"
timed "$runs" 2 "$sigil" sign-image "$work/small-layout@$digest" --trust-config "$trust" --identity-token "$work/token" >"$work/layout.times"
read -r layout_p50 layout_p90 _ layout_n < <(stats "$work/layout.times")
echo "artifact $(date +%s%N)" >"$work/blob.txt"
timed "$runs" 2 "$sigil" sign-blob "$work/blob.txt" --bundle "$work/blob.sigstore.json" --trust-config "$trust" --identity-token "$work/token" >"$work/blob.times"
read -r blob_p50 blob_p90 _ blob_n < <(stats "$work/blob.times")

# (b) copy of a large image between two repositories of one registry.
layer_bytes=$((copy_mb * 1000 * 1000 / layers))
big=$(python3 interop/fixtures-image.py "$work/big" --tag v1 --layers $layers --layer-size $layer_bytes --gzip-level 0)
skopeo copy -q oci:"$work/big":v1 docker://$reg_host/bench/src:v1 --dest-tls-verify=false
size=$(du -sb "$work/big/blobs" | cut -f1)
echo "(b) copy of $reg_host/bench/src@$big ($((size / 1000000)) MB, $layers layers): $copy_runs runs, each to a fresh repository"
log_start=$(wc -l <"$reg_log")
timed "$copy_runs" 0 "$sigil" copy "$reg_host/bench/src@$big" "$reg_host/bench/dst{k}:v1" >"$work/copy.times"
read -r _ _ copy_median copy_n < <(stats "$work/copy.times")
tail -n +$((log_start + 1)) "$reg_log" >"$work/copy.log"
mounts=$(grep -cE '"POST /v2/bench/dst[0-9]+/blobs/uploads/\?[^"]*mount=[^"]*" 201' "$work/copy.log" || true)
uploads=$(grep -cE '"(PATCH|PUT) /v2/bench/dst[0-9]+/blobs/uploads/' "$work/copy.log" || true)
expected_mounts=$((copy_runs * (layers + 1)))
for k in $(seq 0 $((copy_runs - 1))); do
  got=$(skopeo inspect --raw --tls-verify=false docker://$reg_host/bench/dst$k:v1 | sha256sum | cut -c1-64)
  [ "sha256:$got" = "$big" ] || { echo "copy $k: the destination's manifest is not the source's"; exit 1; }
done

# For scale: the same copy to another registry (every byte moves), and skopeo between repositories.
timed 1 0 "$sigil" copy "$reg_host/bench/src@$big" "$other_host/bench/dst:v1" >"$work/cross.times"
read -r _ _ cross_ms _ < <(stats "$work/cross.times")
timed 1 0 skopeo copy -q --src-tls-verify=false --dest-tls-verify=false \
  "docker://$reg_host/bench/src@$big" "docker://$reg_host/bench/skopeo-dst:v1" >"$work/skopeo.times"
read -r _ _ skopeo_ms _ < <(stats "$work/skopeo.times")

verdict() { python3 -c "import sys; print('meets' if float(sys.argv[1]) <= float(sys.argv[2]) else 'MISSES')" "$1" "$2"; }
echo
printf '%-58s %10s %10s %6s  %s\n' "measurement" "p50/median" "p90" "runs" "target"
printf '%-58s %8s ms %7s ms %6s  %s\n' "sign-image, loopback registry (process start included)" "$sign_p50" "$sign_p90" "$sign_n" \
  "p50 ≤ 60 ms: $(verdict "$sign_p50" 60)"
printf '%-58s %8s ms %7s ms %6s  %s\n' "sign-image, OCI layout on disk (same image)" "$layout_p50" "$layout_p90" "$layout_n" "(peer)"
printf '%-58s %8s ms %7s ms %6s  %s\n' "sign-blob (same stack)" "$blob_p50" "$blob_p90" "$blob_n" "(peer)"
printf '%-58s %8s ms %10s %6s  %s\n' "copy ${copy_mb} MB, repository → repository (one registry)" "$copy_median" "-" "$copy_n" \
  "≤ 1000 ms: $(verdict "$copy_median" 1000)"
printf '%-58s %8s ms %10s %6s  %s\n' "copy ${copy_mb} MB, registry → another registry (no mount)" "$cross_ms" "-" 1 "(scale)"
printf '%-58s %8s ms %10s %6s  %s\n' "skopeo copy ${copy_mb} MB, repository → repository" "$skopeo_ms" "-" 1 "(scale)"
echo
echo "cross-repository mount: $mounts mounts answered 201 (expected $expected_mounts: $layers layers + config, per copy)," \
  "$uploads blob uploads (PATCH/PUT) to the destination repositories (expected 0)"
[ "$mounts" -ge "$expected_mounts" ] && [ "$uploads" = 0 ] || { echo "the copy did not use cross-repository mounts"; exit 1; }
