"""The log explorer in Debian's chromium (headless, driven by Playwright; no browser download).

Run by interop/run-explorer-browser.sh after it has started `sigil-server all` and made entries,
most in the Rekor v2 log (sign-blob and attest with default settings), some in the v1 log.
Checks searching both logs (file, digest, email, index), the entry view (identity, Fulcio
extensions, DSSE payload), the in-browser proof (verified; not verified through a tampering proxy
or with another pinned key; for v2 entries built from the log's tiles), the monitor's consistency
check, bad input, and that markup from the log is shown as text. Writes screenshots to --screenshots. Prints PASS/FAIL lines and "N passed, M failed".
"""
import argparse
import base64
import hashlib
import json
import os
import subprocess
import sys
import traceback
import urllib.error
import urllib.request

from playwright.sync_api import sync_playwright

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from explorer_tamper_proxy import TamperProxy  # noqa: E402

parser = argparse.ArgumentParser()
for name in ("log", "oidc", "work", "data", "sigil", "markup-identity", "markup-event", "markup-file", "screenshots"):
    parser.add_argument(f"--{name}", required=True)
args = parser.parse_args()
LOG = args.log
passed = failed = 0
current_pages = []  # pages whose content a failure report shows


def check(name, body):
    global passed, failed
    try:
        body()
        print(f"PASS {name}", flush=True)
        passed += 1
    except Exception as error:  # noqa: BLE001 - every failure is reported, then the run goes on
        print(f"FAIL {name}: {error}", flush=True)
        traceback.print_exc(limit=2, file=sys.stdout)
        for shown in current_pages:
            try:
                print(f"    page {shown.url} shows: {shown.inner_text('main', timeout=2000)[:600]!r}")
            except Exception:  # noqa: BLE001 - diagnostics only
                pass
        failed += 1


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def api(path, body=None):
    request = urllib.request.Request(LOG + path, data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        data = response.read()
    return json.loads(data) if data[:1] in (b"{", b"[") else data.decode()


def sha256_file(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def indexes(query):
    """Log indexes the log's own Rekor search API answers (independent of the explorer)."""
    uuids = api("/api/v1/index/retrieve", query)
    found = api("/api/v1/log/entries/retrieve", {"entryUUIDs": uuids})
    return sorted(next(iter(e.values()))["logIndex"] for e in found)


def bundle_entry(path):
    """(log, index) of the tlog entry in a bundle sigil wrote: independent of the explorer."""
    entry = json.load(open(path))["verificationMaterial"]["tlogEntries"][0]
    return ("v2" if entry["kindVersion"]["version"] == "0.0.2" else "v1", int(entry["logIndex"]))


def ordered(entries):
    """The order the explorer lists search results in: the v2 log's, then the v1 log's, by index."""
    return sorted(set(entries), key=lambda e: (e[0] != "v2", e[1]))


def v1(indexes_):
    return [("v1", i) for i in indexes_]


def v2_tree_size():
    return int(api(V2 + "/checkpoint").split("\n")[1])


def leaf_uuid(bundle_path):
    import base64
    body = base64.b64decode(json.load(open(bundle_path))["verificationMaterial"]["tlogEntries"][0]["canonicalizedBody"])
    return hashlib.sha256(b"\x00" + body).hexdigest()


def v1_lacks_index(index):
    """True when the v1 log has no entry at `index`."""
    try:
        api(f"/api/v1/log/entries?logIndex={index}")
        return False
    except urllib.error.HTTPError as error:
        return error.code == 404


def uuid_at(index):
    entry = api(f"/api/v1/log/entries?logIndex={index}")
    return next(iter(entry))[-64:]


def kind_at(index):
    import base64
    entry = api(f"/api/v1/log/entries?logIndex={index}")
    return json.loads(base64.b64decode(next(iter(entry.values()))["body"]))["kind"]


V2 = "/rekor-v2"
files = os.path.join(args.work, "files")
app, lib, workflow = (os.path.join(files, n) for n in ("app.tar", "lib.tar", "workflow.tar"))
# Where sigil logged each entry, from the bundles it wrote (v2 ones) and the v1 log's own search API.
app_v2 = bundle_entry(app + ".sigstore.json")
lib_v2 = bundle_entry(lib + ".sigstore.json")
lib_attestation_v2 = bundle_entry(lib + ".intoto.sigstore.json")  # attested through v2 only
workflow_entry_ = bundle_entry(workflow + ".sigstore.json")
markup_dsse = bundle_entry(args.markup_file + ".intoto.sigstore.json")
markup_workflow = bundle_entry(os.path.join(files, "markup-workflow.tar") + ".sigstore.json")
defaults = [app_v2, lib_v2, lib_attestation_v2, workflow_entry_, markup_dsse, markup_workflow]
app_entries = ordered([app_v2] + v1(indexes({"hash": "sha256:" + sha256_file(app)})))
alice_entries = ordered([app_v2, lib_v2, lib_attestation_v2, markup_dsse] + v1(indexes({"email": "alice@example.com"})))
workflow_index = workflow_entry_[1]
alice_app_index = next(i for log, i in app_entries if log == "v1" and kind_at(i) == "hashedrekord")
log_key_pem = api("/api/v1/log/publicKey")
v2_key_pem = api("/api/v1/explorer/logs")["v2"]["publicKey"]
os.makedirs(args.screenshots, exist_ok=True)


def shot(page, name):
    page.screenshot(path=os.path.join(args.screenshots, name), full_page=True)


def wait_ready(page):
    page.wait_for_function("document.body.dataset.ready === 'true'")


def navigate(page, url):
    """Goes to `url` and waits until its route has rendered (a hash change keeps the document)."""
    if page.url == url:
        page.reload()  # the same address would fire no hashchange
    else:
        if page.url.startswith("http"):
            page.evaluate("document.body.dataset.ready = 'false'")
        page.goto(url)
    wait_ready(page)


def shown(page):
    """(log, index) of each result row, in the order shown."""
    page.wait_for_selector("[data-testid=results]")
    rows = page.evaluate("""() => [...document.querySelectorAll('[data-testid=results] tbody tr')]
        .map((r) => [r.dataset.log, Number(r.querySelector('[data-testid=result-link]').textContent)])""")
    return [tuple(r) for r in rows]


def search(page, text):
    page.fill("#query", text)
    page.evaluate("document.body.dataset.ready = 'false'")
    page.press("#query", "Enter")
    wait_ready(page)


def open_entry(page, base, index, log="v1"):
    navigate(page, f"{base}/explorer/#/{'v2/' if log == 'v2' else ''}index/{index}")
    page.wait_for_selector("[data-testid=verdict]")


def verdict(page):
    # text_content: the verdict is styled in capitals, inner_text would report them.
    return page.text_content("[data-testid=verdict]").strip(), page.text_content("[data-testid=verdict-reason]")


with sync_playwright() as playwright:
    browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=["--no-sandbox"])
    # bypass_csp: Playwright's waits evaluate strings, which the page's CSP forbids; without the CSP
    # fence the markup checks also show that the page itself never turns log data into elements.
    context = browser.new_context(viewport={"width": 1200, "height": 900}, accept_downloads=True, bypass_csp=True)
    page = context.new_page()
    current_pages.append(page)
    page_errors = []
    page.on("pageerror", lambda error: page_errors.append(str(error)))

    def ed25519():
        supported = page.evaluate("""async () => { try { await crypto.subtle.generateKey({name: 'Ed25519'}, false, ['sign']); return true; } catch { return false; } }""")
        print(f"INFO chromium {browser.version}: WebCrypto Ed25519 {'supported' if supported else 'NOT supported'}")

    def overview():
        navigate(page, f"{LOG}/explorer/")
        size = api("/api/v1/log")["treeSize"]
        expect(page.inner_text("[data-testid=tree-size]") == str(size), "tree size differs from the log's")
        expect("first checkpoint" in page.inner_text("[data-testid=monitor]"), page.inner_text("[data-testid=monitor]"))
        expect(page.inner_text("[data-testid=v2-tree-size]") == str(v2_tree_size()), "v2 tree size differs from the v2 log's")
        expect("first checkpoint" in page.inner_text("[data-testid=v2-monitor]"), page.inner_text("[data-testid=v2-monitor]"))
        expect(page.locator("svg.chart rect").count() == 72, "the chart has no 72 hourly bars")
        expect(int(page.inner_text("[data-testid=ct-size]")) >= 1, "the CT log shows no entries")
        expect(page.locator("[data-testid=recent] li").count() >= 5, "recent entries missing")
        for log, size in (("v1", size), ("v2", v2_tree_size())):
            page.wait_for_selector(f"[data-testid={log}-history] tbody tr")  # filled after the log sections
            rows = page.locator(f"[data-testid={log}-history] tbody tr")
            expect(rows.count() >= 2 and rows.first.locator("td").first.inner_text() == str(size),
                   f"the {log} checkpoint history does not start at the tree size {size}")
        shot(page, "explorer-overview.png")
    check("overview: both Rekor logs' tree sizes, verified checkpoints and checkpoint histories, chart, recent entries, CT log", overview)

    def defaults_went_to_v2():
        expect(all(log == "v2" for log, _ in defaults), f"sign-blob/attest with default settings logged to {defaults}")
    check("sign-blob and attest with default settings log to the Rekor v2 log", defaults_went_to_v2)
    ed25519()

    def by_file():
        navigate(page, f"{LOG}/explorer/#/settings")
        page.set_input_files("#file", app)
        page.wait_for_selector("[data-testid=results]")
        expect(sha256_file(app) in page.inner_text("[data-testid=file-digest]"), "the digest shown is not the file's")
        expect(shown(page) == app_entries, f"shown {shown(page)}, the logs have {app_entries}")
        shot(page, "explorer-search.png")
    check("search by file (hashed in the browser) finds its entries in both logs", by_file)

    def by_digest():
        search(page, sha256_file(lib))
        expected = ordered([lib_v2, lib_attestation_v2])
        expect(shown(page) == expected, f"shown {shown(page)} for the digest, expected {expected}")
        # A typed digest could be an attestation envelope's PAE as well as an artifact's: a v2 row
        # does not claim to know which (a file's digest, below, is known to be the artifact's).
        matched = dict(zip(shown(page), page.eval_on_selector_all("[data-testid=result-match]", "cells => cells.map((c) => c.textContent)")))
        expect("or for an attestation" in matched.get(lib_v2, ""), f"a typed digest's v2 row says {matched.get(lib_v2)!r}")
    check("search by SHA-256 digest finds the signature and the attestation (both v2), and a v2 row's signed digest is not called an artifact's", by_digest)

    def v2_attestation_by_file():
        navigate(page, f"{LOG}/explorer/#/settings")
        page.set_input_files("#file", lib)
        page.wait_for_selector("[data-testid=results]")
        expect(lib_attestation_v2 in shown(page), f"shown {shown(page)}; the v2 attestation {lib_attestation_v2} is missing")
        matched = dict(zip(shown(page), page.eval_on_selector_all("[data-testid=result-match]", "cells => cells.map((c) => c.textContent)")))
        expect(matched.get(lib_v2) == "artifact digest", f"the signature's row says {matched.get(lib_v2)!r}")
        expect("in-toto subject" in matched.get(lib_attestation_v2, ""), f"the attestation's row says {matched.get(lib_attestation_v2)!r}")
        open_entry(page, LOG, lib_attestation_v2[1], "v2")
        expect(verdict(page)[0] == "verified", verdict(page))
        note = lambda: page.inner_text("[data-testid=signed-digest-note]")
        expect("or for an attestation" in note(), f"a v2 digest is labelled as if it were an artifact's: {note()!r}")
        page.set_input_files("[data-testid=envelope-file]", lib + ".intoto.sigstore.json")
        page.wait_for_selector("[data-testid=subjects]")
        expect("lib.tar" in page.inner_text("[data-testid=subjects]"), page.inner_text("[data-testid=subjects]"))
        expect("this entry logs an attestation" in note(), f"the attached envelope did not settle the label: {note()!r}")
    check("search by file finds an attestation logged only through Rekor v2 (the log indexed its subjects), and says what matched", v2_attestation_by_file)

    def by_email():
        search(page, "alice@example.com")
        expect(shown(page) == alice_entries, f"shown {shown(page)}, the logs have {alice_entries}")
        expect("alice@example.com" in page.inner_text("[data-testid=results]"), "identity column lacks the email")
    check("search by email", by_email)

    def paging():
        navigate(page, f"{LOG}/explorer/#/search?q=alice%40example.com&per=1")
        seen = shown(page)
        while page.locator("[data-testid=next-page]").count():
            page.evaluate("document.body.dataset.ready = 'false'")
            page.click("[data-testid=next-page]")
            wait_ready(page)
            seen += shown(page)
        expect(seen == alice_entries, f"paged through {seen}, the logs have {alice_entries}")
        expect(len(alice_entries) >= 3 and {"v1", "v2"} <= {log for log, _ in alice_entries}, "too few entries to page across both logs")
        page.evaluate("document.body.dataset.ready = 'false'")
        page.click("[data-testid=previous-page]")
        wait_ready(page)
        expect(shown(page) == [alice_entries[-2]], f"previous page shows {shown(page)}")
    check("results page through a large answer across both logs (1 per page, next and previous)", paging)

    def ed25519_checkpoint():
        import base64
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import ed25519
        key = ed25519.Ed25519PrivateKey.generate()
        spki = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        pem = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
        text = f"example.org/log\n5\n{base64.b64encode(bytes(32)).decode()}\n"
        hint = hashlib.sha256(spki).digest()[:4]
        note = f"{text}\n\u2014 example.org/log {base64.b64encode(hint + key.sign(text.encode())).decode()}\n"
        forged = note.replace("\n5\n", "\n6\n")
        result = page.evaluate("""async ([pem, note, forged]) => {
            const c = await import('/explorer/checkpoint.js');
            const key = await c.importLogKey(pem);
            await c.verifyCheckpointSignature(c.parseCheckpoint(note), key);
            try { await c.verifyCheckpointSignature(c.parseCheckpoint(forged), key); return 'forged note accepted'; }
            catch (error) { return `${key.label}: ${error.message}`; }
        }""", [pem, note, forged])
        expect(result == "Ed25519: the checkpoint signature does not verify with the pinned log key", result)
    check("Ed25519 log keys: the page verifies an Ed25519-signed checkpoint with WebCrypto and rejects a forged one", ed25519_checkpoint)

    def by_key():
        import base64
        import textwrap
        raw = json.load(open(workflow + ".sigstore.json"))["verificationMaterial"]["certificate"]["rawBytes"]
        certificate_pem = "-----BEGIN CERTIFICATE-----\n" + "\n".join(textwrap.wrap(raw, 64)) + "\n-----END CERTIFICATE-----\n"
        base64.b64decode(raw, validate=True)
        search(page, certificate_pem)
        expect(shown(page) == [workflow_entry_], f"shown {shown(page)}, expected {[workflow_entry_]}")
    check("search by public key (a pasted certificate PEM)", by_key)

    def by_index():
        expect(v1_lacks_index(workflow_index), f"the v1 log also has index {workflow_index}; the test needs one only v2 has")
        search(page, str(workflow_index))
        page.wait_for_selector("[data-testid=verdict]")
        expect(page.inner_text("h2") == f"Rekor v2 entry {workflow_index}", page.inner_text("h2"))
    check("search by log index opens the entry (the only log with that index)", by_index)

    def by_ambiguous_index():
        search(page, "0")
        expect("Both logs" in page.inner_text("[data-testid=result-count]"), page.inner_text("main"))
        expect(page.locator("[data-testid=index-v1]").count() == 1 and page.locator("[data-testid=index-v2]").count() == 1, "no link to each log's entry")
        page.evaluate("document.body.dataset.ready = 'false'")
        page.click("[data-testid=index-v2]")
        wait_ready(page)
        expect(page.inner_text("h2") == "Rekor v2 entry 0", page.inner_text("h2"))
        search(page, "v1:0")
        expect(page.inner_text("h2") == "Entry 0", page.inner_text("h2"))
    check("a log index both logs have lists both; v1:N and v2:N open one", by_ambiguous_index)

    def workflow_entry():
        page.fill("#query", "")  # the screenshot shows the entry, not the last query
        open_entry(page, LOG, workflow_index, "v2")
        san = page.inner_text("[data-testid=san]")
        expect("https://github.com/octo-org/app/.github/workflows/release.yml@refs/tags/v1.2.3" in san, san)
        extensions = page.inner_text("[data-testid=fulcio-extensions]")
        for name in ("Issuer", "Source Repository URI", "Source Repository Ref", "Build Signer URI", "Runner Environment", "Build Trigger"):
            expect(name in extensions, f"extension {name} missing")
        expect("https://github.com/octo-org/app" in extensions and "github-hosted" in extensions, "extension values missing")
        expect(verdict(page)[0] == "verified", verdict(page))
        expect(page.inner_text("[data-testid=log]") == "Rekor v2 log", page.inner_text("[data-testid=log]"))
        steps = page.inner_text("[data-testid=proof]")
        expect("built in this browser from the log's tiles" in steps, steps)
        expect(page.locator("[data-testid=download-bundle]").count() == 0 and page.locator("[data-testid=no-bundle]").count() == 1,
               "a v2 entry offers a bundle the log cannot make")
        shot(page, "explorer-entry.png")
    check("v2 entry view: workflow identity, Fulcio extensions by name, proof from the tiles verified", workflow_entry)

    def by_uuid():
        search(page, uuid_at(alice_app_index))
        page.wait_for_selector("[data-testid=uuid-match]")
        page.click("[data-testid=uuid-match]")
        page.wait_for_selector("[data-testid=verdict]")
        expect(page.inner_text("h2") == f"Entry {alice_app_index}", page.inner_text("h2"))
        expect("alice@example.com" in page.inner_text("[data-testid=san]"), "SAN missing")
        expect(verdict(page)[0] == "verified", verdict(page))
        expect("(UTC)" in page.inner_text("[data-testid=time]"), "no UTC time")
        search(page, leaf_uuid(app + ".sigstore.json"))
        page.wait_for_selector("[data-testid=uuid-match-v2]")
        page.evaluate("document.body.dataset.ready = 'false'")
        page.click("[data-testid=uuid-match-v2]")
        wait_ready(page)
        page.wait_for_selector("[data-testid=verdict]")
        expect(page.inner_text("h2") == f"Rekor v2 entry {app_v2[1]}", page.inner_text("h2"))
        expect("alice@example.com" in page.inner_text("[data-testid=san]"), "SAN missing")
        expect(verdict(page)[0] == "verified", verdict(page))
    check("search by UUID in both logs; email identity verified", by_uuid)

    def phone():
        phone_page = context.new_page()
        phone_page.set_viewport_size({"width": 390, "height": 844})
        open_entry(phone_page, LOG, workflow_index, "v2")
        width = phone_page.evaluate("document.documentElement.scrollWidth")
        expect(width <= 392, f"the page is {width}px wide at a 390px viewport")
        shot(phone_page, "explorer-entry-phone.png")
        phone_page.close()
    check("entry view is readable at phone width (no horizontal scroll)", phone)

    def download():
        open_entry(page, LOG, alice_app_index)
        with page.expect_download() as info:
            page.click("[data-testid=download-bundle]")
        path = os.path.join(args.work, "downloaded.sigstore.json")
        info.value.save_as(path)
        result = subprocess.run([args.sigil, "verify-blob", app, "--bundle", path, "--trust-config", os.path.join(args.data, "trust_config.json"),
                                 "--certificate-identity", "alice@example.com", "--certificate-oidc-issuer", args.oidc],
                                capture_output=True, text=True)
        expect(result.returncode == 0, f"sigil verify-blob rejected the downloaded bundle: {result.stderr.strip()}")
    check("downloaded bundle verifies with sigil verify-blob", download)

    def download_v2_entry():
        open_entry(page, LOG, app_v2[1], "v2")
        expect(verdict(page)[0] == "verified", verdict(page))
        with page.expect_download() as info:
            page.click("[data-testid=download-tlog-entry]")
        path = os.path.join(args.work, "downloaded.tlog-entry.json")
        info.value.save_as(path)
        downloaded = json.load(open(path))
        expect(int(downloaded["inclusionProof"]["treeSize"]) == v2_tree_size(), "the downloaded proof is not against the current checkpoint")
        # The signer's bundle, its tlog entry replaced by the downloaded one (a proof to a later checkpoint).
        bundle = json.load(open(app + ".sigstore.json"))
        bundle["verificationMaterial"]["tlogEntries"] = [downloaded]
        spliced = os.path.join(args.work, "spliced.sigstore.json")
        json.dump(bundle, open(spliced, "w"))
        trust = os.path.join(args.data, "trust_config.json")
        def verify(bundle_path):
            return subprocess.run([args.sigil, "verify-blob", app, "--bundle", bundle_path, "--trust-config", trust,
                                   "--certificate-identity", "alice@example.com", "--certificate-oidc-issuer", args.oidc],
                                  capture_output=True, text=True)
        result = verify(spliced)
        expect(result.returncode == 0, f"sigil verify-blob rejected the bundle with the downloaded v2 entry: {result.stderr.strip()}")
        hashes = downloaded["inclusionProof"]["hashes"]
        expect(len(hashes) > 0, "the downloaded proof has no hashes")
        flipped = bytearray(base64.b64decode(hashes[0]))
        flipped[0] ^= 1
        hashes[0] = base64.b64encode(bytes(flipped)).decode()
        json.dump(bundle, open(spliced, "w"))
        flipped_result = verify(spliced)
        expect(flipped_result.returncode != 0, "sigil verify-blob accepted a downloaded v2 entry with a flipped proof hash")
        expect("inclusion" in flipped_result.stderr.lower() or "root" in flipped_result.stderr.lower(),
               f"the refusal does not name the proof: {flipped_result.stderr.strip()}")
    check("v2 entry: the downloaded log entry (fresh proof from the tiles) verifies in the signer's bundle; a flipped hash does not", download_v2_entry)

    def dsse():
        open_entry(page, LOG, markup_dsse[1], "v2")
        expect(verdict(page)[0] == "verified", verdict(page))
        expect("hashedrekord 0.0.2" in page.inner_text("main"), "the v2 attestation is not a hashedrekord 0.0.2 entry")
        page.set_input_files("[data-testid=envelope-file]", args.markup_file + ".intoto.sigstore.json")
        page.wait_for_selector("[data-testid=subjects]")
        subjects = page.inner_text("[data-testid=subjects]")
        expect("<img src=x onerror=window.__pwned=2>.txt" in subjects, subjects)
        expect("https://slsa.dev/provenance/v1" in page.inner_text("[data-testid=predicate-type]"), "predicate type missing")
        expect("application/vnd.in-toto+json" in page.inner_text("[data-testid=dsse-payload]"), "payload type missing")
        expect(page.locator("main img").count() == 0, "markup from the payload became an element")
        expect(page.evaluate("window.__pwned") is None, "markup from the payload ran")
    check("v2 attestation (hashedrekord over the PAE): payload type, subjects and predicate type; markup in a subject is text", dsse)

    def dsse_v1():
        index = next(i for log, i in app_entries if log == "v1" and kind_at(i) == "dsse")
        open_entry(page, LOG, index)
        expect(verdict(page)[0] == "verified", verdict(page))
        page.set_input_files("[data-testid=envelope-file]", app + ".intoto.sigstore.json")
        page.wait_for_selector("[data-testid=subjects]")
        expect("app.tar" in page.inner_text("[data-testid=subjects]"), page.inner_text("[data-testid=subjects]"))
    check("v1 DSSE entry: the attached envelope's subjects", dsse_v1)

    def markup_san():
        index = markup_workflow[1]
        open_entry(page, LOG, index, "v2")
        expect(args.markup_identity in page.text_content("[data-testid=san]"), page.text_content("[data-testid=san]"))
        expect(args.markup_event in page.text_content("[data-testid=fulcio-extensions]"), "the markup event name is not shown")
        expect(page.locator("main img").count() == 0, "markup from the certificate became an element")
        expect(page.evaluate("window.__pwned") is None, "markup from the certificate ran")
        expect(verdict(page)[0] == "verified", verdict(page))
        search(page, args.markup_identity)
        expect(markup_workflow in shown(page), "search by the markup identity does not find its entry")
        expect(page.locator("main img").count() == 0, "markup in the results became an element")
    check("markup in a certificate SAN and extension is shown as text (entry and results)", markup_san)

    def bad_input():
        search(page, "hello world")
        expect("is not a digest, email" in page.inner_text("[data-testid=message]"), page.inner_text("main"))
        navigate(page, f"{LOG}/explorer/#/entry/{'0' * 64}")
        expect("has no entry" in page.inner_text("[data-testid=message]"), page.inner_text("main"))
        navigate(page, f"{LOG}/explorer/#/index/99999999")
        expect("has no entry" in page.inner_text("[data-testid=message]"), page.inner_text("main"))
        navigate(page, f"{LOG}/explorer/#/v2/index/99999999")
        expect("Rekor v2 log has no entry" in page.inner_text("[data-testid=message]"), page.inner_text("main"))
        search(page, "sha256:abcd")
        expect("64 hex digits" in page.inner_text("[data-testid=message]"), page.inner_text("main"))
    check("bad queries and unknown entries get a message", bad_input)

    def sign_later(name, *options):
        artifact = os.path.join(args.work, name)
        open(artifact, "w").write(f"{name}, signed while the explorer is open\n")
        token = json.loads(urllib.request.urlopen(urllib.request.Request(args.oidc + "/token", data=b"subject=alice@example.com&email=alice@example.com")).read())["id_token"]
        subprocess.run([args.sigil, "sign-blob", artifact, "--trust-config", os.path.join(args.data, "trust_config.json"),
                        "--identity-token", token, "--bundle", artifact + ".sigstore.json", *options], check=True, capture_output=True)

    def monitor():
        before, before_v2 = api("/api/v1/log")["treeSize"], v2_tree_size()
        sign_later("later-v1.txt", "--rekor-version", "1")
        sign_later("later-v2.txt")
        navigate(page, f"{LOG}/explorer/#/overview")
        text = page.inner_text("[data-testid=monitor]")
        expect(f"consistent with the tree of size {before}" in text, text)
        text = page.inner_text("[data-testid=v2-monitor]")
        expect(f"consistent with the tree of size {before_v2}" in text and "built from the tiles" in text, text)
    check("monitor: each log's new checkpoint is proved consistent with the one this browser saw (v2: from the tiles)", monitor)

    def live_recent():
        navigate(page, f"{LOG}/explorer/#/overview")
        sign_later("live.txt")
        newest = v2_tree_size() - 1
        page.wait_for_function(f"document.querySelector('[data-testid=recent]').textContent.includes('v2 #{newest} ')", timeout=15000)
    check("overview: the most recent entries update live (a new entry appears without a reload)", live_recent)

    def unparseable_entry():
        proxy = TamperProxy(LOG, "garbage-entry")
        try:
            fresh = browser.new_context(bypass_csp=True)
            p = fresh.new_page()
            p.goto(f"{proxy.url}/explorer/#/index/{alice_app_index}")
            wait_ready(p)
            message = p.text_content("[data-testid=message]")
            expect("not JSON" in message, message)
            expect(p.locator("main img").count() == 0 and p.evaluate("window.__pwned") is None, "the HTML answer was rendered")
            p.goto(f"{proxy.url}/explorer/#/v2/index/{workflow_index}")
            wait_ready(p)
            message = p.text_content("[data-testid=message]")
            expect("not JSON" in message, message)
            expect(p.locator("main img").count() == 0 and p.evaluate("window.__pwned") is None, "the HTML answer was rendered")
            fresh.close()
        finally:
            proxy.close()
    check("an entry answer the page cannot parse is shown as a failure", unparseable_entry)

    def other_pinned_key():
        other = TamperProxy(LOG, "none")
        from cryptography.hazmat.primitives import serialization
        pem = other.key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
        other.close()
        fresh = browser.new_context(bypass_csp=True)
        p = fresh.new_page()
        p.goto(f"{LOG}/explorer/#/settings")
        wait_ready(p)
        p.fill("#pin-pem", pem)
        p.click("[data-testid=pin-key]")
        open_entry(p, LOG, alice_app_index)
        word, reason = verdict(p)
        expect(word == "not verified" and "not signed by the pinned log key" in reason, (word, reason))
        expect("different key" in p.inner_text("[data-testid=verdict-box]"), "no warning that the log's key differs from the pinned one")
        fresh.close()
    check("another pinned key: not verified, with a warning that the log's key differs", other_pinned_key)

    for mode, reason_part in (("flip-proof", "root computed from the proof"), ("other-key", "checkpoint signature does not verify"),
                              ("garbage", "Signed checkpoint:")):
        def tampered(pin_field, pin_button, key_pem, index, log="v1", screenshot=None, mode=mode, reason_part=reason_part):
            proxy = TamperProxy(LOG, mode)
            try:
                fresh = browser.new_context(bypass_csp=True)
                p = fresh.new_page()
                p.goto(f"{proxy.url}/explorer/#/settings")
                wait_ready(p)
                p.fill(pin_field, key_pem)
                p.click(pin_button)
                expect("Pinned" in p.inner_text("[data-testid=settings-status]"), p.inner_text("[data-testid=settings-status]"))
                open_entry(p, proxy.url, index, log)
                word, reason = verdict(p)
                expect(word == "not verified", f"{word}: {reason}")
                expect(reason_part in reason, reason)
                if screenshot:
                    shot(p, screenshot)
                fresh.close()
            finally:
                proxy.close()
        check(f"tampered answer ({mode}): not verified, with the reason",
              lambda: tampered("#pin-pem", "[data-testid=pin-key]", log_key_pem, alice_app_index,
                               screenshot="explorer-entry-tampered.png" if mode == "flip-proof" else None))
        check(f"tampered v2 answer ({mode}: {'tiles' if mode == 'flip-proof' else 'checkpoint'}): not verified, with the reason",
              lambda: tampered("#pin-v2-pem", "[data-testid=v2-pin-key]", v2_key_pem, workflow_index, log="v2"))

    def accessible():
        navigate(page, f"{LOG}/explorer/#/settings")
        unlabelled = page.evaluate("""() => [...document.querySelectorAll('input, textarea, select')]
            .filter((e) => e.labels.length === 0 && !e.getAttribute('aria-label')).map((e) => e.id || e.outerHTML.slice(0, 60))""")
        expect(unlabelled == [], f"controls without a label: {unlabelled}")
        page.reload()
        wait_ready(page)
        page.keyboard.press("Tab")
        expect(page.evaluate("document.activeElement.className") == "skip", "the first Tab does not reach the skip link")
        page.fill("#query", str(workflow_index))
        page.evaluate("document.body.dataset.ready = 'false'")
        page.focus("#query")
        page.keyboard.press("Enter")
        wait_ready(page)
        expect(page.evaluate("document.activeElement.id") == "entry-heading", "focus does not move to the entry's heading")
    check("keyboard and labels: every control labelled, skip link first, focus moves to the result", accessible)

    def no_errors():
        expect(not page_errors, f"uncaught errors in the page: {page_errors}")
    check("no uncaught script errors", no_errors)
    browser.close()

print(f"{passed} passed, {failed} failed")
sys.exit(0 if failed == 0 else 1)
