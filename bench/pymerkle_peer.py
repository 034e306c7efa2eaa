#!/usr/bin/env python3
"""Peer benchmark: pymerkle 7.0.0's SQLite-backed RFC 6962 tree under the workloads of
`sigil-bench log storage` and `sigil-bench log proofs`. Prints one JSON object.

pymerkle indexes leaves from 1; proofs are asked for the same (0-based) positions Sigil uses.
"""
import argparse, json, os, random, sqlite3, tempfile, time

from pymerkle import SqliteTree


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--entries", type=int, default=200_000)
    ap.add_argument("--batch", type=int, default=10_000)
    ap.add_argument("--entry-bytes", type=int, default=1024)
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--samples", type=int, default=2000)
    ap.add_argument("--time-budget", type=float, default=60.0, help="seconds per proof measurement at most")
    args = ap.parse_args()
    out = {"peer": "pymerkle 7.0.0 SqliteTree"}

    with tempfile.TemporaryDirectory() as tmp:
        # Storage: durable batches of 1 KiB entries (one transaction per batch, as Sigil). --entries 0 skips it.
        tree = SqliteTree(os.path.join(tmp, "append.db"))
        filler = os.urandom(args.entry_bytes)
        start = time.perf_counter()
        appended = 0
        while appended < args.entries:
            n = min(args.batch, args.entries - appended)
            tree.append_entries([appended.to_bytes(8, "big") + filler[8:] for appended in range(appended, appended + n)])
            appended += n
        if args.entries:
            out["append_entries_per_s"] = args.entries / (time.perf_counter() - start)
        tree.close()

        # Proofs at several sizes on one tree of small entries; --sizes 0 skips them.
        sizes = sorted(int(s) for s in args.sizes.split(",") if int(s) > 1)
        if not sizes:
            print(json.dumps(out))
            return
        tree = SqliteTree(os.path.join(tmp, "proofs.db"))
        start = time.perf_counter()
        size = 0
        while size < sizes[-1]:
            n = min(50_000, sizes[-1] - size)
            tree.append_entries([b"entry %d" % i for i in range(size, size + n)])
            size += n
        out["build_seconds"] = time.perf_counter() - start
        out["proofs"] = []
        rng = random.Random(7)
        for size in sizes:
            for kind in ("inclusion", "consistency"):
                times = []
                budget_end = time.perf_counter() + args.time_budget
                for _ in range(args.samples):
                    if kind == "inclusion":
                        index = rng.randrange(0, size)
                        t = time.perf_counter()
                        tree.prove_inclusion(index + 1, size)
                    else:
                        first = rng.randrange(1, size)
                        t = time.perf_counter()
                        tree.prove_consistency(first, size)
                    times.append(time.perf_counter() - t)
                    if time.perf_counter() > budget_end:
                        break
                out["proofs"].append({"size": size, "kind": kind, "samples": len(times),
                                      "p50": percentile(times, 50), "p99": percentile(times, 99)})
        tree.close()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
