#!/usr/bin/env python3
"""Writes tampered copies of a Sigstore bundle (v0.3, Rekor v1 entry) for the interop checks:
flipped-signature, modified-inclusion-proof, modified-set, foreign-checkpoint (the checkpoint
re-signed by a key no trust root knows, with the log's own key hint)."""
import base64, copy, json, sys

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

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
write("modified-set", lambda b: entry(b)["inclusionPromise"].update(
    signedEntryTimestamp=flip_b64(entry(b)["inclusionPromise"]["signedEntryTimestamp"], 12)))


def foreign(b):
    proof = entry(b)["inclusionProof"]
    text, sigs = proof["checkpoint"]["envelope"].split("\n\n", 1)
    body = text + "\n"
    name, sig = sigs.strip().split(" ")[1:3]
    hint = base64.b64decode(sig)[:4]
    other = ec.generate_private_key(ec.SECP256R1())
    forged = other.sign(body.encode(), ec.ECDSA(hashes.SHA256()))
    proof["checkpoint"]["envelope"] = body + "\n\u2014 " + name + " " + base64.b64encode(hint + forged).decode() + "\n"


write("foreign-checkpoint", foreign)
