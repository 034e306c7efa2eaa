#!/usr/bin/env bash
# Issue 16: moving a log to PostgreSQL, and starting on it. A `sigil-server log` on SQLite takes
# entries; `sigil-server migrate sqlite-to-postgres` is refused while it runs and for an unreachable
# database, then copies the stopped folder, verifies it and switches config/log.json; two replicas
# started from copies of that folder serve the same signed tree, prove the old entries and keep
# appending consistently (checked with interop/lib/tlog.py, not Sigil's code). Then `sigil-server
# init --storage postgres` makes a folder whose log starts on PostgreSQL from its settings alone,
# and a second folder is refused the same database. Needs the debug build (or SIGIL_SERVER=path)
# and python3 with `cryptography`.
set -uo pipefail
cd "$(dirname "$0")/.."
server=${SIGIL_SERVER:-.build/debug/sigil-server}
work=$(mktemp -d)
pids=()
source interop/lib/postgres.sh
source interop/lib/checks.sh
wait_healthy() { for _ in $(seq 150); do curl -fs "http://127.0.0.1:$1/healthz" >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }
tlog() { python3 -c "import sys; sys.path.insert(0, 'interop/lib'); import tlog, json; $1" "${@:2}"; }

# 1. A log on SQLite with entries.
"$server" init --data "$work/s" >/dev/null
port=$(free_port)
"$server" log --data "$work/s" --port "$port" >"$work/sqlite.log" 2>&1 &
sqlite_pid=$!
pids+=($sqlite_pid)
wait_healthy "$port" || { echo "FAIL the SQLite log did not start"; exit 1; }
tlog '
signer = tlog.Signer()
for n in range(300):
    status, _, _ = tlog.request(sys.argv[1] + "/api/v1/log/entries", signer.entry())
    assert status == 201, status
' "http://127.0.0.1:$port" || { echo "FAIL could not fill the SQLite log"; exit 1; }
curl -fs "http://127.0.0.1:$port/api/v1/log" >"$work/before.json"

check "migrate is refused while the SQLite log server runs" nonzero \
  "$server" migrate sqlite-to-postgres --data "$work/s" --postgres-url "$url"
grep -q "in use" "$work/out" || fail "the refusal names the running server: $(cat "$work/out")"
kill "$sqlite_pid"; wait "$sqlite_pid" 2>/dev/null
check "migrate to an unreachable database is refused with the reason" nonzero \
  "$server" migrate sqlite-to-postgres --data "$work/s" --postgres-url "postgres://sigil@127.0.0.1:$(free_port)/sigil"
grep -qi "refus\|connect" "$work/out" && pass "the reason is given" || fail "unreachable-database message: $(cat "$work/out")"
check "a password typed into the URL is refused (it would never reach config/log.json)" nonzero \
  "$server" migrate sqlite-to-postgres --data "$work/s" --postgres-url "postgres://sigil:secret-pw@127.0.0.1:$pgport/sigil"
grep -q "password-file" "$work/out" && ! grep -q "secret-pw" "$work/out" \
  && pass "the refusal asks for a password file and never prints the password" || fail "password message: $(cat "$work/out")"
grep -q '"storage"' "$work/s/config/log.json" && fail "a refused migration changed config/log.json" || pass "a refused migration leaves config/log.json alone"

check "migrate sqlite-to-postgres copies, verifies and switches" 0 \
  "$server" migrate sqlite-to-postgres --data "$work/s" --postgres-url "$url"
grep -q "300 entries" "$work/out" && grep -q "verified" "$work/out" && pass "it reports 300 entries and the verified root" || fail "report: $(cat "$work/out")"
grep -q '"storage": "postgres"' "$work/s/config/log.json" && pass "config/log.json now says storage postgres" || fail "config/log.json: $(cat "$work/s/config/log.json")"
check "a second migration into the same database is refused" nonzero \
  "$server" migrate sqlite-to-postgres --data "$work/s" --postgres-url "$url"
as_pg "$bin/createdb" -h 127.0.0.1 -p "$pgport" -U postgres other
check "the migrated folder cannot be migrated again into another database (no fork)" nonzero \
  "$server" migrate sqlite-to-postgres --data "$work/s" --postgres-url "postgres://postgres@127.0.0.1:$pgport/other?sslmode=disable"
p=$(free_port)
# An operator who puts the settings back to SQLite gets a refusal, not the stale backup served.
cp -R "$work/s" "$work/back"
python3 -c "import json,sys; f=sys.argv[1]; c=json.load(open(f)); [c.pop(k) for k in ('storage','postgresURL')]; json.dump(c,open(f,'w'))" "$work/back/config/log.json"
check "the SQLite backup is refused as a log (it was moved)" nonzero timeout 20 "$server" log --data "$work/back" --port "$p"
grep -q "moved to PostgreSQL" "$work/out" && pass "the refusal says where the log went" || fail "backup refusal: $(cat "$work/out")"
check "a replica pointed at a database without the migrated logs refuses to start a new one" nonzero \
  env SIGIL_LOG_POSTGRES_URL="postgres://postgres@127.0.0.1:$pgport/other?sslmode=disable" timeout 20 "$server" log --data "$work/s" --port "$p"

# 2. Two replicas from copies of the migrated folder, with no storage flag or variable.
cp -R "$work/s" "$work/r"
ports=()
for folder in s r; do
  p=$(free_port)
  SIGIL_LOG_REPLICA_ID=$folder "$server" log --data "$work/$folder" --port "$p" >"$work/$folder.log" 2>&1 &
  pids+=($!)
  ports+=("$p")
  wait_healthy "$p" || fail "replica $folder did not start"
