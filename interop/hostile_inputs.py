#!/usr/bin/env python3
"""Hostile-input sweep against a running `sigil-server all` (black box, over raw HTTP/1.1).

The project rule under test: bad input always gets a clear error (an HTTP status and the JSON body
`{"code": N, "message": "..."}` every Sigil server uses) and never loses or corrupts stored data;
secrets (private keys, tokens) never appear in logs or errors.

Every route the four servers serve gets, as applicable: empty and non-JSON bodies, JSON of the wrong
type at the top level and in each field, missing and unknown fields, deep nesting, oversized bodies
and a lying Content-Length, invalid UTF-8, bad base64 and hex, wrong Content-Type and method, hostile
query parameters and paths, tile paths out of range; the CA bad tokens (garbage, expired, alg none,
HMAC, wrong audience, look-alike issuers), bad proofs of possession and CSRs; the TSA bad DER; the
logs signatures that do not verify and duplicates. Each answer must be a 4xx (never a 5xx, a hang
or a dropped connection, except a close for a body over the size limit) with a JSON error body.
Afterwards: every server still answers /readyz 200, each log's tree size equals the entries this
sweep added, every added entry is unchanged and its inclusion proof verifies, and (with
--server-log) the server's log holds none of the tokens sent and no private-key text.

Needs Python 3 and `cryptography`; reuses bench/round2.py's entry and CA-request builders and
interop/lib/tlog.py's RFC 6962 checks.

  hostile_inputs.py --oidc http://127.0.0.1:5556 --ca http://127.0.0.1:5555 \\
      --log http://127.0.0.1:3000 --tsa http://127.0.0.1:5557 [--server-log FILE] [--data DIR]

Prints one PASS/FAIL line per check and "N passed, M failed"; exits 1 on any FAIL. A fresh data
folder is assumed (the tree-size checks count from zero).
"""
import argparse, base64, copy, datetime, hashlib, json, os, re, socket, sys, tempfile, threading, time
from urllib.parse import quote, urlsplit

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True     # no __pycache__ beside bench/ and interop/lib/
sys.path.insert(0, os.path.join(REPO, "bench"))
sys.path.insert(0, os.path.join(REPO, "interop", "lib"))
import round2  # noqa: E402  (make_log_entries, make_certificate_requests)
import tlog  # noqa: E402  (leaf_hash, root_from_inclusion, CompactRange)
from jsonpaths import paths_of, set_path  # noqa: E402
from checkreport import exit_with_tally, failures, report  # noqa: E402
from derbytes import der_int, der_oid, tlv as der  # noqa: E402

from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa, utils  # noqa: E402
from cryptography.x509.oid import NameOID  # noqa: E402

TIMEOUT = 10.0
ERROR_STATUSES = {400, 401, 403, 404, 405, 406, 408, 409, 411, 413, 414, 415, 422, 431}

# ---------------------------------------------------------------------------------------------------
# Reporting

secrets_sent = set()    # every token (and other secret) this sweep sent, for the log grep


# ---------------------------------------------------------------------------------------------------
# Raw HTTP/1.1: full control over the request line, headers, Content-Length and body


class Resp:
    def __init__(self):
        self.status = None      # int, or None when no response came
        self.headers = {}
        self.body = b""
        self.problem = None     # "timeout", "closed without a response", "reset", ...
        self.seconds = 0.0

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def brief(self):
        if self.status is None:
            return f"no response: {self.problem} after {self.seconds:.1f}s"
        ctype = self.headers.get("content-type", "")
        return f"{self.status} [{ctype}] {self.body[:300]!r}" + (f" (+{len(self.body) - 300} bytes)" if len(self.body) > 300 else "")


def _dechunk(data):
    out, rest = b"", data
    while True:
        line, sep, rest = rest.partition(b"\r\n")
        if not sep:
            return None
        size = int(line.split(b";")[0].strip() or b"0", 16)
        if size == 0:
            return out
        if len(rest) < size + 2:
            return None
        out, rest = out + rest[:size], rest[size + 2:]


