#!/usr/bin/env python3
"""Writes tampered copies of a Sigstore bundle (v0.3, Rekor v1 or v2 entry) for the interop checks:
flipped-signature, modified-inclusion-proof, foreign-checkpoint (the checkpoint re-signed by a key
no trust root knows, of the log's key type, with the log's own key hint), and modified-set for an
entry with an inclusion promise (a Rekor v1 entry; a v2 entry has none)."""
import base64, copy, json, sys

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

bundle = json.load(open(sys.argv[1]))
out = sys.argv[2]
prefix = sys.argv[3] if len(sys.argv) > 3 else ""


def flip_b64(text, index=-1):
    raw = bytearray(base64.b64decode(text))
    raw[index] ^= 0x01
    return base64.b64encode(bytes(raw)).decode()


def write(name, mutate):
    copy_ = copy.deepcopy(bundle)
    mutate(copy_)
    json.dump(copy_, open(f"{out}/{prefix}{name}.json", "w"))


entry = lambda b: b["verificationMaterial"]["tlogEntries"][0]
write("flipped-signature", lambda b: b["messageSignature"].update(signature=flip_b64(b["messageSignature"]["signature"], 10)))
write("modified-inclusion-proof", lambda b: entry(b)["inclusionProof"]["hashes"].__setitem__(
    0, flip_b64(entry(b)["inclusionProof"]["hashes"][0], 0)) if entry(b)["inclusionProof"]["hashes"]
    else entry(b)["inclusionProof"].update(rootHash=flip_b64(entry(b)["inclusionProof"]["rootHash"], 0)))
if "inclusionPromise" in entry(bundle):
    write("modified-set", lambda b: entry(b)["inclusionPromise"].update(
        signedEntryTimestamp=flip_b64(entry(b)["inclusionPromise"]["signedEntryTimestamp"], 12)))


def foreign(b):
    proof = entry(b)["inclusionProof"]
    text, sigs = proof["checkpoint"]["envelope"].split("\n\n", 1)
    body = text + "\n"
    name, sig = sigs.strip().split(" ")[1:3]
    raw = base64.b64decode(sig)
    hint = raw[:4]
    if len(raw) == 4 + 64 and entry(b)["kindVersion"]["version"] == "0.0.2":   # a Rekor v2 log: Ed25519
        forged = ed25519.Ed25519PrivateKey.generate().sign(body.encode())
    else:
        forged = ec.generate_private_key(ec.SECP256R1()).sign(body.encode(), ec.ECDSA(hashes.SHA256()))
    proof["checkpoint"]["envelope"] = body + "\n\u2014 " + name + " " + base64.b64encode(hint + forged).decode() + "\n"


write("foreign-checkpoint", foreign)