done
check "both replicas serve the migrated tree, prove every old entry and extend it consistently" 0 tlog '
before = json.load(open(sys.argv[1]))
key = open(sys.argv[2], "rb").read()
size, root = before["treeSize"], bytes.fromhex(before["rootHash"])
for replica in sys.argv[3:]:
    status, _, head = tlog.request(replica + "/api/v1/log")
    assert status == 200 and head["treeSize"] == size and head["rootHash"] == before["rootHash"], (replica, head)
    assert tlog.parse_checkpoint(head["signedTreeHead"], key)[1:] == (size, root)
    for index in range(0, size, 7):
        _, _, answer = tlog.request(f"{replica}/api/v1/log/entries?logIndex={index}")
        _, entry = tlog.only_entry(answer)
        proof = entry["verification"]["inclusionProof"]
        leaf = tlog.leaf_hash(__import__("base64").b64decode(entry["body"]))
        assert tlog.root_from_inclusion(index, proof["treeSize"], leaf, [bytes.fromhex(h) for h in proof["hashes"]]) == root
signer = tlog.Signer()
for replica in sys.argv[3:]:
    status, _, _ = tlog.request(replica + "/api/v1/log/entries", signer.entry())
    assert status == 201, status
_, _, head = tlog.request(sys.argv[3] + "/api/v1/log")
new_size, new_root = head["treeSize"], bytes.fromhex(head["rootHash"])
assert new_size == size + 2, new_size
_, _, proof = tlog.request(f"{sys.argv[4]}/api/v1/log/proof?firstSize={size}&lastSize={new_size}")
assert tlog.consistent(size, new_size, root, new_root, [bytes.fromhex(h) for h in proof["hashes"]])
' "$work/before.json" "$work/s/log-public-key.pem" "http://127.0.0.1:${ports[0]}" "http://127.0.0.1:${ports[1]}"
roles="$(curl -s "http://127.0.0.1:${ports[0]}/readyz") $(curl -s "http://127.0.0.1:${ports[1]}/readyz")"
echo "$roles" | grep -q '"sequencerRole":"sequencer' && echo "$roles" | grep -q '"sequencerRole":"follower"' \
  && pass "one migrated replica sequences, the other follows" || fail "roles: $roles"

# 3. A folder made for PostgreSQL from the start.
as_pg "$bin/createdb" -h 127.0.0.1 -p "$pgport" -U postgres fresh
fresh="postgres://postgres@127.0.0.1:$pgport/fresh?sslmode=disable"
check "init --storage postgres creates the logs in the database" 0 \
  "$server" init --data "$work/p" --storage postgres --postgres-url "$fresh"
grep -q "rekor, ct, rekor_v2" "$work/out" && pass "init names the three logs it created" || fail "init output: $(cat "$work/out")"
check "init --storage postgres into a database holding another folder's logs is refused" nonzero \
  "$server" init --data "$work/q" --storage postgres --postgres-url "$fresh"
[ -e "$work/q" ] && fail "the refused init left a folder behind" || pass "the refused init left no folder behind"
check "init --storage postgres without --postgres-url is refused" nonzero "$server" init --data "$work/q" --storage postgres
p=$(free_port)
"$server" log --data "$work/p" --port "$p" >"$work/p.log" 2>&1 &
pids+=($!)
wait_healthy "$p" || fail "the log of the postgres folder did not start"
curl -s "http://127.0.0.1:$p/readyz" | grep -q '"sequencerRole":"sequencer' \
  && pass "the postgres folder's log runs on PostgreSQL from its settings alone" || fail "readyz: $(curl -s "http://127.0.0.1:$p/readyz")"
check "an entry is appended to the log created by init --storage postgres" 0 tlog '
status, _, _ = tlog.request(sys.argv[1] + "/api/v1/log/entries", tlog.Signer().entry())
assert status == 201, status
' "http://127.0.0.1:$p"

# 4. TLS to the database: the server's certificate is checked against sslrootcert (or the system's
#    trust store, which does not know this one).
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj "/CN=localhost" \
  -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" -keyout "$work/pg/server.key" -out "$work/pg/server.crt" 2>/dev/null
cp "$work/pg/server.crt" "$work/db-ca.pem"
[ "$(id -u)" = 0 ] && chown postgres "$work/pg/server.key" "$work/pg/server.crt"
chmod 600 "$work/pg/server.key"
as_pg "$bin/pg_ctl" -D "$work/pg" -l "$work/pg/server.log" -w -m fast \
  -o "-p $pgport -k $work/pg -c listen_addresses=127.0.0.1 -c ssl=on -c ssl_cert_file=server.crt -c ssl_key_file=server.key" restart >/dev/null
as_pg "$bin/createdb" -h 127.0.0.1 -p "$pgport" -U postgres tls
as_pg "$bin/createdb" -h 127.0.0.1 -p "$pgport" -U postgres untrusted
check "init --storage postgres over TLS, verifying the server against sslrootcert" 0 \
  "$server" init --data "$work/t" --storage postgres --postgres-url "postgres://postgres@127.0.0.1:$pgport/tls?sslmode=require&sslrootcert=$work/db-ca.pem"
check "a server certificate the system does not trust is refused (sslmode=require)" nonzero \
  "$server" init --data "$work/u" --storage postgres --postgres-url "postgres://postgres@127.0.0.1:$pgport/untrusted?sslmode=require"
grep -qi "certificate" "$work/out" && pass "the refusal names the certificate" || fail "TLS refusal: $(cat "$work/out")"
finish_checks