def _parse(data, method):
    head, sep, body = data.partition(b"\r\n\r\n")
    if not sep:
        return None
    lines = head.split(b"\r\n")
    parts = lines[0].split(b" ", 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/"):
        return None
    r = Resp()
    r.status = int(parts[1])
    for line in lines[1:]:
        k, _, v = line.partition(b":")
        r.headers[k.strip().lower().decode("latin-1")] = v.strip().decode("latin-1")
    if method == "HEAD" or r.status in (204, 304) or 100 <= r.status < 200:
        r.body = b""
        return r
    if r.headers.get("transfer-encoding", "").lower() == "chunked":
        decoded = _dechunk(body)
        if decoded is None:
            return None
        r.body = decoded
        return r
    if "content-length" in r.headers:
        n = int(r.headers["content-length"])
        if len(body) < n:
            return None
        r.body = body[:n]
        return r
    r.body = body
    return "until-close", r


def raw(base, data, method="GET", timeout=TIMEOUT, half_close=False, chunk=65536):
    """Sends `data` (bytes, the whole request) from a thread while reading, as curl does, and reads one response."""
    u = urlsplit(base)
    r = Resp()
    start = time.monotonic()
    deadline = start + timeout
    try:
        s = socket.create_connection((u.hostname, u.port), timeout=timeout)
    except OSError as e:
        r.problem = f"connect failed: {e}"
        return r
    send_state = {"error": None, "done": False}

    def sender():
        try:
            for i in range(0, len(data), chunk):
                s.sendall(data[i:i + chunk])
            send_state["done"] = True
            if half_close:
                s.shutdown(socket.SHUT_WR)
        except OSError as e:
            send_state["error"] = type(e).__name__

    thread = threading.Thread(target=sender, daemon=True)
    thread.start()
    received = b""
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                r.problem = "timeout (no complete response in %.0fs)" % timeout
                break
            s.settimeout(left)
            try:
                piece = s.recv(1 << 16)
            except socket.timeout:
                r.problem = "timeout (no complete response in %.0fs)" % timeout
                break
            except ConnectionResetError:
                r.problem = "connection reset"
                piece = None
            if piece:
                received += piece
                parsed = _parse(received, method)
                if isinstance(parsed, Resp):
                    parsed.seconds = time.monotonic() - start
                    return parsed
                continue
            parsed = _parse(received, method)
            if isinstance(parsed, tuple):
                parsed = parsed[1]
            if isinstance(parsed, Resp):
                parsed.seconds = time.monotonic() - start
                return parsed
            if r.problem is None:
                r.problem = "closed without a response"
            break
    except OSError as e:
        r.problem = f"{type(e).__name__}: {e}"
    finally:
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        s.close()
        thread.join(2)
    r.seconds = time.monotonic() - start
    if send_state["error"]:
        r.problem += f" (sending stopped: {send_state['error']}, body {'complete' if send_state['done'] else 'incomplete'})"
    if received and r.problem:
        r.problem += f"; partial bytes {received[:200]!r}"
    return r


NO_CONTENT_TYPE = "X-No-Content-Type"


def build(base, method, path, body=None, headers=None, content_length=None, host=True):
    u = urlsplit(base)
    lines = [f"{method} {path} HTTP/1.1".encode("latin-1") if isinstance(path, str) else method.encode() + b" " + path + b" HTTP/1.1"]
    if host:
        lines.append(f"Host: {u.netloc}".encode())
    hdrs = dict(headers or {})
    if NO_CONTENT_TYPE in hdrs:
        del hdrs[NO_CONTENT_TYPE]
    elif "content-type" not in {k.lower() for k in hdrs}:
        if body is not None or method in ("POST", "PUT", "PATCH"):
            hdrs["Content-Type"] = "application/json"
    for k, v in hdrs.items():
        lines.append(k.encode("latin-1") + b": " + (v if isinstance(v, bytes) else v.encode("latin-1")))
    if content_length is not None:
        lines.append(b"Content-Length: " + str(content_length).encode())
    elif body is not None:
        lines.append(b"Content-Length: " + str(len(body)).encode())
    lines.append(b"Connection: close")
    return b"\r\n".join(lines) + b"\r\n\r\n" + (body or b"")


def req(base, method, path, body=None, headers=None, timeout=TIMEOUT, **kw):
    if isinstance(body, str):
        body = body.encode()
    if isinstance(body, (dict, list)):
        body = json.dumps(body).encode()
    return raw(base, build(base, method, path, body, headers, **kw), method=method, timeout=timeout)


def repro(base, method, path, body=None, headers=None):
    """A curl command for simple requests, a description for the rest."""
    if isinstance(body, str):
        body = body.encode()
    hs = " ".join(f"-H '{k}: {v}'" for k, v in (headers or {}).items())
    p = path if isinstance(path, str) else path.decode("latin-1")
    if len(p) > 200:
        p = p[:80] + f"...({len(p)} chars)"
    if body is None:
        return f"curl -s -X {method} {hs} '{base}{p}'"
    if len(body) <= 400:
        try:
            text = body.decode()
            if "'" not in text and "\n" not in text:
                return f"curl -s -X {method} -H 'Content-Type: application/json' {hs} --data-binary '{text}' '{base}{p}'"
        except UnicodeDecodeError:
            pass
    return f"{method} {base}{p} {hs} with body {body[:160]!r}" + (f"... ({len(body)} bytes)" if len(body) > 160 else "")


def error_shape(r):
    """None when the body is Sigil's JSON error for the status, else what is wrong."""
    ctype = r.headers.get("content-type", "")
    doc = r.json()
    if not isinstance(doc, dict):
        return f"error body is not a JSON object (Content-Type {ctype!r})"
    if not isinstance(doc.get("message"), str) or not doc["message"].strip():
        return "error body has no message"
    if doc.get("code") != r.status:
        return f"error body code {doc.get('code')!r} != status {r.status}"
    if not ctype.startswith("application/json"):
        return f"Content-Type {ctype!r} is not application/json"
    return None


def expect_error(name, base, method, path, body=None, headers=None, allowed=None, resp=None, close_ok=False,
                 must_not_contain=(), timeout=TIMEOUT, how=None, **kw):
    """Sends a request that must be refused with a 4xx and a JSON error."""
    r = resp if resp is not None else req(base, method, path, body, headers, timeout=timeout, **kw)
    allowed = allowed or ERROR_STATUSES
    why = None
    if r.status is None:
        if close_ok and "timeout" not in (r.problem or ""):
            report(True, name, f"connection closed: {r.problem}")
            return r
        why = r.problem
    elif r.status not in allowed:
        why = f"status {r.status}, expected one of {sorted(allowed)}"
    elif method != "HEAD":
        why = error_shape(r)
    for secret in must_not_contain:
        if secret and r.body and secret.encode() in r.body:
            why = (why + "; " if why else "") + "the error quotes a secret that was sent"
    if why:
        report(False, name, f"{why}\n    got: {r.brief()}\n    repro: {how or repro(base, method, path, body, headers)}")
    else:
        report(True, name, str(r.status))
    return r


def expect_status(name, base, method, path, body=None, headers=None, statuses=(200,), **kw):
    r = req(base, method, path, body, headers, **kw)
    ok = r.status in statuses
    report(ok, name, str(r.status) if ok else f"got {r.brief()}\n    repro: {repro(base, method, path, body, headers)}")
    return r


def not_5xx(name, base, method, path, body=None, headers=None, resp=None, **kw):
    """For inputs where acceptance is allowed: anything but a 5xx, a hang or a drop; a 4xx must be JSON."""
    r = resp if resp is not None else req(base, method, path, body, headers, **kw)
    why = None
    if r.status is None:
        why = r.problem
    elif r.status >= 500:
        why = f"status {r.status}"
    elif r.status >= 400 and method != "HEAD":
        why = error_shape(r)
    report(why is None, name, (str(r.status) if why is None else f"{why}\n    got: {r.brief()}\n    repro: {repro(base, method, path, body, headers)}"))
    return r


# ---------------------------------------------------------------------------------------------------
# Generic hostile JSON bodies


def generic_bodies(limit):
    """(name, bytes) pairs every JSON POST route must refuse; `limit` is the route's body limit."""
    deep = 100_000
    bodies = [
        ("empty body", b""),
        ("non-JSON text", b"hello, world"),
        ("truncated JSON", b'{"a": '),
        ("JSON array at top level", b"[]"),
        ("JSON string at top level", b'"x"'),
        ("JSON number at top level", b"1"),
        ("JSON null at top level", b"null"),
        ("JSON true at top level", b"true"),
        ("empty JSON object", b"{}"),
        ("trailing garbage after JSON", b"{}garbage"),
        ("two JSON documents", b"{}{}"),
        ("UTF-8 BOM before JSON", b"\xef\xbb\xbf{}"),
        ("NUL byte in body", b"{\x00}"),
        ("invalid UTF-8 in a key", b'{"\xff\xfe": 1}'),
        ("invalid UTF-8 in a string", b'{"a": "\xc3\x28"}'),
        ("overlong UTF-8 encoding", b'{"a": "\xc0\xaf"}'),
        ("lone surrogate escape", b'{"a": "\\ud800"}'),
        ("bad escape", b'{"a": "\\x41"}'),
        ("control character in string", b'{"a": "\x01"}'),
        ("number 1e999999", b'{"a": 1e999999}'),
        ("number with 400 digits", b'{"a": ' + b"9" * 400 + b"}"),
        ("NaN literal", b'{"a": NaN}'),
        ("single-quoted JSON", b"{'a': 1}"),
        ("duplicate member names", b'{"a": 1, "a": 2}'),
        ("unterminated string", b'{"a": "abc'),
        ("100,000 nested arrays", b"[" * deep),
        ("100,000 nested arrays, closed", b"[" * deep + b"]" * deep),
        ("50,000 nested objects", b'{"a":' * 50_000),
        ("many members (50,000)", b"{" + b",".join(b'"k%d":0' % i for i in range(50_000)) + b"}"),
    ]
    # A body that fits the limit and still nests deeper than any parser should recurse.
    fit = max(16, min(limit // 2 - 8, deep))
    bodies.append((f"{fit} nested arrays (within the size limit)", b"[" * fit + b"]" * fit))
    return bodies


MUTANTS = [("null", None), ("number", 1), ("numeric string", "1"), ("array", []), ("object", {}), ("boolean", True),
           ("empty string", "")]


def field_mutations(doc):
    """(name, mutated document): each field of the wrong type, missing, and unknown members beside it."""
    out = []
    for path in paths_of(doc, into_arrays=False):
        where = ".".join(path)
        original = doc
        for k in path:
            original = original[k]
        for label, value in MUTANTS:
            if type(value) is type(original) and not (isinstance(value, str) and value == ""):
                continue
            if isinstance(original, dict) and isinstance(value, dict):
                continue
            out.append((f"{where} as {label}", set_path(doc, path, value)))
        out.append((f"{where} missing", set_path(doc, path, None, delete=True)))
    out.append(("unknown top-level member", dict(doc, unknownField=1)))
    for path in paths_of(doc, into_arrays=False):
        node = doc
        for k in path:
            node = node[k]
        if isinstance(node, dict):
            out.append((f"unknown member in {'.'.join(path)}", set_path(doc, path + ("unknownField",), "x")))
    return out


# ---------------------------------------------------------------------------------------------------
# Builders


def b64(data):
    return base64.b64encode(data).decode()


def spki_der(key):
    return key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def spki_pem(key):
    return key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def hashedrekord(digest, signature, pem):
    return {"apiVersion": "0.0.1", "kind": "hashedrekord", "spec": {
        "data": {"hash": {"algorithm": "sha256", "value": digest.hex()}},
        "signature": {"content": b64(signature), "publicKey": {"content": b64(pem)}}}}


def v2_request(key, artifact):
    digest = hashlib.sha256(artifact).digest()
    signature = key.sign(artifact, ec.ECDSA(hashes.SHA256()))
    return {"hashedRekordRequestV002": {"digest": b64(digest), "signature": {
        "content": b64(signature), "verifier": {"publicKey": {"rawBytes": b64(spki_der(key))}, "keyDetails": "PKIX_ECDSA_P256_SHA_256"}}}}


OIDS = {"sha256": "2.16.840.1.101.3.4.2.1", "sha384": "2.16.840.1.101.3.4.2.2", "sha512": "2.16.840.1.101.3.4.2.3",
        "sha1": "1.3.14.3.2.26", "md5": "1.2.840.113549.2.5", "sha3-256": "2.16.840.1.101.3.4.2.8", "unknown": "1.2.3.4.5"}


def tsq(alg="sha256", digest=None, version=1, nonce=None, cert_req=True, policy=None, extensions=None, params=True,
        raw_alg=None):
    digest = digest if digest is not None else hashlib.new(alg if alg in ("sha256", "sha384", "sha512", "sha1", "md5") else "sha256",
                                                            os.urandom(16)).digest()
    algid = raw_alg if raw_alg is not None else der(0x30, der_oid(OIDS[alg]) + (b"\x05\x00" if params else b""))
    body = der_int(version) + der(0x30, algid + der(0x04, digest))
    if policy:
        body += der_oid(policy)
    if nonce is not None:
        body += der_int(nonce)
    if cert_req:
        body += b"\x01\x01\xff"
    if extensions is not None:
        body += der(0xA0, extensions)
    return der(0x30, body)


def jwt_parts(token):
    h, p, s = token.split(".")
    pad = lambda x: x + "=" * (-len(x) % 4)  # noqa: E731
    return json.loads(base64.urlsafe_b64decode(pad(h))), json.loads(base64.urlsafe_b64decode(pad(p))), s


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt(header, payload, signature=b""):
    return b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(payload).encode()) + "." + b64url(signature)


# ---------------------------------------------------------------------------------------------------
# The sweep


class Sweep:
    def __init__(self, args):
        self.oidc, self.ca, self.log, self.tsa = args.oidc.rstrip("/"), args.ca.rstrip("/"), args.log.rstrip("/"), args.tsa.rstrip("/")
        self.args = args
        self.v1_added = {}        # logIndex -> (uuid, canonical body bytes)
        self.v1_proposals = []    # proposals that were accepted (as sent)
        self.v2_added = {}        # logIndex -> canonicalized body bytes
        self.ct_expected = 0      # certificates issued (one precertificate logged each)
        self.work = tempfile.mkdtemp(prefix="sigil-hostile-")

    # --- helpers -----------------------------------------------------------------------------------

    def token(self, email="hostile@example.com", **form):
        fields = {"subject": email, "email": email, **form}
        body = "&".join(f"{k}={quote(str(v), safe='')}" for k, v in fields.items())
        r = req(self.oidc, "POST", "/token", body, {"Content-Type": "application/x-www-form-urlencoded"})
        if r.status != 200:
            raise RuntimeError(f"the OIDC issuer refused a token: {r.brief()}")
        t = r.json()["id_token"]
        secrets_sent.add(t)
        return t

    def record_v1(self, r):
        if r.status == 201:
            (uuid, entry), = r.json().items()
            self.v1_added[entry["logIndex"]] = (uuid, base64.b64decode(entry["body"]))

    def record_v2(self, r):
        if r.status == 201:
            doc = r.json()
            self.v2_added[int(doc["logIndex"])] = base64.b64decode(doc["canonicalizedBody"])

    def record_ca(self, r):
        if r.status == 200:
            self.ct_expected += 1

    def add_v1(self, proposal):
        body = json.dumps(proposal).encode() if not isinstance(proposal, bytes) else proposal
        r = req(self.log, "POST", "/api/v1/log/entries", body)
        if r.status == 201:
            doc = r.json()
            (uuid, entry), = doc.items()
            self.v1_added[entry["logIndex"]] = (uuid, base64.b64decode(entry["body"]))
            self.v1_proposals.append(proposal)
        return r

    def add_v2(self, request):
        r = req(self.log, "POST", "/rekor-v2/api/v2/log/entries", request)
        if r.status == 201:
            doc = r.json()
            self.v2_added[int(doc["logIndex"])] = base64.b64decode(doc["canonicalizedBody"])
        return r

    def alive(self, label):
        for name, base in (("oidc", self.oidc), ("ca", self.ca), ("log", self.log), ("tsa", self.tsa)):
            r = req(base, "GET", "/healthz", timeout=5)
            if r.status != 200:
                report(False, f"{name} server still answers /healthz after {label}", r.brief())
                print(f"{len(failures)} failed so far; the server is down, stopping", flush=True)
                finish()

    def json_route(self, label, base, path, limit, baseline=None, expect_generic=None, headers=None, accept=lambda name: False,
                   on_success=None):
        """Generic bodies, per-field mutations of `baseline`, wrong Content-Type, size and Content-Length tricks.
        `accept(name)` names the cases a 2xx is right for (optional members); `on_success(response)` records what a 2xx added."""
        headers = dict(headers or {})
        cases = [(name, body, True) for name, body in generic_bodies(limit)]
        if baseline is not None:
            cases += [(name, json.dumps(doc).encode(), False) for name, doc in field_mutations(baseline)]
        for name, body, generic in cases:
            r = req(base, "POST", path, body, headers)
            if r.status is not None and 200 <= r.status < 300:
                if on_success:
                    on_success(r)
                if accept(name):
                    report(True, f"{label}: {name}", f"{r.status}, accepted (optional member)")
                    continue
            expect_error(f"{label}: {name}", base, "POST", path, body, headers, allowed=expect_generic or ERROR_STATUSES,
                         close_ok=len(body) > limit, resp=r)
        self.size_tricks(label, base, path, limit, headers)

    def size_tricks(self, label, base, path, limit, headers=None):
        headers = dict(headers or {})
        big = b'{"a":"' + b"A" * (20 * 1024 * 1024) + b'"}'
        r = req(base, "POST", path, big, headers, timeout=TIMEOUT)
        if r.status is None and "timeout" not in (r.problem or ""):
            report(True, f"{label}: 20 MB body", f"connection closed without a response ({r.problem}); 413 would be clearer")
        else:
            expect_error(f"{label}: 20 MB body", base, "POST", path, b"<20 MB JSON>", headers, allowed={413}, resp=r)
        u = urlsplit(base)

        def half_close_repro(length):
            return (f"python3 -c 'import socket; s=socket.create_connection((\"{u.hostname}\", {u.port})); "
                    f"s.sendall(b\"POST {path} HTTP/1.1\\r\\nHost: x\\r\\nContent-Type: application/json\\r\\n"
                    f"Content-Length: {length}\\r\\n\\r\\n{{\\\"a\\\":1}}\"); s.shutdown(socket.SHUT_WR); print(s.recv(4096))'")
        # Declares 20 MB and sends a little: refused early (413) from the declaration, or waits; then we close.
        r = raw(base, build(base, "POST", path, b'{"a":1}', headers, content_length=20 * 1024 * 1024), "POST",
                half_close=True)
        if r.status is None and "timeout" not in (r.problem or ""):
            report(True, f"{label}: Content-Length 20 MB, 7 bytes sent, then EOF", f"connection closed ({r.problem})")
        else:
            expect_error(f"{label}: Content-Length 20 MB, 7 bytes sent, then EOF", base, "POST", path, b'{"a":1}',
                         {**headers, "Content-Length": "20971520"}, allowed={400, 408, 413}, resp=r, how=half_close_repro(20971520))
        # Declares more than it sends, then half-closes: the server must not hang or crash.
        r = raw(base, build(base, "POST", path, b'{"a":1}', headers, content_length=1000), "POST", half_close=True)
        if r.status is None and "timeout" not in (r.problem or ""):
            report(True, f"{label}: Content-Length 1000, 7 bytes sent, then EOF", f"connection closed ({r.problem})")
        else:
            expect_error(f"{label}: Content-Length 1000, 7 bytes sent, then EOF", base, "POST", path, b'{"a":1}',
                         {**headers, "Content-Length": "1000"}, allowed={400, 408}, resp=r, how=half_close_repro(1000))
        # Declares less than it sends: the body is cut at the declared length, the rest is a bad next request.
        r = raw(base, build(base, "POST", path, b'{"a":1}XXXXXXXXXXXXXXXXXXXX', headers, content_length=3), "POST")
        expect_error(f"{label}: Content-Length 3 for a 27-byte body", base, "POST", path, b'{"a', headers, resp=r)
        for value in ("-1", "abc", "1, 2", "99999999999999999999999"):
            r = raw(base, build(base, "POST", path, None, {**headers, "Content-Length": value}) + b'{"a":1}', "POST")
            if r.status is None and "timeout" not in (r.problem or ""):
                report(True, f"{label}: Content-Length {value!r}", f"connection closed ({r.problem})")
            else:
                expect_error(f"{label}: Content-Length {value!r}", base, "POST", path, b'{"a":1}',
                             {**headers, "Content-Length": value}, resp=r)
        # Both Content-Length and chunked (request smuggling shape): refused or the chunked body wins; no 5xx.
        smuggle = build(base, "POST", path, None, {**headers, "Content-Length": "4", "Transfer-Encoding": "chunked"}) + \
            b"7\r\n{\"a\":1}\r\n0\r\n\r\n"
        r = raw(base, smuggle, "POST")
        if r.status is None and "timeout" not in (r.problem or ""):
            report(True, f"{label}: Content-Length and chunked together", f"connection closed ({r.problem})")
        else:
            expect_error(f"{label}: Content-Length and chunked together", base, "POST", path, b'{"a":1}', headers, resp=r)
        # Chunked body over the limit.
        piece = b"A" * 65536
        chunks = b"".join(b"%x\r\n" % len(piece) + piece + b"\r\n" for _ in range(max(2, (limit // 65536) + 2)))
        r = raw(base, build(base, "POST", path, None, {**headers, "Transfer-Encoding": "chunked"}) + chunks + b"0\r\n\r\n", "POST")
        if r.status is None and "timeout" not in (r.problem or ""):
            report(True, f"{label}: chunked body over the limit", f"connection closed ({r.problem}); 413 would be clearer")
        else:
            expect_error(f"{label}: chunked body over the limit", base, "POST", path, b"<chunked>", headers, allowed={413}, resp=r)

    def methods(self, label, base, path, allowed_methods):
        for m in ("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "FOO"):
            if m in allowed_methods:
                continue
            body = b"{}" if m in ("POST", "PUT", "PATCH") else None
            expect_error(f"{label}: method {m}", base, m, path, body, allowed={400, 404, 405, 501} if m == "FOO" else {404, 405})
        if "GET" in allowed_methods:
            not_5xx(f"{label}: method HEAD", base, "HEAD", path)

    # --- baselines ---------------------------------------------------------------------------------

    def baselines(self):
        print("# baselines", flush=True)
        self.tok = self.token()
        entries_file = os.path.join(self.work, "entries.jsonl")
        round2.make_log_entries(entries_file, 8, signers=2, certificate_share=0.5)
        self.proposals = [json.loads(line) for line in open(entries_file)]
        for i in range(4):
            r = self.add_v1(self.proposals[i])
            report(r.status == 201, f"log v1: valid hashedrekord {i} is accepted (201)", r.brief() if r.status != 201 else "")
        self.v2_key = ec.generate_private_key(ec.SECP256R1())
        for i in range(3):
            r = self.add_v2(v2_request(self.v2_key, f"v2 artifact {i} {os.urandom(8).hex()}".encode()))
            report(r.status == 201, f"log v2: valid hashedrekord 0.0.2 {i} is accepted (201)", r.brief() if r.status != 201 else "")
        ca_file = os.path.join(self.work, "ca.jsonl")
        round2.make_certificate_requests(ca_file, 1, self.tok, email="hostile@example.com")
        self.ca_request = json.loads(open(ca_file).read().splitlines()[0])
        r = req(self.ca, "POST", "/api/v2/signingCert", self.ca_request)
        if r.status == 200:
            self.ct_expected += 1
            chain = r.json()["signedCertificateEmbeddedSct"]["chain"]["certificates"]
            self.issued_chain = chain
        report(r.status == 200, "ca: valid public-key request is issued (200)", r.brief() if r.status != 200 else "")
        r = req(self.tsa, "POST", "/api/v1/timestamp", tsq(), {"Content-Type": "application/timestamp-query"})
        report(r.status == 200 and r.headers.get("content-type") == "application/timestamp-reply",
               "tsa: valid DER request is granted (200)", r.brief() if r.status != 200 else "")
        r = req(self.tsa, "POST", "/api/v1/timestamp", {"artifactHash": b64(hashlib.sha256(b"x").digest()), "hashAlgorithm": "sha256"})
        report(r.status == 200, "tsa: valid JSON request is granted (200)", r.brief() if r.status != 200 else "")

    # --- the transparency log (Rekor v1) ----------------------------------------------------------

    def log_v1_entries(self):
        print("# log v1: POST /api/v1/log/entries", flush=True)
        path = "/api/v1/log/entries"
        base = self.proposals[4]
        self.json_route("POST /api/v1/log/entries", self.log, path, 1 << 20, baseline=base, on_success=self.record_v1)
        # Duplicates: 409 with the existing entry's location.
        r = req(self.log, "POST", path, self.proposals[0])
        ok = r.status == 409 and r.headers.get("location", "").startswith("/api/v1/log/entries/") and error_shape(r) is None
        report(ok, "POST /api/v1/log/entries: duplicate answers 409 with Location", "" if ok else f"got {r.brief()}")
        spaced = json.dumps(self.proposals[0], indent=3).encode()
        r = req(self.log, "POST", path, spaced)
        report(r.status == 409, "POST /api/v1/log/entries: duplicate with other whitespace answers 409", "" if r.status == 409 else r.brief())
        reordered = {"spec": self.proposals[0]["spec"], "kind": "hashedrekord", "apiVersion": "0.0.1"}
        r = req(self.log, "POST", path, reordered)
        report(r.status == 409, "POST /api/v1/log/entries: duplicate with members reordered answers 409", "" if r.status == 409 else r.brief())
        # Spelling variants of a logged entry must not become a second entry (409 or 400, not 201).
        p0 = self.proposals[0]
        sig = p0["spec"]["signature"]["content"]
        variants = {
            "hash value in upper-case hex": set_path(p0, ("spec", "data", "hash", "value"), p0["spec"]["data"]["hash"]["value"].upper()),
            "signature base64 with a newline inside": set_path(p0, ("spec", "signature", "content"), sig[:20] + "\n" + sig[20:]),
            "signature base64 without padding": set_path(p0, ("spec", "signature", "content"), sig.rstrip("=")),
            "signature base64 url-safe alphabet": set_path(p0, ("spec", "signature", "content"), sig.replace("+", "-").replace("/", "_")),
            "public key PEM re-wrapped at 76 columns": set_path(p0, ("spec", "signature", "publicKey", "content"), b64(self.rewrap_pem(
                base64.b64decode(p0["spec"]["signature"]["publicKey"]["content"])))),
        }
        # A signature whose last base64 character carries non-zero padding bits (non-canonical).
        if sig.endswith("="):
            stripped = sig.rstrip("=")
            alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
            last = alphabet.index(stripped[-1])
            variants["signature base64 with non-zero padding bits"] = set_path(
                p0, ("spec", "signature", "content"), stripped[:-1] + alphabet[last | 1] + "=" * (len(sig) - len(stripped)))
        for name, doc in variants.items():
            before = len(self.v1_added)
            r = self.add_v1(doc)
            if r.status == 201:
                report(False, f"POST /api/v1/log/entries: a logged entry re-sent with {name} is not a new entry",
                       f"got 201: the same signature was logged twice (logIndex {max(self.v1_added)})\n    repro: POST a logged "
                       f"hashedrekord again with {name}")
            else:
                expect_error(f"POST /api/v1/log/entries: a logged entry re-sent with {name} is not a new entry", self.log, "POST",
                             path, doc, allowed={400, 409, 422}, resp=r)
            assert len(self.v1_added) >= before
        # Hostile but well-formed entries.
        p = self.proposals[5]
        q = self.proposals[6]
        key_pem = ec.generate_private_key(ec.SECP256R1())
        priv_pem = key_pem.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        secret_fragment = priv_pem.decode().splitlines()[2]
        secrets_sent.add(secret_fragment)
        hostile = {
            "signature that does not verify (another entry's)": set_path(p, ("spec", "signature", "content"), q["spec"]["signature"]["content"]),
            "signature of zero bytes": set_path(p, ("spec", "signature", "content"), ""),
            "signature of 64 KB": set_path(p, ("spec", "signature", "content"), b64(os.urandom(65536))),
            "signature invalid base64": set_path(p, ("spec", "signature", "content"), "!!!notbase64!!!"),
            "signature base64 of 5 bytes with bad length": set_path(p, ("spec", "signature", "content"), "QUJDREV"),
            "signature base64 with spaces": set_path(p, ("spec", "signature", "content"), " " + p["spec"]["signature"]["content"] + " "),
            "public key garbage base64": set_path(p, ("spec", "signature", "publicKey", "content"), "%%%%"),
            "public key base64 of garbage": set_path(p, ("spec", "signature", "publicKey", "content"), b64(b"garbage")),
            "certificate garbage PEM": set_path(p, ("spec", "signature", "publicKey", "content"),
                                                b64(b"-----BEGIN CERTIFICATE-----\nZ2FyYmFnZQ==\n-----END CERTIFICATE-----\n")),
            "certificate PEM with no END line": set_path(p, ("spec", "signature", "publicKey", "content"),
                                                         b64(b"-----BEGIN CERTIFICATE-----\nMIIB\n")),
            "two PEM blocks": set_path(p, ("spec", "signature", "publicKey", "content"), b64(spki_pem(key_pem) * 2)),
            "a PRIVATE KEY PEM as the public key": set_path(p, ("spec", "signature", "publicKey", "content"), b64(priv_pem)),
            "RSA-1024 public key": set_path(p, ("spec", "signature", "publicKey", "content"),
                                            b64(spki_pem(rsa.generate_private_key(65537, 1024)))),
            "hash value of the wrong length (62 hex)": set_path(p, ("spec", "data", "hash", "value"), "ab" * 31),
            "hash value non-hex": set_path(p, ("spec", "data", "hash", "value"), "zz" * 32),
            "hash value of 1 MB of hex": set_path(p, ("spec", "data", "hash", "value"), "ab" * 400_000),
            "hash algorithm sha512 with a 32-byte value": set_path(p, ("spec", "data", "hash", "algorithm"), "sha512"),
            "hash algorithm md5": set_path(p, ("spec", "data", "hash", "algorithm"), "md5"),
            "hash algorithm SHA256 (upper case)": set_path(p, ("spec", "data", "hash", "algorithm"), "SHA256"),
            "hash algorithm with KELVIN SIGN look-alike": set_path(p, ("spec", "data", "hash", "algorithm"), "sha256\u212a"),
            "kind with KELVIN SIGN look-alike": set_path(p, ("kind",), "hashedre\u212aord"),
            "kind intoto (not accepted)": set_path(p, ("kind",), "intoto"),
            "apiVersion 0.0.2": set_path(p, ("apiVersion",), "0.0.2"),
            "apiVersion 9999999999999999999": set_path(p, ("apiVersion",), "9999999999999999999"),
            "dsse with garbage spec": {"apiVersion": "0.0.1", "kind": "dsse", "spec": {"proposedContent": {"envelope": "x", "verifiers": ["y"]}}},
            "data.content instead of data.hash": set_path(p, ("spec", "data"), {"content": b64(b"artifact")}),
        }
        for name, doc in hostile.items():
            r = self.add_v1(doc)
            expect_error(f"POST /api/v1/log/entries: {name}", self.log, "POST", path, doc, allowed={400, 413, 422}, resp=r,
                         must_not_contain=(secret_fragment,))
        r = req(self.log, "POST", path, json.dumps(self.proposals[7]).encode(), {"Content-Type": "text/plain"})
        if r.status == 201:
            (uuid, entry), = r.json().items()
            self.v1_added[entry["logIndex"]] = (uuid, base64.b64decode(entry["body"]))
            self.v1_proposals.append(self.proposals[7])
        not_5xx("POST /api/v1/log/entries: valid entry with Content-Type text/plain (accepted or 415)", self.log, "POST", path, resp=r)
        r = req(self.log, "POST", path, json.dumps(self.proposals[7]).encode(), {"Content-Type": "application/x-www-form-urlencoded"})
        not_5xx("POST /api/v1/log/entries: Content-Type form-urlencoded", self.log, "POST", path, resp=r)
        self.methods("/api/v1/log/entries", self.log, path, {"GET", "POST"})
        self.race("POST /api/v1/log/entries", path, tlog.Signer().entry(), self.record_v1)

    @staticmethod
    def rewrap_pem(pem):
        lines = pem.decode().strip().splitlines()
        body = "".join(lines[1:-1])
        return ("\n".join([lines[0]] + [body[i:i + 76] for i in range(0, len(body), 76)] + [lines[-1]]) + "\n").encode()

    def log_v1_reads(self):
        print("# log v1: reads and query parameters", flush=True)
        big = [("negative", "-1"), ("2^63", "9223372036854775808"), ("2^63-1", "9223372036854775807"), ("10^30", "1" + "0" * 30),
               ("non-numeric", "abc"), ("empty", ""), ("float", "1.5"), ("exponent", "1e3"), ("leading plus", "%2B1"),
               ("hex", "0x10"), ("space", "%201"), ("fullwidth digit", quote("\uff11")), ("NUL", "%00"), ("bad percent", "%"),
               ("bad percent %ff", "%ff"), ("100 KB value", "1" * 100_000)]
        routes = [
            ("/api/v1/log/entries", ["logIndex"], {}),
            ("/api/v1/log/proof", ["lastSize", "firstSize"], {"lastSize": "2", "firstSize": "1"}),
            ("/api/v1/log/inclusionProof", ["logIndex", "treeSize"], {"logIndex": "0", "treeSize": "2"}),
            ("/api/v1/log/checkpoint", ["treeSize"], {}),
            ("/ct/v1/get-sth-consistency", ["first", "second"], {"first": "0", "second": "1"}),
            ("/ct/v1/get-entries", ["start", "end"], {"start": "0", "end": "0"}),
            ("/ct/v1/get-proof-by-hash", ["tree_size"], {"hash": b64(b"\0" * 32), "tree_size": "1"}),
        ]
        for path, names, defaults in routes:
            for pname in names:
                for label, value in big:
                    params = dict(defaults)
                    params[pname] = value
                    qs = "&".join(f"{k}={v}" for k, v in params.items())
                    # "+1" is a spelling of 1 (Go's strconv.ParseInt, which Rekor uses, reads it too); get-entries
                    # may clamp `end` to the tree (RFC 6962 4.6).
                    if label == "leading plus" or (path == "/ct/v1/get-entries" and pname == "end" and label == "2^63-1"):
                        not_5xx(f"GET {path}: {pname} {label}", self.log, "GET", f"{path}?{qs}")
                        continue
                    if label == "100 KB value":
                        r = req(self.log, "GET", f"{path}?{qs}")
                        if r.status is None and "timeout" not in (r.problem or ""):
                            report(True, f"GET {path}: {pname} {label}", f"connection closed ({r.problem})")
                            continue
                        expect_error(f"GET {path}: {pname} {label}", self.log, "GET", f"{path}?{qs}", resp=r)
                        continue
                    expect_error(f"GET {path}: {pname} {label}", self.log, "GET", f"{path}?{qs}", allowed=ERROR_STATUSES)
                expect_error(f"GET {path}: {pname} missing", self.log, "GET",
                             f"{path}?" + "&".join(f"{k}={v}" for k, v in defaults.items() if k != pname)) if pname in (
                    "logIndex", "lastSize", "first", "second", "start", "end", "tree_size") or (pname == "treeSize" and "checkpoint" in path) else None
                qs = "&".join(f"{k}={v}" for k, v in defaults.items() if k != pname)
                not_5xx(f"GET {path}: {pname} repeated (1 and abc)", self.log, "GET", f"{path}?{qs}&{pname}=1&{pname}=abc")
        # Ranges a careless implementation computes with overflowing arithmetic.
        huge = "9223372036854775807"
        not_5xx(f"GET /ct/v1/get-entries?start=0&end={huge} (clamped or refused)", self.log, "GET", f"/ct/v1/get-entries?start=0&end={huge}")
        for path in [f"/ct/v1/get-entries?start={huge}&end={huge}",
                     f"/ct/v1/get-entries?start=1&end=0", f"/ct/v1/get-sth-consistency?first={huge}&second={huge}",
                     f"/ct/v1/get-sth-consistency?first=1&second={huge}", f"/ct/v1/get-proof-by-hash?hash={quote(b64(b'a' * 32))}&tree_size={huge}",
                     f"/api/v1/log/proof?firstSize={huge}&lastSize={huge}", f"/api/v1/log/proof?firstSize=1&lastSize={huge}",
                     f"/api/v1/log/proof?firstSize=3&lastSize=2", f"/api/v1/log/inclusionProof?logIndex={huge}&treeSize={huge}",
                     f"/api/v1/log/inclusionProof?logIndex=5&treeSize=2", f"/api/v1/log/entries?logIndex={huge}",
                     f"/api/v1/log/checkpoint?treeSize={huge}"]:
            expect_error(f"GET {path}", self.log, "GET", path)
        r = req(self.log, "GET", "/ct/v1/get-entries?start=0&end=100000")
        not_5xx("GET /ct/v1/get-entries?start=0&end=100000 (clamped or refused)", self.log, "GET", "/ct/v1/get-entries?start=0&end=100000", resp=r)
        for label, value in [("non-base64", "%%%"), ("31 bytes", quote(b64(b"a" * 31))), ("33 bytes", quote(b64(b"a" * 33))),
                             ("empty", ""), ("url-safe base64", b64url(b"\xfb" * 32)), ("unknown hash", quote(b64(b"z" * 32)))]:
            expect_error(f"GET /ct/v1/get-proof-by-hash: hash {label}", self.log, "GET", f"/ct/v1/get-proof-by-hash?hash={value}&tree_size=1")
        # Entries by UUID.
        for label, uuid in [("non-hex", "zz" * 32), ("63 hex", "a" * 63), ("65 hex", "a" * 65), ("80 hex (tree ID + hash), unknown", "b" * 80),
                            ("10 KB", "a" * 10_000), ("dot-dot", ".."), ("percent-encoded slash", "%2F%2E%2E"), ("NUL", "%00"),
                            ("unicode", quote("\u212a" * 10)), ("unknown 64 hex", "c" * 64)]:
            expect_error(f"GET /api/v1/log/entries/{{uuid}}: {label}", self.log, "GET", f"/api/v1/log/entries/{uuid}")
        for path in ["/api/v1/log", "/api/v1/log/publicKey", "/ct/v1/get-sth", "/ct/v1/get-roots"]:
            expect_status(f"GET {path} answers 200", self.log, "GET", path)
            self.methods(path, self.log, path, {"GET"})
        for path in ["/api/v1/log/proof", "/api/v1/log/inclusionProof", "/api/v1/log/checkpoint", "/ct/v1/get-entries"]:
            self.methods(path, self.log, path, {"GET"})

    def log_v1_retrieve(self):
        print("# log v1: bulk retrieve and search", flush=True)
        path = "/api/v1/log/entries/retrieve"
        self.json_route(f"POST {path}", self.log, path, 1 << 20, baseline={"entryUUIDs": ["a" * 64], "logIndexes": [0]},
                        accept=lambda n: n == "empty JSON object" or n.endswith(" missing"))
        for name, doc in [("logIndexes with -1", {"logIndexes": [-1]}), ("logIndexes with 2^63", {"logIndexes": [2 ** 63]}),
                          ("logIndexes with 1.5", {"logIndexes": [1.5]}), ("logIndexes with a string", {"logIndexes": ["0"]}),
                          ("entryUUIDs with a number", {"entryUUIDs": [1]}), ("1001 logIndexes", {"logIndexes": list(range(1001))}),
                          ("entries with garbage", {"entries": ["x"]}), ("entries with an object of junk", {"entries": [{"kind": 1}]})]:
            r = req(self.log, "POST", path, doc)
            if r.status == 200:
                report(True, f"POST {path}: {name}", "200 (treated as not found)")
            else:
                expect_error(f"POST {path}: {name}", self.log, "POST", path, doc, resp=r)
        not_5xx(f"POST {path}: 1000 logIndexes of 2^63-1", self.log, "POST", path, {"logIndexes": [2 ** 63 - 1] * 1000})
        not_5xx(f"POST {path}: 1000 entryUUIDs of 10 KB", self.log, "POST", path, {"entryUUIDs": ["a" * 1000] * 1000})
        self.methods(path, self.log, path, {"POST"})

        path = "/api/v1/index/retrieve"
        self.json_route(f"POST {path}", self.log, path, 1 << 20, baseline={"hash": "sha256:" + "a" * 64, "operator": "or"},
                        accept=lambda n: n == "operator missing")
        for name, doc in [("hash of the wrong length", {"hash": "sha256:" + "a" * 63}), ("hash non-hex", {"hash": "z" * 64}),
                          ("hash unknown algorithm", {"hash": "md5:" + "a" * 32}), ("hash 1 MB", {"hash": "a" * 500_000}),
                          ("operator xor", {"hash": "a" * 64, "operator": "xor"}),
                          ("publicKey as a string", {"publicKey": "x"}), ("publicKey content garbage", {"publicKey": {"content": "%%"}}),
                          ("publicKey format pgp", {"publicKey": {"format": "pgp", "content": b64(b"x")}}),
                          ("publicKey PEM of garbage", {"publicKey": {"content": b64(b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")}}),
                          ("email as a number", {"email": 1}), ("email empty", {"email": ""}), ("nothing to search", {"operator": "and"})]:
            expect_error(f"POST {path}: {name}", self.log, "POST", path, doc)
        not_5xx(f"POST {path}: email of 100 KB", self.log, "POST", path, {"email": "a" * 100_000})
        self.methods(path, self.log, path, {"POST"})

    # --- tiles, TUF, explorer, paths -------------------------------------------------------------

    def tiles(self):
        print("# tiles and paths", flush=True)
        bad_tiles = ["tile/-1/000", "tile/64/000", "tile/99999999999999999999/000", "tile/0/0", "tile/0/0000", "tile/0/1000",
                     "tile/0/x000/000", "tile/0/x1/000", "tile/0/000.p/0", "tile/0/000.p/256", "tile/0/000.p/257", "tile/0/000.p/-1",
                     "tile/0/000.p/abc", "tile/0/000.p/", "tile/0/000.p/1/extra", "tile/0/000.x/1", "tile/0/",
                     "tile/0/x999/x999/x999/x999/x999/x999/x999/999", "tile/0/x999/x999/x999/x999/x999/x999/x999/x999/x999/999",
                     "tile/5/x999/x999/x999/x999/x999/999", "tile/63/x999/x999/x999/999",
                     "tile/entries/x999/x999/x999/x999/x999/x999/999", "tile/entries/000.p/0", "tile/entries/000.p/300",
                     "tile/entries/abc", "tile/entries/", "tile/entries/001", "tile/0/001", "tile/1/000", "tile/%30/000",
                     "tile/0/%30%30%30", "tile/0/000%00", "tile/..%2F..%2Fkeys", "tile/" + "0/" * 5000 + "000",
                     "tile/0/" + "x999/" * 2000 + "999"]
        for prefix in ("", "/rekor-v2"):
            for t in bad_tiles:
                expect_error(f"GET {prefix}/{t[:70]}", self.log, "GET", f"{prefix}/{t}", allowed={400, 404, 414, 431})
            n1 = len(self.v1_added) if not prefix else len(self.v2_added)
            expect_status(f"GET {prefix}/tile/0/000.p/{n1} answers 200", self.log, "GET", f"{prefix}/tile/0/000.p/{n1}")
            expect_status(f"GET {prefix}/checkpoint answers 200", self.log, "GET", f"{prefix}/checkpoint")
            self.methods(f"{prefix}/checkpoint", self.log, f"{prefix}/checkpoint", {"GET"})
        # Path traversal and hostile paths: never a file outside what is published, never a private key.
        paths = ["/../../../../etc/passwd", "/tuf/../../keys/ca-root-key.pem", "/tuf/%2e%2e/%2e%2e/keys/ca-root-key.pem",
                 "/tuf/%2e%2e%2f%2e%2e%2fkeys%2fca-root-key.pem", "/tuf/..%2fkeys%2ftuf%2froot.pem", "/tuf/targets/../../keys/tuf/root.pem",
                 "/tuf/%252e%252e/keys", "/tuf/1.root.json%00.pem", "/tuf/root.json/..", "/tuf/", "/tuf/%00", "/tuf/" + "a" * 100_000,
                 "/explorer/..%2f..%2fkeys%2fca-root-key.pem", "/explorer/%2e%2e", "/explorer/%00", "/explorer/index.html%00",
                 "/explorer/../../keys/log-signing-key.pem", "/explorer/" + "a" * 100_000, "/%ff%fe", "/\xff", "/a b",
                 "//api/v1/log", "/api/v1/log/", "/api/v1//log", "/api/v1/log;x=1", "/API/V1/LOG", "/api/v1/log%2F",
                 "/" + "a/" * 20_000, "*", "http://evil.example/api/v1/log", "/api/v1/log/entries/" + "a" * 100_000]
        for p in paths:
            r = raw(self.log, build(self.log, "GET", p.encode("latin-1")), "GET")
            leaked = b"PRIVATE KEY" in r.body or b"root:x:0" in r.body
            label = f"GET {p[:70]!r}" + (f" ({len(p)} chars)" if len(p) > 70 else "")
            if leaked:
                report(False, f"{label} leaks a file", f"got {r.brief()}")
            elif r.status == 200:
                report(True, label, "200 (a published resource)")
            elif r.status is None and len(p) > 50_000 and "timeout" not in (r.problem or ""):
                report(True, label, f"connection closed ({r.problem}); 414 would be clearer")
            else:
                expect_error(label, self.log, "GET", p, resp=r, allowed={400, 404, 405, 414, 431})
        # TUF published files answer; the rest 404.
        expect_status("GET /tuf/1.root.json answers 200", self.log, "GET", "/tuf/1.root.json")
        expect_status("GET /tuf/timestamp.json answers 200", self.log, "GET", "/tuf/timestamp.json")
        expect_error("GET /tuf/2.root.json (not published)", self.log, "GET", "/tuf/2.root.json", allowed={404})
        self.methods("/tuf/root.json", self.log, "/tuf/root.json", {"GET"})
        # Request-level oddities, on each server.
        for name, base in (("log", self.log), ("ca", self.ca), ("oidc", self.oidc), ("tsa", self.tsa)):
            u = urlsplit(base)
            for label, data in [
                ("no Host header", b"GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n"),
                ("HTTP/1.0 request", b"GET /healthz HTTP/1.0\r\n\r\n"),
                ("HTTP/9.9 request", b"GET /healthz HTTP/9.9\r\nHost: x\r\nConnection: close\r\n\r\n"),
                ("garbage request line", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + os.urandom(64) + b"\r\n\r\n"),
                ("100 KB header", b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 100_000 + b"\r\nConnection: close\r\n\r\n"),
                ("2,000 headers", b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-H%d: v\r\n" % i for i in range(2000)) + b"Connection: close\r\n\r\n"),
                ("header without a colon", b"GET /healthz HTTP/1.1\r\nHost: x\r\nNoColonHere\r\nConnection: close\r\n\r\n"),
                ("bare LF line endings", b"GET /healthz HTTP/1.1\nHost: x\nConnection: close\n\n"),
                ("NUL in header value", b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\nConnection: close\r\n\r\n"),
                ("OPTIONS *", b"OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
                ("CONNECT", b"CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\nConnection: close\r\n\r\n"),
                ("lower-case method", b"get /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
                ("100 KB method", b"G" * 100_000 + b" / HTTP/1.1\r\nHost: x\r\n\r\n"),
                ("100 KB query string", b"GET /healthz?" + b"a=1&" * 25_000 + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
            ]:
                r = raw(base, data, "GET")
                if r.status is None and "timeout" not in (r.problem or ""):
                    report(True, f"{name}: {label}", f"connection closed ({r.problem})")
                elif r.status is not None and (r.status < 500 or r.status in (505, 501)):
                    body_ok = r.status < 400 or r.status in (505, 501) or error_shape(r) is None or not r.body
                    report(True, f"{name}: {label}", f"{r.status}" + ("" if body_ok else f"; body not JSON: {r.body[:80]!r}"))
                else:
                    report(False, f"{name}: {label}", f"got {r.brief()}\n    repro: printf {data[:120]!r} | nc {u.hostname} {u.port}")

    def pipelined(self):
        """A refused request must leave its connection usable: the next pipelined request gets its own answer."""
        print("# pipelining after a refusal", flush=True)
        for label, base, path, body in (("log", self.log, "/api/v1/log/entries", b"{bad json"), ("ca", self.ca, "/api/v2/signingCert", b"[]"),
                                        ("tsa", self.tsa, "/api/v1/timestamp", b"\x30\x03\x02\x01\x07"), ("oidc", self.oidc, "/token", b"")):
            u = urlsplit(base)
            first = build(base, "POST", path, body, {"Content-Type": "application/timestamp-query"} if label == "tsa" else None)
            first = first.replace(b"Connection: close\r\n", b"")
            second = f"GET /healthz HTTP/1.1\r\nHost: {u.netloc}\r\nConnection: close\r\n\r\n".encode()
            data = b""
            try:
                with socket.create_connection((u.hostname, u.port), timeout=TIMEOUT) as s:
                    s.sendall(first + second)
                    while True:
                        piece = s.recv(65536)
                        if not piece:
                            break
                        data += piece
            except OSError as e:
                data += f"<{e}>".encode()
            statuses = re.findall(rb"HTTP/1\.1 (\d{3})", data)
            ok = len(statuses) == 2 and statuses[0].startswith(b"4") and statuses[1] == b"200" and data.endswith(b"ok")
            report(ok, f"{label}: a pipelined request after a refused one is answered", "" if ok else f"statuses {statuses}, {data[-200:]!r}")

    def explorer(self):
        print("# explorer API", flush=True)
        g = "/api/v1/explorer"
        for p in ["/", "/explorer", "/explorer/index.html", f"{g}/logs", f"{g}/recent", f"{g}/activity", f"{g}/checkpoints",
                  f"{g}/entry?index=0", f"{g}/entry?log=v2&index=0"]:
            expect_status(f"GET {p} answers 200", self.log, "GET", p)
        for route, pname in [("recent", "limit"), ("activity", "hours"), ("checkpoints", "limit")]:
            for value in ["0", "-1", "101", "721", "9223372036854775808", "1" + "0" * 30, "abc", "", "%00", "1.0"]:
                if route == "activity" and value == "101":
                    continue
                expect_error(f"GET {g}/{route}: {pname}={value[:30]}", self.log, "GET", f"{g}/{route}?{pname}={value}")
            for value in ["v3", "", "V1", "v1%00", quote("v\u2081"), "a" * 10_000]:
                expect_error(f"GET {g}/{route}: log={value[:30]}", self.log, "GET", f"{g}/{route}?log={value}")
        for qs in ["", "index=0&uuid=" + "a" * 64, "index=-1", "index=9223372036854775808", "index=abc", "uuid=zz", "uuid=" + "a" * 63,
                   "uuid=" + "a" * 10_000, "index=0&log=v9", "index=9223372036854775807", "index=9223372036854775807&log=v2",
                   "uuid=" + "c" * 64]:
            expect_error(f"GET {g}/entry?{qs[:60]}", self.log, "GET", f"{g}/entry?{qs}", allowed={400, 404})
        path = f"{g}/search"
        self.json_route(f"POST {path}", self.log, path, 1 << 20, baseline={"hash": "sha256:" + "a" * 64, "log": "v1", "from": 0, "limit": 5},
                        accept=lambda n: n in ("log missing", "from missing", "limit missing"))
        for name, doc in [("two keys", {"hash": "a" * 64, "email": "x@y"}), ("from -1", {"email": "x@y", "from": -1}),
                          ("from 2^63-1", {"email": "x@y", "from": 2 ** 63 - 1}), ("from 2^63", {"email": "x@y", "from": 2 ** 63}),
                          ("from 2^63-1 in v2", {"email": "x@y", "from": 2 ** 63 - 1, "log": "v2"}),
                          ("from 1.5", {"email": "x@y", "from": 1.5}), ("limit 0", {"email": "x@y", "limit": 0}),
                          ("limit 101", {"email": "x@y", "limit": 101}), ("log v3", {"email": "x@y", "log": "v3"}),
                          ("log as a number", {"email": "x@y", "log": 1}), ("publicKey garbage", {"publicKey": {"content": "@@"}}),
                          ("email empty", {"email": ""}), ("hash 1 MB", {"hash": "a" * 500_000})]:
            r = req(self.log, "POST", path, doc)
            if r.status == 200 and name.startswith("from 2^63-1"):
                report(True, f"POST {path}: {name}", "200 (an empty page)")
                continue
            expect_error(f"POST {path}: {name}", self.log, "POST", path, doc, resp=r)
        self.methods(path, self.log, path, {"POST"})
        self.methods(f"{g}/recent", self.log, f"{g}/recent", {"GET"})
        for f in ["nope.js", "..", "%2e%2e%2fkeys", "a" * 5000]:
            expect_error(f"GET /explorer/{f[:30]}", self.log, "GET", f"/explorer/{f}", allowed={400, 404, 414})

    # --- Rekor v2 -------------------------------------------------------------------------------

    def log_v2(self):
        print("# log v2: POST /rekor-v2/api/v2/log/entries", flush=True)
        path = "/rekor-v2/api/v2/log/entries"
        base = v2_request(self.v2_key, b"v2 hostile baseline " + os.urandom(8))
        self.json_route(f"POST {path}", self.log, path, 1 << 20, baseline=base, on_success=self.record_v2)
        first = v2_request(self.v2_key, b"v2 duplicate " + os.urandom(8))
        r = self.add_v2(first)
        report(r.status == 201, f"POST {path}: another valid entry (201)", r.brief() if r.status != 201 else "")
        r = req(self.log, "POST", path, first)
        ok = r.status == 409 and "x-log-index" in r.headers and error_shape(r) is None
        report(ok, f"POST {path}: duplicate answers 409 with x-log-index and a JSON error", "" if ok else f"got {r.brief()}")
        other = v2_request(self.v2_key, b"another artifact")
        inner = base["hashedRekordRequestV002"]
        digest = inner["digest"]
        hostile = {
            "signature that does not verify": set_path(base, ("hashedRekordRequestV002", "signature", "content"),
                                                       other["hashedRekordRequestV002"]["signature"]["content"]),
            "digest of 20 bytes": set_path(base, ("hashedRekordRequestV002", "digest"), b64(b"\0" * 20)),
            "digest of 1 MB": set_path(base, ("hashedRekordRequestV002", "digest"), b64(b"\0" * 700_000)),
            "digest invalid base64": set_path(base, ("hashedRekordRequestV002", "digest"), "***"),
            "digest base64 with whitespace": set_path(base, ("hashedRekordRequestV002", "digest"), digest[:10] + " \n" + digest[10:]),
            "keyDetails unknown": set_path(base, ("hashedRekordRequestV002", "signature", "verifier", "keyDetails"), "PKIX_FOO"),
            "keyDetails ED25519 for a P-256 key": set_path(base, ("hashedRekordRequestV002", "signature", "verifier", "keyDetails"), "PKIX_ED25519"),
            "keyDetails with KELVIN SIGN": set_path(base, ("hashedRekordRequestV002", "signature", "verifier", "keyDetails"), "PKIX_ECDSA_P256_SHA_256\u212a"),
            "publicKey rawBytes garbage": set_path(base, ("hashedRekordRequestV002", "signature", "verifier", "publicKey", "rawBytes"), b64(b"garbage")),
            "x509Certificate garbage": set_path(base, ("hashedRekordRequestV002", "signature", "verifier"),
                                                {"x509Certificate": {"rawBytes": "MIIBAAAA"}, "keyDetails": "PKIX_ECDSA_P256_SHA_256"}),
            "both publicKey and x509Certificate": set_path(base, ("hashedRekordRequestV002", "signature", "verifier", "x509Certificate"),
                                                           {"rawBytes": "MIIBAAAA"}),
            "both hashedRekordRequestV002 and dsseRequestV002": dict(base, dsseRequestV002={}),
            "dsseRequestV002 garbage": {"dsseRequestV002": {"envelope": "x", "verifiers": "y"}},
            "dsseRequestV002 empty signatures": {"dsseRequestV002": {"envelope": {"payload": b64(b"{}"), "payloadType": "application/json",
                                                                                  "signatures": []}, "verifiers": []}},
        }
        for name, doc in hostile.items():
            r = self.add_v2(doc)
            expect_error(f"POST {path}: {name}", self.log, "POST", path, doc, allowed={400, 413, 422}, resp=r)
        self.methods(path, self.log, path, {"POST"})
        self.race(f"POST {path}", path, json.dumps(v2_request(self.v2_key, b"v2 race " + os.urandom(8))).encode(), self.record_v2)

    def race(self, label, path, body, record):
        """The same new entry 24 times at once: exactly one 201, the rest 409."""
        results = []

        def post():
            results.append(req(self.log, "POST", path, body))
        threads = [threading.Thread(target=post) for _ in range(24)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        statuses = sorted(r.status or 0 for r in results)
        for r in results:
            record(r)
        ok = statuses.count(201) == 1 and statuses.count(409) == 23
        report(ok, f"{label}: the same new entry posted 24 times at once gives one 201 and 23 409s",
               "" if ok else f"statuses {statuses}")

    # --- CT log ---------------------------------------------------------------------------------

    def ct(self):
        print("# CT log: POST /ct/v1/add-pre-chain", flush=True)
        path = "/ct/v1/add-pre-chain"
        base = {"chain": [b64(b"\x30\x03\x02\x01\x01")]}
        self.json_route(f"POST {path}", self.log, path, 1 << 20, baseline=base)
        leaf_der = x509.load_pem_x509_certificate(self.issued_chain[0].encode()).public_bytes(serialization.Encoding.DER) \
            if getattr(self, "issued_chain", None) else b"\x30\x00"
        inter_der = x509.load_pem_x509_certificate(self.issued_chain[1].encode()).public_bytes(serialization.Encoding.DER) \
            if getattr(self, "issued_chain", None) else b"\x30\x00"
        for name, doc in [("empty chain", {"chain": []}), ("chain of garbage DER", {"chain": [b64(os.urandom(200))]}),
                          ("chain element not base64", {"chain": ["@@@"]}), ("chain of 1000 garbage elements", {"chain": [b64(b"\x30\x00")] * 1000}),
                          ("a final certificate (not a precertificate)", {"chain": [b64(leaf_der), b64(inter_der)]}),
                          ("the intermediate alone", {"chain": [b64(inter_der)]}),
                          ("certificate with a byte flipped", {"chain": [b64(leaf_der[:100] + bytes([leaf_der[100] ^ 1]) + leaf_der[101:]), b64(inter_der)]}),
                          ("chain of 200 KB DER", {"chain": [b64(b"\x30\x83\x03\x0d\x40" + b"\0" * 200_000)]})]:
            expect_error(f"POST {path}: {name}", self.log, "POST", path, doc, allowed={400, 413, 422})
        expect_error("POST /ct/v1/add-chain", self.log, "POST", "/ct/v1/add-chain", {"chain": []}, allowed={400, 404, 405})
        self.methods(path, self.log, path, {"POST"})

    # --- the CA ---------------------------------------------------------------------------------

    def ca_requests(self):
        print("# CA: POST /api/v2/signingCert", flush=True)
        path = "/api/v2/signingCert"
        tok = self.tok
        self.json_route(f"POST {path}", self.ca, path, 65536, baseline=self.ca_request, on_success=self.record_ca,
                        # Fulcio (grpc-gateway protojson, DiscardUnknown) discards unknown members and unknown enum
                        # names; the key's algorithm is informational, so any string or 32-bit number passes.
                        accept=lambda n: n.startswith("unknown member") or n == "unknown top-level member"
                        or n in ("publicKeyRequest.publicKey.algorithm missing", "publicKeyRequest.publicKey.algorithm as null",
                                 "publicKeyRequest.publicKey.algorithm as number", "publicKeyRequest.publicKey.algorithm as empty string"))

        def fresh(email="hostile@example.com", token=None, sign_what=None, key=None):
            key = key or ec.generate_private_key(ec.SECP256R1())
            proof = b64(key.sign((sign_what or email).encode(), ec.ECDSA(hashes.SHA256())))
            return {"credentials": {"oidcIdentityToken": token or tok},
                    "publicKeyRequest": {"publicKey": {"algorithm": "ECDSA", "content": spki_pem(key).decode()}, "proofOfPossession": proof}}

        def ca_refuses(name, doc, headers=None, allowed=frozenset({400, 401, 403, 413, 422}), secret=None):
            r = req(self.ca, "POST", path, doc, headers)
            if r.status == 200:
                self.ct_expected += 1
            secrets = (secret, secret.split(".")[-1]) if secret and secret.count(".") == 2 else ((secret,) if secret else ())
            expect_error(f"POST {path}: {name}", self.ca, "POST", path, doc, headers, allowed=set(allowed), resp=r, must_not_contain=secrets)
            return r

        # Tokens.
        hdr, claims, sig = jwt_parts(tok)
        now = int(time.time())
        expired = self.token(claims=json.dumps({"exp": now - 3600, "iat": now - 7200, "nbf": now - 7200}))
        future = self.token(claims=json.dumps({"nbf": now + 3600, "iat": now + 3600}))
        wrong_aud = self.token(audience="not-sigstore")
        aud_list = self.token(claims=json.dumps({"aud": ["a", "b"]}))
        unverified = self.token(claims=json.dumps({"email_verified": False}))
        no_email = self.token(claims=json.dumps({"email": None}))
        kelvin_gh = self.token(claims=json.dumps({"iss": "https://to\u212aen.actions.githubusercontent.com"}))
        kelvin_meta = self.token(claims=json.dumps({"iss": "https://token.actions.githubusercontent.com/\u212a"}))
        unknown_iss = self.token(claims=json.dumps({"iss": "https://unknown-issuer.invalid"}))
        trailing = self.token(claims=json.dumps({"iss": claims["iss"] + "/"}))
        upper = self.token(claims=json.dumps({"iss": claims["iss"].upper()}))
        rs256 = self.token(alg="RS256")
        none_tok = jwt({"alg": "none", "typ": "JWT"}, claims)
        none_tok2 = jwt({"alg": "None", "kid": hdr.get("kid")}, claims, b"")
        hs_tok = self.hmac_token(hdr, claims)
        swapped = jwt({**hdr, "alg": "RS256"}, claims, base64.urlsafe_b64decode(sig + "=" * (-len(sig) % 4)))
        unknown_kid = jwt({**hdr, "kid": "no-such-key"}, claims, base64.urlsafe_b64decode(sig + "=" * (-len(sig) % 4)))
        tampered = tok.split(".")[0] + "." + b64url(json.dumps({**claims, "email": "mallory@example.com"}).encode()) + "." + sig
        for t in (none_tok, none_tok2, hs_tok, swapped, unknown_kid, tampered):
            secrets_sent.add(t)
        bad_tokens = [
            ("token garbage", "garbage"), ("token a.b.c", "a.b.c"), ("token ..", ".."), ("token of 4 segments", tok + ".x"),
            ("token with a space", tok[:30] + " " + tok[30:]), ("token header not JSON", b64url(b"nope") + "." + tok.split(".", 1)[1]),
            ("token header deep JSON", b64url(b"[" * 5000) + "." + tok.split(".", 1)[1]),
            ("token of 60 KB", "a" * 60_000), ("token of 10,000 dots", "." * 10_000), ("token expired", expired),
            ("token not yet valid", future), ("token for another audience", wrong_aud), ("token audience list without sigstore", aud_list),
            ("token email_verified false", unverified), ("token without email", no_email),
            ("token issuer with KELVIN SIGN (github host)", kelvin_gh), ("token issuer with KELVIN SIGN (meta-issuer slug)", kelvin_meta),
            ("token unknown issuer", unknown_iss), ("token issuer with trailing slash", trailing), ("token issuer upper-case", upper),
            ("token alg none", none_tok), ("token alg None with kid", none_tok2), ("token HS256 keyed with the JWKS key", hs_tok),
            ("token ES256 signature under alg RS256", swapped), ("token unknown kid", unknown_kid), ("token payload tampered", tampered),
        ]
        for name, t in bad_tokens:
            secrets_sent.add(t) if len(t) > 8 and "." in t else None
            ca_refuses(name, fresh(token=t), secret=t if t.count(".") == 2 and len(t) > 20 else None)
        r = req(self.ca, "POST", path, fresh(token=rs256))
        if r.status == 200:
            self.ct_expected += 1
        report(r.status == 200, f"POST {path}: RS256 token from the issuer is issued (200)", "" if r.status == 200 else r.brief())
        # Bearer header variants.
        body_no_cred = fresh()
        del body_no_cred["credentials"]
        ca_refuses("no token anywhere", body_no_cred)
        ca_refuses("Authorization: Basic instead of Bearer", body_no_cred, {"Authorization": "Basic " + tok}, secret=tok)
        ca_refuses("Authorization: Bearer with an empty token", body_no_cred, {"Authorization": "Bearer "})
        ca_refuses("Authorization: Bearer garbage", body_no_cred, {"Authorization": "Bearer garbage.garbage.garbage"})
        ca_refuses("Authorization: Bearer expired token", body_no_cred, {"Authorization": "Bearer " + expired}, secret=expired)
        r = req(self.ca, "POST", path, body_no_cred, {"Authorization": "Bearer " + tok})
        if r.status == 200:
            self.ct_expected += 1
        report(r.status == 200, f"POST {path}: token in the Authorization header only is issued (200)", "" if r.status == 200 else r.brief())
        # Proof of possession.
        other_key = ec.generate_private_key(ec.SECP256R1())
        ca_refuses("proof over the wrong challenge", fresh(sign_what="someone-else@example.com"))
        ca_refuses("proof over the subject with a KELVIN SIGN", fresh(sign_what="hostile@example.com\u212a"))
        doc = fresh()
        doc["publicKeyRequest"]["proofOfPossession"] = b64(other_key.sign(b"hostile@example.com", ec.ECDSA(hashes.SHA256())))
        ca_refuses("proof signed by another key", doc)
        for name, value in [("proof not base64", "!!!"), ("proof empty", ""), ("proof of 64 KB", b64(os.urandom(40_000))),
                            ("proof of 1 byte", b64(b"\x30")), ("proof as a number", 5)]:
            d = fresh()
            d["publicKeyRequest"]["proofOfPossession"] = value
            ca_refuses(name, d)
        # Keys.
        priv = ec.generate_private_key(ec.SECP256R1())
        priv_pem = priv.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
        fragment = priv_pem.splitlines()[2]
        secrets_sent.add(fragment)
        for name, content in [("public key garbage", "garbage"), ("public key PEM of garbage", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"),
                              ("public key PEM, no END", "-----BEGIN PUBLIC KEY-----\nMFkw\n"),
                              ("public key is a PRIVATE KEY PEM", priv_pem),
                              ("public key RSA-1024", spki_pem(rsa.generate_private_key(65537, 1024)).decode()),
                              ("public key 100 KB", "A" * 60_000)]:
            d = fresh()
            d["publicKeyRequest"]["publicKey"]["content"] = content
            ca_refuses(name, d, secret=fragment if "PRIVATE" in content else None)
        # CSRs.
        csr_key = ec.generate_private_key(ec.SECP256R1())
        csr = x509.CertificateSigningRequestBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.EMAIL_ADDRESS, "hostile@example.com")])) \
            .sign(csr_key, hashes.SHA256())
        csr_pem = csr.public_bytes(serialization.Encoding.PEM)
        csr_der = csr.public_bytes(serialization.Encoding.DER)
        r = req(self.ca, "POST", path, {"credentials": {"oidcIdentityToken": tok}, "certificateSigningRequest": b64(csr_pem)})
        if r.status == 200:
            self.ct_expected += 1
        report(r.status == 200, f"POST {path}: valid CSR is issued (200)", "" if r.status == 200 else r.brief())
        flipped = bytearray(csr_der)
        flipped[-5] ^= 0x01
        for name, value in [("CSR not base64", "@@@"), ("CSR base64 of garbage", b64(b"garbage")),
                            ("CSR PEM of garbage", b64(b"-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n")),
                            ("CSR with a bad self-signature", b64(bytes(flipped))), ("CSR truncated", b64(csr_der[:-10])),
                            ("CSR as a number", 7), ("CSR empty", ""), ("CSR DER of 40 KB", b64(b"\x30\x82\x9c\x40" + b"\0" * 40_000))]:
            ca_refuses(name, {"credentials": {"oidcIdentityToken": tok}, "certificateSigningRequest": value})
        ca_refuses("both publicKeyRequest and CSR", dict(fresh(), certificateSigningRequest=b64(csr_pem)))
        self.methods(path, self.ca, path, {"POST"})
        for p in ["/api/v2/trustBundle", "/api/v2/configuration"]:
            expect_status(f"GET {p} answers 200", self.ca, "GET", p)
            self.methods(p, self.ca, p, {"GET"})
        expect_error("GET /api/v1/rootCert (not served)", self.ca, "GET", "/api/v1/rootCert", allowed={404})

    def hmac_token(self, hdr, claims):
        """HS256 keyed with the issuer's published key: the classic algorithm-confusion forgery."""
        import hmac
        jwks = req(self.oidc, "GET", "/jwks").json()
        secret = json.dumps(jwks["keys"][0], sort_keys=True).encode()
        head = b64url(json.dumps({"alg": "HS256", "typ": "JWT", "kid": jwks["keys"][0].get("kid")}).encode())
        body = b64url(json.dumps(claims).encode())
        sig = hmac.new(secret, f"{head}.{body}".encode(), hashlib.sha256).digest()
        return f"{head}.{body}.{b64url(sig)}"

    # --- the TSA --------------------------------------------------------------------------------

    def tsa_requests(self):
        print("# TSA: POST /api/v1/timestamp", flush=True)
        path = "/api/v1/timestamp"
        der_h = {"Content-Type": "application/timestamp-query"}
        good = tsq(nonce=12345)
        cases = [("empty DER body", b""), ("garbage bytes", os.urandom(64)), ("a JSON body as DER", b'{"a":1}'),
                 ("indefinite length", b"\x30\x80" + good[2:] + b"\x00\x00"),
                 ("length overflow (4 bytes)", b"\x30\x84\xff\xff\xff\xff" + good[2:]),
                 ("length of 9 bytes", b"\x30\x89" + b"\xff" * 9 + good[2:]),
                 ("trailing garbage", good + b"\x00\x01"),
                 ("deep nesting within 4 KB", self.deep_der(1300)),
                 ("version 0", tsq(version=0)), ("version 2", tsq(version=2)), ("version 2^200", tsq(version=2 ** 200)),
                 ("SHA-1", tsq("sha1")), ("MD5", tsq("md5")), ("SHA3-256 (unsupported)", tsq("sha3-256", digest=b"\0" * 32)),
                 ("unknown hash OID", tsq("unknown", digest=b"\0" * 32)),
                 ("sha256 with a 20-byte digest", tsq("sha256", digest=b"\0" * 20)), ("sha256 with an empty digest", tsq("sha256", digest=b"")),
                 ("sha512 with a 32-byte digest", tsq("sha512", digest=b"\0" * 32)),
                 ("OID with a huge arc", tsq(raw_alg=der(0x30, der_oid("2.16.840.1.101.3.4.2." + "9" * 60)), digest=b"\0" * 32)),
                 ("OID encoding empty", tsq(raw_alg=der(0x30, b"\x06\x00"), digest=b"\0" * 32)),
                 ("algorithm parameters garbage", tsq(raw_alg=der(0x30, der_oid(OIDS["sha256"]) + b"\x04\x02ab"), digest=b"\0" * 32)),
                 ("another policy", tsq(policy="1.2.3.4")), ("request extensions", tsq(extensions=der(0x30, der_oid("1.2.3") + der(0x04, b"x")))),
                 ("certReq BOOLEAN 0x01 (not DER)", good[:-3] + b"\x01\x01\x01"),
                 ("messageImprint not a SEQUENCE", der(0x30, der_int(1) + der(0x04, b"\0" * 32)))]
        for name, body in cases:
            expect_error(f"POST {path} (DER): {name}", self.tsa, "POST", path, body, der_h, allowed={400, 413, 422})
        for name, body in [("nonce negative (a DER INTEGER; RFC 3161 does not forbid it)", tsq(nonce=-5)),
                           ("nonce of 1000 bytes (within maxRequestBytes)", tsq(nonce=2 ** 7990))]:
            not_5xx(f"POST {path} (DER): {name}", self.tsa, "POST", path, body, der_h)
        for n in range(1, len(good)):
            r = req(self.tsa, "POST", path, good[:n], der_h)
            if r.status != 400 or error_shape(r):
                expect_error(f"POST {path} (DER): truncated to {n} of {len(good)} bytes", self.tsa, "POST", path, good[:n], der_h,
                             allowed={400}, resp=r)
        report(True, f"POST {path} (DER): every truncation of a valid request answers 400 JSON (or is listed above)")
        for ct in ["text/plain", "", "application/timestamp-query-evil", "application/\u212ason".encode("utf-8").decode("latin-1"),
                   "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]:
            expect_error(f"POST {path}: Content-Type {ct!r}", self.tsa, "POST", path, good, {"Content-Type": ct} if ct else {NO_CONTENT_TYPE: "1"},
                         allowed={415})
        expect_error(f"POST {path}: 5 KB DER (over maxRequestBytes 4096)", self.tsa, "POST", path, tsq(nonce=2 ** 40000), der_h, allowed={413},
                     close_ok=True)
        self.json_route(f"POST {path} (JSON)", self.tsa, path, 4096,
                        baseline={"artifactHash": b64(hashlib.sha256(b"x").digest()), "hashAlgorithm": "sha256", "nonce": 1,
                                  "certificates": True, "tsaPolicyOID": "1.3.6.1.4.1.57264.2"},
                        accept=lambda n: n.split(" ")[0] in ("nonce", "certificates", "tsaPolicyOID") and n.endswith((" missing", " as null")))
        for name, doc in [("artifactHash not base64", {"artifactHash": "@@", "hashAlgorithm": "sha256"}),
                          ("artifactHash url-safe base64", {"artifactHash": b64url(b"\xfb" * 32), "hashAlgorithm": "sha256"}),
                          ("artifactHash with whitespace", {"artifactHash": " " + b64(b"\0" * 32), "hashAlgorithm": "sha256"}),
                          ("artifactHash of 20 bytes", {"artifactHash": b64(b"\0" * 20), "hashAlgorithm": "sha256"}),
                          ("hashAlgorithm sha1", {"artifactHash": b64(b"\0" * 20), "hashAlgorithm": "sha1"}),
                          ("hashAlgorithm md5", {"artifactHash": b64(b"\0" * 16), "hashAlgorithm": "md5"}),
                          ("hashAlgorithm SHA256", {"artifactHash": b64(b"\0" * 32), "hashAlgorithm": "SHA256"}),
                          ("nonce -1", {"artifactHash": b64(b"\0" * 32), "hashAlgorithm": "sha256", "nonce": -1}),
                          ("nonce 2^64", {"artifactHash": b64(b"\0" * 32), "hashAlgorithm": "sha256", "nonce": 2 ** 64}),
                          ("nonce 1.5", {"artifactHash": b64(b"\0" * 32), "hashAlgorithm": "sha256", "nonce": 1.5}),
                          ("tsaPolicyOID other", {"artifactHash": b64(b"\0" * 32), "hashAlgorithm": "sha256", "tsaPolicyOID": "1.2.3"}),
                          ("tsaPolicyOID garbage", {"artifactHash": b64(b"\0" * 32), "hashAlgorithm": "sha256", "tsaPolicyOID": "x.y"}),
                          ("tsaPolicyOID huge arc", {"artifactHash": b64(b"\0" * 32), "hashAlgorithm": "sha256", "tsaPolicyOID": "1." + "9" * 200})]:
            expect_error(f"POST {path} (JSON): {name}", self.tsa, "POST", path, doc, allowed={400, 422})
        self.methods(path, self.tsa, path, {"POST"})
        expect_status(f"GET {path}/certchain answers 200", self.tsa, "GET", f"{path}/certchain")
        self.methods(f"{path}/certchain", self.tsa, f"{path}/certchain", {"GET"})

    @staticmethod
    def deep_der(levels):
        inner = b"\x05\x00"
        for _ in range(levels):
            inner = der(0x30, inner)
            if len(inner) > 4000:
                break
        return inner

    # --- the OIDC issuer ------------------------------------------------------------------------

    def oidc_requests(self):
        print("# OIDC issuer", flush=True)
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        for name, body in [("empty form (no subject)", b""), ("claims not JSON", b"subject=a&claims=%7Bnope"),
                           ("claims a JSON array", b"subject=a&claims=%5B1%5D"), ("alg HS256", b"subject=a&alg=HS256"),
                           ("alg none", b"subject=a&alg=none"), ("grant_type unknown", b"grant_type=password&username=a"),
                           ("grant_type authorization_code without a code", b"grant_type=authorization_code"),
                           ("grant_type authorization_code with a bogus code", b"grant_type=authorization_code&code=x&client_id=sigstore&redirect_uri=http://127.0.0.1:1/&code_verifier=" + b"a" * 43),
                           ("bad percent-encoding", b"subject=%zz"), ("invalid UTF-8", b"subject=%ff%fe"),
                           ("claims 100,000 nested", b"subject=a&claims=" + quote("[" * 20_000).encode()),
                           ("form over 64 KB", b"subject=" + b"a" * 70_000)]:
            expect_error(f"POST /token: {name}", self.oidc, "POST", "/token", body, form, allowed={400, 401, 413})
        r = req(self.oidc, "POST", "/token", b"subject=a", {"Content-Type": "application/json"})
        not_5xx("POST /token: form with Content-Type application/json", self.oidc, "POST", "/token", resp=r)
        self.size_tricks("POST /token", self.oidc, "/token", 65536, form)
        self.methods("/token", self.oidc, "/token", {"POST"})
        for name, body in [("empty form", b""), ("missing workflow", b"repository=o/r&ref=refs/heads/main&sha=" + b"a" * 40 + b"&event_name=push"),
                           ("over 64 KB", b"repository=" + b"a" * 70_000)]:
            expect_error(f"POST /actions/jobs: {name}", self.oidc, "POST", "/actions/jobs", body, form, allowed={400, 413})
        r = req(self.oidc, "POST", "/actions/jobs", b"repository=octo/app&workflow=.github/workflows/release.yml&ref=refs/heads/main&sha=" + b"a" * 40 +
                b"&event_name=push", form)
        report(r.status == 200, "POST /actions/jobs: a valid job is registered (200)", "" if r.status == 200 else r.brief())
        job = r.json() if r.status == 200 else {}
        # A repository name with a newline: the development issuer vouches for anything, so the CA must refuse the token.
        r = req(self.oidc, "POST", "/actions/jobs", b"repository=o/r%0Aevil&workflow=.github/workflows/x.yml&ref=refs/heads/main&sha=" +
                b"a" * 40 + b"&event_name=push", form)
        if r.status == 200:
            evil = r.json()
            secrets_sent.add(evil["ACTIONS_ID_TOKEN_REQUEST_TOKEN"])
            t = req(self.oidc, "GET", "/actions/token?api-version=2.0&audience=sigstore", None,
                    {"Authorization": "Bearer " + evil["ACTIONS_ID_TOKEN_REQUEST_TOKEN"]})
            token = (t.json() or {}).get("value", "")
            secrets_sent.add(token)
            sub = jwt_parts(token)[1]["sub"] if token else ""
            key = ec.generate_private_key(ec.SECP256R1())
            doc = {"credentials": {"oidcIdentityToken": token}, "publicKeyRequest": {"publicKey": {"content": spki_pem(key).decode()},
                                                                                      "proofOfPossession": b64(key.sign(sub.encode(), ec.ECDSA(hashes.SHA256())))}}
            c = req(self.ca, "POST", "/api/v2/signingCert", doc)
            if c.status == 200:
                self.ct_expected += 1
            expect_error("POST /api/v2/signingCert: Actions token whose repository holds a newline", self.ca, "POST", "/api/v2/signingCert",
                         doc, allowed={400}, resp=c, must_not_contain=(token,))
        else:
            expect_error("POST /actions/jobs: repository with a newline", self.oidc, "POST", "/actions/jobs", resp=r, allowed={400})
        request_token = job.get("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "")
        if request_token:
            secrets_sent.add(request_token)
        for name, headers in [("no Authorization", {}), ("Bearer garbage", {"Authorization": "Bearer nope"}),
                              ("Basic scheme", {"Authorization": "Basic " + request_token}),
                              ("Bearer with a KELVIN SIGN appended", {"Authorization": ("Bearer " + request_token + "\u212a").encode("utf-8")}),
                              ("Bearer of 60 KB", {"Authorization": "Bearer " + "a" * 60_000})]:
            expect_error(f"GET /actions/token: {name}", self.oidc, "GET", "/actions/token?api-version=2.0&audience=sigstore", None, headers,
                         allowed={400, 401, 403, 431}, must_not_contain=(request_token,), close_ok=name.endswith("60 KB"))
        if request_token:
            r = req(self.oidc, "GET", "/actions/token?audience=sigstore&audience=x", None, {"Authorization": "Bearer " + request_token})
            if r.status == 200:
                secrets_sent.add(r.json().get("value", ""))
            not_5xx("GET /actions/token: audience repeated", self.oidc, "GET", "/actions/token", resp=r)
            r = req(self.oidc, "GET", "/actions/token?audience=" + quote("\u212a" * 1000), None, {"Authorization": "Bearer " + request_token})
            if r.status == 200:
                secrets_sent.add(r.json().get("value", ""))
            not_5xx("GET /actions/token: audience of 1000 KELVIN SIGNs", self.oidc, "GET", "/actions/token", resp=r)
        # /authorize: a browser page by design; refusals are an HTML error page (README), never a redirect or a 5xx.
        for qs in ["", "response_type=code", "response_type=code&client_id=sigstore&redirect_uri=http://evil.example/cb&code_challenge=x&code_challenge_method=S256",
                   "response_type=code&client_id=sigstore&redirect_uri=" + quote("http://127.0.0.1:1/cb") + "&code_challenge_method=plain&code_challenge=x",
                   "redirect_uri=" + "a" * 50_000]:
            r = req(self.oidc, "GET", f"/authorize?{qs}")
            ok = r.status is not None and 400 <= r.status < 500 and "location" not in r.headers
            report(ok, f"GET /authorize?{qs[:60]}: refused with 4xx, no redirect", f"{r.status} {r.headers.get('content-type')}" if ok else r.brief())
        r = req(self.oidc, "POST", "/authorize", b"\xff\xfe" * 10, form)
        ok = r.status is not None and 400 <= r.status < 500 and "location" not in r.headers
        report(ok, "POST /authorize with a garbage form: refused with 4xx, no redirect", f"{r.status} {r.headers.get('content-type')}" if ok else r.brief())
        for p in ["/.well-known/openid-configuration", "/jwks", "/actions/.well-known/openid-configuration", "/actions/jwks"]:
            expect_status(f"GET {p} answers 200", self.oidc, "GET", p)
            self.methods(p, self.oidc, p, {"GET"})

    # --- operations and secrets in query strings -------------------------------------------------

    def operations(self):
        print("# operations routes and tokens in query strings/headers", flush=True)
        for name, base in (("oidc", self.oidc), ("ca", self.ca), ("log", self.log), ("tsa", self.tsa)):
            for p in ["/healthz", "/readyz", "/metrics"]:
                expect_status(f"{name}: GET {p} answers 200", base, "GET", p)
                self.methods(f"{name} {p}", base, p, {"GET"})
            # A token in a query string and headers must not reach the log (checked at the end).
            not_5xx(f"{name}: GET /readyz?id_token=<token> answers", base, "GET", f"/readyz?id_token={self.tok}")
            not_5xx(f"{name}: GET /nope with the token in Authorization and Cookie", base, "GET", "/nope",
                    headers={"Authorization": "Bearer " + self.tok, "Cookie": "t=" + self.tok, "X-Token": self.tok})

    # --- afterwards -----------------------------------------------------------------------------

    def integrity(self):
        print("# integrity after the sweep", flush=True)
        for name, base in (("oidc", self.oidc), ("ca", self.ca), ("log", self.log), ("tsa", self.tsa)):
            r = req(base, "GET", "/readyz")
            report(r.status == 200, f"{name}: /readyz answers 200 after the sweep", "" if r.status == 200 else r.brief())
        info = req(self.log, "GET", "/api/v1/log").json() or {}
        size = info.get("treeSize")
        report(size == len(self.v1_added), "log v1: tree size equals the entries this sweep added",
               f"tree size {size}, added {len(self.v1_added)}")
        root = bytes.fromhex(info.get("rootHash", ""))
        leaves = []
        for index in range(size or 0):
            r = req(self.log, "GET", f"/api/v1/log/entries?logIndex={index}")
            (uuid, entry), = r.json().items()
            body = base64.b64decode(entry["body"])
            leaves.append(tlog.leaf_hash(body))
            expected = self.v1_added.get(index)
            report(expected is not None and expected[1] == body, f"log v1: entry {index} is unchanged",
                   "" if expected and expected[1] == body else f"stored {body[:200]!r}, added {expected!r}")
            p = req(self.log, "GET", f"/api/v1/log/inclusionProof?logIndex={index}&treeSize={size}").json() or {}
            try:
                got = tlog.root_from_inclusion(index, size, tlog.leaf_hash(body), [bytes.fromhex(h) for h in p.get("hashes", [])])
                ok = got == root and bytes.fromhex(p.get("rootHash", "")) == root
            except ValueError as e:
                ok, got = False, str(e)
            report(ok, f"log v1: inclusion proof of entry {index} verifies against the tree head", "" if ok else f"{p} -> {got}")
            proof = entry.get("verification", {}).get("inclusionProof", {})
            try:
                got = tlog.root_from_inclusion(index, proof["treeSize"], tlog.leaf_hash(body), [bytes.fromhex(h) for h in proof["hashes"]])
                ok = got.hex() == proof["rootHash"]
            except (KeyError, ValueError) as e:
                ok = False
            report(ok, f"log v1: the entry's own inclusion proof {index} verifies", "" if ok else str(proof)[:300])
        if size:
            tile = req(self.log, "GET", f"/tile/0/000.p/{size}" if size < 256 else "/tile/0/000")
            ok = tile.status == 200 and [tile.body[i:i + 32] for i in range(0, len(tile.body), 32)][:size] == leaves[:256]
            report(ok, "log v1: level-0 tile holds the entries' leaf hashes", "" if ok else tile.brief())
            cr = tlog.CompactRange()
            for leaf in leaves:
                cr.append(leaf)
            report(cr.root() == root, "log v1: root recomputed from every entry equals the tree head")
        # Rekor v2: the checkpoint, its tiles and the entries this sweep added.
        note = req(self.log, "GET", "/rekor-v2/checkpoint").body.decode(errors="replace")
        lines = note.split("\n")
        v2_size, v2_root = int(lines[1]), base64.b64decode(lines[2])
        report(v2_size == len(self.v2_added), "log v2: tree size equals the entries this sweep added",
               f"tree size {v2_size}, added {len(self.v2_added)}")
        if v2_size:
            tile = req(self.log, "GET", f"/rekor-v2/tile/0/000.p/{v2_size}" if v2_size < 256 else "/rekor-v2/tile/0/000")
            hashes_ = [tile.body[i:i + 32] for i in range(0, len(tile.body), 32)]
            cr = tlog.CompactRange()
            for leaf in hashes_[:v2_size]:
                cr.append(leaf)
            report(cr.root() == v2_root, "log v2: root recomputed from the level-0 tile equals the checkpoint")
            for index, body in sorted(self.v2_added.items()):
                ok = index < len(hashes_) and hashes_[index] == tlog.leaf_hash(body)
                report(ok, f"log v2: entry {index} is in the tree, unchanged")
            bundle = req(self.log, "GET", f"/rekor-v2/tile/entries/000.p/{v2_size}")
            report(bundle.status == 200, "log v2: the entry bundle answers", "" if bundle.status == 200 else bundle.brief())
        sth = req(self.log, "GET", "/ct/v1/get-sth").json() or {}
        report(sth.get("tree_size") == self.ct_expected, "CT log: tree size equals the certificates issued during the sweep",
               f"tree size {sth.get('tree_size')}, issued {self.ct_expected}")
        if sth.get("tree_size"):
            r = req(self.log, "GET", f"/ct/v1/get-entries?start=0&end={sth['tree_size'] - 1}")
            n = len((r.json() or {}).get("entries", []))
            report(n == sth["tree_size"], "CT log: get-entries returns every entry", f"{n} of {sth['tree_size']}")


def start_slow_checks(s):
    """Requests that stall, run beside the sweep: the server must close them (or answer 408) by its own timeouts
    (bodyTimeoutSeconds 30, headerTimeoutSeconds 10 by default), never hold them forever."""
    def stalled(name, base, data, limit):
        r = raw(base, data, "POST", timeout=limit)
        if r.status is None and "timeout" not in (r.problem or ""):
            report(True, name, f"closed after {r.seconds:.0f}s without a response; a 408 would be clearer")
        elif r.status is not None and r.status in (400, 408, 413):
            report(True, name, f"{r.status} after {r.seconds:.0f}s")
        else:
            report(False, name, f"got {r.brief()}")
    threads = []
    for label, base in (("log", s.log), ("ca", s.ca), ("tsa", s.tsa), ("oidc", s.oidc)):
        path = {"log": "/api/v1/log/entries", "ca": "/api/v2/signingCert", "tsa": "/api/v1/timestamp", "oidc": "/token"}[label]
        body_stall = build(base, "POST", path, b'{"a":1}', {}, content_length=1000)
        head_stall = f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Ty".encode()
        for name, data, limit in ((f"{label}: a body that stops short (Content-Length 1000, 7 bytes, no EOF) is closed by the server", body_stall, 45),
                                  (f"{label}: headers that stop short are closed by the server", head_stall, 45)):
            t = threading.Thread(target=stalled, args=(name, base, data, limit), daemon=True)
            t.start()
            threads.append(t)
    return threads


def check_server_log(path, data_dir):
    print("# secrets in the server log", flush=True)
    try:
        text = open(path, "rb").read().decode("utf-8", errors="replace")
    except OSError as e:
        report(False, "server log is readable", str(e))
        return
    hits = [s for s in secrets_sent if s and len(s) > 8 and s in text]
    # Also the signature and payload segments of every JWT sent.
    for s in list(secrets_sent):
        if s.count(".") == 2:
            for seg in s.split(".")[1:]:
                if len(seg) > 20 and seg in text:
                    hits.append(f"segment of a token: {seg[:20]}...")
    report(not hits, "server log holds none of the tokens or secrets sent", "; ".join(h[:60] + "..." for h in hits[:5]))
    blocks = re.findall(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----", text)
    report(not blocks, "server log holds no PEM private-key block", f"{len(blocks)} found")
    words = [l for l in text.splitlines() if "PRIVATE KEY" in l]
    report(True, "server log mentions of the words 'PRIVATE KEY' (a label in a refusal reason is fine)",
           f"{len(words)} lines" + (f", e.g. {words[0][:200]}" if words else ""))
    if data_dir:
        keys = []
        for root_dir, _, files in os.walk(os.path.join(data_dir, "keys")):
            for f in files:
                try:
                    pem = open(os.path.join(root_dir, f)).read()
                except OSError:
                    continue
                body = "".join(l for l in pem.splitlines() if not l.startswith("-----"))
                if len(body) > 60:
                    keys.append((f, body[40:80]))     # past the common ASN.1 prefix: the private scalar
        found = [f for f, frag in keys if frag in text]
        report(bool(keys) and not found, f"server log holds none of the {len(keys)} private keys in {data_dir}/keys",
               ", ".join(found) if found else ("no keys found to compare" if not keys else ""))


def finish():
    exit_with_tally()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--oidc", required=True)
    ap.add_argument("--ca", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--tsa", required=True)
    ap.add_argument("--server-log", help="the server's output, grepped for the secrets sent")
    ap.add_argument("--data", help="the server's data folder, to look for its private keys in the log")
    args = ap.parse_args()
    s = Sweep(args)
    slow = start_slow_checks(s)
    for step in (s.baselines, s.log_v1_entries, s.log_v1_reads, s.log_v1_retrieve, s.log_v2, s.ct, s.tiles, s.pipelined, s.explorer,
                 s.ca_requests, s.tsa_requests, s.oidc_requests, s.operations):
        step()
        s.alive(step.__name__)
    s.integrity()
    for thread in slow:
        thread.join()
    if args.server_log:
        time.sleep(0.5)
        check_server_log(args.server_log, args.data)
    finish()


if __name__ == "__main__":
    main()
