"""Chaos check for the log on PostgreSQL (issue 16), run by interop/run-postgres-chaos.sh.

Three `sigil-server log` replicas on one PostgreSQL server take concurrent writes for the whole
run while: the replica holding the sequencer role is SIGKILLed (and later restarted), another
replica is SIGSTOPped past its lease and resumed, and PostgreSQL itself is stopped (immediate,
like a crash) and started again. Afterwards, with independent checks (interop/lib/tlog.py):
  - every acknowledged entry (201) is in the tree at the index it was given, with an inclusion
    proof that verifies, and every entry answered 409 is in the tree too;
  - no index was assigned twice: the tree's leaves are distinct, and the root recomputed from all
    of them is the root every replica signs;
  - every checkpoint any client saw (in answers and from GET /api/v1/log) is signed by the log key
    and is a prefix of the final tree: its root is the root of that many leaves; no size had two roots;
  - a failure answer is 503 with Retry-After, never a 500.
Usage: postgres_chaos.py SERVER DATA_A DATA_B DATA_C URL PG_BIN PG_DATA PG_PORT WORK [SECONDS]
"""
import atexit
import base64
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import tlog  # noqa: E402

server, folders, url, pg_bin, pg_data, pg_port, work = sys.argv[1], sys.argv[2:5], sys.argv[5], sys.argv[6], sys.argv[7], sys.argv[8], sys.argv[9]
duration = float(sys.argv[10]) if len(sys.argv) > 10 else 24
names = ["a", "b", "c"]
log_key = open(os.path.join(folders[0], "log-public-key.pem"), "rb").read()
lease_ms = 1500


ports = {name: tlog.free_port() for name in names}
procs = {}


def kill_replicas():
    for proc in procs.values():
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGCONT)
            proc.kill()


atexit.register(kill_replicas)


def start(name):
    env = dict(os.environ, SIGIL_LOG_STORAGE="postgres", SIGIL_LOG_POSTGRES_URL=url, SIGIL_LOG_REPLICA_ID=name,
               SIGIL_LOG_SEQUENCER_LEASE_MILLISECONDS=str(lease_ms))
    out = open(os.path.join(work, f"{name}.log"), "ab")
    procs[name] = subprocess.Popen([server, "log", "--data", folders[names.index(name)], "--port", str(ports[name])],
                                   env=env, stdout=out, stderr=out)
    for _ in range(300):
        if tlog.request(f"http://127.0.0.1:{ports[name]}/healthz", timeout=1)[0] == 200:
            return
        time.sleep(0.1)
    raise SystemExit(f"FAIL replica {name} did not start")


