# Sourced by the interop scripts that start `sigil-server all` on its fixed default ports.
# A server left listening there (a stray `sigil-server all` from an earlier run or by hand) would
# answer the script's readiness probes while the script's own server fails to bind, and every
# later check would run against the wrong stack: stop early and say which port is taken.
require_free_ports() {  # require_free_ports PORT...
  local port
  for port in "$@"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "port $port on 127.0.0.1 is in use (stop what listens there first: ss -ltnp 'sport = :$port')" >&2
      exit 1
    fi
  done
}
# The ports `sigil-server all` binds by default: log, CA, OIDC issuer, timestamp authority.
require_default_stack_ports() { require_free_ports 3000 5555 5556 5557; }
