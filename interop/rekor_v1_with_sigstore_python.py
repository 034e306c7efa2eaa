#!/usr/bin/env python3
"""Checks that the real sigstore-python client (4.5.1) accepts what Sigil's log answers.

For hashedrekord and dsse entries POSTed to a running `sigil-server log`, sigstore-python parses the
Rekor v1 response (`TransparencyLogEntry._from_v1_response`) and verifies it (`_verify`: Merkle
inclusion, signed checkpoint, SET) with the log's public key, exactly as it does when signing. It
also checks that tampered answers are rejected. Ends with "N passed, M failed".

Usage: rekor_v1_with_sigstore_python.py LOG_URL LOG_PUBLIC_KEY_PEM [READ_URL]
READ_URL, when given, is another replica of the same log: entries are POSTed to LOG_URL and read back
from READ_URL.
"""
import base64, copy, hashlib, json, os, sys, time, urllib.error, urllib.request

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, utils
from sigstore._internal.trust import Keyring, RekorKeyring
from sigstore.models import TransparencyLogEntry
from sigstore_models.common import v1 as common_v1

log_url, key_path = sys.argv[1], sys.argv[2]
read_url = sys.argv[3] if len(sys.argv) > 3 else log_url
log_key = serialization.load_pem_public_key(open(key_path, "rb").read())
log_der = log_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
keyring = RekorKeyring(Keyring([common_v1.PublicKey.model_validate_json(json.dumps(
    {"rawBytes": base64.b64encode(log_der).decode(), "keyDetails": "PKIX_ECDSA_P256_SHA_256"}))]))
other = ec.generate_private_key(ec.SECP256R1())
other_der = other.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)

signer = ec.generate_private_key(ec.SECP256R1())
signer_pem = signer.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    print(("PASS " if ok else "FAIL ") + name + (f": {detail}" if detail and not ok else ""))
    if ok:
        passed += 1
    else:
        failed += 1


def post(body):
    req = urllib.request.Request(log_url + "/api/v1/log/entries", data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as resp:
        return resp.status, json.loads(resp.read())


def get(path):
    # Another replica publishes a new tree head within its follow interval: retry a 404 briefly.
    for attempt in range(40):
        try:
            with urllib.request.urlopen(read_url + path) as resp:
                return json.loads(resp.read())
        except urllib.error.HTTPError as e:
            if e.code != 404 or read_url == log_url or attempt == 39:
                raise
            time.sleep(0.05)


def verifies(response):
    try:
        TransparencyLogEntry._from_v1_response(response)._verify(keyring)
        return True, ""
    except Exception as e:  # noqa: BLE001 - any failure is a rejection
        return False, repr(e)


def hashedrekord():
    digest = hashlib.sha256(os.urandom(64)).digest()
    sig = signer.sign(digest, ec.ECDSA(utils.Prehashed(hashes.SHA256())))
    return {"apiVersion": "0.0.1", "kind": "hashedrekord", "spec": {
        "signature": {"content": base64.b64encode(sig).decode(),
                      "publicKey": {"content": base64.b64encode(signer_pem).decode()}},
        "data": {"hash": {"algorithm": "sha256", "value": digest.hex()}}}}


def dsse():
    statement = json.dumps({"_type": "https://in-toto.io/Statement/v1",
                            "subject": [{"name": "a.txt", "digest": {"sha256": hashlib.sha256(os.urandom(8)).hexdigest()}}],
                            "predicateType": "https://slsa.dev/provenance/v1", "predicate": {}}).encode()
    ptype = "application/vnd.in-toto+json"
    pae = b"DSSEv1 %d %s %d %s" % (len(ptype), ptype.encode(), len(statement), statement)
    sig = signer.sign(pae, ec.ECDSA(hashes.SHA256()))
    envelope = json.dumps({"payload": base64.b64encode(statement).decode(), "payloadType": ptype,
                           "signatures": [{"sig": base64.b64encode(sig).decode()}]})
    return {"apiVersion": "0.0.1", "kind": "dsse", "spec": {"proposedContent": {
        "envelope": envelope, "verifiers": [base64.b64encode(signer_pem).decode()]}}}


responses = []
for i in range(6):
    body = hashedrekord() if i % 2 == 0 else dsse()
    status, response = post(body)
    ok, why = verifies(response)
    check(f"sigstore-python verifies the {body['kind']} answer #{i} (status {status})", status == 201 and ok, why)
    responses.append(response)

# Entries fetched later carry proofs against the grown tree; they must verify too.
for response in responses:
    entry = next(iter(response.values()))
    ok, why = verifies(get(f"/api/v1/log/entries?logIndex={entry['logIndex']}"))
    check(f"sigstore-python verifies entry {entry['logIndex']} fetched by index", ok, why)

# Tampered answers must be rejected.
base = responses[-1]
uuid = next(iter(base))


def tampered(mutate):
    response = copy.deepcopy(base)
    mutate(response[uuid])
    return response


def flip_set(e):
    sig = bytearray(base64.b64decode(e["verification"]["signedEntryTimestamp"]))
    sig[-1] ^= 1
    e["verification"]["signedEntryTimestamp"] = base64.b64encode(bytes(sig)).decode()


def flip_proof(e):
    h = bytearray.fromhex(e["verification"]["inclusionProof"]["hashes"][0])
    h[0] ^= 1
    e["verification"]["inclusionProof"]["hashes"][0] = h.hex()


def foreign_checkpoint(e):
    proof = e["verification"]["inclusionProof"]
    body = proof["checkpoint"].split("\n\n")[0] + "\n"
    hint = hashlib.sha256(other_der).digest()[:4]
    sig = other.sign(body.encode(), ec.ECDSA(hashes.SHA256()))
    proof["checkpoint"] = body + "\n\u2014 sigil-log " + base64.b64encode(hint + sig).decode() + "\n"


def later_time(e):
    e["integratedTime"] += 1


for name, mutate in [("a flipped SET", flip_set), ("a modified inclusion proof", flip_proof),
                     ("a checkpoint signed by another key", foreign_checkpoint), ("a changed integrated time", later_time)]:
    ok, _ = verifies(tampered(mutate))
    check(f"sigstore-python rejects {name}", not ok)

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