def as_pg(args):
    prefix = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
    return subprocess.run(prefix + args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def sequencer():
    """The replica whose /readyz reports the Rekor log's sequencer role, if any answers."""
    for name in names:
        if procs[name].poll() is None and name not in stopped:
            _, _, body = tlog.request(f"http://127.0.0.1:{ports[name]}/readyz", timeout=2)
            if '"sequencerRole":"sequencer' in json.dumps(body, separators=(",", ":")):
                return name
    return None


for name in names:
    start(name)

lock = threading.Lock()
acked = {}          # log index -> leaf hash (201)
duplicates = []     # leaf hashes answered 409
seen = {}           # tree size -> root, from every checkpoint a client saw
statuses = {}
problems = []
stopped = set()     # replicas paused or killed right now: the load skips them
stop_load = threading.Event()


def record_checkpoint(note):
    try:
        _, size, root = tlog.parse_checkpoint(note, log_key)
    except Exception as e:
        problems.append(f"a checkpoint does not verify: {e}")
        return
    with lock:
        if seen.get(size, root) != root:
            problems.append(f"tree size {size} was seen with two roots")
        seen[size] = root


def load_worker(seed):
    rng = random.Random(seed)
    signer = tlog.Signer()
    while not stop_load.is_set():
        body = signer.entry()
        for attempt in range(30):
            live = [n for n in names if n not in stopped] or names
            name = rng.choice(live)
            status, headers, answer = tlog.request(f"http://127.0.0.1:{ports[name]}/api/v1/log/entries", body, timeout=5)
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
            if status == 201:
                _, entry = tlog.only_entry(answer)
                leaf = tlog.leaf_hash(base64.b64decode(entry["body"]))
                index = entry["logIndex"]
                with lock:
                    if index in acked and acked[index] != leaf:
                        problems.append(f"index {index} was acknowledged for two entries")
                    acked[index] = leaf
                record_checkpoint(entry["verification"]["inclusionProof"]["checkpoint"])
                break
            if status == 409:
                # Acknowledged earlier through a replica whose answer was lost (killed, paused).
                with lock:
                    duplicates.append(body)
                break
            if status == 503 and "Retry-After" not in headers and "retry-after" not in {k.lower() for k in headers}:
                problems.append(f"503 without Retry-After from {name}: {answer}")
            if status >= 500 and status != 503:
                problems.append(f"{status} from {name}: {answer}")
            time.sleep(0.05 * (attempt + 1))


def head_watcher():
    rng = random.Random(7)
    while not stop_load.is_set():
        name = rng.choice([n for n in names if n not in stopped] or names)
        status, _, answer = tlog.request(f"http://127.0.0.1:{ports[name]}/api/v1/log", timeout=2)
        if status == 200:
            record_checkpoint(answer["signedTreeHead"])
        time.sleep(0.05)


def log_event(text):
    print(f"  t={time.monotonic() - t0:5.1f}s {text}", flush=True)


t0 = time.monotonic()
threads = [threading.Thread(target=load_worker, args=(n,)) for n in range(8)] + [threading.Thread(target=head_watcher)]
for t in threads:
    t.start()

# 1. SIGKILL the sequencer; restart it later as a new process.
time.sleep(duration * 0.15)
killed = sequencer()
if killed is None:
    problems.append("no replica reported the sequencer role before the kill")
    killed = "a"
stopped.add(killed)
procs[killed].send_signal(signal.SIGKILL)
procs[killed].wait()
log_event(f"SIGKILL {killed} (the sequencer)")
time.sleep(duration * 0.15)
stopped.discard(killed)
start(killed)
log_event(f"restarted {killed}")

# 2. SIGSTOP another replica past its lease (the sequencer now, if that is not the killed one), then resume.
time.sleep(duration * 0.1)
paused = sequencer()
if paused in (None, killed):
    paused = next(n for n in names if n != killed)
stopped.add(paused)
os.kill(procs[paused].pid, signal.SIGSTOP)
log_event(f"SIGSTOP {paused}")
time.sleep(lease_ms / 1000 * 2 + 1)
os.kill(procs[paused].pid, signal.SIGCONT)
stopped.discard(paused)
log_event(f"SIGCONT {paused}")

# 3. PostgreSQL crashes (immediate stop) and comes back.
time.sleep(duration * 0.1)
as_pg([f"{pg_bin}/pg_ctl", "-D", pg_data, "-m", "immediate", "-w", "stop"])
log_event("PostgreSQL stopped (immediate)")
time.sleep(2)
as_pg([f"{pg_bin}/pg_ctl", "-D", pg_data, "-l", f"{pg_data}/server.log", "-w", "-o", f"-p {pg_port} -k {pg_data} -c listen_addresses=127.0.0.1", "start"])
log_event("PostgreSQL started")

remaining = duration - (time.monotonic() - t0)
time.sleep(max(remaining, 4))
stop_load.set()
for t in threads:
    t.join()
log_event(f"load stopped: {len(acked)} acknowledged, {len(duplicates)} answered 409, answers {dict(sorted(statuses.items()))}")

# Every replica converges on one signed tree head.
final = None
for _ in range(200):
    heads = [tlog.request(f"http://127.0.0.1:{ports[n]}/api/v1/log", timeout=5) for n in names]
    if all(h[0] == 200 for h in heads) and len({(h[2]["treeSize"], h[2]["rootHash"]) for h in heads}) == 1:
        final = heads[0][2]
        break
    time.sleep(0.1)
if final is None:
    raise SystemExit(f"FAIL the replicas did not converge on one tree head: {[h[2] for h in heads]}")
size, root = final["treeSize"], bytes.fromhex(final["rootHash"])
record_checkpoint(final["signedTreeHead"])
log_event(f"final tree: size {size}")


def fetch(index):
    name = names[index % 3]
    for _ in range(5):
        status, _, answer = tlog.request(f"http://127.0.0.1:{ports[name]}/api/v1/log/entries?logIndex={index}", timeout=10)
        if status == 200:
            _, entry = tlog.only_entry(answer)
            return index, base64.b64decode(entry["body"]), entry
        time.sleep(0.2)
    raise RuntimeError(f"entry {index} cannot be read from {name}: {status} {answer}")


with ThreadPoolExecutor(8) as pool:
    fetched = sorted(pool.map(fetch, range(size)))
leaves = [tlog.leaf_hash(body) for _, body, _ in fetched]
checks = []


def check(ok, text):
    checks.append(ok)
    print(("PASS " if ok else "FAIL ") + text, flush=True)


check(len(set(leaves)) == size, f"no index was assigned twice: {size} distinct leaves")
tree = tlog.CompactRange()
prefix_roots = {0: tree.root()}  # the root of every prefix of the final tree
for leaf in leaves:
    tree.append(leaf)
    prefix_roots[tree.size] = tree.root()
check(tree.root() == root, "the root recomputed from every leaf is the root all three replicas sign")
wrong = [s for s, r in seen.items() if prefix_roots.get(s) != r]
check(not wrong, f"all {len(seen)} checkpoints clients saw are prefixes of the final tree (wrong: {wrong[:5]})")
missing = [i for i, leaf in acked.items() if i >= size or leaves[i] != leaf]
check(not missing, f"all {len(acked)} acknowledged entries are in the tree at their index (missing: {missing[:5]})")
# A 409 names an entry the log holds (stored in canonical form, so found by its digest).
unproven = 0
for body in duplicates:
    digest = json.loads(body)["spec"]["data"]["hash"]["value"]
    status, _, answer = tlog.request(f"http://127.0.0.1:{ports['a']}/api/v1/index/retrieve", json.dumps({"hash": "sha256:" + digest}).encode())
    if status != 200 or not answer:
        unproven += 1
check(unproven == 0, f"all {len(duplicates)} entries answered 409 are found in the log")
bad_proofs = 0
for index, body, entry in fetched:
    if index not in acked:
        continue
    proof = entry["verification"]["inclusionProof"]
    try:
        computed = tlog.root_from_inclusion(index, proof["treeSize"], leaves[index], [bytes.fromhex(h) for h in proof["hashes"]])
        _, csize, croot = tlog.parse_checkpoint(proof["checkpoint"], log_key)
        ok = computed == bytes.fromhex(proof["rootHash"]) == croot and csize == proof["treeSize"] and prefix_roots.get(csize) == croot
    except Exception:
        ok = False
    bad_proofs += not ok
check(bad_proofs == 0, f"every acknowledged entry has an inclusion proof that verifies against a signed checkpoint ({bad_proofs} bad)")
# The log's own consistency proofs, from a sample of the sizes clients saw, to the final tree.
sample = sorted(random.Random(1).sample(sorted(seen), min(40, len(seen))))
inconsistent = []
for old in sample:
    status, _, answer = tlog.request(f"http://127.0.0.1:{ports['b']}/api/v1/log/proof?firstSize={old}&lastSize={size}")
    if old == size:
        continue
    if status != 200 or not tlog.consistent(old, size, seen[old], root, [bytes.fromhex(h) for h in answer["hashes"]]):
        inconsistent.append(old)
check(not inconsistent, f"consistency proofs from {len(sample)} seen sizes to the final tree verify (failed: {inconsistent[:5]})")
check(not problems, f"no answer was wrong during the faults: {problems[:5]}")
check(len(acked) > 0 and statuses.get(201, 0) > 0, "the log kept acknowledging entries")

for name in names:
    if procs[name].poll() is None:
        procs[name].send_signal(signal.SIGTERM)
for name in names:
    try:
        procs[name].wait(timeout=20)
    except subprocess.TimeoutExpired:
        procs[name].kill()
sys.exit(0 if all(checks) else 1)
