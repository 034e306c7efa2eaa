"""Explorer benchmark (issue 17): search-to-rendered-result in Debian's chromium on loopback
against a large log, and the total size of the explorer's assets.

  .venv/bin/python bench/explorer.py [--entries 1000000] [--runs 20]

Builds the log in a temp folder: `sigil-server init`, then `sigil-bench log explorer-fill` appends
--entries filler entries straight to the store (real tree hashes and checkpoints), then
`sigil-server all` starts on that folder and `sigil sign-blob` adds real entries for alice. Each
query is typed into the page and timed inside the page, from the form's submit to the result in
the DOM (performance.now, a MutationObserver); the median and p95 of --runs are reported.
Needs the debug (or --bin) build, /usr/bin/chromium and playwright in .venv.
"""
import argparse
import hashlib
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import tempfile
import time
import urllib.request

from playwright.sync_api import sync_playwright

parser = argparse.ArgumentParser()
parser.add_argument("--entries", type=int, default=1_000_000)
parser.add_argument("--runs", type=int, default=20)
parser.add_argument("--bin", default=".build/debug")
parser.add_argument("--keep", help="reuse/keep the data folder here")
args = parser.parse_args()
os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


work = args.keep or tempfile.mkdtemp()
data = os.path.join(work, "sigil")
ports_file = os.path.join(work, "ports.json")
if os.path.exists(ports_file):
    ports = json.load(open(ports_file))
else:
    ports = {name: free_port() for name in ("oidc", "ca", "log", "tsa")}
    json.dump(ports, open(ports_file, "w"))
url = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
if not os.path.exists(os.path.join(data, "log.sqlite")):
    subprocess.run([f"{args.bin}/sigil-server", "init", "--data", data, "--ca-config", "ca", "--oidc-url", url["oidc"], "--ca-url", url["ca"],
                    "--log-url", url["log"], "--tsa-url", url["tsa"]], check=True, stdout=subprocess.DEVNULL)
    started = time.time()
    subprocess.run([f"{args.bin}/sigil-bench", "log", "explorer-fill", "--data", data, "--entries", str(args.entries)], check=True)
    print(f"filled {args.entries} entries in {time.time() - started:.0f} s")

server = subprocess.Popen([f"{args.bin}/sigil-server", "all", "--data", data, "--ca-config", "ca", "--oidc-port", str(ports["oidc"]),
                           "--ca-port", str(ports["ca"]), "--log-port", str(ports["log"]), "--tsa-port", str(ports["tsa"])],
                          stdout=open(os.path.join(work, "server.log"), "ab"), stderr=subprocess.STDOUT)
try:
    for _ in range(600):
        try:
            urllib.request.urlopen(url["log"] + "/healthz")
            urllib.request.urlopen(url["ca"] + "/healthz")
            break
        except OSError:
            time.sleep(0.2)
    artifacts = []
    for k in range(3):
        path = os.path.join(work, f"real-{k}.txt")
        open(path, "w").write(f"real artifact {k} {time.time()}\n")
        token = json.loads(urllib.request.urlopen(urllib.request.Request(url["oidc"] + "/token", data=b"subject=alice@example.com&email=alice@example.com")).read())["id_token"]
        subprocess.run([f"{args.bin}/sigil", "sign-blob", path, "--trust-config", os.path.join(data, "trust_config.json"), "--rekor-version", "1",
                        "--identity-token", token], check=True, capture_output=True)
        artifacts.append(path)
    size = json.loads(urllib.request.urlopen(url["log"] + "/api/v1/log").read())["treeSize"]
    digest = hashlib.sha256(open(artifacts[0], "rb").read()).hexdigest()
    entry = json.loads(urllib.request.urlopen(url["log"] + f"/api/v1/log/entries?logIndex={size - 1}").read())
    uuid = next(iter(entry))[-64:]

    timed_search = """async ([query, selector]) => {
      const main = document.getElementById('main');
      const input = document.getElementById('query');
      input.value = query;
      const t0 = performance.now();
      const done = new Promise((resolve, reject) => {
        setTimeout(() => reject(new Error(`no ${selector} within 10 s`)), 10000);
        const observer = new MutationObserver(() => {
          if (main.querySelector(selector)) { observer.disconnect(); resolve(performance.now() - t0); }
        });
        observer.observe(main, { childList: true, subtree: true });
      });
      document.getElementById('search-form').requestSubmit();
      return await done;
    }"""
    queries = [
        ("digest (1 result)", f"sha256:{digest}", "[data-testid=results]"),
        ("email alice@example.com (3 results per run of this script)", "alice@example.com", "[data-testid=results]"),
        ("email filler-7@example.com (first page of 20 of ~%d)" % (args.entries // 1000), "filler-7@example.com", "[data-testid=results]"),
        ("log index (entry view rendered)", str(size // 2), "#entry-heading"),
        ("UUID (link to the entry rendered)", uuid, "[data-testid=uuid-match]"),
        ("log index (in-browser proof verdict rendered)", str(size - 1), "[data-testid=verdict]"),
    ]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=["--no-sandbox"])
        page = browser.new_page()
        asset_bytes = {}

        def record(response):
            if "/explorer" in response.url:
                asset_bytes[response.url] = len(response.body())
        page.on("response", record)
        page.goto(url["log"] + "/explorer/#/settings")
        page.wait_for_function("document.body.dataset.ready === 'true'")
        page.remove_listener("response", record)
        print(f"log size: {size} entries")
        print(f"explorer assets: {sum(asset_bytes.values())} bytes in {len(asset_bytes)} files (uncompressed)")
        for name, query, selector in queries:
            times = []
            for _ in range(args.runs):
                page.goto(url["log"] + "/explorer/#/settings")
                page.wait_for_function("document.body.dataset.ready === 'true'")
                times.append(page.evaluate(timed_search, [query, selector]))
            times.sort()
            p95 = times[max(0, -(-len(times) * 95 // 100) - 1)]  # nearest rank
            print(f"  {name}: median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, max {times[-1]:.1f} ms ({args.runs} runs)")
        browser.close()
finally:
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=60)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
