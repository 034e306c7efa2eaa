#!/usr/bin/env python3
"""Hostile-input sweep of the `sigil` CLI (black box: only the binary, its files and its exit codes).

The project rule under test: bad input always gets a clear error (a one-line `Error: ...` on stderr
and a non-zero exit) and never loses or corrupts stored data; secrets (private keys, tokens,
passwords) never appear in output or errors; key files are written 0600. A Swift trap (index out of
range, nil unwrap, integer overflow, stack overflow) kills the process with a signal (exit >= 128)
and is the most serious failure there is for a verifier.

What is fed, offline commands first (verify-blob, verify-bundle, verify-attestation):
  * bundle files: truncations, every field deleted / null / mistyped / empty / 10 MB / bad base64,
    numbers out of range, deep nesting, duplicate keys, invalid UTF-8, a BOM, trailing data, a
    200 MB sparse file, /dev/zero, a directory, a FIFO, an unreadable and a missing file;
  * certificates, through bundles signed by a private PKI this script builds (its own root CA, CT log
    and transparency log, written as a trusted root), so that each bad certificate gets past every
    check but the one it targets: DER truncations and bit flips, garbage, a 100 kB SAN, 10,000 SANs,
    a 100-certificate chain, negative / zero / 64-byte serials, malformed times, KELVIN SIGN
    look-alikes in SAN and issuer (must not verify against the ASCII spelling, nor the reverse);
  * inclusion proofs and checkpoints (also re-signed by the private log, so that parsing after the
    signature is reached): 10,000 hashes, out-of-range indices and sizes, odd note lines, a 10 MB note;
  * trust configs / trusted roots: the same JSON mutations, other key types, reversed validity
    windows, empty lists (which must never make a bundle verify);
  * keys: wrong / empty password, corrupt encrypted PEM, public for private, RSA-512, Ed25519, 1 MB
    PEM, a PBKDF2 iteration count of 2^31-1; generated key files' modes; no password, token or
    private key text in any output;
  * identity flags: catastrophic regexps (timed), invalid regexps, look-alike Unicode;
  * log subcommands: bad URLs and indices, a non-HTTP port and servers answering garbage, 100 MB,
    nothing, slowly or a hostile log (its own key, trust on first use); monitor state files;
  * image commands on corrupt OCI layouts (bad index.json, missing blobs, digest mismatches, digests
    that are paths, symlinks leaving the layout) — a failed command must leave the layout untouched;
  * trust-instance against garbage roots and repositories; sign-blob / attest bad inputs, including
    a bundle path that is the artifact itself.

  cli_hostile_inputs.py --sigil .build/debug/sigil --oidc URL --ca URL --log URL --tsa URL \\
      --trust-config DATA/trust_config.json --work DIR

Needs Python 3 and `cryptography`. Prints one PASS/FAIL line per check (a FAIL with the command that
reproduces it; the inputs stay in --work) and "N passed, M failed"; exits 1 on any FAIL.
"""
import argparse, base64, copy, datetime, hashlib, json, os, random, re, shlex, shutil, signal, socket, stat, subprocess
import sys, threading, time

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa, utils
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "interop", "lib"))
sys.dont_write_bytecode = True     # no __pycache__ beside interop/lib/
from jsonpaths import dotted, get_path, paths_of, set_path  # noqa: E402
from derbytes import der_int, der_len, der_oid, tlv  # noqa: E402
from checkreport import exit_with_tally, failures, report  # noqa: E402

TIMEOUT = 20.0          # a command still running after this long is a hang
NET_TIMEOUT = 45.0      # commands talking to a server that never answers (the client waits 30 s)
random.seed(20261208)

# ---------------------------------------------------------------------------------------------------
# Reporting

_lock = threading.Lock()   # guards COSMETIC across worker threads
SECRETS = {}            # text -> what it is; none may ever appear in stdout or stderr
COSMETIC = {}           # internal error descriptions (DecodingError, Optional(...)) after a clear lead: noted


def finish():
    for marker, seen in COSMETIC.items():
        what = marker if " " in marker else f"error message(s) ending in a Swift debug description ({marker!r})"
        print(f"INFO {len(seen)} × {what}, e.g. {seen[0][0]!r}\n    repro: {seen[0][1]}", flush=True)
    exit_with_tally()


# ---------------------------------------------------------------------------------------------------
# Running sigil

class Run:
    def __init__(self, argv, rc, out, err, secs, hung, env_shown, cwd):
        self.argv, self.rc, self.out, self.err, self.secs, self.hung = argv, rc, out, err, secs, hung
        self.env_shown, self.cwd = env_shown, cwd

    def repro(self):
        env = " ".join(f"{k}={shlex.quote(v)}" for k, v in self.env_shown.items())
        cmd = " ".join(shlex.quote(a) for a in self.argv)
        if len(cmd) > 600:
            cmd = cmd[:600] + f"… ({len(cmd)} chars)"
        return f"cd {shlex.quote(self.cwd)} && " + (env + " " if env else "") + cmd

    def summary(self):
        if self.hung:
            return f"still running after {self.secs:.0f}s (killed)"
        tail = self.err.strip().splitlines()
        first = tail[0] if tail else ""
        return f"exit {self.rc} after {self.secs:.2f}s, stderr {len(self.err)} bytes: {first[:300]!r}"


SIGIL = None
WORK = None
SLOW = False            # a debug build (about 4x slower): the big mutation loops take samples to keep ~3 minutes


def sample(seq, keep):
    """All of seq, or (for a slow build) every n-th element so that about keep remain."""
    seq = list(seq)
    if not SLOW or len(seq) <= keep:
        return seq
    step = len(seq) / keep
    return [seq[int(i * step)] for i in range(keep)]


def sigil(args, timeout=TIMEOUT, env=None, stdin=None, cwd=None, as_nobody=False):
    """Runs sigil with args; env holds extra variables (shown in the reproduction)."""
    argv = [SIGIL] + [str(a) for a in args]
    full_env = dict(os.environ)
    full_env.pop("SIGIL_PASSWORD", None)
    full_env.pop("SIGSTORE_ID_TOKEN", None)
    full_env.update(env or {})
    cwd = cwd or WORK
    pre = None
    if as_nobody:
        def pre():
            os.setgid(65534)
            os.setuid(65534)
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=full_env, cwd=cwd,
                         stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL, preexec_fn=pre,
                         start_new_session=True)
    hung = False
    try:
        out, err = p.communicate(input=stdin, timeout=timeout)
    except subprocess.TimeoutExpired:
        hung = True
        os.killpg(p.pid, signal.SIGKILL)
        out, err = p.communicate()
    secs = time.monotonic() - t0
    return Run(argv, p.returncode, out.decode(errors="replace"), err.decode(errors="replace"), secs, hung, env or {}, cwd)


CRASH_MARKERS = ("Fatal error", "Stack dump", "Current stack trace", "Illegal instruction", "Segmentation fault",
                 "Crash", "💣", "Thread 0 crashed", "backtrace")
UNCLEAR_MARKERS = ("Error Domain=", "NSCocoaErrorDomain", "NSPOSIXErrorDomain", "DecodingError", "keyNotFound(",
                   "typeMismatch(", "CodingKeys(", "Optional(", "(null)")


def crashed(r):
    if r.hung:
        return None
    if r.rc < 0 or r.rc >= 128:
        sig = -r.rc if r.rc < 0 else r.rc - 128
        try:
            name = signal.Signals(sig).name
        except ValueError:
            name = f"signal {sig}"
        return f"died with {name} (exit {r.rc if r.rc >= 0 else 128 + sig})"
    for m in CRASH_MARKERS:
        if m in r.err:
            return f"crash text on stderr ({m!r})"
    return None


def leaks(r):
    found = []
    for text, what in SECRETS.items():
        if text and (text in r.out or text in r.err):
            found.append(what)
    return found


def clear_error(r):
    """None when stderr carries a clear error; else what is wrong with it."""
    lines = [l for l in r.err.splitlines() if l.strip()]
    if not lines:
        return "no error message on stderr"
    if not any(l.startswith(("Error:", "error:")) for l in lines):
        return f"no 'Error:' line on stderr: {lines[0][:200]!r}"
    if len(r.err) > 8192:
        echoed = [a for a in r.argv if len(a) > 8192 and a[:200] in r.err]
        if not echoed:
            return f"stderr is {len(r.err)} bytes (file contents echoed?)"
        with _lock:
            COSMETIC.setdefault("a command-line argument over 8 kB echoed whole", []).append((r.err[:160], r.repro()[:300]))
    for l in lines:
        if l.startswith("Error:") and l[6:].strip().startswith(("Error Domain=", "The operation could not be completed")):
            return f"a Foundation error dump instead of a message (no file named, no reason in words): {l[:200]!r}"
    for m in UNCLEAR_MARKERS:
        if m in r.err:
            line = next(l for l in lines if m in l)
            with _lock:
                COSMETIC.setdefault(m, []).append((line[:160], r.repro()[:300]))
    return None


def problems(r, want="reject", max_secs=None):
    """Everything wrong with a run that should have rejected its input (want='reject') or succeeded
    (want='ok') or may do either (want='any')."""
    p = []
    if r.hung:
        p.append(f"hung: {r.summary()}")
    c = crashed(r)
    if c:
        p.append("CRASH " + c)
    if not r.hung and not c:
        if want == "reject":
            if r.rc == 0:
                p.append("exit 0 on bad input")
            else:
                e = clear_error(r)
                if e:
                    p.append("unclear error: " + e)
        elif want == "ok" and r.rc != 0:
            p.append(f"expected success: {r.summary()}")
        elif want == "any" and r.rc != 0:
            e = clear_error(r)
            if e:
                p.append("unclear error: " + e)
    if max_secs is not None and not r.hung and r.secs > max_secs:
        p.append(f"took {r.secs:.1f}s (limit {max_secs}s)")
    lk = leaks(r)
    if lk:
        p.append("printed secrets: " + ", ".join(lk))
    return p


def check(name, args, want="reject", **kw):
    """One run, one PASS/FAIL line."""
    max_secs = kw.pop("max_secs", None)
    r = sigil(args, **kw)
    p = problems(r, want, max_secs)
    if p:
        report(False, name, "; ".join(p) + f"\n    got: {r.summary()}\n    repro: {r.repro()}")
    else:
        report(True, name, f"exit {r.rc}, {r.secs:.2f}s")
    return r


class Group:
    """Many runs reported as one check: PASS when all are fine, else one FAIL line per distinct problem
    kind (the first few cases of each, with reproductions)."""

    def __init__(self, name):
        self.name, self.n, self.bad, self.slowest = name, 0, {}, 0.0

    def run(self, label, args, want="reject", keep=None, **kw):
        max_secs = kw.pop("max_secs", None)
        r = sigil(args, **kw)
        self.n += 1
        self.slowest = max(self.slowest, r.secs)
        p = problems(r, want, max_secs)
        if p:
            if keep:
                keep()
            kind = re.sub(r"[0-9]+(\.[0-9]+)?", "N", p[0].split(":")[0])[:80]
            self.bad.setdefault(kind, []).append((label, p, r))
        return r

    def done(self):
        if not self.bad:
            report(True, self.name, f"{self.n} cases, slowest {self.slowest:.2f}s")
            return
        for kind, cases in self.bad.items():
            label, p, r = cases[0]
            more = "" if len(cases) == 1 else f" (+{len(cases) - 1} more: " + ", ".join(c[0] for c in cases[1:6]) + \
                ("…" if len(cases) > 6 else "") + ")"
            report(False, f"{self.name}: {kind} [{label}]{more}",
                   "; ".join(p) + f"\n    got: {r.summary()}\n    repro: {r.repro()}")


def w(path, data):
    path = os.path.join(WORK, path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())
    return path


def wj(path, doc):
    return w(path, json.dumps(doc))


def b64(data):
    return base64.b64encode(data).decode()


def flip_b64(text, index=-1):
    raw = bytearray(base64.b64decode(text))
    raw[index] ^= 0x01
    return b64(bytes(raw))


# ---------------------------------------------------------------------------------------------------
# JSON mutation helpers



MUTATIONS = [("deleted", None, True), ("null", None, False), ("number", 7, False), ("array", [], False),
             ("object", {}, False), ("empty-string", "", False), ("bad-base64", "!!not*base64==", False),
             ("bool", True, False), ("negative", -1, False)]


def equivalent(orig, value, kind):
    """A mutation that leaves the meaning unchanged (the number 1 for "1", [] for [])."""
    if kind == "deleted" or kind == "null":
        return orig == [] or orig == {} or orig in ("0", 0)
    try:
        return str(value) == str(orig) or (value == [] and orig == [])
    except Exception:
        return False


# ---------------------------------------------------------------------------------------------------
# DER and a private PKI (root CA, CT log, transparency log) for bundles whose certificates are hostile

def parse_tlv(b, off=0):
    """(tag, content_start, end) of the TLV at off."""
    tag = b[off]
    n = b[off + 1]
    if n < 0x80:
        return tag, off + 2, off + 2 + n
    k = n & 0x7f
    length = int.from_bytes(b[off + 2:off + 2 + k], "big")
    return tag, off + 2 + k, off + 2 + k + length


def children(b, start, end):
    out = []
    while start < end:
        tag, cs, e = parse_tlv(b, start)
        out.append(b[start:e])
        start = e
    return out


def seq_children(der):
    tag, cs, e = parse_tlv(der)
    return children(der, cs, e)


def pem_body(der):
    """Base64 in 64-character lines, as RFC 7468 strict PEM has it."""
    t = base64.b64encode(der)
    return b"".join(t[i:i + 64] + b"\n" for i in range(0, len(t), 64))


def spki_der(pub):
    return pub.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def pem_pub(pub):
    return pub.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


SCT_OID = "1.3.6.1.4.1.11129.2.4.2"
ISSUER_V1_OID = "1.3.6.1.4.1.57264.1.1"
ISSUER_V2_OID = "1.3.6.1.4.1.57264.1.8"


def canonical(doc):
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


class PKI:
    """A root CA, a CT log and a Rekor v1 log of our own, and bundles they vouch for."""

    def __init__(self):
        self.now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        self.root_key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Hostile Root"),
                          x509.NameAttribute(NameOID.ORGANIZATION_NAME, "cli-hostile")])
        self.root_name = name
        self.root = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                     .public_key(self.root_key.public_key()).serial_number(1)
                     .not_valid_before(self.now - datetime.timedelta(days=1))
                     .not_valid_after(self.now + datetime.timedelta(days=365))
                     .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                     .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
                     .add_extension(x509.SubjectKeyIdentifier.from_public_key(self.root_key.public_key()), critical=False)
                     .sign(self.root_key, hashes.SHA256()))
        self.ct_key = ec.generate_private_key(ec.SECP256R1())
        self.log_key = ec.generate_private_key(ec.SECP256R1())
        self.ct_id = hashlib.sha256(spki_der(self.ct_key.public_key())).digest()
        self.log_id = hashlib.sha256(spki_der(self.log_key.public_key())).digest()
        self.signer = ec.generate_private_key(ec.SECP256R1())

    def trusted_root(self, ca_chain=None):
        start = (self.now - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        chain = ca_chain or [self.root.public_bytes(serialization.Encoding.DER)]
        return {
            "mediaType": "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
            "tlogs": [{"baseUrl": "http://127.0.0.1:1", "hashAlgorithm": "SHA2_256",
                       "publicKey": {"rawBytes": b64(spki_der(self.log_key.public_key())),
                                     "keyDetails": "PKIX_ECDSA_P256_SHA_256", "validFor": {"start": start}},
                       "logId": {"keyId": b64(self.log_id)}}],
            "certificateAuthorities": [{"subject": {"organization": "cli-hostile", "commonName": "Hostile Root"},
                                        "uri": "http://127.0.0.1:1",
                                        "certChain": {"certificates": [{"rawBytes": b64(c)} for c in chain]},
                                        "validFor": {"start": start}}],
            "ctlogs": [{"baseUrl": "http://127.0.0.1:1", "hashAlgorithm": "SHA2_256",
                        "publicKey": {"rawBytes": b64(spki_der(self.ct_key.public_key())),
                                      "keyDetails": "PKIX_ECDSA_P256_SHA_256", "validFor": {"start": start}},
                        "logId": {"keyId": b64(self.ct_id)}}],
            "timestampAuthorities": [],
        }

    def leaf_tbs(self, sans=None, issuer="https://issuer.example", san_raw=None, issuer_v1_raw=None, serial=None,
                 extra=(), issuer_name=None, issuer_key=None, not_before=None, not_after=None):
        """The TBSCertificate of a Fulcio-style leaf, without its SCT extension."""
        b = (x509.CertificateBuilder().subject_name(x509.Name([])).issuer_name(issuer_name or self.root_name)
             .public_key(self.signer.public_key()).serial_number(serial or random.getrandbits(120))
             .not_valid_before(not_before or self.now - datetime.timedelta(minutes=1))
             .not_valid_after(not_after or self.now + datetime.timedelta(minutes=9))
             .add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False, False), critical=True)
             .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CODE_SIGNING]), critical=False)
             .add_extension(x509.SubjectKeyIdentifier.from_public_key(self.signer.public_key()), critical=False)
             .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                 (issuer_key or self.root_key).public_key()), critical=False))
        if san_raw is not None:
            b = b.add_extension(x509.UnrecognizedExtension(x509.ObjectIdentifier("2.5.29.17"), san_raw), critical=True)
        else:
            b = b.add_extension(x509.SubjectAlternativeName(sans or [x509.RFC822Name("alice@example.com")]), critical=True)
        v1 = issuer_v1_raw if issuer_v1_raw is not None else issuer.encode()
        b = b.add_extension(x509.UnrecognizedExtension(x509.ObjectIdentifier(ISSUER_V1_OID), v1), critical=False)
        b = b.add_extension(x509.UnrecognizedExtension(x509.ObjectIdentifier(ISSUER_V2_OID),
                                                       tlv(0x0c, issuer.encode())), critical=False)
        for oid, value in extra:
            b = b.add_extension(x509.UnrecognizedExtension(x509.ObjectIdentifier(oid), value), critical=False)
        return b.sign(issuer_key or self.root_key, hashes.SHA256()).tbs_certificate_bytes

    def sct_list(self, tbs, issuer_key=None, count=1, ext=b""):
        ikh = hashlib.sha256(spki_der((issuer_key or self.root_key).public_key())).digest()
        ts = int((self.now.timestamp()) * 1000)
        signed = (b"\x00\x00" + ts.to_bytes(8, "big") + b"\x00\x01" + ikh + len(tbs).to_bytes(3, "big") + tbs
                  + len(ext).to_bytes(2, "big") + ext)
        sig = self.ct_key.sign(signed, ec.ECDSA(hashes.SHA256()))
        sct = (b"\x00" + self.ct_id + ts.to_bytes(8, "big") + len(ext).to_bytes(2, "big") + ext + b"\x04\x03"
               + len(sig).to_bytes(2, "big") + sig)
        items = (len(sct).to_bytes(2, "big") + sct) * count
        return len(items).to_bytes(2, "big") + items

    def finish(self, tbs, sct=True, sct_list=None, issuer_key=None):
        """The certificate: tbs plus its SCT extension, signed by the root (or issuer_key)."""
        kids = seq_children(tbs)
        if sct:
            lst = sct_list if sct_list is not None else self.sct_list(tbs, issuer_key)
            ext = tlv(0x30, der_oid(SCT_OID) + tlv(0x04, tlv(0x04, lst)))
            for i, k in enumerate(kids):
                if k[0] == 0xa3:
                    _, cs, e = parse_tlv(k)
                    inner = seq_children(k[cs:e])           # the extensions SEQUENCE inside [3]
                    kids[i] = tlv(0xa3, tlv(0x30, b"".join(inner) + ext))
        tbs2 = tlv(0x30, b"".join(kids))
        key = issuer_key or self.root_key
        sig = key.sign(tbs2, ec.ECDSA(hashes.SHA256()))
        alg = tlv(0x30, der_oid("1.2.840.10045.4.3.2"))
        return tlv(0x30, tbs2 + alg + tlv(0x03, b"\x00" + sig))

    def cert(self, **kw):
        return self.finish(self.leaf_tbs(**kw))

    def note(self, size, root, origin="hostile-log", extra_lines="", sign=True, key=None):
        body = f"{origin}\n{size}\n{b64(root)}\n{extra_lines}"
        sig = (key or self.log_key).sign(body.encode(), ec.ECDSA(hashes.SHA256())) if sign else b"\x00" * 70
        return body + "\n\u2014 " + origin + " " + b64(self.log_id[:4] + sig) + "\n"

    def bundle(self, cert_der, artifact, integrated_time=None, log_index=0, note=None, chain=None, media="v0.3",
               sign_set=True, tree_size=1, hashes_=None, root=None):
        digest = hashlib.sha256(artifact).digest()
        sig = self.signer.sign(artifact, ec.ECDSA(hashes.SHA256()))
        pem = b"-----BEGIN CERTIFICATE-----\n" + base64.encodebytes(cert_der) + b"-----END CERTIFICATE-----\n"
        body = canonical({"apiVersion": "0.0.1", "kind": "hashedrekord", "spec": {
            "data": {"hash": {"algorithm": "sha256", "value": digest.hex()}},
            "signature": {"content": b64(sig), "publicKey": {"content": b64(pem)}}}})
        t = int(self.now.timestamp()) if integrated_time is None else integrated_time
        setp = canonical({"body": b64(body), "integratedTime": t, "logID": self.log_id.hex(), "logIndex": log_index})
        set_sig = self.log_key.sign(setp, ec.ECDSA(hashes.SHA256())) if sign_set else b"\x30\x00"
        leaf = hashlib.sha256(b"\x00" + body).digest()
        root = root or leaf
        entry = {"logIndex": str(log_index), "logId": {"keyId": b64(self.log_id)},
                 "kindVersion": {"kind": "hashedrekord", "version": "0.0.1"}, "integratedTime": str(t),
                 "inclusionPromise": {"signedEntryTimestamp": b64(set_sig)},
                 "inclusionProof": {"logIndex": str(log_index), "rootHash": b64(root), "treeSize": str(tree_size),
                                    "hashes": hashes_ or [],
                                    "checkpoint": {"envelope": note if note is not None else self.note(tree_size, root)}},
                 "canonicalizedBody": b64(body)}
        vm = {"tlogEntries": [entry]}
        if media == "v0.1":
            vm["x509CertificateChain"] = {"certificates": [{"rawBytes": b64(c)} for c in ([cert_der] + (chain or []))]}
            mt = "application/vnd.dev.sigstore.bundle+json;version=0.1"
        else:
            vm["certificate"] = {"rawBytes": b64(cert_der)}
            mt = "application/vnd.dev.sigstore.bundle.v0.3+json"
        return {"mediaType": mt, "verificationMaterial": vm,
                "messageSignature": {"messageDigest": {"algorithm": "SHA2_256", "digest": b64(digest)}, "signature": b64(sig)}}


