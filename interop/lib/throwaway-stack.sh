# Sourced by the hostile-input drivers (from the repository root): starts `sigil-server all` from
# $SIGIL_BIN_DIR (default .build/debug) on four free loopback ports (never the defaults
# 3000/5555/5556/5557, so a stack already running there is left alone) in a fresh data folder
# $data under a temporary $work, logging to $work/server.log, and waits until every server answers
# /readyz. Sets bin, python (.venv's when present), work, data, pid and the four *_port variables;
# an EXIT trap stops the server and removes $work (KEEP=1 keeps it).
bin=${SIGIL_BIN_DIR:-.build/debug}
python=python3
[ -x .venv/bin/python3 ] && python=.venv/bin/python3
work=$(mktemp -d)
data="$work/sigil"
pid=
trap 'if [ -n "$pid" ]; then kill $pid 2>/dev/null; wait $pid 2>/dev/null; fi; [ -n "${KEEP:-}" ] && echo "kept $work" || rm -rf "$work"' EXIT

read -r oidc_port ca_port log_port tsa_port < <("$python" - <<'PY'
import socket
ports, held = [], []
while len(ports) < 4:
    s = socket.socket(); s.bind(("127.0.0.1", 0)); held.append(s)
    if s.getsockname()[1] not in (3000, 5555, 5556, 5557):
        ports.append(s.getsockname()[1])
print(*ports)
PY
)
"$bin/sigil-server" all --data "$data" --ca-config ca --oidc-port "$oidc_port" --ca-port "$ca_port" \
  --log-port "$log_port" --tsa-port "$tsa_port" >"$work/server.log" 2>&1 &
pid=$!
stack_ready=
for _ in $(seq 150); do
  if curl -fs "http://127.0.0.1:$log_port/readyz" >/dev/null 2>&1 && curl -fs "http://127.0.0.1:$ca_port/readyz" >/dev/null 2>&1 &&
     curl -fs "http://127.0.0.1:$oidc_port/readyz" >/dev/null 2>&1 && curl -fs "http://127.0.0.1:$tsa_port/readyz" >/dev/null 2>&1; then
    stack_ready=1; break
  fi
  sleep 0.2
done
if [ -z "$stack_ready" ]; then
  echo "FAIL the stack did not become ready"; tail -5 "$work/server.log"; exit 1
fi
