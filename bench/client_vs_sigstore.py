#!/usr/bin/env python3
"""Client benchmark: `sigil sign-blob` / `verify-blob` against `sigstore sign` / `verify identity`
(sigstore-python 4.5.1) on the same local stack, in the same run. Whole processes are timed, start-up
included. Prints p50/p90 per command and the ratios. Also the cost of trust through TUF: `verify-blob
--instance` with a warm cache (one root probe and one timestamp fetch) and `--offline`, against
`--trust-config`, and a full refresh from nothing (`sigil trust-instance` into an empty cache).

Usage: client_vs_sigstore.py BIN_DIR [--runs N] [--sigstore-runs M]   (BIN_DIR holds sigil, sigil-server)
"""
import argparse, json, os, shutil, statistics, subprocess, sys, tempfile, time, urllib.request


def p(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, round(q / 100 * (len(values) - 1)))]


def timed(cmd, runs, env=None, before=None):
    times = []
    for _ in range(runs):
        if before:
            before()
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        times.append(time.perf_counter() - start)
    return times


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bin")
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--sigstore-runs", type=int, default=8)
    args = ap.parse_args()
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    work = tempfile.mkdtemp()
    server = subprocess.Popen([f"{args.bin}/sigil-server", "all", "--data", f"{work}/data", "--ca-config", f"{repo}/ca"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen("http://127.0.0.1:5555/healthz")
                break
            except Exception:
                time.sleep(0.2)
        req = urllib.request.Request("http://127.0.0.1:5556/token", data=b"subject=bench@example.com&email=bench@example.com")
        token = json.load(urllib.request.urlopen(req))["id_token"]
        trust = f"{work}/data/trust_config.json"
        artifact = f"{work}/artifact.bin"
        open(artifact, "wb").write(os.urandom(4096))
        ident = ["--certificate-identity", "bench@example.com", "--certificate-oidc-issuer", "http://127.0.0.1:5556"]
        rows = {}
        rows["sigil sign-blob"] = timed([f"{args.bin}/sigil", "sign-blob", artifact, "--trust-config", trust,
                                         "--identity-token", token, "--bundle", f"{work}/s.json"], args.runs)
        rows["sigil verify-blob"] = timed([f"{args.bin}/sigil", "verify-blob", artifact, "--bundle", f"{work}/s.json",
                                           "--trust-config", trust] + ident, args.runs)
        instance = "http://127.0.0.1:3000/tuf"
        root = f"{work}/data/tuf/repository/1.root.json"
        tuf_env = dict(os.environ, XDG_DATA_HOME=f"{work}/xdg")
        subprocess.run([f"{args.bin}/sigil", "trust-instance", instance, root], check=True, env=tuf_env, stderr=subprocess.DEVNULL)
        verify = [f"{args.bin}/sigil", "verify-blob", artifact, "--bundle", f"{work}/s.json"] + ident
        rows["sigil verify-blob --instance"] = timed(verify + ["--instance", instance], args.runs, env=tuf_env)
        rows["  ... --instance --offline"] = timed(verify + ["--instance", instance, "--offline"], args.runs, env=tuf_env)
        rows["  ... --trust-config (again)"] = timed(verify + ["--trust-config", trust], args.runs)
        fresh_env = dict(os.environ, XDG_DATA_HOME=f"{work}/fresh")
        rows["sigil trust-instance (full)"] = timed([f"{args.bin}/sigil", "trust-instance", instance, root], args.runs, env=fresh_env,
                                                    before=lambda: shutil.rmtree(f"{work}/fresh", ignore_errors=True))
        if shutil.which("sigstore"):
            rows["sigstore sign"] = timed(["sigstore", "--trust-config", trust, "sign", "--identity-token", token,
                                           "--overwrite", "--bundle", f"{work}/p.json", artifact], args.sigstore_runs)
            rows["sigstore verify identity"] = timed(["sigstore", "--trust-config", trust, "verify", "identity", "--offline",
                                                      "--bundle", f"{work}/p.json", "--cert-identity", "bench@example.com",
                                                      "--cert-oidc-issuer", "http://127.0.0.1:5556", artifact], args.sigstore_runs)
        for name, times in rows.items():
            print(f"{name:28} p50 {p(times, 50) * 1000:8.1f} ms   p90 {p(times, 90) * 1000:8.1f} ms   ({len(times)} runs)")
        plain = statistics.median(rows["sigil verify-blob"] + rows["  ... --trust-config (again)"])
        print(f"TUF warm refresh adds: p50 {(p(rows['sigil verify-blob --instance'], 50) - plain) * 1000:.1f} ms to --trust-config "
              f"(--offline: {(p(rows['  ... --instance --offline'], 50) - plain) * 1000:.1f} ms)")
        if "sigstore sign" in rows:
            print(f"sign ratio (sigstore / sigil):   {p(rows['sigstore sign'], 50) / p(rows['sigil sign-blob'], 50):.1f}x")
            print(f"verify ratio (sigstore / sigil): {p(rows['sigstore verify identity'], 50) / p(rows['sigil verify-blob'], 50):.1f}x")
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
