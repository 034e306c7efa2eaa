#!/usr/bin/env python3
"""Client benchmark: `sigil sign-blob` / `verify-blob` against `sigstore sign` / `verify identity`
(sigstore-python 4.5.1) on the same local stack, in the same run. Whole processes are timed, start-up
included. Prints p50/p90 per command and the ratios.

Usage: client_vs_sigstore.py BIN_DIR [--runs N] [--sigstore-runs M]   (BIN_DIR holds sigil, sigil-server)
"""
import argparse, json, os, shutil, statistics, subprocess, sys, tempfile, time, urllib.request


def p(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, round(q / 100 * (len(values) - 1)))]


def timed(cmd, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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
        if shutil.which("sigstore"):
            rows["sigstore sign"] = timed(["sigstore", "--trust-config", trust, "sign", "--identity-token", token,
                                           "--overwrite", "--bundle", f"{work}/p.json", artifact], args.sigstore_runs)
            rows["sigstore verify identity"] = timed(["sigstore", "--trust-config", trust, "verify", "identity", "--offline",
                                                      "--bundle", f"{work}/p.json", "--cert-identity", "bench@example.com",
                                                      "--cert-oidc-issuer", "http://127.0.0.1:5556", artifact], args.sigstore_runs)
        for name, times in rows.items():
            print(f"{name:28} p50 {p(times, 50) * 1000:8.1f} ms   p90 {p(times, 90) * 1000:8.1f} ms   ({len(times)} runs)")
        if "sigstore sign" in rows:
            print(f"sign ratio (sigstore / sigil):   {p(rows['sigstore sign'], 50) / p(rows['sigil sign-blob'], 50):.1f}x")
            print(f"verify ratio (sigstore / sigil): {p(rows['sigstore verify identity'], 50) / p(rows['sigil verify-blob'], 50):.1f}x")
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
