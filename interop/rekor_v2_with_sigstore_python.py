#!/usr/bin/env python3
"""Checks Sigil's Rekor v2 log with the real sigstore-python client (4.5.1) and an independent
RFC 6962 / C2SP implementation written here with hashlib and `cryptography` only.

1. sigstore-python's own `RekorV2Client` builds a hashedrekord v0.0.2 request for a certificate
   and signature and posts it to `{baseUrl}/api/v2/log/entries`, with `baseUrl` from the data
   folder's trusted root; the answer parses with sigstore's strict models and verifies with
   `TransparencyLogEntry._verify` (Merkle inclusion + signed checkpoint) against a keyring made
   from the trusted root's v2 log key.
2. The trusted root's `logId.keyId` is SHA-256(origin || 0x0A || 0x01 || raw key), the origin is
   the baseUrl's host name without port, and the checkpoint's signature line carries that name and
   the first four key ID bytes, Ed25519 over the note text.
3. The tiles (300 entries): every entry bundle and level-0 tile is fetched, the leaf hashes recomputed with
   hashlib, and the RFC 6962 root rebuilt here (no Sigil or sigstore code) must equal the signed
   checkpoint's root.
4. Refusals: a duplicate answers 409 with x-log-index; unknown fields, a short digest, a bad
   signature, a disallowed key type and an unparseable certificate answer 400 and leave the
   checkpoint unchanged.

Usage: rekor_v2_with_sigstore_python.py SERVER_URL TRUSTED_ROOT_JSON
(SERVER_URL replaces the scheme/host/port of the trusted root's baseUrl, which names the default port.)
Ends with "N passed, M failed".
"""
import base64, datetime, hashlib, json, sys, urllib.error, urllib.parse, urllib.request

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.x509.oid import NameOID
from sigstore._internal.rekor.client_v2 import RekorV2Client
from sigstore._internal.trust import Keyring, RekorKeyring
from sigstore.hashes import Hashed
from sigstore_models.common import v1 as common_v1

server, root_path = sys.argv[1].rstrip("/"), sys.argv[2]
root = json.load(open(root_path))
v2 = [t for t in root["tlogs"] if t["publicKey"]["keyDetails"] == "PKIX_ED25519"]
passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    print(("PASS " if ok else "FAIL ") + name + (f": {detail}" if detail and not ok else ""))
    if ok:
        passed += 1
    else:
        failed += 1


check("the trusted root lists one Rekor v2 log (PKIX_ED25519)", len(v2) == 1, json.dumps(root["tlogs"]))
log = v2[0]
trusted_base = urllib.parse.urlsplit(log["baseUrl"])
base = server + trusted_base.path            # where this run's log server serves it
origin = trusted_base.hostname               # Go's url.Hostname(): no port
spki = base64.b64decode(log["publicKey"]["rawBytes"])
log_key = serialization.load_der_public_key(spki)
raw_key = log_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
key_id = hashlib.sha256(origin.encode() + b"\n\x01" + raw_key).digest()
check("logId.keyId = SHA-256(origin || 0x0A || 0x01 || key)", base64.b64decode(log["logId"]["keyId"]) == key_id)
keyring = RekorKeyring(Keyring([common_v1.PublicKey.model_validate_json(json.dumps(log["publicKey"]))]))


def get(path):
    with urllib.request.urlopen(base + path) as resp:
        return resp.read()


def post(body):
    req = urllib.request.Request(base + "/api/v2/log/entries", data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def certificate(key):
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "rekor-v2-interop")])
    now = datetime.datetime.now(datetime.timezone.utc)
    return (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now)
            .not_valid_after(now + datetime.timedelta(minutes=10))
            .add_extension(x509.SubjectAlternativeName([x509.RFC822Name("alice@example.com")]), critical=True)
            .sign(key, hashes.SHA256()))


def signed_request(artifact):
    key = ec.generate_private_key(ec.SECP256R1())
    digest = hashlib.sha256(artifact).digest()
    signature = key.sign(artifact, ec.ECDSA(hashes.SHA256()))
    hashed = Hashed(algorithm=common_v1.HashAlgorithm.SHA2_256, digest=digest)
    return RekorV2Client._build_hashed_rekord_request(hashed, signature, certificate(key))


# 1. sigstore-python posts and verifies.
client = RekorV2Client(base)
entries = []
for i in range(5):
    request = signed_request(f"artifact {i}".encode())
    try:
        entry = client.create_entry(request)
        entries.append((request, entry))
        entry._verify(keyring)
        inner = entry._inner
        ok = (inner.kind_version.kind == "hashedrekord" and inner.kind_version.version == "0.0.2"
              and inner.inclusion_promise is None and inner.log_id.key_id == key_id
              and inner.inclusion_proof.tree_size > inner.log_index)
        body = json.loads(inner.canonicalized_body)
        ok = ok and set(body["spec"]) == {"hashedRekordV002"}
        check(f"sigstore-python's RekorV2Client posts entry {i}; the answer parses and verifies", ok, repr(inner)[:300])
    except Exception as e:  # noqa: BLE001
        check(f"sigstore-python's RekorV2Client posts entry {i}; the answer parses and verifies", False, repr(e)[:500])

