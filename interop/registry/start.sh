# Sourced by the registry interop scripts and benchmarks (bash): starts CNCF distribution
# (Debian's `docker-registry`) on a free loopback port with a configuration file this folder
# keeps, waits for /v2/ to answer, and stops it when the sourcing script exits.
#
#   source interop/registry/start.sh
#   registry_start plain anonymous "$work"     # -> $plain_host (127.0.0.1:PORT), $plain_root, $plain_log, $plain_pid
#   registry_start secure basic-tls "$work"    # -> also $secure_ca (test CA, PEM), $secure_user, $secure_password
#   interop_on_exit 'kill $server_pid'         # more cleanup, run (in reverse order) on exit
#
# For basic-tls a throwaway test CA and a server certificate for 127.0.0.1 (and localhost) are
# made with openssl, and an htpasswd file with one bcrypt entry (distribution accepts only bcrypt).
# The EXIT trap is this file's: scripts that source it add their cleanup with interop_on_exit
# instead of their own `trap … EXIT`.

_interop_exit_hooks=()
interop_on_exit() { _interop_exit_hooks+=("$1"); }
_interop_run_exit_hooks() {
  local status=$? k
  for ((k = ${#_interop_exit_hooks[@]} - 1; k >= 0; k--)); do eval "${_interop_exit_hooks[k]}" || true; done
  return $status
}
trap _interop_run_exit_hooks EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

_registry_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# A TCP port free on 127.0.0.1 right now (the kernel's choice).
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# registry_stop NAME: stops the registry registry_start NAME started (idempotent).
registry_stop() {
  local pid_var="${1}_pid"
  local pid=${!pid_var:-}
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  printf -v "$pid_var" '%s' ""
}

# registry_start NAME anonymous|basic-tls WORKDIR [ROOTDIR]
# ROOTDIR (the storage directory) defaults to WORKDIR/NAME/storage; passing another registry's
# storage directory is how two registries (or a registry and the referrers proxy) share content.
registry_start() {
  local name=$1 mode=$2 work=$3
  local dir="$work/$name"
  local root=${4:-$dir/storage}
  mkdir -p "$dir" "$root"
  local port
  port=$(free_port)
  local -a env=(
    REGISTRY_HTTP_ADDR="127.0.0.1:$port"
    REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY="$root"
    REGISTRY_HTTP_SECRET="$(openssl rand -hex 16)"
  )
  local scheme=http
  local -a curl_tls=()
  case $mode in
    anonymous) ;;
    basic-tls)
      scheme=https
      _registry_make_tls "$dir"
      local user=sigil-ci password
      password="pw-$(openssl rand -hex 12)"
      htpasswd -Bbn "$user" "$password" >"$dir/htpasswd" 2>/dev/null
      env+=(REGISTRY_HTTP_TLS_CERTIFICATE="$dir/server.crt" REGISTRY_HTTP_TLS_KEY="$dir/server.key"
            REGISTRY_AUTH_HTPASSWD_PATH="$dir/htpasswd")
      curl_tls=(--cacert "$dir/ca.crt")
      printf -v "${name}_ca" '%s' "$dir/ca.crt"
      printf -v "${name}_user" '%s' "$user"
      printf -v "${name}_password" '%s' "$password"
      ;;
    *) echo "registry_start: unknown mode $mode (anonymous or basic-tls)" >&2; return 2 ;;
  esac
  env "${env[@]}" docker-registry serve "$_registry_dir/$mode.yml" >"$dir/registry.log" 2>&1 &
  local pid=$!
  printf -v "${name}_pid" '%s' "$pid"
  printf -v "${name}_host" '%s' "127.0.0.1:$port"
  printf -v "${name}_root" '%s' "$root"
  printf -v "${name}_log" '%s' "$dir/registry.log"
  interop_on_exit "registry_stop $name"
  # /v2/ answers 200 (anonymous) or 401 (basic auth) once the registry is up.
  local code _
  for _ in $(seq 100); do
    code=$(curl -s -o /dev/null -w '%{http_code}' "${curl_tls[@]}" "$scheme://127.0.0.1:$port/v2/" 2>/dev/null || true)
    if [ "$code" = 200 ] || [ "$code" = 401 ]; then return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then break; fi
    sleep 0.1
  done
  echo "registry $name ($mode) did not start on 127.0.0.1:$port; its log:" >&2
  tail -20 "$dir/registry.log" >&2
  return 1
}

# A test CA and a server certificate for 127.0.0.1 and localhost, signed by it (P-256).
_registry_make_tls() {
  local dir=$1
  openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj "/CN=Sigil interop test CA" -keyout "$dir/ca.key" -out "$dir/ca.crt" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=127.0.0.1" \
    -keyout "$dir/server.key" -out "$dir/server.csr" 2>/dev/null
  printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
    "extendedKeyUsage=serverAuth" "subjectAltName=IP:127.0.0.1,DNS:localhost" >"$dir/server.ext"
  openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial -days 2 \
    -extfile "$dir/server.ext" -out "$dir/server.crt" 2>/dev/null
}

# referrers_proxy_start NAME REGISTRY_NAME WORKDIR: starts interop/registry/referrers-proxy.py (the
# referrers-API test double) in front of the anonymous registry REGISTRY_NAME, reading its storage.
# Sets $NAME_host (127.0.0.1:PORT), $NAME_log, $NAME_pid.
referrers_proxy_start() {
  local name=$1 upstream=$2 work=$3
  local dir="$work/$name" host_var="${2}_host" root_var="${2}_root"
  mkdir -p "$dir"
  rm -f "$dir/port"
  python3 "$_registry_dir/referrers-proxy.py" --listen 127.0.0.1:0 --upstream "http://${!host_var}" \
    --storage "${!root_var}" --port-file "$dir/port" >"$dir/proxy.log" 2>&1 &
  local pid=$!
  printf -v "${name}_pid" '%s' "$pid"
  printf -v "${name}_log" '%s' "$dir/proxy.log"
  interop_on_exit "registry_stop $name"
  local _
  for _ in $(seq 100); do
    if [ -s "$dir/port" ] && curl -fs -o /dev/null "http://127.0.0.1:$(cat "$dir/port")/v2/"; then
      printf -v "${name}_host" '%s' "127.0.0.1:$(cat "$dir/port")"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "referrers proxy $name did not start; its log:" >&2
  tail -20 "$dir/proxy.log" >&2
  return 1
}
