"""Independent RFC 6962 / RFC 9162 checks and Rekor v1 entry helpers for the interop scripts.

Nothing here comes from Sigil: the Merkle checks follow RFC 9162 section 2.1 with hashlib, the
entries are hashedrekord 0.0.1 bodies signed with Python cryptography, and checkpoints are
verified as signed notes (C2SP signed-note) with the log's PEM public key.
"""
import base64
import hashlib
import json
import os
import socket
import urllib.error
import urllib.request

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, utils


def leaf_hash(body: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + body).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


class CompactRange:
    """Appends leaves and answers the root of every prefix, in O(log n) per leaf."""

    def __init__(self):
        self.size = 0
        self.peaks = []  # (height, hash), largest first

    def append(self, leaf: bytes):
        self.size += 1
        node, height = leaf, 0
        while self.peaks and self.peaks[-1][0] == height:
            _, left = self.peaks.pop()
            node, height = node_hash(left, node), height + 1
        self.peaks.append((height, node))

    def root(self) -> bytes:
        if not self.peaks:
            return hashlib.sha256(b"").digest()
        node = self.peaks[-1][1]
        for _, left in reversed(self.peaks[:-1]):
            node = node_hash(left, node)
        return node


def root_from_inclusion(index: int, size: int, leaf: bytes, proof: list) -> bytes:
    """RFC 9162 2.1.3.2: the root an inclusion proof leads to; raises when the proof is malformed."""
    if index >= size:
        raise ValueError(f"index {index} outside tree size {size}")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise ValueError("inclusion proof too long")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ValueError("inclusion proof too short")
    return r


def consistent(first: int, second: int, first_root: bytes, second_root: bytes, proof: list) -> bool:
    """RFC 9162 2.1.4.2."""
    if first == second:
        return not proof and first_root == second_root
    if first == 0:
        return not proof
    if first > second:
        return False
    if first & (first - 1) == 0:
        proof = [first_root] + proof
    if not proof:
        return False
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == first_root and sr == second_root


def parse_checkpoint(note: str, public_key_pem: bytes):
    """Verifies a signed-note checkpoint with the log's ECDSA key; returns (origin, size, root)."""
    body, _, signatures = note.partition("\n\n")
    body += "\n"
    key = serialization.load_pem_public_key(public_key_pem)
    verified = False
    for line in signatures.splitlines():
        if not line.startswith("\u2014 "):
            continue
        raw = base64.b64decode(line.rsplit(" ", 1)[1])
        try:
            key.verify(raw[4:], body.encode(), ec.ECDSA(hashes.SHA256()))
            verified = True
        except Exception:
            pass
    if not verified:
        raise ValueError("no checkpoint signature verifies with the log key")
    lines = body.splitlines()
    return lines[0], int(lines[1]), base64.b64decode(lines[2])


class Signer:
    """Makes distinct hashedrekord entries signed by one P-256 key."""

    def __init__(self):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.pem = self.key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)

    def entry(self) -> bytes:
        digest = hashlib.sha256(os.urandom(32)).digest()
        signature = self.key.sign(digest, ec.ECDSA(utils.Prehashed(hashes.SHA256())))
        return json.dumps({"apiVersion": "0.0.1", "kind": "hashedrekord", "spec": {
            "signature": {"content": base64.b64encode(signature).decode(), "publicKey": {"content": base64.b64encode(self.pem).decode()}},
            "data": {"hash": {"algorithm": "sha256", "value": digest.hex()}}}}).encode()


def request(url: str, body: bytes = None, timeout: float = 10):
    """(status, headers, parsed JSON or the text); network failures as status 0."""
    req = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"} if body else {})
    def parsed(data):
        try:
            return json.loads(data)
        except ValueError:
            return data.decode(errors="replace")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, dict(resp.headers), parsed(resp.read())
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), parsed(e.read())
    except Exception as e:  # refused, reset, timed out: the replica is down or paused
        return 0, {}, str(e)


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def only_entry(answer: dict):
    """The one (uuid, entry) of a Rekor v1 entry answer."""
    (uuid, entry), = answer.items()
    return uuid, entry