# More entries over plain HTTP, so that the tiles below span two level-0 tiles and a level-1 tile.
created = sum(post(signed_request(f"bulk {i}".encode()))[0] == 201 for i in range(295))
check("295 more requests answer 201", created == 295, str(created))

# 2. The checkpoint, read as C2SP text with an independent Ed25519 check.
note = get("/checkpoint").decode()
text, _, sigs = note.partition("\n\n")
text += "\n"
lines = text.splitlines()
sig_lines = [l for l in sigs.splitlines() if l]
check("checkpoint origin line is the baseUrl's host name", lines[0] == origin, lines[0])
ok = False
for line in sig_lines:
    dash, name, b64 = line.split(" ")
    blob = base64.b64decode(b64)
    if dash == "\u2014" and name == origin and blob[:4] == key_id[:4]:
        try:
            log_key.verify(blob[4:], text.encode())
            ok = True
        except Exception:  # noqa: BLE001
            pass
check("checkpoint signature: name = origin, hint = keyId[:4], Ed25519 over the text", ok, note)
size, root_hash = int(lines[1]), base64.b64decode(lines[2])


# 3. Rebuild the root from the tiles with hashlib only.
def index_path(n):
    groups = []
    while True:
        groups.append(n % 1000)
        n //= 1000
        if n == 0:
            break
    groups.reverse()
    return "/".join(("x%03d" if i < len(groups) - 1 else "%03d") % g for i, g in enumerate(groups))


def leaf_hash(data):
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def mth(leaves):  # RFC 6962 section 2.1, recursively
    if len(leaves) == 0:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))


bodies, tile_leaves = [], []
for n in range((size + 255) // 256):
    width = min(256, size - n * 256)
    suffix = "" if width == 256 else f".p/{width}"
    bundle = get(f"/tile/entries/{index_path(n)}{suffix}")
    offset = 0
    while offset < len(bundle):
        length = int.from_bytes(bundle[offset:offset + 2], "big")
        bodies.append(bundle[offset + 2:offset + 2 + length])
        offset += 2 + length
    tile = get(f"/tile/0/{index_path(n)}{suffix}")
    tile_leaves += [tile[i:i + 32] for i in range(0, len(tile), 32)]
check(f"entry bundles hold {size} entries", len(bodies) == size, str(len(bodies)))
leaves = [leaf_hash(b) for b in bodies]
check("level-0 tiles are the entries' RFC 6962 leaf hashes", leaves == tile_leaves)
check("the tiles rebuild the checkpoint's root (independent RFC 6962)", mth(leaves) == root_hash,
      f"{mth(leaves).hex()} != {root_hash.hex()}")
if size >= 256:
    level1 = get(f"/tile/1/000.p/{size // 256}")
    check("the level-1 tile holds the root of the first 256 leaves", level1[:32] == mth(leaves[:256]))
posted = {entry._inner.canonicalized_body for _, entry in entries}
check("every posted entry's body is in the entry bundles", posted <= set(bodies))

# 4. Refusals leave the tree as it was.
if entries:
    request, entry = entries[0]
    status, headers, _ = post(request)
    check("a duplicate answers 409 with x-log-index", status == 409 and
          {k.lower(): v for k, v in headers.items()}.get("x-log-index") == str(entry._inner.log_index), f"{status} {headers}")


def mutated(change):
    body = json.loads(json.dumps(signed_request(b"refused")))
    change(body["hashedRekordRequestV002"])
    return body


refusals = {
    "unknown field": lambda r: r.update(extra=1),
    "digest of the wrong length": lambda r: r.update(digest=base64.b64encode(b"\0" * 20).decode()),
    "signature that does not verify": lambda r: r.update(digest=base64.b64encode(hashlib.sha256(b"other").digest()).decode()),
    "key type not allowed": lambda r: r["signature"]["verifier"].update(keyDetails="PKIX_ED25519"),
    "unparseable certificate": lambda r: r["signature"]["verifier"]["x509Certificate"].update(rawBytes="MIIBAAAA"),
}
before = get("/checkpoint")
for name, change in refusals.items():
    status, _, body = post(mutated(change))
    check(f"{name}: 400 with a reason", status == 400 and b"message" in body, f"{status} {body[:200]!r}")
check("refused requests leave the checkpoint unchanged", get("/checkpoint") == before)

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