# ---------------------------------------------------------------------------------------------------
# Small HTTP servers that misbehave (for the log, trust-instance and signing commands)

class FakeServer:
    """A loopback TCP server. mode: 'silent' (accepts, never answers), 'nonhttp', 'garbage' (200 with
    invalid JSON), 'huge' (200 with a 100 MB body), 'slow' (a byte a second), 'reset', 'redirect'
    (to itself), 'status500', or a dict path -> (status, body bytes) with '*' as fallback."""

    def __init__(self, mode):
        self.mode = mode
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.held, self.requests, self.stop = [], [], False
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while not self.stop:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(c,), daemon=True).start()

    def _handle(self, c):
        try:
            c.settimeout(60)
            data = b""
            while b"\r\n\r\n" not in data and len(data) < 1 << 20:
                d = c.recv(65536)
                if not d:
                    break
                data += d
            line = data.split(b"\r\n", 1)[0].decode(errors="replace")
            self.requests.append(line)
            m = self.mode
            if m == "silent":
                self.held.append(c)
                return
            if m == "nonhttp":
                c.sendall(b"SSH-2.0-OpenSSH_9.6\r\n")
            elif m == "garbage":
                c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: 11\r\n\r\n{\"a\": [1, }")
            elif m == "huge":
                c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
                chunk = b"[" * 65536
                for _ in range(1600):       # 100 MiB
                    c.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
            elif m == "slow":
                for byte in b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}":
                    c.sendall(bytes([byte]))
                    time.sleep(1)
            elif m == "reset":
                c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            elif m == "redirect":
                c.sendall(b"HTTP/1.1 302 Found\r\nLocation: " + self.url.encode() + line.split(" ")[1].encode()
                          + b"\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
            elif m == "status500":
                c.sendall(b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/html\r\nConnection: close\r\nContent-Length: 5\r\n\r\n<oops")
            elif isinstance(m, dict):
                path = line.split(" ")[1] if " " in line else "/"
                status, body = m.get(path.split("?")[0], m.get("*", (404, b"{}")))
                if callable(body):
                    body = body(path)
                c.sendall(b"HTTP/1.1 %d X\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: %d\r\n\r\n"
                          % (status, len(body)) + body)
            c.close()
        except Exception:
            try:
                c.close()
            except Exception:
                pass

    def close(self):
        self.stop = True
        try:
            self.sock.close()
        except Exception:
            pass
        for c in self.held:
            try:
                c.close()
            except Exception:
                pass


def get_json(url, form=None):
    import urllib.parse, urllib.request
    data = urllib.parse.urlencode(form).encode() if form else None
    with urllib.request.urlopen(url, data=data, timeout=10) as r:
        return json.loads(r.read())


# ---------------------------------------------------------------------------------------------------
# The sweep

class Sweep:
    def __init__(self, args):
        self.a = args
        self.tc = os.path.join(WORK, "trust_config.json")
        shutil.copy(args.trust_config, self.tc)
        self.tcdoc = json.load(open(self.tc))
        self.tr = wj("trusted_root.json", self.tcdoc["trustedRoot"])
        self.issuer = args.oidc
        self.ident = ["--certificate-identity", "a@example.com", "--certificate-oidc-issuer", self.issuer]
        self.art = w("art.txt", b"hello hostile world\n")
        self.art_bytes = b"hello hostile world\n"
        self.data = os.path.dirname(os.path.abspath(args.trust_config))
        self.tuf_root = os.path.join(self.data, "tuf", "repository", "1.root.json")
        self.tuf_url = args.log.rstrip("/") + "/tuf"

    # -- material -------------------------------------------------------------------------------------

    def setup(self):
        tok = get_json(self.a.oidc + "/token", {"subject": "a@example.com", "email": "a@example.com"})["id_token"]
        self.token = tok
        self.other_aud_token = get_json(self.a.oidc + "/token", {"subject": "a@example.com", "email": "a@example.com",
                                                                 "audience": "not-sigstore"})["id_token"]
        SECRETS[self.other_aud_token] = "identity token (other audience)"
        SECRETS[tok] = "identity token"
        SECRETS[tok.split(".")[2]] = "identity token signature"
        self.password = "pw-" + os.urandom(9).hex()
        SECRETS[self.password] = "key password"
        v = ["--trust-config", self.tc]
        check("setup: sign-blob (Rekor v1)", ["sign-blob", "art.txt", "--identity-token", tok, "--bundle", "b1.json",
                                              "--rekor-version", "1"] + v, want="ok")
        check("setup: sign-blob (Rekor v2)", ["sign-blob", "art.txt", "--identity-token", tok, "--bundle", "b2.json",
                                              "--rekor-version", "2"] + v, want="ok")
        r = check("setup: generate-key-pair", ["generate-key-pair", "--output-key-prefix", "k"],
                  env={"SIGIL_PASSWORD": self.password}, want="ok")
        mode = stat.S_IMODE(os.stat(os.path.join(WORK, "k.key")).st_mode)
        report(mode == 0o600, "generate-key-pair writes the private key 0600", f"mode {oct(mode)}")
        enc = open(os.path.join(WORK, "k.key"), "rb").read()
        key = serialization.load_pem_private_key(enc, self.password.encode())
        plain = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption())
        for text, what in ((enc, "encrypted private key PEM"), (plain, "private key PEM")):
            for line in text.decode().splitlines():
                if len(line) >= 40 and not line.startswith("-----"):
                    SECRETS[line] = what
        SECRETS[format(key.private_numbers().private_value, "x")] = "private key scalar (hex)"
        self.key = key
        self.plain_pem = plain
        pw = {"SIGIL_PASSWORD": self.password}
        check("setup: sign-blob --key (v1)", ["sign-blob", "art.txt", "--key", "k.key", "--bundle", "bk1.json",
                                              "--rekor-version", "1"] + v, env=pw, want="ok")
        check("setup: sign-blob --key (v2)", ["sign-blob", "art.txt", "--key", "k.key", "--bundle", "bk2.json",
                                              "--rekor-version", "2"] + v, env=pw, want="ok")
        w("pred.json", json.dumps({"builder": {"id": "x"}, "n": 1}))
        check("setup: attest (v1)", ["attest", "art.txt", "--predicate", "pred.json", "--identity-token", tok,
                                     "--bundle", "att1.json", "--rekor-version", "1"] + v, want="ok")
        check("setup: attest (v2)", ["attest", "art.txt", "--predicate", "pred.json", "--identity-token", tok,
                                     "--bundle", "att2.json", "--rekor-version", "2"] + v, want="ok")
        self.bundles = {n: json.load(open(os.path.join(WORK, n + ".json"))) for n in ("b1", "b2", "bk1", "bk2", "att1", "att2")}
        global SLOW
        times = sorted(sigil(self.vblob("b1.json")).secs for _ in range(3))
        SLOW = times[1] > 0.045 or os.environ.get("SWEEP_SAMPLE") == "1"
        print(f"INFO verify-blob takes {times[1]:.3f}s here" + ("; a slow (debug) build: the large loops take samples" if SLOW else ""),
              flush=True)
        for n in ("b1", "b2"):
            check(f"baseline: verify-blob {n}", ["verify-blob", "art.txt", "--bundle", n + ".json"] + v + self.ident, want="ok")
            check(f"baseline: verify-bundle {n}", self.vb(n + ".json"), want="ok")
        for n in ("bk1", "bk2"):
            check(f"baseline: verify-blob {n} --key", ["verify-blob", "art.txt", "--bundle", n + ".json", "--key", "k.pub"] + v,
                  want="ok")
        for n in ("att1", "att2"):
            check(f"baseline: verify-attestation {n}", self.va(n + ".json"), want="ok")
        # the private PKI
        self.pki = PKI()
        self.proot = wj("forged/root.json", self.pki.trusted_root())
        self.pident = ["--certificate-identity", "alice@example.com", "--certificate-oidc-issuer", "https://issuer.example"]
        wj("forged/b.json", self.pki.bundle(self.pki.cert(), self.art_bytes))
        check("baseline: a bundle from this sweep's own PKI verifies against its trusted root",
              self.vp("forged/b.json"), want="ok")

    def vblob(self, bundle, key=False, extra=()):
        base = ["verify-blob", "art.txt", "--bundle", bundle, "--trust-config", self.tc]
        return base + (["--key", "k.pub"] if key else self.ident) + list(extra)

    def vb(self, bundle, key=False):
        return (["verify-bundle", "--bundle", bundle, "--trusted-root", self.tr] +
                (["--key", "k.pub"] if key else self.ident) + ["art.txt"])

    def va(self, bundle, extra=()):
        return ["verify-attestation", "art.txt", "--bundle", bundle, "--trust-config", self.tc] + self.ident + list(extra)

    def vp(self, bundle, ident=None, extra=(), cmd="verify-blob"):
        """Verify against the private PKI."""
        if cmd == "verify-bundle":
            return ["verify-bundle", "--bundle", bundle, "--trusted-root", self.proot] + (ident or self.pident) + ["art.txt"]
        return [cmd, "art.txt", "--bundle", bundle, "--trust-config", self.proot] + (ident or self.pident) + list(extra)

    def verifier_for(self, name):
        """(argv builder) for a stored bundle name."""
        if name.startswith("att"):
            return lambda p: self.va(p)
        if name.startswith("bk"):
            return lambda p: self.vblob(p, key=True)
        return lambda p: self.vblob(p)

    # -- bundle files -----------------------------------------------------------------------------------

    def bundle_files(self):
        good = os.path.join(WORK, "b1.json")
        sparse = os.path.join(WORK, "files/sparse-200M.json")
        os.makedirs(os.path.dirname(sparse), exist_ok=True)
        with open(sparse, "wb") as f:
            f.truncate(200 << 20)
        big = w("files/big-70M.json", b'{"mediaType": "' + b"x" * (70 << 20) + b'"}')
        os.makedirs(os.path.join(WORK, "files/dir"), exist_ok=True)
        w("files/empty.json", b"")
        cases = [("missing file", "files/does-not-exist.json"), ("directory", "files/dir"), ("empty file", "files/empty.json"),
                 ("/dev/null", "/dev/null"), ("/dev/zero", "/dev/zero"), ("200 MB sparse file", sparse),
                 ("70 MB file", big), ("/proc/self/mem", "/proc/self/mem")]
        for cmd, mk in (("verify-blob", lambda p: self.vblob(p)), ("verify-bundle", lambda p: self.vb(p)),
                        ("verify-attestation", lambda p: self.va(p))):
            g = Group(f"{cmd}: bundle path is a missing file, a directory, /dev/zero, 200 MB, ...")
            for label, p in cases:
                g.run(label, mk(p), max_secs=10)
            g.done()
        os.remove(big)
        # other file arguments
        g = Group("verify-blob: artifact / --trust-config / --key paths that are directories, missing, /dev/null, 200 MB")
        for label, p in (("missing", "files/nope"), ("directory", "files/dir"), ("/dev/null", "/dev/null"),
                         ("200 MB sparse", sparse), ("/dev/zero", "/dev/zero")):
            if label != "/dev/zero":
                g.run("artifact " + label, ["verify-blob", p, "--bundle", "b1.json", "--trust-config", self.tc] + self.ident)
            g.run("--trust-config " + label, ["verify-blob", "art.txt", "--bundle", "b1.json", "--trust-config", p] + self.ident,
                  max_secs=10)
            g.run("--trusted-root " + label, ["verify-blob", "art.txt", "--bundle", "b1.json", "--trusted-root", p] + self.ident,
                  max_secs=10)
            g.run("--key " + label, ["verify-blob", "art.txt", "--bundle", "bk1.json", "--trust-config", self.tc, "--key", p],
                  max_secs=10)
            g.run("--policy " + label, self.va("att1.json", ["--policy", p]), max_secs=10)
            g.run("attest --predicate " + label, ["attest", "art.txt", "--predicate", p, "--trust-config", self.tc,
                                                  "--identity-token", self.token, "--bundle", "files/out.json"], max_secs=10)
        g.done()
        # a FIFO with a writer works like a file (process substitution); one without a writer blocks in open(2)
        fifo = os.path.join(WORK, "files/fifo")
        if not os.path.exists(fifo):
            os.mkfifo(fifo)

        def feed():
            with open(fifo, "wb") as f:
                f.write(open(good, "rb").read())
        t = threading.Thread(target=feed, daemon=True)
        t.start()
        check("verify-blob: bundle from a FIFO with a writer (process substitution) verifies", self.vblob(fifo), want="ok")
        t.join(1)
        r = sigil(self.vblob(fifo), timeout=3)
        print(f"INFO verify-blob --bundle FIFO-without-writer blocks in open(2) like cat does "
              f"({'still waiting after 3s' if r.hung else r.summary()}); not counted")
        # an unreadable file: as root, run as nobody on a copy in a world-readable folder
        if os.geteuid() == 0:
            import tempfile
            d = tempfile.mkdtemp(prefix="sigil-perm-")
            os.chmod(d, 0o755)
            for f in ("art.txt", "b1.json", "trust_config.json"):
                shutil.copy(os.path.join(WORK, f), d)
                os.chmod(os.path.join(d, f), 0o644)
            os.chmod(os.path.join(d, "b1.json"), 0)
            r = sigil(["verify-blob", "art.txt", "--bundle", "b1.json", "--trust-config", "trust_config.json"] + self.ident,
                      cwd=d, as_nobody=True)
            p = problems(r)
            report(not p, "verify-blob: unreadable bundle (mode 000, run as nobody)", "; ".join(p) or r.summary())
            os.chmod(os.path.join(d, "b1.json"), 0o644)
            os.chmod(os.path.join(d, "trust_config.json"), 0)
            r = sigil(["verify-blob", "art.txt", "--bundle", "b1.json", "--trust-config", "trust_config.json"] + self.ident,
                      cwd=d, as_nobody=True)
            p = problems(r)
            report(not p, "verify-blob: unreadable trust config (mode 000, run as nobody)", "; ".join(p) or r.summary())
            shutil.rmtree(d)
        else:
            p = w("files/noperm.json", open(good, "rb").read())
            os.chmod(p, 0)
            check("verify-blob: unreadable bundle (mode 000)", self.vblob(p))
        r = sigil(["verify-blob", "/dev/zero", "--bundle", "b1.json", "--trust-config", self.tc] + self.ident, timeout=3)
        print(f"INFO verify-blob /dev/zero (an endless artifact) hashes until killed "
              f"({'still running after 3s' if r.hung else r.summary()}); not counted")

    # -- bundle JSON ----------------------------------------------------------------------------------

    def bundle_json(self):
        for name in ("b1", "b2", "bk1", "att1", "att2"):
            doc = self.bundles[name]
            text = open(os.path.join(WORK, name + ".json"), "rb").read()
            mk = self.verifier_for(name)
            g = Group(f"{name}: truncated at sampled byte offsets")
            body = text.rstrip()
            cuts = sample(sorted(set([1, 2, len(body) - 1] + random.sample(range(1, len(body)), 20 if name == "b1" else 8))), 6)
            for i, cut in enumerate(cuts):
                p = w(f"mut/{name}-trunc-{cut}.json", text[:cut])
                g.run(f"cut {cut}", mk(p))
            if name == "b1":
                for cut in cuts[::4]:
                    g.run(f"verify-bundle cut {cut}", self.vb(f"mut/{name}-trunc-{cut}.json"))
            g.done()
            g = Group(f"{name}: each field deleted / null / mistyped / empty / bad base64")
            kinds = MUTATIONS if name == "b1" else MUTATIONS[:3] + MUTATIONS[5:6]
            for path in paths_of(doc):
                orig = get_path(doc, path)
                for kind, value, delete in (kinds if not SLOW else kinds[:2] + kinds[5:6]):
                    if not delete and value == orig:
                        continue
                    m = set_path(doc, path, value, delete)
                    p = wj(f"mut/{name}-{dotted(path)}-{kind}.json", m)
                    optional = (path[-1] in ("messageDigest", "hint") or
                                (name.startswith("bk") and path == ("verificationMaterial", "publicKey")) or
                                (path[-1] == "integratedTime" and "inclusionPromise" not in get_path(doc, path[:-1])))
                    want = "any" if optional or equivalent(orig, value, kind) else "reject"
                    g.run(f"{dotted(path)} {kind}", mk(p), want=want)
            g.done()
        # the 10 MB string in every string field of b1 (and of the attestation's envelope)
        for name in ("b1", "att1")[:1 if SLOW else 2]:
            doc = self.bundles[name]
            mk = self.verifier_for(name)
            g = Group(f"{name}: a 10 MB string in each string field (error stays short)")
            huge = "A" * (10 << 20)
            for path in sample(paths_of(doc), 8):
                if isinstance(get_path(doc, path), str):
                    p = wj(f"mut/{name}-huge.json", set_path(doc, path, huge))
                    keep = lambda path=path, p=p: shutil.copy(p, p.replace("-huge.json", f"-huge-{dotted(path)}.json"))
                    g.run(f"{dotted(path)}", mk(p), keep=keep, max_secs=10)
            g.done()
            os.remove(os.path.join(WORK, f"mut/{name}-huge.json"))
        # raw text cases
        text = open(os.path.join(WORK, "b1.json"), "rb").read()
        doc = self.bundles["b1"]
        bad_sig = dict(doc["messageSignature"], signature=flip_b64(doc["messageSignature"]["signature"], 10))
        raw = {
            "deep-array-100k": b"[" * 100000,
            "deep-object-100k": b'{"a":' * 100000,
            "deep-array-closed-10k": b"[" * 10000 + b"]" * 10000,
            "deep-in-field": text.replace(b'"messageSignature"', b'"x": ' + b"[" * 100000 + b"]" * 100000 + b', "messageSignature"', 1),
            "duplicate-key-tampered-first": text.replace(b'"messageSignature"', b'"messageSignature": ' + json.dumps(bad_sig).encode()
                                                         + b', "messageSignature"', 1),
            "duplicate-key-tampered-last": text.rstrip()[:-1] + b', "messageSignature": ' + json.dumps(bad_sig).encode() + b"}",
            "duplicate-mediaType": text.replace(b'"mediaType"', b'"mediaType": "x", "mediaType"', 1),
            "invalid-utf8-in-value": text.replace(b"application/vnd", b"appl\xffication/vnd", 1),
            "invalid-utf8-in-key": text.replace(b'"mediaType"', b'"media\xc3Type"', 1),
            "overlong-utf8": text.replace(b"application/vnd", b"applic\xc1\x81tion/vnd", 1),
            "utf8-bom": b"\xef\xbb\xbf" + text,
            "utf16": text.decode().encode("utf-16"),
            "trailing-garbage": text + b" x",
            "trailing-nul": text + b"\x00",
            "nul-in-string": text.replace(b"application/vnd", b"application\\u0000/vnd", 1),
            "lone-surrogate": text.replace(b'"mediaType"', b'"x": "\\ud800", "mediaType"', 1),
            "top-level-array": b"[]", "top-level-string": b'"x"', "top-level-number": b"1" * 100000, "top-level-null": b"null",
            "number-1e999": re.sub(rb'"logIndex": ?"[0-9]+"', b'"logIndex": 1e999', text, count=1),
            "number-1000-digits": re.sub(rb'"logIndex": ?"[0-9]+"', b'"logIndex": ' + b"9" * 1000, text, count=1),
            "number-minus-zero-exp": re.sub(rb'"logIndex": ?"[0-9]+"', b'"logIndex": -0e5', text, count=1),
            "unknown-field": text.rstrip()[:-1] + b', "unknownField": 1}',
            "100k-unknown-fields": text.rstrip()[:-1] + b"".join(b', "u%d": 1' % i for i in range(100000)) + b"}",
            "100k-tlog-entries": json.dumps(set_path(doc, ("verificationMaterial", "tlogEntries"),
                                                     doc["verificationMaterial"]["tlogEntries"] * 100000)).encode(),
        }
        g = Group("b1: raw-text hostile bundles (nesting, duplicates, UTF-8, BOM, numbers, 100k entries)")
        for label, data in raw.items():
            p = w(f"mut/b1-raw-{label}.json", data)
            g.run(label, self.vblob(p), max_secs=10)
            if label.startswith("deep") or label.startswith("duplicate"):
                g.run("verify-bundle " + label, self.vb(p), max_secs=10)
                g.run("verify-attestation " + label, self.va(p), max_secs=10)
        g.done()
        for label in ("100k-tlog-entries", "100k-unknown-fields", "deep-in-field"):
            if not any(label in k for k in g.bad):
                os.remove(os.path.join(WORK, f"mut/b1-raw-{label}.json"))
        # numbers at the edges in each integer field of a Rekor v1 entry
        g = Group("b1: integer fields at the edges (-1, 0, 2^63-1, 2^63, 2^64, 1e308, '0x10', ' 5')")
        e = ("verificationMaterial", "tlogEntries", 0)
        for field in (e + ("logIndex",), e + ("inclusionProof", "logIndex"), e + ("inclusionProof", "treeSize"),
                      e + ("integratedTime",)):
            for v in sample((-1, "-1", 0, "0", 2**63 - 1, str(2**63 - 1), str(2**63 - 2), str(2**63 - 300), str(2**63 - 600),
                             2**63, str(2**63), 2**64, str(2**64 - 1), 1e308, 1.5, "1e3", "0x10", " 5", "+5", "05", ""), 10):
                p = wj(f"mut/b1-num-{dotted(field[3:])}-{v}.json", set_path(doc, field, v))
                same = str(v) == str(get_path(doc, field))
                g.run(f"{dotted(field[3:])}={v!r}", self.vblob(p), want="any" if same else "reject")
        g.done()
        # hostile base64 in each base64 field
        g = Group("b1/b2: hostile base64 (no padding, url-safe, whitespace, 1 byte, bad padding) in each base64 field")
        for name in ("b1", "b2")[:1 if SLOW else 2]:
            d = self.bundles[name]
            for path in paths_of(d):
                v = get_path(d, path)
                if not isinstance(v, str) or len(v) < 16 or not re.fullmatch(r"[A-Za-z0-9+/=]+", v):
                    continue
                for label, bad in (("unpadded", v.rstrip("=")[:-1]), ("urlsafe", v.replace("+", "-").replace("/", "_") + "-_"),
                                   ("inner-space", v[:8] + " " + v[8:]), ("newline", v[:8] + "\n" + v[8:]),
                                   ("one-char", "A"), ("padding-only", "===="), ("extra-padding", v + "=="),
                                   ("garbage-bytes", b64(os.urandom(40)))):
                    if bad == v:
                        continue
                    p = wj(f"mut/{name}-b64-{dotted(path)}-{label}.json", set_path(d, path, bad))
                    g.run(f"{name} {dotted(path)} {label}", self.vblob(p),
                          want="any" if label in ("inner-space", "newline") else "reject")
        g.done()

    # -- certificates (through the private PKI) ------------------------------------------------------

    def with_cert(self, der, name, **kw):
        return wj(f"certs/{name}.json", self.pki.bundle(der, self.art_bytes, **kw))

    def certificates(self):
        pki = self.pki
        good = pki.cert()
        g = Group("certificate DER truncated at sampled byte offsets (private PKI bundle)")
        for cut in sample(sorted(set([0, 1, 2, 3, 4, len(good) - 1] + random.sample(range(5, len(good) - 1), 30))), 12):
            g.run(f"cut {cut}", self.vp(self.with_cert(good[:cut], f"trunc-{cut}")))
        g.done()
        g = Group("certificate DER with single bytes changed (private PKI bundle)")
        for pos in random.sample(range(len(good)), 12 if SLOW else 30):
            bad = bytearray(good)
            bad[pos] ^= random.choice([0x01, 0x80, 0xff])
            g.run(f"byte {pos}", self.vp(self.with_cert(bytes(bad), f"flip-{pos}")))
        g.done()
        nested = b"\x05\x00"
        for _ in range(100000):
            nested = tlv(0x30, nested)
        garbage = {"empty": b"", "random-1k": os.urandom(1024), "length-4GiB": b"\x30\x84\xff\xff\xff\xff" + b"\x00" * 16,
                   "length-9-bytes": b"\x30\x89\x01" + b"\x00" * 8 + b"\x00" * 8, "indefinite-BER": b"\x30\x80" + good[4:] + b"\x00\x00",
                   "nested-100k": nested, "huge-integer": tlv(0x30, tlv(0x30, tlv(0x02, b"\x01" * 100000))),
                   "trailing-bytes": good + b"\x00\x00", "two-certs-concatenated": good + good,
                   "pem-text-in-rawBytes": b"-----BEGIN CERTIFICATE-----\n" + base64.encodebytes(good) + b"-----END CERTIFICATE-----\n"}
        g = Group("certificate rawBytes that are garbage, nested 100,000 deep, 4 GiB lengths, BER, two certificates")
        for label, der in garbage.items():
            p = self.with_cert(der, "garbage-" + label)
            g.run(label, self.vp(p), max_secs=10)
            g.run("verify-bundle " + label, self.vp(p, cmd="verify-bundle"), max_secs=10)
        g.done()
        # extreme SANs
        long_email = "a" * 100000 + "@example.com"
        p = self.with_cert(pki.cert(sans=[x509.RFC822Name(long_email)]), "san-100k")
        check("a 100 kB SAN: another identity is refused", self.vp(p), max_secs=10)
        check("a 100 kB SAN: the exact 100 kB identity verifies", self.vp(p, ["--certificate-identity", long_email,
              "--certificate-oidc-issuer", "https://issuer.example"]), want="ok", max_secs=10)
        sans = [x509.RFC822Name(f"u{i}@example.com") for i in range(10000)]
        p = self.with_cert(pki.cert(sans=sans), "san-10k")
        check("10,000 SANs: an identity not among them is refused", self.vp(p), max_secs=10)
        check("10,000 SANs: the last one verifies", self.vp(p, ["--certificate-identity", "u9999@example.com",
              "--certificate-oidc-issuer", "https://issuer.example"]), want="ok", max_secs=10)
        check("10,000 SANs: a regexp with alternation '^(u|u[0-9]|[0-9]+)+x$' ends in 10 s",
              self.vp(p, ["--certificate-identity-regexp", "^(u|u[0-9]|[0-9]+)+x$", "--certificate-oidc-issuer",
                          "https://issuer.example"]), want="reject", max_secs=10)
        # catastrophic backtracking: the SAN (and the issuer) are chosen by whoever signs
        for n in (12, 16):
            p = self.with_cert(pki.cert(sans=[x509.RFC822Name("a" * n + "!@example.com")]), f"san-redos-{n}")
            r = sigil(self.vp(p, ["--certificate-identity-regexp", "(a+)+$", "--certificate-oidc-issuer", "https://issuer.example"]),
                      timeout=10)
            print(f"INFO --certificate-identity-regexp '(a+)+$' against a SAN of {n} a's then '!': "
                  + ("killed after 10 s" if r.hung else f"exit {r.rc} in {r.secs:.2f}s"), flush=True)
        p = self.with_cert(pki.cert(sans=[x509.RFC822Name("a" * 24 + "!@example.com")]), "san-redos")
        check("--certificate-identity-regexp '(a+)+$' against a SAN of 24 a's then '!' ends in 10 s",
              self.vp(p, ["--certificate-identity-regexp", "(a+)+$", "--certificate-oidc-issuer", "https://issuer.example"]),
              want="any", timeout=10, max_secs=10)
        p = self.with_cert(pki.cert(issuer="https://" + "a" * 24 + "!.example"), "issuer-redos")
        check("--certificate-oidc-issuer-regexp '(a+)+$' against an issuer with 24 a's then '!' ends in 10 s",
              self.vp(p, ["--certificate-identity", "alice@example.com", "--certificate-oidc-issuer-regexp", "(a+)+$"]),
              want="any", timeout=10, max_secs=10)
        # chains: 100 certificates, a loop
        keys = [pki.root_key]
        certs = [pki.root]
        for i in range(99):
            k = ec.generate_private_key(ec.SECP256R1())
            nm = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"Intermediate {i}")])
            c = (x509.CertificateBuilder().subject_name(nm).issuer_name(certs[-1].subject).public_key(k.public_key())
                 .serial_number(i + 2).not_valid_before(pki.now - datetime.timedelta(days=1))
                 .not_valid_after(pki.now + datetime.timedelta(days=30))
                 .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                 .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
                 .add_extension(x509.SubjectKeyIdentifier.from_public_key(k.public_key()), critical=False)
                 .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(keys[-1].public_key()), critical=False)
                 .sign(keys[-1], hashes.SHA256()))
            keys.append(k)
            certs.append(c)
        ders = [c.public_bytes(serialization.Encoding.DER) for c in certs]
        leaf = pki.finish(pki.leaf_tbs(issuer_name=certs[-1].subject, issuer_key=keys[-1]), issuer_key=keys[-1])
        root100 = wj("certs/root-chain-100.json", pki.trusted_root(list(reversed(ders))))
        p = wj("certs/leaf-under-99-intermediates.json", pki.bundle(leaf, self.art_bytes))
        check("a trusted root whose CA chain has 100 certificates: ends in 10 s",
              ["verify-blob", "art.txt", "--bundle", p, "--trust-config", root100] + self.pident, want="any", max_secs=10)
        p = wj("certs/v01-chain-100.json", pki.bundle(pki.cert(), self.art_bytes, media="v0.1", chain=ders * 1))
        check("a v0.1 bundle whose x509CertificateChain has 101 certificates: ends in 10 s", self.vp(p), want="any", max_secs=10)
        p = wj("certs/v01-chain-10k.json", pki.bundle(pki.cert(), self.art_bytes, media="v0.1", chain=ders * 100))
        check("a v0.1 bundle whose x509CertificateChain has 10,001 certificates: ends in 10 s", self.vp(p), want="any",
              max_secs=10)
        ka, kb = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
        na = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Loop A")])
        nb = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Loop B")])

        def ca(subject, issuer, key, signer):
            return (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(key.public_key())
                    .serial_number(random.getrandbits(64)).not_valid_before(pki.now - datetime.timedelta(days=1))
                    .not_valid_after(pki.now + datetime.timedelta(days=30))
                    .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                    .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
                    .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
                    .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(signer.public_key()), critical=False)
                    .sign(signer, hashes.SHA256())).public_bytes(serialization.Encoding.DER)
        loop_root = wj("certs/root-loop.json", pki.trusted_root([ca(na, nb, ka, kb), ca(nb, na, kb, ka)]))
        leaf = pki.finish(pki.leaf_tbs(issuer_name=na, issuer_key=ka), issuer_key=ka)
        p = wj("certs/leaf-under-loop.json", pki.bundle(leaf, self.art_bytes))
        check("a trusted root whose two CAs certify each other (a loop, no self-signed root): ends in 10 s",
              ["verify-blob", "art.txt", "--bundle", p, "--trust-config", loop_root] + self.pident, want="any", max_secs=10)
        # serials and times, edited in the TBS (the SCT and the signature are made over the edited TBS)

        def edited(kid, new):
            kids = seq_children(pki.leaf_tbs())
            kids[kid] = new
            return pki.finish(tlv(0x30, b"".join(kids)))
        g = Group("serial numbers -1, 0, 64 bytes, 200 bytes, non-minimal encoding")
        for label, enc in (("-1", der_int(-1)), ("0", der_int(0)), ("-2^160", der_int(-(2**160))),
                           ("64-bytes", der_int(2**511)), ("200-bytes", der_int(2**1599)),
                           ("non-minimal", tlv(0x02, b"\x00\x00\x01")), ("empty", tlv(0x02, b""))):
            g.run(label, self.vp(self.with_cert(edited(1, enc), "serial-" + label)), want="any")
        g.done()
        def validity(nb, na):
            return tlv(0x30, nb + na)
        ut = lambda s: tlv(0x17, s.encode())
        gt = lambda s: tlv(0x18, s.encode())
        y = pki.now.strftime("%y%m%d")
        before = (pki.now - datetime.timedelta(minutes=1)).strftime("%y%m%d%H%M%SZ")
        after = (pki.now + datetime.timedelta(minutes=9)).strftime("%y%m%d%H%M%SZ")
        times = {"month-13": (ut(y[:2] + "1301000000Z"), ut(after)), "no-Z": (ut(before[:-1]), ut(after)),
                 "non-digit": (ut(before[:5] + "x" + before[6:]), ut(after)), "empty": (ut(""), ut(after)),
                 "feb-30": (ut(y[:2] + "0230000000Z"), ut(after)), "offset": (ut(before[:-1] + "+0100"), ut(after)),
                 "reversed": (ut(after), ut(before)), "hour-25": (ut(y + "250000Z"), ut(after)),
                 "year-99999": (ut(before), gt("999991231235959Z")), "minus-year": (gt("-00010101000000Z"), ut(after)),
                 "octet-string": (tlv(0x04, before.encode()), ut(after)), "huge-string": (ut("9" * 100000 + "Z"), ut(after))}
        g = Group("certificate validity with malformed or reversed times")
        for label, (a, b_) in times.items():
            g.run(label, self.vp(self.with_cert(edited(4, validity(a, b_)), "time-" + label)))
        g.done()
        g = Group("certificate validity in odd but valid encodings (GeneralizedTime, fractions, year 9999)")
        gbefore = (pki.now - datetime.timedelta(minutes=1)).strftime("%Y%m%d%H%M%SZ")
        for label, (a, b_) in {"generalized": (gt(gbefore), ut(after)), "fraction": (gt(gbefore[:-1] + ".123Z"), ut(after)),
                               "year-9999": (ut(before), gt("99991231235959Z")), "year-0000": (gt("00000101000000Z"), ut(after))}.items():
            g.run(label, self.vp(self.with_cert(edited(4, validity(a, b_)), "time-" + label)), want="any")
        g.done()
        # SCTs
        tbs = pki.leaf_tbs()
        lst = pki.sct_list(tbs)
        g = Group("embedded SCT lists: empty, truncated, lengths that lie, 1,000 SCTs, 60 kB extensions")
        for label, sl, want in (("empty-list", b"\x00\x00", "reject"), ("truncated", lst[:-5], "reject"),
                                ("outer-length-lies", b"\xff\xff" + lst[2:], "reject"),
                                ("inner-length-lies", lst[:2] + b"\xff\xff" + lst[4:], "reject"),
                                ("version-1", lst[:4] + b"\x01" + lst[5:], "reject"),
                                ("1000-scts", pki.sct_list(tbs, count=1000)[:2] if False else None, "any"),
                                ("60k-extensions", pki.sct_list(tbs, ext=b"\x00" * 60000), "any")):
            if label == "1000-scts":
                one = lst[2:]
                items = one * 1000
                sl = len(items).to_bytes(2, "big") + items if len(items) < 65536 else (one * (65535 // len(one)))
                sl = len(sl).to_bytes(2, "big") + sl if len(items) >= 65536 else sl
            g.run(label, self.vp(self.with_cert(pki.finish(tbs, sct_list=sl), "sct-" + label)), want=want, max_secs=10)
        g.run("no-sct-extension", self.vp(self.with_cert(pki.finish(tbs, sct=False), "sct-none")))
        g.done()
        # signing times at the edge, with a SET the (private) log really signed
        g = Group("integratedTime at the edges with a valid SET from the trusted log")
        for t in (2**63 - 1, 2**63 - 300, 2**62, 2**53 + 1, 10**15, 253402300800, 1):
            g.run(f"integratedTime={t}", self.vp(wj(f"certs/it-{t}.json", pki.bundle(good, self.art_bytes, integrated_time=t))))
        g.done()

    def lookalikes(self):
        pki = self.pki
        kelvin = "\u212a"

        def raw_san(text):
            # Fulcio's username SAN (otherName 1.3.6.1.4.1.57264.1.7, UTF8String): IA5 SANs cannot hold non-ASCII
            return tlv(0x30, tlv(0xa0, der_oid("1.3.6.1.4.1.57264.1.7") + tlv(0xa0, tlv(0x0c, text.encode()))))
        cases = [
            # (label, cert kwargs, identity flags) — each must be refused
            ("username SAN with KELVIN SIGN, flag with K", dict(san_raw=raw_san(kelvin + "ate@example.com")),
             ["--certificate-identity", "Kate@example.com", "--certificate-oidc-issuer", "https://issuer.example"]),
            ("SAN with K, flag with KELVIN SIGN", dict(sans=[x509.RFC822Name("Kate@example.com")]),
             ["--certificate-identity", kelvin + "ate@example.com", "--certificate-oidc-issuer", "https://issuer.example"]),
            ("username SAN with KELVIN SIGN, regexp ^Kate@", dict(san_raw=raw_san(kelvin + "ate@example.com")),
             ["--certificate-identity-regexp", "^Kate@example\\.com$", "--certificate-oidc-issuer", "https://issuer.example"]),
            ("SAN with K, regexp ^KELVIN-ate@", dict(sans=[x509.RFC822Name("Kate@example.com")]),
             ["--certificate-identity-regexp", "^" + kelvin + "ate@example\\.com$", "--certificate-oidc-issuer", "https://issuer.example"]),
            ("username SAN e+U+0301 (NFD), flag with precomposed é", dict(san_raw=raw_san("ame\u0301lie@example.com")),
             ["--certificate-identity", "am\u00e9lie@example.com", "--certificate-oidc-issuer", "https://issuer.example"]),
            ("username SAN precomposed é, flag e+U+0301", dict(san_raw=raw_san("am\u00e9lie@example.com")),
             ["--certificate-identity", "ame\u0301lie@example.com", "--certificate-oidc-issuer", "https://issuer.example"]),
            ("issuer with KELVIN SIGN, flag with K", dict(issuer="https://" + kelvin + "eycloak.example"),
             ["--certificate-identity", "alice@example.com", "--certificate-oidc-issuer", "https://Keycloak.example"]),
            ("issuer with K, flag with KELVIN SIGN", dict(issuer="https://Keycloak.example"),
             ["--certificate-identity", "alice@example.com", "--certificate-oidc-issuer", "https://" + kelvin + "eycloak.example"]),
            ("issuer with KELVIN SIGN, issuer regexp ^https://Keycloak", dict(issuer="https://" + kelvin + "eycloak.example"),
             ["--certificate-identity", "alice@example.com", "--certificate-oidc-issuer-regexp", "^https://Keycloak\\.example$"]),
            ("issuer v1 raw K but v2 KELVIN (extensions disagree)", dict(issuer="https://" + kelvin + "eycloak.example",
                                                                         issuer_v1_raw=b"https://Keycloak.example"),
             ["--certificate-identity", "alice@example.com", "--certificate-oidc-issuer", "https://Keycloak.example"]),
            ("workflow repository with KELVIN SIGN, flag with K",
             dict(extra=[("1.3.6.1.4.1.57264.1.5", (kelvin + "ate/app").encode()),
                         ("1.3.6.1.4.1.57264.1.12", tlv(0x0c, ("https://github.com/" + kelvin + "ate/app").encode()))]),
             ["--certificate-identity", "alice@example.com", "--certificate-oidc-issuer", "https://issuer.example",
              "--certificate-github-workflow-repository", "Kate/app"]),
            ("SAN with a NUL byte, flag without", dict(san_raw=raw_san("alice@example.com\x00.evil")),
             ["--certificate-identity", "alice@example.com", "--certificate-oidc-issuer", "https://issuer.example"]),
            ("SAN with a NUL byte, identity regexp '^alice@example\\.com'", dict(san_raw=raw_san("alice@example.com\x00.evil")),
             ["--certificate-identity-regexp", "^alice@example\\.com$", "--certificate-oidc-issuer", "https://issuer.example"]),
            ("username SAN with invalid UTF-8 (0xFF), flag with U+FFFD", dict(san_raw=tlv(0x30, tlv(0xa0, der_oid("1.3.6.1.4.1.57264.1.7") +
                                                                   tlv(0xa0, tlv(0x0c, b"alice\xff@example.com"))))),
             ["--certificate-identity", "alice\ufffd@example.com", "--certificate-oidc-issuer", "https://issuer.example"]),
            ("email SAN (IA5) with KELVIN SIGN bytes, flag with K", dict(san_raw=tlv(0x30, tlv(0x81, (kelvin + "ate@example.com").encode()))),
             ["--certificate-identity", "Kate@example.com", "--certificate-oidc-issuer", "https://issuer.example"]),
        ]
        # an issuer extension (1.8, UTF8String) holding invalid UTF-8 must not match U+FFFD
        tbs = pki.leaf_tbs(issuer="https://zx.example", issuer_v1_raw=b"https://\xffx.example")
        tbs = tbs.replace(tlv(0x0c, b"https://zx.example"), tlv(0x0c, b"https://\xffx.example"))   # same length
        p = self.with_cert(pki.finish(tbs), "lookalike-issuer-invalid-utf8")
        check("look-alike: issuer extension with invalid UTF-8 (0xFF), flag with U+FFFD is refused",
              self.vp(p, ["--certificate-identity", "alice@example.com", "--certificate-oidc-issuer", "https://\ufffdx.example"]))
        # the look-alike certificates must get as far as the identity check: with the matching spelling they verify
        for label, kw, flag in (("username SAN with KELVIN SIGN", dict(san_raw=raw_san(kelvin + "ate@example.com")), kelvin + "ate@example.com"),
                                ("username SAN with K", dict(san_raw=raw_san("Kate@example.com")), "Kate@example.com"),
                                ("username SAN e+U+0301", dict(san_raw=raw_san("ame\u0301lie@example.com")), "ame\u0301lie@example.com")):
            p = self.with_cert(pki.cert(**kw), "lookalike-control-" + re.sub(r"[^a-zA-Z0-9]+", "-", label))
            check(f"look-alike control: {label} verifies with its own spelling", self.vp(p, ["--certificate-identity", flag,
                  "--certificate-oidc-issuer", "https://issuer.example"]), want="ok")
        for label, kw, flags in cases:
            p = self.with_cert(pki.cert(**kw), "lookalike-" + re.sub(r"[^a-zA-Z0-9]+", "-", label))
            check(f"look-alike: {label} is refused (verify-blob)", self.vp(p, flags), max_secs=10)
            if label.startswith(("username SAN with KELVIN SIGN, flag", "issuer with KELVIN SIGN, flag")):
                check(f"look-alike: {label} is refused (verify-bundle)", self.vp(p, flags, cmd="verify-bundle"), max_secs=10)
        # the real stack's bundle (SAN a@example.com) against look-alike flags
        check("look-alike: real bundle, identity 'a@example.com' with U+FF41 FULLWIDTH a is refused",
              ["verify-blob", "art.txt", "--bundle", "b1.json", "--trust-config", self.tc, "--certificate-identity",
               "\uff41@example.com", "--certificate-oidc-issuer", self.issuer])
        check("look-alike: real bundle, issuer with a trailing U+200B ZERO WIDTH SPACE is refused",
              ["verify-blob", "art.txt", "--bundle", "b1.json", "--trust-config", self.tc, "--certificate-identity",
               "a@example.com", "--certificate-oidc-issuer", self.issuer + "\u200b"])
        check("look-alike: real bundle, issuer with U+037E GREEK QUESTION MARK for ':' … (canonically ';') is refused",
              ["verify-blob", "art.txt", "--bundle", "b1.json", "--trust-config", self.tc, "--certificate-identity",
               "a@example.com", "--certificate-oidc-issuer", self.issuer.replace(":", "\u037e", 1)])

    def identity_flags(self):
        v = ["verify-blob", "art.txt", "--bundle", "b1.json", "--trust-config", self.tc]
        g = Group("invalid regular expressions in --certificate-identity-regexp / --certificate-oidc-issuer-regexp")
        for rx in ("(", "[", "*", "a**", "(?<", "\\", "a{99999999}", "a{2,1}", "(?P<x>a", "[z-a]", "\\p{NoSuchClass}",
                   "(" * 10000, "a" * 100000 + "(", "(?i", "\\k<nope>", "(a)\\2", "(?<=a+)b", "[[:nope:]]"):
            g.run(f"identity {rx[:20]!r}", v + ["--certificate-identity-regexp", rx, "--certificate-oidc-issuer", self.issuer],
                  max_secs=10)
            g.run(f"issuer {rx[:20]!r}", v + ["--certificate-identity", "a@example.com", "--certificate-oidc-issuer-regexp", rx],
                  max_secs=10)
        g.done()
        g = Group("regexps that match nothing useful must not verify (empty-match, anchors)")
        for rx in ("x^", "$a", "(?!)", "[^\\s\\S]"):
            g.run(f"{rx!r}", v + ["--certificate-identity-regexp", rx, "--certificate-oidc-issuer", self.issuer])
        g.done()
        g = Group("identity flags that are empty, missing, contradictory or huge")
        big = "a" * 120000
        for label, flags in (("no identity", ["--certificate-oidc-issuer", self.issuer]),
                             ("no issuer", ["--certificate-identity", "a@example.com"]),
                             ("empty identity", ["--certificate-identity", "", "--certificate-oidc-issuer", self.issuer]),
                             ("empty issuer", ["--certificate-identity", "a@example.com", "--certificate-oidc-issuer", ""]),
                             ("identity + regexp, regexp wrong", ["--certificate-identity", "a@example.com",
                                                                  "--certificate-identity-regexp", "^zzz$",
                                                                  "--certificate-oidc-issuer", self.issuer]),
                             ("120 kB identity", ["--certificate-identity", big, "--certificate-oidc-issuer", self.issuer]),
                             ("120 kB regexp", ["--certificate-identity-regexp", big, "--certificate-oidc-issuer", self.issuer]),
                             ("newline in identity", ["--certificate-identity", "a@example.com\n", "--certificate-oidc-issuer",
                                                      self.issuer]),
                             ("identity with --key too", ["--certificate-identity", "a@example.com", "--certificate-oidc-issuer",
                                                          self.issuer, "--key", "k.pub"]),
                             ("workflow flag on an email cert", ["--certificate-identity", "a@example.com",
                                                                 "--certificate-oidc-issuer", self.issuer,
                                                                 "--certificate-github-workflow-repository", "x/y"])):
            g.run(label, v + flags, max_secs=10)
        g.done()
        g = Group("verify-bundle FILE_OR_DIGEST that is a malformed digest")
        good = hashlib.sha256(self.art_bytes).hexdigest()
        for d in ("sha256:zz", "sha256:" + good[:-1], "sha256:" + good.upper(), "sha256:" + good + "00", "sha512:" + good,
                  "sha256:", "sha256:" + "0" * 64, "SHA256:" + good, "sha256:" + "a" * 100000):
            g.run(f"{d[:24]!r}", ["verify-bundle", "--bundle", "b1.json", "--trusted-root", self.tr] + self.ident + [d])
        g.done()
        check("verify-bundle sha256:<digest of the artifact> verifies (sanity)",
              ["verify-bundle", "--bundle", os.path.join(WORK, "b1.json"), "--trusted-root", self.tr] + self.ident + ["sha256:" + good],
              want="ok")
        r = check("identity regexp '.*' with issuer regexp '.*' verifies the real bundle (sanity)",
                  v + ["--certificate-identity-regexp", ".*", "--certificate-oidc-issuer-regexp", ".*"], want="ok")
        check("identity regexp is searched, not anchored: 'example' verifies (documented)",
              v + ["--certificate-identity-regexp", "example", "--certificate-oidc-issuer", self.issuer], want="ok")

    # -- inclusion proofs and checkpoints ------------------------------------------------------------

    def proofs(self):
        doc = self.bundles["b1"]
        e = ("verificationMaterial", "tlogEntries", 0)
        ip = e + ("inclusionProof",)
        proof = get_path(doc, ip)
        env = proof["checkpoint"]["envelope"]
        text, sigs = env.split("\n\n", 1)
        h0 = proof["hashes"][0] if proof["hashes"] else b64(b"\x00" * 32)
        muts = {
            "10k-hashes": (ip + ("hashes",), [h0] * 10000), "100k-hashes": (ip + ("hashes",), [h0] * 100000),
            "1-byte-hashes": (ip + ("hashes",), [b64(b"\x01")] * len(proof["hashes"] or [1])),
            "1MB-hash": (ip + ("hashes",), [b64(b"\x00" * (1 << 20))]), "1MB-rootHash": (ip + ("rootHash",), b64(b"\x00" * (1 << 20))),
            "empty-rootHash": (ip + ("rootHash",), ""), "31-byte-rootHash": (ip + ("rootHash",), b64(b"\x00" * 31)),
            "hash-not-base64": (ip + ("hashes",), ["%%%"]), "hash-null": (ip + ("hashes",), [None]),
            "treeSize-0": (ip + ("treeSize",), "0"), "logIndex-equals-treeSize": (ip + ("logIndex",), proof["treeSize"]),
            "note-no-trailing-newline": (ip + ("checkpoint", "envelope"), env.rstrip("\n")),
            "note-crlf": (ip + ("checkpoint", "envelope"), env.replace("\n", "\r\n")),
            "note-extra-blank-lines": (ip + ("checkpoint", "envelope"), text + "\n\n\n\n" + sigs),
            "note-text-only": (ip + ("checkpoint", "envelope"), text + "\n"),
            "note-signatures-only": (ip + ("checkpoint", "envelope"), "\n" + sigs),
            "note-1000-signature-lines": (ip + ("checkpoint", "envelope"), text + "\n\n" + sigs * 1000),
            "note-bare-dash": (ip + ("checkpoint", "envelope"), text + "\n\n\u2014 \n"),
            "note-dash-no-space": (ip + ("checkpoint", "envelope"), text + "\n\n\u2014" + sigs[2:]),
            "note-signature-not-base64": (ip + ("checkpoint", "envelope"), text + "\n\n\u2014 x %%%%\n"),
            "note-signature-3-bytes": (ip + ("checkpoint", "envelope"), text + "\n\n" + sigs.rsplit(" ", 1)[0] + " AAAA\n"),
            "note-10MB": (ip + ("checkpoint", "envelope"), text + "\n" + "x" * (10 << 20) + "\n\n" + sigs),
            "note-100k-lines": (ip + ("checkpoint", "envelope"), text + "\n" + "x\n" * 100000 + "\n" + sigs),
            "note-size-minus-1": (ip + ("checkpoint", "envelope"), re.sub(r"\n[0-9]+\n", "\n-1\n", env, count=1)),
            "note-size-2^64": (ip + ("checkpoint", "envelope"), re.sub(r"\n[0-9]+\n", "\n18446744073709551616\n", env, count=1)),
            "note-size-2^63-1": (ip + ("checkpoint", "envelope"), re.sub(r"\n[0-9]+\n", "\n9223372036854775807\n", env, count=1)),
            "note-size-leading-zero": (ip + ("checkpoint", "envelope"), re.sub(r"\n([0-9]+)\n", r"\n0\1\n", env, count=1)),
            "note-root-not-base64": (ip + ("checkpoint", "envelope"), text.split("\n")[0] + "\n" + text.split("\n")[1]
                                     + "\n%%%\n\n" + sigs),
            "note-empty": (ip + ("checkpoint", "envelope"), ""), "note-nul": (ip + ("checkpoint", "envelope"), "\x00" * 100),
            "note-unicode-dash-lookalike": (ip + ("checkpoint", "envelope"), env.replace("\u2014", "\u2013")),
            "checkpoint-null": (ip + ("checkpoint",), None),
        }
        g = Group("b1: hostile inclusion proofs and checkpoint notes (10k/100k hashes, 10 MB note, odd lines)")
        for label, (path, value) in muts.items():
            p = wj(f"proofs/b1-{label}.json", set_path(doc, path, value))
            g.run(label, self.vblob(p), max_secs=10)
        g.done()
        for label in ("100k-hashes", "1MB-hash", "1MB-rootHash", "note-10MB", "note-1000-signature-lines", "note-100k-lines"):
            if not any(label in k for k in g.bad):
                os.remove(os.path.join(WORK, f"proofs/b1-{label}.json"))
        # validly signed checkpoints (the private log) with hostile contents, so parsing past the signature is reached
        pki = self.pki
        cert = pki.cert()
        leaf_body_root = None
        g = Group("checkpoints signed by the trusted (private) log with hostile contents")

        def inclusion_len(index, size):
            inner = (index ^ (size - 1)).bit_length()
            return inner + bin(index >> inner).count("1")
        for label, kw in (
                ("size-2^63-1-index-2^63-2", dict(log_index=2**63 - 2, tree_size=2**63 - 1)),
                ("size-2^63-1-index-0", dict(log_index=0, tree_size=2**63 - 1)),
                ("size-2^62-index-2^62-1", dict(log_index=2**62 - 1, tree_size=2**62)),
                ("size-2-index-1", dict(log_index=1, tree_size=2))):
            n = inclusion_len(kw["log_index"], kw["tree_size"])
            hs = [b64(os.urandom(32)) for _ in range(n)]
            root = os.urandom(32)
            note = pki.note(kw["tree_size"], root)
            p = wj(f"proofs/signed-{label}.json", pki.bundle(cert, self.art_bytes, hashes_=hs, root=root, note=note, **kw))
            g.run(label + f" ({n} hashes)", self.vp(p), max_secs=10)
        for label, size, extra, origin in (("size-18446744073709551615", "18446744073709551615", "", "hostile-log"),
                                           ("size-abc", "abc", "", "hostile-log"), ("size-01", "01", "", "hostile-log"),
                                           ("size-2-proof-1", "2", "", "hostile-log"),
                                           ("10k-extension-lines", "1", "x\n" * 10000, "hostile-log"),
                                           ("empty-origin", "1", "", ""), ("origin-1MB", "1", "", "o" * (1 << 20))):
            b = pki.bundle(cert, self.art_bytes)
            root = base64.b64decode(get_path(b, ip + ("rootHash",)))
            body = f"{origin}\n{size}\n{b64(root)}\n{extra}"
            sig = pki.log_key.sign(body.encode(), ec.ECDSA(hashes.SHA256()))
            note = body + "\n\u2014 " + (origin or "x") + " " + b64(pki.log_id[:4] + sig) + "\n"
            p = wj(f"proofs/signed-{label}.json", set_path(b, ip + ("checkpoint", "envelope"), note))
            want = "any" if label in ("10k-extension-lines", "empty-origin", "origin-1MB") else "reject"
            g.run(label, self.vp(p), want=want, max_secs=10)
        g.done()

    # -- trust configs and trusted roots ---------------------------------------------------------------

    def trust_configs(self):
        tc = self.tcdoc
        v = lambda p: ["verify-blob", "art.txt", "--bundle", "b1.json", "--trust-config", p] + self.ident
        text = json.dumps(tc).encode()
        g = Group("trust config truncated at sampled byte offsets")
        for cut in sorted(random.sample(range(1, len(text) - 1), 8 if SLOW else 20)):
            g.run(f"cut {cut}", v(w(f"tc/trunc-{cut}.json", text[:cut])))
        g.done()

        def must_reject(path):
            d = dotted(path)
            if d in ("trustedRoot", "trustedRoot.certificateAuthorities", "trustedRoot.certificateAuthorities.0",
                     "trustedRoot.tlogs", "trustedRoot.tlogs.0", "trustedRoot.tlogs.0.publicKey",
                     "trustedRoot.tlogs.0.publicKey.rawBytes", "trustedRoot.tlogs.0.logId", "trustedRoot.tlogs.0.logId.keyId",
                     "trustedRoot.ctlogs.0.publicKey", "trustedRoot.ctlogs.0.publicKey.rawBytes",
                     "trustedRoot.certificateAuthorities.0.certChain", "trustedRoot.certificateAuthorities.0.certChain.certificates",
                     "trustedRoot.certificateAuthorities.0.certChain.certificates.0",
                     "trustedRoot.certificateAuthorities.0.certChain.certificates.0.rawBytes"):
                return True
            return False
        g = Group("trust config: each trusted-root field deleted / null / mistyped / empty (key material must not verify)")
        for path in paths_of(tc):
            if path[0] != "trustedRoot" and len(path) > 1:
                continue
            for kind, value, delete in (MUTATIONS[:3] if SLOW else MUTATIONS[:7]):
                orig = get_path(tc, path)
                if not delete and value == orig:
                    continue
                p = wj(f"tc/{dotted(path)}-{kind}.json", set_path(tc, path, value, delete))
                want = "reject" if must_reject(path) and not (kind == "deleted" and dotted(path) == "trustedRoot.ctlogs.0.publicKey"
                                                              and False) else "any"
                if dotted(path) == "trustedRoot.ctlogs.0.publicKey" and kind == "deleted":
                    want = "any"
                g.run(f"{dotted(path)} {kind}", v(p), want=want)
        g.done()
        tr = tc["trustedRoot"]
        rsa512 = rsa.generate_private_key(65537, 1024)  # cryptography refuses 512; see keys() for a 512-bit key in DER
        edkey = ed25519.Ed25519PrivateKey.generate()
        p384 = ec.generate_private_key(ec.SECP384R1())
        cases = {}

        def with_tlog_key(der, details):
            t = copy.deepcopy(tr)
            t["tlogs"][0]["publicKey"]["rawBytes"] = b64(der)
            t["tlogs"][0]["publicKey"]["keyDetails"] = details
            return t
        cases["tlog key RSA-1024 (PKCS1 details)"] = with_tlog_key(spki_der(rsa512.public_key()), "PKIX_RSA_PKCS1V15_2048_SHA256")
        cases["tlog key Ed25519 labelled ECDSA"] = with_tlog_key(spki_der(edkey.public_key()), "PKIX_ECDSA_P256_SHA_256")
        cases["tlog key P-384 labelled P-256"] = with_tlog_key(spki_der(p384.public_key()), "PKIX_ECDSA_P256_SHA_256")
        cases["tlog key garbage DER"] = with_tlog_key(os.urandom(91), "PKIX_ECDSA_P256_SHA_256")
        cases["tlog key unknown keyDetails"] = with_tlog_key(base64.b64decode(tr["tlogs"][0]["publicKey"]["rawBytes"]),
                                                             "PKIX_NO_SUCH_ALGORITHM")
        t = copy.deepcopy(tr)
        t["tlogs"][0]["publicKey"]["validFor"] = {"start": "2030-01-01T00:00:00Z", "end": "2020-01-01T00:00:00Z"}
        cases["tlog validFor reversed"] = t
        t = copy.deepcopy(tr)
        t["certificateAuthorities"][0]["validFor"] = {"start": "2030-01-01T00:00:00Z", "end": "2020-01-01T00:00:00Z"}
        cases["CA validFor reversed"] = t
        t = copy.deepcopy(tr)
        t["certificateAuthorities"][0]["validFor"] = {"start": "2000-01-01T00:00:00Z", "end": "2001-01-01T00:00:00Z"}
        cases["CA validFor ended long ago"] = t
        t = copy.deepcopy(tr)
        t["tlogs"][0]["publicKey"]["validFor"] = {"start": "9999-12-31T23:59:59Z"}
        cases["tlog validFor starts in year 9999"] = t
        t = copy.deepcopy(tr)
        t["certificateAuthorities"][0]["validFor"] = {"start": "not a time"}
        cases["CA validFor start not a time"] = t
        t = copy.deepcopy(tr)
        t["certificateAuthorities"][0]["validFor"] = {"start": "99999-01-01T00:00:00Z"}
        cases["CA validFor start year 99999"] = t
        for key in ("certificateAuthorities", "tlogs"):
            t = copy.deepcopy(tr)
            t[key] = []
            cases[f"{key} empty"] = t
        t = copy.deepcopy(tr)
        for key in ("certificateAuthorities", "tlogs", "ctlogs", "timestampAuthorities"):
            t[key] = []
        cases["every list empty"] = t
        t = copy.deepcopy(tr)
        t["certificateAuthorities"][0]["certChain"]["certificates"] = []
        cases["CA with an empty chain"] = t
        t = copy.deepcopy(tr)
        t["certificateAuthorities"] = [copy.deepcopy(tr["certificateAuthorities"][0]) for _ in range(1)] * 0 + \
            [set_path(tr["certificateAuthorities"][0], ("certChain", "certificates"), [{"rawBytes": b64(os.urandom(300))}])] * 10000
        cases["10,000 garbage CAs"] = t
        t = copy.deepcopy(tr)
        t["tlogs"] = [t["tlogs"][0]] * 10000
        cases["10,000 copies of the tlog"] = t
        g = Group("trusted roots with other key types, reversed or odd validity windows, empty lists (must not verify)")
        for label, doc in cases.items():
            want = "any" if label in ("10,000 copies of the tlog", "tlog key unknown keyDetails") else "reject"
            for how in ("--trust-config", "--trusted-root"):
                p = wj(f"tc/root-{re.sub('[^a-zA-Z0-9]+', '-', label)}.json", doc if how == "--trusted-root" else
                       dict(tc, trustedRoot=doc))
                g.run(f"{how} {label}", ["verify-blob", "art.txt", "--bundle", "b1.json", how, p] + self.ident, want=want,
                      max_secs=10)
            g.run(f"verify-bundle {label}", ["verify-bundle", "--bundle", "b1.json", "--trusted-root",
                                             wj(f"tc/vb-{re.sub('[^a-zA-Z0-9]+', '-', label)}.json", doc)] + self.ident + ["art.txt"],
                  want=want, max_secs=10)
        g.done()
        g = Group("trust configs that are deep, huge, duplicated or not JSON")
        tx = json.dumps(tc)
        for label, data in (("deep-100k", b"[" * 100000), ("deep-object", b'{"trustedRoot":' * 100000),
                            ("duplicate-trustedRoot", tx[:-1].encode() + b', "trustedRoot": {}}'),
                            ("10MB-mediaType", json.dumps(dict(tc, mediaType="x" * (10 << 20))).encode()),
                            ("invalid-utf8", tx.replace("sigstore", "sig\udcffstore", 1).encode("utf-8", "surrogateescape")),
                            ("bom", b"\xef\xbb\xbf" + tx.encode()), ("null", b"null"), ("array", b"[]")):
            g.run(label, v(w(f"tc/raw-{label}.json", data)), max_secs=10)
        g.done()
        os.remove(os.path.join(WORK, "tc/raw-10MB-mediaType.json"))

    # -- keys -------------------------------------------------------------------------------------------

    def keys(self):
        pw = self.password
        bad_pw = "wrong-" + os.urandom(6).hex()
        SECRETS[bad_pw] = "wrong password given"
        # generate-key-pair
        before = open(os.path.join(WORK, "k.key"), "rb").read()
        check("generate-key-pair refuses to replace an existing key", ["generate-key-pair", "--output-key-prefix", "k"],
              env={"SIGIL_PASSWORD": bad_pw})
        report(open(os.path.join(WORK, "k.key"), "rb").read() == before, "… and k.key is unchanged")
        victim = w("keys/victim.txt", b"precious\n")
        os.symlink(victim, os.path.join(WORK, "keys/link.key"))
        check("generate-key-pair with PREFIX.key a symlink to another file", ["generate-key-pair", "--output-key-prefix",
              "keys/link"], env={"SIGIL_PASSWORD": bad_pw})
        report(open(victim, "rb").read() == b"precious\n", "… and the symlink's target is unchanged")
        w("keys/onlypub.pub", b"old public key\n")
        r = check("generate-key-pair when PREFIX.pub exists (PREFIX.key does not)", ["generate-key-pair", "--output-key-prefix",
                  "keys/onlypub"], env={"SIGIL_PASSWORD": bad_pw}, want="any")
        if r.rc == 0:
            report(False, "generate-key-pair replaced an existing PREFIX.pub without asking",
                   f"repro: {r.repro()}")
        else:
            report(open(os.path.join(WORK, "keys/onlypub.pub"), "rb").read() == b"old public key\n", "… and PREFIX.pub is unchanged")
        check("generate-key-pair without SIGIL_PASSWORD and no terminal", ["generate-key-pair", "--output-key-prefix", "keys/nopw"])
        check("generate-key-pair into a missing folder", ["generate-key-pair", "--output-key-prefix", "keys/missing/dir/k"],
              env={"SIGIL_PASSWORD": bad_pw})
        check("generate-key-pair into /proc (not writable)", ["generate-key-pair", "--output-key-prefix", "/proc/sigil-k"],
              env={"SIGIL_PASSWORD": bad_pw})
        r = sigil(["generate-key-pair", "--output-key-prefix", "keys/umask0"], env={"SIGIL_PASSWORD": bad_pw})
        mode = stat.S_IMODE(os.stat(os.path.join(WORK, "keys/umask0.key")).st_mode) if r.rc == 0 else None
        # (umask applies to the child through the parent; set it around the call)
        old = os.umask(0)
        try:
            r = sigil(["generate-key-pair", "--output-key-prefix", "keys/umask00"], env={"SIGIL_PASSWORD": bad_pw})
        finally:
            os.umask(old)
        mode = stat.S_IMODE(os.stat(os.path.join(WORK, "keys/umask00.key")).st_mode) if r.rc == 0 else None
        report(mode == 0o600, "generate-key-pair under umask 000 still writes the private key 0600", f"mode {oct(mode) if mode else r.summary()}")
        r = sigil(["generate-key-pair", "--output-key-prefix", "keys/emptypw"], env={"SIGIL_PASSWORD": ""})
        print(f"INFO generate-key-pair with an empty SIGIL_PASSWORD: {r.summary()} (cosign allows empty passwords too)")
        # hostile signing keys for sign-blob --key
        enc = open(os.path.join(WORK, "k.key"), "rb").read()
        body = base64.b64decode(b"".join(l for l in enc.splitlines() if not l.startswith(b"-----")))

        def pem(label, der):
            return (f"-----BEGIN {label}-----\n".encode() + pem_body(der) + f"-----END {label}-----\n".encode())

        def reiterate(der, iterations_der):
            # EncryptedPrivateKeyInfo → PBES2 params → PBKDF2 params: salt OCTET STRING, iterations INTEGER, …
            i = der.index(b"\x04\x10", 20)            # the 16-byte salt
            j = i + 18
            assert der[j] == 0x02
            _, cs, e = parse_tlv(der, j)
            new = der[:j] + iterations_der + der[e:]
            delta = len(new) - len(der)
            # fix the lengths of the enclosing SEQUENCEs (all long-form or short-form at fixed offsets): rebuild by parsing
            return rebuild_lengths(new, j, delta)

        def enc_with(key, password=pw):
            return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                     serialization.BestAvailableEncryption(password.encode()))
        flipped = bytearray(body)
        flipped[len(flipped) // 2] ^= 0xff
        rsa_small = rsa.generate_private_key(65537, 1024)
        keys = {
            "wrong password": (enc, bad_pw), "empty password": (enc, ""),
            "corrupt ciphertext": (pem("ENCRYPTED PRIVATE KEY", bytes(flipped)), pw),
            "truncated DER": (pem("ENCRYPTED PRIVATE KEY", body[:len(body) // 2]), pw),
            "truncated PEM text": (enc[:len(enc) // 2], pw),
            "public key for private": (open(os.path.join(WORK, "k.pub"), "rb").read(), pw),
            "certificate for private": (pem("CERTIFICATE", self.pki.root.public_bytes(serialization.Encoding.DER)), pw),
            "RSA-1024 encrypted": (enc_with(rsa_small), pw),
            "Ed25519 encrypted": (enc_with(ed25519.Ed25519PrivateKey.generate()), pw),
            "secp256k1 encrypted": (enc_with(ec.generate_private_key(ec.SECP256K1())), pw),
            "brainpoolP256r1 encrypted": (enc_with(ec.generate_private_key(ec.BrainpoolP256R1())), pw),
            "P-521 encrypted": (enc_with(ec.generate_private_key(ec.SECP521R1())), pw),
            "unencrypted PKCS8 P-256": (ec.generate_private_key(ec.SECP256R1()).private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()), pw),
            "1 MB of base64": (pem("ENCRYPTED PRIVATE KEY", os.urandom(768 << 10)), pw),
            "PEM header only": (pem("ENCRYPTED PRIVATE KEY", b"").split(b"\n")[0] + b"\n", pw), "empty file": (b"", pw),
            "binary garbage": (os.urandom(4096), pw),
            "PBKDF2 2^31-1 iterations": (pem("ENCRYPTED PRIVATE KEY", reiterate(body, der_int(2**31 - 1))), pw),
            "PBKDF2 2^63-1 iterations": (pem("ENCRYPTED PRIVATE KEY", reiterate(body, der_int(2**63 - 1))), pw),
            "PBKDF2 100-byte iteration count": (pem("ENCRYPTED PRIVATE KEY", reiterate(body, der_int(2**800))), pw),
            "PBKDF2 0 iterations": (pem("ENCRYPTED PRIVATE KEY", reiterate(body, der_int(0))), pw),
            "PBKDF2 -1 iterations": (pem("ENCRYPTED PRIVATE KEY", reiterate(body, der_int(-1))), pw),
        }
        g = Group("sign-blob --key with wrong/empty passwords, corrupt PEM, other key types, 1 MB PEM, 2^31 PBKDF2 rounds")
        may = ("Ed25519 encrypted", "P-521 encrypted", "unencrypted PKCS8 P-256")
        for label, (data, password) in keys.items():
            p = w(f"keys/{re.sub('[^a-zA-Z0-9]+', '-', label)}.key", data)
            g.run(label, ["sign-blob", "art.txt", "--key", p, "--trust-config", self.tc, "--bundle", "keys/out.json"],
                  env={"SIGIL_PASSWORD": password}, want="any" if label in may else "reject", max_secs=15)
        g.run("key path is a directory", ["sign-blob", "art.txt", "--key", "keys", "--trust-config", self.tc, "--bundle",
                                          "keys/out.json"], env={"SIGIL_PASSWORD": pw})
        g.run("key path missing", ["sign-blob", "art.txt", "--key", "keys/none.key", "--trust-config", self.tc, "--bundle",
                                   "keys/out.json"], env={"SIGIL_PASSWORD": pw})
        g.done()
        # public keys for verify-blob --key
        rsa_pub = rsa_small.public_key()
        pubs = {
            "the encrypted private key": enc, "an unencrypted private key": self.plain_pem,
            "RSA-1024 public key": pem_pub(rsa_pub), "Ed25519 public key": pem_pub(ed25519.Ed25519PrivateKey.generate().public_key()),
            "other P-256 key": pem_pub(ec.generate_private_key(ec.SECP256R1()).public_key()),
            "P-384 key": pem_pub(ec.generate_private_key(ec.SECP384R1()).public_key()),
            "1 MB of base64": b"-----BEGIN PUBLIC KEY-----\n" + pem_body(os.urandom(768 << 10)) + b"-----END PUBLIC KEY-----\n",
            "a certificate": pem("CERTIFICATE", self.pki.root.public_bytes(serialization.Encoding.DER)),
            "garbage": os.urandom(300), "empty": b"", "header only": b"-----BEGIN PUBLIC KEY-----\n",
            "truncated": open(os.path.join(WORK, "k.pub"), "rb").read()[:60],
            "bad base64 inside": b"-----BEGIN PUBLIC KEY-----\n%%%%\n-----END PUBLIC KEY-----\n",
            "point not on curve": pem("PUBLIC KEY", spki_der(self.key.public_key())[:-1] + b"\x00"),
            "public key with a private-key label": pem("PRIVATE KEY", spki_der(self.key.public_key())),
        }
        g = Group("verify-blob --key with private keys, other key types, 1 MB PEM, garbage (no key text echoed)")
        for label, data in pubs.items():
            p = w(f"keys/pub-{re.sub('[^a-zA-Z0-9]+', '-', label)}.pem", data)
            for b in ("bk1.json", "bk2.json"):
                g.run(f"{label} ({b})", ["verify-blob", "art.txt", "--bundle", b, "--trust-config", self.tc, "--key", p],
                      max_secs=10)
            g.run(f"{label} (verify-bundle)", ["verify-bundle", "--bundle", "bk1.json", "--trusted-root", self.tr, "--key", p,
                                               "art.txt"], max_secs=10)
        g.done()
        check("verify-blob --key k.pub on a keyless bundle is refused",
              ["verify-blob", "art.txt", "--bundle", "b1.json", "--trust-config", self.tc, "--key", "k.pub"])
        check("verify-blob with identity flags on a key-signed bundle is refused",
              ["verify-blob", "art.txt", "--bundle", "bk1.json", "--trust-config", self.tc] + self.ident)
        check("log search --public-key with the private key file (no key text echoed)",
              ["log", "search", "--public-key", "k.key", "--trust-config", self.tc])

    # -- predicate policies (verify-attestation --policy) ------------------------------------------------

    def policies(self):
        # an attestation whose predicate holds a string chosen to make backtracking regexps explode
        w("pol/pred.json", json.dumps({"builder": {"id": "a" * 24 + "!"}, "list": list(range(5)), "n": 3}))
        r = sigil(["attest", "art.txt", "--predicate", "pol/pred.json", "--identity-token", self.token, "--bundle", "pol/att.json",
                   "--trust-config", self.tc])
        if r.rc != 0:
            report(False, "policies: attest for the policy checks", r.summary())
            return
        va = lambda pol: ["verify-attestation", "art.txt", "--bundle", "pol/att.json", "--trust-config", self.tc,
                          "--policy", pol] + self.ident
        check("--policy 'matches: (a+)+$' against a predicate string of 24 a's then '!' ends in 10 s",
              va(wj("pol/redos.json", {"rules": [{"path": "builder.id", "matches": "(a+)+$"}]})), want="any", timeout=10,
              max_secs=10)
        deep = {"path": "list", "allMatch": []}
        cur = deep
        for _ in range(60):
            nxt = {"path": "0", "anyMatch": []}
            cur["allMatch" if "allMatch" in cur else "anyMatch"].append(nxt)
            cur = nxt
        cases = {
            "not JSON": b"{", "deep-100k": b"[" * 100000, "rules not a list": b'{"rules": 1}', "empty object": b"{}",
            "unknown member": json.dumps({"rules": [{"path": "n", "equals": 3, "bogus": 1}]}).encode(),
            "two tests in one rule": json.dumps({"rules": [{"path": "n", "equals": 3, "min": 1}]}).encode(),
            "no test": json.dumps({"rules": [{"path": "n"}]}).encode(),
            "invalid regexp": json.dumps({"rules": [{"path": "builder.id", "matches": "("}]}).encode(),
            "index 2^64": json.dumps({"rules": [{"path": "list.18446744073709551616", "exists": True}]}).encode(),
            "index 2^63-1": json.dumps({"rules": [{"path": "list.9223372036854775807", "exists": True}]}).encode(),
            "index -1": json.dumps({"rules": [{"path": "list.-1", "exists": True}]}).encode(),
            "path of 100k dots": json.dumps({"rules": [{"path": "." * 100000, "exists": True}]}).encode(),
            "path 1 MB": json.dumps({"rules": [{"path": "a" * (1 << 20), "exists": True}]}).encode(),
            "min 1e999": b'{"rules": [{"path": "n", "min": 1e999}]}',
            "max -1e999": b'{"rules": [{"path": "n", "max": -1e999}]}',
            "min is a string": json.dumps({"rules": [{"path": "n", "min": "1"}]}).encode(),
            "oneOf 100k": json.dumps({"rules": [{"path": "n", "oneOf": list(range(4, 100004))}]}).encode(),
            "100k rules": json.dumps({"rules": [{"path": "n", "equals": 4}] * 100000}).encode(),
            "nested allMatch/anyMatch 60 deep": json.dumps({"rules": [deep]}).encode(),
            "equals on a missing path": json.dumps({"rules": [{"path": "no.such", "equals": None}]}).encode(),
        }
        g = Group("verify-attestation --policy files that are hostile (deep, huge, bad indices, bad regexps)")
        for label, data in cases.items():
            g.run(label, va(w(f"pol/{re.sub('[^a-zA-Z0-9]+', '-', label)}.json", data)), max_secs=10)
        g.done()
        check("verify-attestation --type with a 100 kB URI", ["verify-attestation", "art.txt", "--bundle", "att1.json",
              "--trust-config", self.tc, "--type", "https://x/" + "a" * 100000] + self.ident)
        check("verify-attestation of a message-signature bundle", self.va("b1.json"))
        check("verify-blob of a DSSE bundle checks the statement's subject (documented; sanity)", self.vblob("att1.json"), want="ok")


def rebuild_lengths(der, changed_at, delta):
    """Re-encodes every constructed TLV that encloses offset changed_at after its content grew by delta."""
    def walk(buf, start, end):
        out = b""
        off = start
        while off < end:
            tag = buf[off]
            _, cs, e = parse_tlv(buf, off)
            if tag & 0x20 and cs <= changed_at < e + max(delta, 0):
                inner_end = e + delta
                inner = walk(buf, cs, inner_end)
                out += bytes([tag]) + der_len(len(inner)) + inner
                off = inner_end
            else:
                out += buf[off:e]
                off = e
        return out
    _, cs, e = parse_tlv(der, 0)
    return tlv(der[0], walk(der, cs, e + delta))


class FakeLog:
    """A Rekor v1 log of our own (the private PKI's log key) whose answers can be made hostile; clients
    that trust on first use (no --log-key, no trust config) accept its key."""

    def __init__(self, pki):
        self.pki = pki
        self.size, self.root, self.note_override, self.info_override = 1, None, None, None
        self.entry_override, self.proof_hashes = None, None
        self.body = canonical({"apiVersion": "0.0.1", "kind": "hashedrekord", "spec": {
            "data": {"hash": {"algorithm": "sha256", "value": "00" * 32}},
            "signature": {"content": b64(b"x"), "publicKey": {"content": b64(pem_pub(pki.signer.public_key()))}}}})
        self.leaf = hashlib.sha256(b"\x00" + self.body).digest()
        self.server = FakeServer({"*": (404, b'{"code":404,"message":"not found"}')})
        self.server.mode = {"/api/v1/log/publicKey": (200, lambda p: pem_pub(pki.log_key.public_key())),
                            "/api/v1/log": (200, lambda p: self.info()),
                            "/api/v1/log/checkpoint": (200, lambda p: self.checkpoint_answer(p)),
                            "/api/v1/log/entries": (200, lambda p: self.entry(p)),
                            "/api/v1/log/proof": (200, lambda p: json.dumps({"hashes": self.proof_hashes or [],
                                                                             "rootHash": (self.root or self.leaf).hex()}).encode()),
                            "*": (404, b'{"code":404,"message":"not found"}')}
        self.url = self.server.url

    def note(self):
        return self.note_override or self.pki.note(self.size, self.root or self.leaf, origin="fake-log")

    def info(self):
        if self.info_override is not None:
            return self.info_override
        return json.dumps({"rootHash": (self.root or self.leaf).hex(), "treeSize": self.size, "signedTreeHead": self.note(),
                           "treeID": "1", "inactiveShards": []}).encode()

    def checkpoint_answer(self, path):
        """The signed note for ?treeSize=N (raw text, as Sigil's log serves it): size 1 is the one leaf."""
        m = re.search(r"treeSize=([0-9]+)", path)
        n = int(m.group(1)) if m else self.size
        if n == self.size:
            return self.note().encode()
        return self.pki.note(n, self.leaf if n == 1 else hashlib.sha256(str(n).encode()).digest(), origin="fake-log").encode()

    def entry(self, path, integrated=None, index=0, hashes_=None):
        if self.entry_override is not None:
            return self.entry_override
        return self.make_entry()

    def make_entry(self, integrated=None, index=0, hashes_=None, size=1):
        t = int(time.time()) if integrated is None else integrated
        setp = canonical({"body": b64(self.body), "integratedTime": t, "logID": self.pki.log_id.hex(), "logIndex": index})
        set_sig = self.pki.log_key.sign(setp, ec.ECDSA(hashes.SHA256()))
        uuid = self.leaf.hex()
        return json.dumps({uuid: {"body": b64(self.body), "integratedTime": t, "logID": self.pki.log_id.hex(), "logIndex": index,
                                  "verification": {"signedEntryTimestamp": b64(set_sig), "inclusionProof": {
                                      "logIndex": index, "treeSize": size, "rootHash": self.leaf.hex(), "hashes": hashes_ or [],
                                      "checkpoint": self.pki.note(size, self.leaf, origin="fake-log")}}}}).encode()


class LogSweep:
    def __init__(self, sweep):
        self.s = sweep

    def real_log(self):
        s = self.s
        tc = ["--trust-config", s.tc]
        g = Group("log get/proof/consistency/search with out-of-range and malformed arguments (real log)")
        for label, *args in (
                ("get --index=-1", ["get", "--index=-1"]), ("get --index 2^63-1", ["get", "--index", str(2**63 - 1)]),
                ("get --index 2^63", ["get", "--index", str(2**63)]), ("get --index 2^64", ["get", "--index", str(2**64)]),
                ("get --index abc", ["get", "--index", "abc"]), ("get --index ''", ["get", "--index", ""]),
                ("get --index 1e3", ["get", "--index", "1e3"]), ("get neither", ["get"]),
                ("get --index and --uuid", ["get", "--index", "0", "--uuid", "0" * 64]),
                ("get --uuid zz", ["get", "--uuid", "zz"]), ("get --uuid 63 hex", ["get", "--uuid", "a" * 63]),
                ("get --uuid 80 hex unknown", ["get", "--uuid", "f" * 80]), ("get --uuid 100k", ["get", "--uuid", "a" * 100000]),
                ("get --uuid ../../etc/passwd", ["get", "--uuid", "../../../../etc/passwd"]),
                ("get --uuid with ?query", ["get", "--uuid", "a" * 64 + "?logIndex=0"]),
                ("get --uuid with %2F", ["get", "--uuid", "%2F..%2F" + "a" * 58]),
                ("proof --tree-size 0", ["proof", "--index", "0", "--tree-size", "0"]),
                ("proof --tree-size=-1", ["proof", "--index", "0", "--tree-size=-1"]),
                ("proof --index beyond tree", ["proof", "--index", "5", "--tree-size", "3"]),
                ("proof --tree-size 2^63-1", ["proof", "--index", "0", "--tree-size", str(2**63 - 1)]),
                ("proof --index 2^63-1", ["proof", "--index", str(2**63 - 1)]),
                ("consistency --from 0", ["consistency", "--from", "0", "--to", "2"]),
                ("consistency --from > --to", ["consistency", "--from", "5", "--to", "2"]),
                ("consistency --to 2^63-1", ["consistency", "--from", "1", "--to", str(2**63 - 1)]),
                ("consistency --from-checkpoint missing", ["consistency", "--from-checkpoint", "nope.txt"]),
                ("consistency --from-checkpoint garbage", ["consistency", "--from-checkpoint", w("log/garbage.txt", os.urandom(500))]),
                ("consistency --from-checkpoint dir", ["consistency", "--from-checkpoint", "log"]),
                ("consistency --from-checkpoint 10MB", ["consistency", "--from-checkpoint",
                                                        w("log/big.txt", b"x\n" * (5 << 20))]),
                ("search --sha256 zz", ["search", "--sha256", "zz"]), ("search --sha256 63 hex", ["search", "--sha256", "a" * 63]),
                ("search --sha256 100k", ["search", "--sha256", "a" * 100000]),
                ("search --identity 100k", ["search", "--identity", "a" * 100000, "--all"], "any"),
                ("search --public-key garbage", ["search", "--public-key", w("log/garbage.pem", os.urandom(300))]),
                ("search --artifact dir", ["search", "--artifact", "log"]), ("search nothing", ["search"]),
                ("monitor --count=-5", ["monitor", "--count=-5", "--state", "log/mon-neg.json"]),
                ("monitor --interval=-1 --count 2", ["monitor", "--interval=-1", "--count", "2", "--state", "log/mon-neg2.json"]),
                ("monitor --interval nan --count 2", ["monitor", "--interval", "nan", "--count", "2", "--state", "log/mon-nan.json"]),
                ("monitor --interval inf --count 2", ["monitor", "--interval", "inf", "--count", "2", "--state", "log/mon-inf.json"]),
                ("monitor --interval 1e19 --count 2", ["monitor", "--interval", "1e19", "--count", "2", "--state", "log/mon-big.json"]),
                ("monitor --state dir", ["monitor", "--state", "log"])):
            g.run(label, ["log"] + args[0] + tc, want=args[1] if len(args) > 1 else "reject", max_secs=15)
        g.done()
        # a monitor state that is corrupt or says the log shrank: refused, and the file left as it was
        r = sigil(["log", "monitor", "--state", "log/state.json"] + tc)
        if r.rc != 0:
            report(False, "log monitor: first run pins a checkpoint", r.summary())
            return
        state = json.load(open(os.path.join(WORK, "log/state.json")))
        raw = open(os.path.join(WORK, "log/state.json"), "rb").read()
        bigger = dict(state, treeSize=state["treeSize"] + 1000)
        lines = state["checkpoint"].split("\n")
        forged_root = dict(state, rootHash="00" * 32)
        variants = {"garbage": os.urandom(200), "truncated": raw[:len(raw) // 2], "empty": b"", "deep": b"[" * 100000,
                    "null": b"null", "treeSize bigger than the log's (rollback)": json.dumps(bigger).encode(),
                    "treeSize -1": json.dumps(dict(state, treeSize=-1)).encode(),
                    "treeSize 2^64": json.dumps(dict(state, treeSize=2**64)).encode(),
                    "rootHash differs (fork)": json.dumps(forged_root).encode(),
                    "checkpoint unsigned": json.dumps(dict(state, checkpoint="\n".join(lines[:3]) + "\n")).encode(),
                    "logKey of another key": json.dumps(dict(state, logKey=b64(spki_der(ec.generate_private_key(
                        ec.SECP256R1()).public_key())))).encode(),
                    "logURL of another log": json.dumps(dict(state, logURL="http://127.0.0.1:1")).encode(),
                    "10 MB": json.dumps(dict(state, pad="x" * (10 << 20))).encode()}
        g = Group("log monitor with a corrupt or forked state file: refused, the state file unchanged")
        for label, data in variants.items():
            p = w(f"log/state-{re.sub('[^a-zA-Z0-9]+', '-', label)}.json", data)
            want = "any" if label in ("logURL of another log", "checkpoint unsigned", "10 MB") else "reject"
            g.run(label, ["log", "monitor", "--state", p] + tc, want=want, max_secs=15)
            if want == "reject" and open(p, "rb").read() != data:
                g.bad.setdefault("state file changed", []).append((label, ["the state file was rewritten"],
                                                                  sigil(["log", "monitor", "--state", p] + tc)))
        g.done()

    def bad_urls(self):
        g = Group("log info --log-url that is malformed, unreachable or not HTTP")
        for url in ("", "not a url", "ftp://127.0.0.1/", "http://", "http://[::1", "http://127.0.0.1:0", "http://127.0.0.1:99999",
                    "file:///etc/passwd", "http://127.0.0.1:1/" + "a" * 100000, "http://%00/", "javascript:alert(1)",
                    "http://127.0.0.1:1/\r\nX-Injected: 1", "https://127.0.0.1:1/", "unix:///var/run/docker.sock"):
            g.run(repr(url[:40]), ["log", "info", "--log-url", url], max_secs=15)
        g.done()
        pw = "hunter2-" + os.urandom(4).hex()
        SECRETS[pw] = "password inside a URL"
        check("log info --log-url with user:password@ (unreachable): the password is not printed",
              ["log", "info", "--log-url", f"http://user:{pw}@127.0.0.1:1/"])
        g = Group("URLs with an out-of-range port (65536, 99999) in each command that takes one")
        for port in (65536, 99999):
            u = f"http://127.0.0.1:{port}"
            g.run(f"log info --log-url {u}", ["log", "info", "--log-url", u], max_secs=15)
            g.run(f"log get --log-url {u} --log-key", ["log", "get", "--index", "0", "--log-url", u, "--log-key", "k.pub"], max_secs=15)
            g.run(f"sign-blob --fulcio-url {u}", ["sign-blob", "art.txt", "--trust-config", self.s.tc, "--identity-token",
                                                  self.s.token, "--fulcio-url", u, "--bundle", "log/port.json"], max_secs=15)
            g.run(f"sign-blob --rekor-url {u}", ["sign-blob", "art.txt", "--trust-config", self.s.tc, "--identity-token",
                                                 self.s.token, "--rekor-url", u, "--rekor-version", "1", "--bundle", "log/port.json"],
                  max_secs=15)
            g.run(f"trust-instance {u}/tuf", ["trust-instance", u + "/tuf", self.s.tuf_root],
                  env={"XDG_DATA_HOME": os.path.join(WORK, "xdg-port")}, max_secs=15)
            g.run(f"verify-image 127.0.0.1:{port}/r:v1", ["verify-image", f"127.0.0.1:{port}/r:v1", "--key", "k.pub",
                                                          "--trust-config", self.s.tc], max_secs=15)
        g.done()
        check("sign-blob --rekor-url with user:password@ (unreachable): the password is not printed",
              ["sign-blob", "art.txt", "--trust-config", self.s.tc, "--identity-token", self.s.token, "--rekor-url",
               f"http://user:{pw}@127.0.0.1:1/", "--rekor-version", "1", "--bundle", "log/cred.json"])

    def fake_servers(self):
        """Servers that answer garbage, 100 MB, a non-HTTP banner, resets, redirect loops; the slow and silent
        ones run in threads (the client's own timeout is 30 s)."""
        servers = {m: FakeServer(m) for m in ("nonhttp", "garbage", "huge", "reset", "redirect", "status500")}
        g = Group("log info / get / search / audit against servers answering garbage, 100 MB, non-HTTP, resets, loops")
        for m, srv in servers.items():
            for args in (["info"], ["get", "--index", "0"], ["search", "--sha256", "a" * 64], ["audit"],
                         ["monitor", "--state", f"log/fake-{m}.json"], ["consistency", "--from", "1"]):
                g.run(f"{m}: log {args[0]}", ["log"] + args + ["--log-url", srv.url], max_secs=15)
            g.run(f"{m}: trust-instance", ["trust-instance", srv.url + "/tuf", self.s.tuf_root],
                  env={"XDG_DATA_HOME": os.path.join(WORK, "xdg-fake")}, max_secs=15)
            g.run(f"{m}: sign-blob --fulcio-url", ["sign-blob", "art.txt", "--trust-config", self.s.tc, "--identity-token",
                                                   self.s.token, "--fulcio-url", srv.url, "--bundle", "log/fake-sign.json"],
                  max_secs=15)
            g.run(f"{m}: sign-blob --rekor-url", ["sign-blob", "art.txt", "--trust-config", self.s.tc, "--identity-token",
                                                  self.s.token, "--rekor-url", srv.url, "--rekor-version", "1",
                                                  "--bundle", "log/fake-sign.json"], max_secs=15)
        g.done()
        for srv in servers.values():
            srv.close()

    def slow_servers(self):
        """Started first, in threads: each must end with a clear error within the client's timeout."""
        threads = []
        for m in ("silent", "slow"):
            srv = FakeServer(m)
            for label, args in ((f"{m} server: log info ends within its timeout", ["log", "info", "--log-url", srv.url]),
                                (f"{m} server: sign-blob --fulcio-url ends within its timeout",
                                 ["sign-blob", "art.txt", "--trust-config", self.s.tc, "--identity-token", self.s.token,
                                  "--fulcio-url", srv.url, "--bundle", f"log/slow-{m}.json"]),
                                (f"{m} server: trust-instance ends within its timeout",
                                 ["trust-instance", srv.url + "/tuf", self.s.tuf_root])):
                t = threading.Thread(target=check, args=(label, args), daemon=True,
                                     kwargs=dict(timeout=NET_TIMEOUT, max_secs=40,
                                                 env={"XDG_DATA_HOME": os.path.join(WORK, f"xdg-{m}")}))
                t.start()
                threads.append(t)
        return threads

    def hostile_log(self):
        """A log that signs whatever it says with its own key (trust on first use)."""
        pki = self.s.pki
        f = FakeLog(pki)
        base = ["--log-url", f.url]
        check("fake log: log info trusts it on first use (sanity)", ["log", "info"] + base, want="ok")
        g = Group("fake log (its own key): hostile tree heads and entries")

        def case(label, args, want="reject", **setup):
            for k, v in setup.items():
                setattr(f, k, v)
            g.run(label, ["log"] + args + base, want=want, max_secs=15)
            f.size, f.root, f.note_override, f.info_override, f.entry_override, f.proof_hashes = 1, None, None, None, None, None
        case("info: signed tree size 2^63-1", ["info"], want="any", size=2**63 - 1)
        case("info: signed tree size 2^64-1", ["info"], note_override=pki.note(2**64 - 1, f.leaf, origin="fake-log"))
        case("info: treeSize -1", ["info"], info_override=json.dumps({"rootHash": f.leaf.hex(), "treeSize": -1,
                                                                        "signedTreeHead": f.note(), "treeID": "1"}).encode())
        case("info: treeSize disagrees with the note", ["info"], info_override=json.dumps(
            {"rootHash": f.leaf.hex(), "treeSize": 7, "signedTreeHead": f.note(), "treeID": "1"}).encode())
        case("info: rootHash disagrees with the note", ["info"], info_override=json.dumps(
            {"rootHash": "00" * 32, "treeSize": 1, "signedTreeHead": f.note(), "treeID": "1"}).encode())
        case("info: 10 MB signedTreeHead", ["info"], info_override=json.dumps(
            {"rootHash": f.leaf.hex(), "treeSize": 1, "signedTreeHead": "x" * (10 << 20), "treeID": "1"}).encode())
        case("info: deep JSON", ["info"], info_override=b"[" * 100000)
        case("info: 100k inactive shards", ["info"], want="any", info_override=json.dumps(
            {"rootHash": f.leaf.hex(), "treeSize": 1, "signedTreeHead": f.note(), "treeID": "1",
             "inactiveShards": [{"rootHash": f.leaf.hex(), "treeSize": 1, "signedTreeHead": f.note(), "treeID": "2"}] * 100000}).encode())
        case("get: integratedTime 2^63-1 under a valid SET", ["get", "--index", "0"], want="any",
             entry_override=f.make_entry(integrated=2**63 - 1))
        case("get: logIndex 2^63-1 under a valid SET", ["get", "--index", "0"], entry_override=f.make_entry(index=2**63 - 1))
        case("get: 100k proof hashes", ["get", "--index", "0"],
             entry_override=f.make_entry(hashes_=[b"\x00".hex() * 32] * 100000))
        case("get: two entries in the answer", ["get", "--index", "0"], entry_override=json.dumps(
            dict(json.loads(f.make_entry()), **{"ab" * 32: json.loads(f.make_entry())[f.leaf.hex()]})).encode())
        case("get: empty answer", ["get", "--index", "0"], entry_override=b"{}")
        case("get: answer is a list", ["get", "--index", "0"], entry_override=b"[]")
        case("consistency: 100k hashes", ["consistency", "--from", "1", "--to", "2"], size=2, root=os.urandom(32),
             proof_hashes=[os.urandom(32).hex()] * 100000)
        case("consistency 1 → 2^63-1 with 63 wrong hashes", ["consistency", "--from", "1"], size=2**63 - 1, root=os.urandom(32),
             proof_hashes=[os.urandom(32).hex() for _ in range(63)])
        case("audit: signed tree size 2^63-1 (entries 404)", ["audit"], size=2**63 - 1)
        case("audit: signed tree size 2^40 (entries 404)", ["audit"], size=2**40)
        g.done()
        # monitor: pinned, then the log shrinks / forks
        st = os.path.join(WORK, "log/fake-state.json")
        f.size = 5
        check("fake log: monitor pins size 5", ["log", "monitor", "--state", st] + base, want="ok")
        raw = open(st, "rb").read() if os.path.exists(st) else b""
        f.size = 3
        check("fake log: monitor refuses a log that shrank from 5 to 3", ["log", "monitor", "--state", st] + base)
        report(open(st, "rb").read() == raw, "… and the state file is unchanged")
        f.size, f.root = 5, os.urandom(32)
        check("fake log: monitor refuses a different root at the same size (fork)", ["log", "monitor", "--state", st] + base)
        report(open(st, "rb").read() == raw, "… and the state file is unchanged")
        f.size, f.root, f.proof_hashes = 9, os.urandom(32), [os.urandom(32).hex() for _ in range(4)]
        check("fake log: monitor refuses a bigger tree whose consistency proof is wrong", ["log", "monitor", "--state", st] + base)
        report(open(st, "rb").read() == raw, "… and the state file is unchanged")
        f.server.close()


# ---------------------------------------------------------------------------------------------------
# OCI image layouts

def make_layout(path, tag="v1", layers=1):
    """A minimal OCI image layout: one image manifest (empty config, raw layers) under a tag."""
    blobs = os.path.join(path, "blobs", "sha256")
    os.makedirs(blobs, exist_ok=True)

    def put(data):
        d = hashlib.sha256(data).hexdigest()
        with open(os.path.join(blobs, d), "wb") as f:
            f.write(data)
        return {"digest": "sha256:" + d, "size": len(data)}
    config = put(b"{}")
    lay = [dict(put(os.urandom(256)), mediaType="application/vnd.oci.image.layer.v1.tar") for _ in range(layers)]
    manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                           "config": dict(config, mediaType="application/vnd.oci.image.config.v1+json"),
                           "layers": lay}).encode()
    m = put(manifest)
    with open(os.path.join(path, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)
    index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
             "manifests": [dict(m, mediaType="application/vnd.oci.image.manifest.v1+json",
                                annotations={"org.opencontainers.image.ref.name": tag})]}
    with open(os.path.join(path, "index.json"), "w") as f:
        json.dump(index, f)
    return m["digest"], lay


def snapshot(path):
    """Every file under path (symlinks not followed) -> sha256 of its bytes (or the link target)."""
    out = {}
    for root, dirs, files in os.walk(path):
        for n in files + [d for d in dirs if os.path.islink(os.path.join(root, d))]:
            p = os.path.join(root, n)
            if os.path.islink(p):
                out[os.path.relpath(p, path)] = "link:" + os.readlink(p)
            elif not stat.S_ISREG(os.lstat(p).st_mode):
                out[os.path.relpath(p, path)] = f"special {stat.S_IFMT(os.lstat(p).st_mode):o}"
            else:
                try:
                    out[os.path.relpath(p, path)] = hashlib.sha256(open(p, "rb").read()).hexdigest()
                except OSError as e:
                    out[os.path.relpath(p, path)] = f"unreadable {e.errno}"
    return out


class ImageSweep:
    def __init__(self, sweep):
        self.s = sweep

    def layouts(self):
        s = self.s
        pw = {"SIGIL_PASSWORD": s.password}
        good = os.path.join(WORK, "oci/good")
        digest, layers = make_layout(good)
        check("layout: sign-image --key on a valid layout (sanity)", ["sign-image", "./oci/good:v1", "--key", "k.key",
              "--trust-config", s.tc], env=pw, want="ok")
        check("layout: verify-image --key on it (sanity)", ["verify-image", "./oci/good:v1", "--key", "k.pub", "--trust-config", s.tc],
              want="ok")
        outside = os.path.join(WORK, "oci-outside")
        os.makedirs(outside, exist_ok=True)
        w("oci-outside/secret.txt", b"outside the layout\n")
        hexd = digest.split(":")[1]

        def variant(name, mutate):
            d = os.path.join(WORK, "oci", name)
            shutil.rmtree(d, ignore_errors=True)
            shutil.copytree(good, d, symlinks=True)
            mutate(d)
            return d

        def set_index(doc):
            return lambda d: open(os.path.join(d, "index.json"), "w").write(json.dumps(doc))
        idx = json.load(open(os.path.join(good, "index.json")))
        man0 = idx["manifests"][0]

        def with_manifest(**kw):
            return set_index(dict(idx, manifests=[dict(man0, **kw)] + idx["manifests"][1:]))
        variants = {
            "index.json missing": lambda d: os.remove(os.path.join(d, "index.json")),
            "index.json truncated": lambda d: open(os.path.join(d, "index.json"), "w").write(json.dumps(idx)[:40]),
            "index.json garbage": lambda d: open(os.path.join(d, "index.json"), "wb").write(os.urandom(100)),
            "index.json deep": lambda d: open(os.path.join(d, "index.json"), "w").write("[" * 100000),
            "index.json a list": set_index([]), "manifests not a list": set_index(dict(idx, manifests=1)),
            "manifests empty": set_index(dict(idx, manifests=[])),
            "index.json a directory": lambda d: (os.remove(os.path.join(d, "index.json")), os.mkdir(os.path.join(d, "index.json"))),
            "oci-layout missing": lambda d: os.remove(os.path.join(d, "oci-layout")),
            "oci-layout version 9": lambda d: open(os.path.join(d, "oci-layout"), "w").write('{"imageLayoutVersion": "9.9.9"}'),
            "manifest blob missing": lambda d: os.remove(os.path.join(d, "blobs/sha256", hexd)),
            "manifest blob altered (digest mismatch)": lambda d: open(os.path.join(d, "blobs/sha256", hexd), "ab").write(b" "),
            "layer blob missing": lambda d: os.remove(os.path.join(d, "blobs/sha256", layers[0]["digest"].split(":")[1])),
            "layer blob altered": lambda d: open(os.path.join(d, "blobs/sha256", layers[0]["digest"].split(":")[1]), "ab").write(b"x"),
            "manifest digest is a path": with_manifest(digest="sha256:../../../oci-outside/secret.txt"),
            "manifest digest uppercase": with_manifest(digest="sha256:" + hexd.upper()),
            "manifest digest sha512 of wrong length": with_manifest(digest="sha512:" + hexd),
            "manifest digest unknown algorithm": with_manifest(digest="md5:" + hexd[:32]),
            "manifest digest empty": with_manifest(digest=""), "manifest size -1": with_manifest(size=-1),
            "manifest size 2^63-1": with_manifest(size=2**63 - 1), "manifest size 2^64": with_manifest(size=2**64),
            "manifest size is a string": with_manifest(size="10"),
            "manifest blob is a symlink outside": lambda d: (os.remove(os.path.join(d, "blobs/sha256", hexd)),
                                                             os.symlink(os.path.join(outside, "secret.txt"),
                                                                        os.path.join(d, "blobs/sha256", hexd))),
            "blobs/sha256 is a symlink to an outside folder": lambda d: (shutil.rmtree(os.path.join(d, "blobs/sha256")),
                                                                         os.symlink(outside, os.path.join(d, "blobs/sha256"))),
            "index.json is a symlink outside": lambda d: (os.replace(os.path.join(d, "index.json"), os.path.join(outside, "index.json")),
                                                          os.symlink(os.path.join(outside, "index.json"),
                                                                     os.path.join(d, "index.json"))),
            "manifest blob 200 MB sparse": lambda d: open(os.path.join(d, "blobs/sha256", hexd), "r+b").truncate(200 << 20),
            "manifest is not JSON (digest matches)": None,
            "manifest with 100k layers (digest matches)": None,
            "two manifests with the same tag": set_index(dict(idx, manifests=[man0, man0])),
            "100k manifests": set_index(dict(idx, manifests=[man0] * 100000)),
        }

        def manifest_blob(data):
            def m(d):
                dd = hashlib.sha256(data).hexdigest()
                open(os.path.join(d, "blobs/sha256", dd), "wb").write(data)
                json.dump(dict(idx, manifests=[dict(man0, digest="sha256:" + dd, size=len(data))]), open(os.path.join(d, "index.json"), "w"))
            return m
        variants["manifest is not JSON (digest matches)"] = manifest_blob(b"\x00not json")
        variants["manifest with 100k layers (digest matches)"] = manifest_blob(json.dumps(
            {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
             "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": "sha256:" + "0" * 64, "size": 2},
             "layers": [layers[0]] * 100000}).encode())
        # a blob that is a FIFO: open(2) blocks until a writer comes; one command, a short limit
        d = variant("manifest-blob-is-a-FIFO", lambda d: (os.remove(os.path.join(d, "blobs/sha256", hexd)),
                                                          os.mkfifo(os.path.join(d, "blobs/sha256", hexd))))
        check("layout whose manifest blob is a FIFO: verify-image ends in 5 s",
              ["verify-image", "./" + os.path.relpath(d, WORK) + ":v1", "--key", "k.pub", "--trust-config", s.tc], timeout=5)
        ok_variants = ("two manifests with the same tag", "oci-layout version 9", "manifest digest uppercase",
                       "blobs/sha256 is a symlink to an outside folder", "index.json is a symlink outside",
                       "100k manifests", "layer blob altered", "layer blob missing")
        g = Group("image commands on corrupt OCI layouts: clear errors, and a failed command leaves the layout untouched")
        outside_new, outside_changed = set(), set()
        for label, mutate in variants.items():
            d = variant(re.sub("[^a-zA-Z0-9]+", "-", label), mutate)
            outside_before = snapshot(outside)
            ref = os.path.relpath(d, WORK)
            ref = "./" + ref + ":v1"
            for cmd in (["verify-image", ref, "--key", "k.pub", "--trust-config", s.tc], ["tree", ref],
                        ["sign-image", ref, "--key", "k.key", "--trust-config", s.tc],
                        ["copy", ref, "./oci/dest-" + re.sub("[^a-zA-Z0-9]+", "-", label) + ":v1", "--trust-config", s.tc]):
                before = snapshot(d)
                want = "any" if label in ok_variants or (cmd[0] == "tree" and "100k layers" in label) else "reject"
                r = g.run(f"{label}: {cmd[0]}", cmd, env=pw, want=want, max_secs=15)
                after = snapshot(d)
                if r.rc != 0 and not r.hung and before != after:
                    changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
                    g.bad.setdefault("a failed command changed the layout", []).append(
                        (f"{label}: {cmd[0]}", [f"changed {changed[:5]}"], r))
            after = snapshot(outside)
            outside_new |= {f"{k} ({label})" for k in after if k not in outside_before}
            outside_changed |= {f"{k} ({label})" for k in outside_before if after.get(k) != outside_before[k]}
        g.done()
        new = sorted(outside_new)
        print(f"INFO files created outside the layouts through their symlinks: {len(new)} {new[:4]}{'…' if len(new) > 4 else ''}",
              flush=True)
        report(not outside_changed, "no existing file outside a layout was modified through its symlinks",
               f"changed {sorted(outside_changed)}" if outside_changed else "")
        g = Group("image references that are malformed")
        for ref in ("oci:", "./oci/good@sha256:zz", "./oci/good@sha256:" + "0" * 64, "./oci/good:" + "t" * 10000,
                    "./oci/good:v1:v2", "./oci/good@", "oci:/nonexistent/dir:v1", "./oci/good:no-such-tag",
                    "127.0.0.1:1/repo:v1", "HOST/UPPER/Case", "a" * 5000 + "/r:v1", "127.0.0.1:99999/r:v1", ""):
            g.run(f"verify-image {ref[:40]!r}", ["verify-image", ref, "--key", "k.pub", "--trust-config", s.tc], max_secs=15)
            g.run(f"tree {ref[:40]!r}", ["tree", ref], max_secs=15)
        g.done()
        # deployment policies (policy check) that are hostile, on the valid, key-signed layout
        w("oci/ops.pub", open(os.path.join(WORK, "k.pub"), "rb").read())
        base = {"identities": {"ops": [{"publicKey": "ops.pub"}]}, "lifecycleSigners": "ops",
                "rules": [{"rule": "signed", "by": "ops"}]}
        pc = lambda pol, extra=(): ["policy", "check", "./oci/good:v1", "--policy", pol, "--trust-config", s.tc] + list(extra)
        check("policy check: a key-signed layout passes a publicKey policy (sanity)", pc(wj("oci/pol-ok.json", base)), want="ok")
        pols = {
            "publicKey is the private key file": dict(base, identities={"ops": [{"publicKey": "../k.key"}]}),
            "publicKey is a directory": dict(base, identities={"ops": [{"publicKey": "."}]}),
            "publicKey /dev/zero": dict(base, identities={"ops": [{"publicKey": "/dev/zero"}]}),
            "maxDays 1e308": dict(base, rules=base["rules"] + [{"rule": "notSuperseded", "maxDays": 1e308}]),
            "maxDays -1": dict(base, rules=base["rules"] + [{"rule": "notSuperseded", "maxDays": -1}]),
            "maxDays 2^63": dict(base, rules=base["rules"] + [{"rule": "notSuperseded", "maxDays": 2**63}]),
            "maxDays 1.5e17 (days→seconds overflows)": dict(base, rules=base["rules"] + [{"rule": "notSuperseded",
                                                                                          "maxDays": 150000000000000000}]),
            "unknown rule": dict(base, rules=[{"rule": "nope"}]), "no rules": dict(base, rules=[]),
            "by an unknown set": dict(base, rules=[{"rule": "signed", "by": "nobody"}]),
            "identity set empty": dict(base, identities={"ops": []}),
            "subjectRegExp invalid": dict(base, identities={"ops": [{"issuer": "x", "subjectRegExp": "("}]}),
            "subjectRegExp catastrophic": dict(base, identities={"ops": [{"issuerRegExp": "(a+)+$", "subjectRegExp": "(a+)+$"}]}),
            "unknown extension name": dict(base, identities={"ops": [{"issuer": "x", "subject": "y", "extensions": {"nope": "1"}}]}),
            "attestation predicate with a 2^64 index": dict(base, rules=[{"rule": "attestation", "type": "custom", "by": "ops",
                "predicate": {"rules": [{"path": "a.18446744073709551616", "exists": True}]}}]),
        }
        g = Group("policy check with hostile deployment policies and --at times")
        for label, doc in pols.items():
            g.run(label, pc(wj(f"oci/pol-{re.sub('[^a-zA-Z0-9]+', '-', label)}.json", doc)), max_secs=10,
                  want="any" if label in ("no rules", "maxDays 1e308", "maxDays 2^63", "maxDays 1.5e17 (days→seconds overflows)")
                  else "reject")
        for label, data in (("deep", b"[" * 100000), ("not JSON", b"{"), ("duplicate keys", b'{"rules": [], "rules": []}')):
            g.run(label, pc(w(f"oci/pol-{re.sub('[^a-zA-Z0-9]+', '-', label)}.json", data)), max_secs=10)
        for at in ("9999-99-99", "0000-01-01", "-0001-01-01", "+275760-09-13", "2026-02-30", "1e308", "2026-01-01T25:00:00Z",
                   "9" * 10000, "292277026596-12-04", "2026-01-01T00:00:00+99:99"):
            g.run(f"--at {at[:24]!r}", pc("oci/pol-ok.json", ["--at", at]), max_secs=10,
                  want="any" if at in ("0000-01-01",) else "reject")
        g.done()
        # copying into an existing layout from a corrupt one must not damage the destination
        dest = os.path.join(WORK, "oci/dest-existing")
        shutil.rmtree(dest, ignore_errors=True)
        shutil.copytree(good, dest)
        before = snapshot(dest)
        bad = os.path.join(WORK, "oci", "manifest-blob-altered-digest-mismatch-")
        check("copy from a corrupt layout into an existing layout is refused", ["copy", "./" + os.path.relpath(bad, WORK) + ":v1",
              "./oci/dest-existing:v2", "--trust-config", s.tc])
        report(snapshot(dest) == before, "… and the destination layout is unchanged")

    def trust_instance(self):
        s = self.s
        xdg = os.path.join(WORK, "xdg")
        env = {"XDG_DATA_HOME": xdg}
        r = check("trust-instance with the instance's 1.root.json (sanity)", ["trust-instance", s.tuf_url, s.tuf_root], env=env,
                  want="ok")
        before = snapshot(xdg)
        root = json.load(open(s.tuf_root))
        rt = open(s.tuf_root, "rb").read()
        g = Group("trust-instance with hostile root.json files or URLs: refused, the existing cache unchanged")
        cases = {"truncated": rt[:len(rt) // 2], "garbage": os.urandom(300), "deep": b"[" * 100000, "empty": b"",
                 "signatures removed": json.dumps(dict(root, signatures=[])).encode(),
                 "version -1": json.dumps(set_path(root, ("signed", "version"), -1)).encode(),
                 "version 2^64": json.dumps(set_path(root, ("signed", "version"), 2**64)).encode(),
                 "expires not a time": json.dumps(set_path(root, ("signed", "expires"), "soon")).encode(),
                 "threshold 0": json.dumps(set_path(root, ("signed", "roles", "root", "threshold"), 0)).encode(),
                 "threshold 2^63": json.dumps(set_path(root, ("signed", "roles", "root", "threshold"), 2**63)).encode(),
                 "keys empty": json.dumps(set_path(root, ("signed", "keys"), {})).encode(),
                 "10 MB string": json.dumps(set_path(root, ("signed", "_type"), "x" * (10 << 20))).encode(),
                 "duplicate signed": rt.rstrip()[:-1] + b', "signed": {}}'}
        for label, data in cases.items():
            p = w(f"tuf/{re.sub('[^a-zA-Z0-9]+', '-', label)}.json", data)
            g.run(label, ["trust-instance", s.tuf_url, p], env=env, max_secs=15)
        for label, url in (("URL empty", ""), ("URL not http", "ftp://127.0.0.1/tuf"), ("URL unreachable", "http://127.0.0.1:1/tuf"),
                           ("URL of a non-TUF path", s.a.log + "/api/v1/log"), ("URL 100 kB", "http://127.0.0.1:1/" + "a" * 100000)):
            g.run(label, ["trust-instance", url, s.tuf_root], env=env, max_secs=15)
        g.run("root is a directory", ["trust-instance", s.tuf_url, "tuf"], env=env)
        g.run("root missing", ["trust-instance", s.tuf_url, "tuf/none.json"], env=env)
        g.done()
        report(snapshot(xdg) == before, "trust-instance failures left the verified cache unchanged")
        g = Group("--instance with a corrupt cache (--offline): clear errors")
        cache_files = [os.path.join(r_, f) for r_, _, fs in os.walk(xdg) for f in fs]
        for i, cf in enumerate(cache_files[:6]):
            saved = open(cf, "rb").read()
            for label, data in (("garbage", os.urandom(64)), ("truncated", saved[:len(saved) // 2])):
                open(cf, "wb").write(data)
                g.run(f"{os.path.relpath(cf, xdg)} {label}", ["verify-blob", "art.txt", "--bundle", "b1.json", "--instance",
                                                              s.tuf_url, "--offline"] + s.ident, env=env, max_secs=15)
            open(cf, "wb").write(saved)
        g.done()

    def signing(self):
        s = self.s
        tc = ["--trust-config", s.tc]
        # the bundle path is the artifact itself
        victim = w("sign/artifact.bin", b"the artifact\n")
        r = sigil(["sign-blob", "sign/artifact.bin", "--bundle", "sign/artifact.bin", "--identity-token", s.token] + tc)
        intact = open(victim, "rb").read() == b"the artifact\n"
        report(intact, "sign-blob --bundle naming the artifact itself leaves the artifact intact",
               "" if intact else f"the artifact was replaced by the bundle (exit {r.rc})\n    repro: {r.repro()}")
        w("sign/att.bin", b"the artifact\n")
        r = sigil(["attest", "sign/att.bin", "--predicate", "pred.json", "--bundle", "sign/att.bin", "--identity-token", s.token] + tc)
        intact = open(os.path.join(WORK, "sign/att.bin"), "rb").read() == b"the artifact\n"
        report(intact, "attest --bundle naming the artifact itself leaves the artifact intact",
               "" if intact else f"the artifact was replaced by the bundle (exit {r.rc})\n    repro: {r.repro()}")
        w("sign/pred2.json", b'{"a": 1}')
        r = sigil(["attest", "art.txt", "--predicate", "sign/pred2.json", "--bundle", "sign/pred2.json", "--identity-token", s.token] + tc)
        intact = open(os.path.join(WORK, "sign/pred2.json"), "rb").read() == b'{"a": 1}'
        report(intact, "attest --bundle naming the predicate file leaves the predicate intact",
               "" if intact else f"the predicate was replaced by the bundle (exit {r.rc})\n    repro: {r.repro()}")
        # a failed signing leaves an existing bundle as it was
        keep = w("sign/existing.json", open(os.path.join(WORK, "b1.json"), "rb").read())
        before = open(keep, "rb").read()
        bad_tok = s.token[:-4] + ("AAAA" if not s.token.endswith("AAAA") else "BBBB")
        SECRETS[bad_tok] = "tampered identity token"
        g = Group("sign-blob / attest with bad tokens, outputs and options: clear errors, no token echoed, bundles kept")
        for label, args, env in (
                ("garbage token", ["--identity-token", "garbage.token.SECRET"], None),
                ("tampered token", ["--identity-token", bad_tok], None),
                ("token of another audience", ["--identity-token", s.other_aud_token], None),
                ("token file is a directory", ["--identity-token", "sign"], None),
                ("token file 10 MB", ["--identity-token", w("sign/tok-big.txt", b"a" * (10 << 20))], None),
                ("SIGSTORE_ID_TOKEN garbage", [], {"SIGSTORE_ID_TOKEN": "x.y.z"}),
                ("ACTIONS_ID_TOKEN_REQUEST_URL unreachable", [], {"ACTIONS_ID_TOKEN_REQUEST_URL": "http://127.0.0.1:1/t",
                                                                  "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "reqtok-SECRET"}),
                ("--rekor-version 3", ["--identity-token", s.token, "--rekor-version", "3"], None),
                ("--rekor-version abc", ["--identity-token", s.token, "--rekor-version", "abc"], None),
                ("--fulcio-url not a URL", ["--identity-token", s.token, "--fulcio-url", "::::"], None),
                ("--rekor-url unreachable", ["--identity-token", s.token, "--rekor-url", "http://127.0.0.1:1", "--rekor-version", "1"], None),
                ("--oidc-issuer of another issuer than the token's", ["--identity-token", s.token, "--oidc-issuer",
                                                                      "https://accounts.example.com"], None),
                ("no token, OOB sign-in, stdin closed", ["--oauth-force-oob", "--oidc-client-secret-file",
                                                         w("sign/client-secret.txt", b"client-secret-SECRET\n")], None)):
            g.run(label, ["sign-blob", "art.txt", "--bundle", "sign/existing.json"] + args + tc, env=env, max_secs=15)
        SECRETS["reqtok-SECRET"] = "GitHub request token"
        SECRETS["client-secret-SECRET"] = "OAuth client secret"
        SECRETS["garbage.token.SECRET"] = "identity token given"
        for label, out in (("bundle path is a directory", "sign"), ("bundle in a missing folder", "sign/none/x.json"),
                           ("bundle path in /proc", "/proc/x.json")):
            g.run(label, ["sign-blob", "art.txt", "--bundle", out, "--identity-token", s.token] + tc, max_secs=15)
        for label, art in (("artifact missing", "sign/none.bin"), ("artifact is a directory", "sign")):
            g.run(label, ["sign-blob", art, "--bundle", "sign/x.json", "--identity-token", s.token] + tc, max_secs=15)
        preds = {"not an object (list)": b"[1]", "not an object (string)": b'"x"', "invalid JSON": b"{", "deep": b"[" * 100000,
                 "invalid UTF-8": b'{"a": "\xff"}', "duplicate keys": b'{"a": 1, "a": 2}', "empty": b"",
                 "10 MB": json.dumps({"a": "x" * (10 << 20)}).encode()}
        for label, data in preds.items():
            if label == "10 MB":
                g.run(f"attest predicate {label}", ["attest", "art.txt", "--predicate", w("sign/pred-10MB.json", data),
                                                    "--bundle", "sign/pred-10MB-out.json", "--identity-token", s.token] + tc,
                      want="any", max_secs=15)
                continue
            g.run(f"attest predicate {label}", ["attest", "art.txt", "--predicate", w(f"sign/pred-{re.sub('[^a-zA-Z0-9]+', '-', label)}.json", data),
                                                "--bundle", "sign/existing.json", "--identity-token", s.token] + tc, max_secs=15)
        for t in ("", "not a uri", "javascript:alert(1)", "https://x/" + "a" * 100000, "no-such-short-name"):
            g.run(f"attest --type {t[:30]!r}", ["attest", "art.txt", "--predicate", "pred.json", "--type", t, "--bundle",
                                               "sign/type-out.json", "--identity-token", s.token] + tc, max_secs=15,
                  want="any" if t.startswith(("javascript:", "https:")) else "reject")
        g.done()
        report(open(keep, "rb").read() == before, "failed sign-blob / attest runs left the existing bundle unchanged")
        # outputs that are not regular files: `--bundle /dev/stdout` (a symlink to /proc/self/fd/1) and a device node
        # (made in the work folder; the real /dev/null and /dev/stdout are never touched)
        os.makedirs(os.path.join(WORK, "sign/dev"), exist_ok=True)
        link = os.path.join(WORK, "sign/dev/stdout")
        os.symlink("/proc/self/fd/1", link)
        r = sigil(["sign-blob", "art.txt", "--bundle", link, "--identity-token", s.token] + tc)
        ok = os.path.islink(link) and '"mediaType"' in r.out
        report(ok, "sign-blob --bundle /dev/stdout (a symlink to /proc/self/fd/1) prints the bundle and keeps the link",
               "" if ok else f"exit {r.rc}; the link is now {'a symlink' if os.path.islink(link) else 'a regular file'}, "
               f"stdout {len(r.out)} bytes: the bundle went into a file that replaced the symlink\n    repro (in a scratch folder): "
               f"ln -s /proc/self/fd/1 stdout && sigil sign-blob art.txt --bundle stdout ...; "
               f"here: {r.repro()}")
        if os.geteuid() == 0:
            for label, args in (("sign-blob --bundle", ["sign-blob", "art.txt", "--identity-token", s.token] + tc + ["--bundle"]),
                                ("attest --bundle", ["attest", "art.txt", "--predicate", "pred.json", "--identity-token", s.token]
                                 + tc + ["--bundle"]),
                                ("log monitor --state", ["log", "monitor"] + tc + ["--state"])):
                dev = os.path.join(WORK, "sign/dev", re.sub("[^a-z]+", "-", label) + "null")
                os.mknod(dev, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
                r = sigil(args + [dev])
                still = stat.S_ISCHR(os.lstat(dev).st_mode)
                report(still, f"{label} on a character device (a copy of /dev/null) leaves the device node in place",
                       "" if still else f"exit {r.rc}: the device node was replaced by a regular file (as root, "
                       f"`{label} /dev/null` replaces the system's /dev/null)\n    repro: mknod null c 1 3 && "
                       f"{' '.join(shlex.quote(a) for a in r.argv[:4])} ... {label.split()[-1]} null\n    here: {r.repro()[:400]}")


def main():
    global SIGIL, WORK
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sigil", required=True, help="the sigil binary")
    ap.add_argument("--oidc", required=True)
    ap.add_argument("--ca", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--tsa", required=True)
    ap.add_argument("--trust-config", required=True, help="the stack's trust_config.json (in its data folder)")
    ap.add_argument("--work", required=True, help="a folder for inputs and outputs (kept for reproductions)")
    ap.add_argument("--only", default="", help="comma-separated step names (default: all)")
    args = ap.parse_args()
    SIGIL = os.path.abspath(args.sigil)
    WORK = os.path.abspath(args.work)
    os.makedirs(WORK, exist_ok=True)
    t0 = time.monotonic()
    s = Sweep(args)
    s.setup()
    logs, images = LogSweep(s), ImageSweep(s)
    steps = [("files", s.bundle_files), ("bundles", s.bundle_json), ("certificates", s.certificates),
             ("lookalikes", s.lookalikes), ("identity", s.identity_flags), ("proofs", s.proofs),
             ("trust", s.trust_configs), ("keys", s.keys), ("policies", s.policies), ("log", logs.real_log),
             ("urls", logs.bad_urls), ("fake", logs.fake_servers), ("hostile-log", logs.hostile_log),
             ("layouts", images.layouts), ("tuf", images.trust_instance), ("signing", images.signing)]
    only = set(x for x in args.only.split(",") if x)
    slow = logs.slow_servers() if not only or "slow" in only else []
    for name, step in steps:
        if only and name not in only:
            continue
        t = time.monotonic()
        try:
            step()
        except Exception as e:      # a harness error is reported, not hidden
            import traceback
            report(False, f"harness error in step {name}: {e!r}", traceback.format_exc().strip().splitlines()[-3])
        print(f"---- {name}: {time.monotonic() - t:.1f}s", flush=True)
    for t in slow:
        t.join()
    print(f"---- total {time.monotonic() - t0:.0f}s", flush=True)
    finish()


if __name__ == "__main__":
    main()
