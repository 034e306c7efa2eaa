"""A small HTTP proxy in front of the Sigil log that lies in one chosen way, for the explorer's
browser test: the page must turn each lie into "not verified" with the reason.

Each mode lies about both Rekor logs: the v1 log's API answers and the v2 log's tlog-tiles.

Modes:
  flip-proof  one hash of every v1 inclusion proof has one hex digit changed; in every v2 level-0
              hash tile (what the page builds v2 proofs from) each hash has one byte changed
  other-key   the checkpoint is re-signed by another key of the same type (P-256 for v1, Ed25519
              for v2), keeping the real name and key hint, so the page must check the signature
              itself rather than only the hint
  garbage     the checkpoint is replaced by text that is not a checkpoint
  garbage-entry  entries are answered with an HTML page instead of JSON
"""
import base64
import http.client
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

V2 = "/rekor-v2"


def resign(note, key):
    """The same checkpoint text, signed by `key` (P-256 or Ed25519) under the original signature
    line's name and hint."""
    text, _, signatures = note.partition("\n\n")
    text += "\n"
    first = signatures.splitlines()[0]
    name, b64 = first[2:].rsplit(" ", 1)
    hint = base64.b64decode(b64)[:4]
    if isinstance(key, ed25519.Ed25519PrivateKey):
        signature = key.sign(text.encode())
    else:
        signature = key.sign(text.encode(), ec.ECDSA(hashes.SHA256()))
    return f"{text}\n\u2014 {name} {base64.b64encode(hint + signature).decode()}\n"


def flip(hex_hash):
    return ("0" if hex_hash[0] != "0" else "1") + hex_hash[1:]


class TamperProxy:
    def __init__(self, upstream, mode):
        self.upstream = urlsplit(upstream)
        self.mode = mode
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.v2_key = ed25519.Ed25519PrivateKey.generate()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                proxy.forward(self, "GET")

            def do_POST(self):
                proxy.forward(self, "POST")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()

    def tamper(self, path, body):
        route = path.split("?")[0]
        if self.mode == "flip-proof" and route == "/api/v1/log/inclusionProof":
            proof = json.loads(body)
            if proof["hashes"]:
                proof["hashes"][0] = flip(proof["hashes"][0])
            return json.dumps(proof).encode()
        if self.mode in ("other-key", "garbage") and route == "/api/v1/log":
            info = json.loads(body)
            info["signedTreeHead"] = resign(info["signedTreeHead"], self.key) if self.mode == "other-key" else "<b>not a checkpoint</b>\n"
            return json.dumps(info).encode()
        if self.mode == "flip-proof" and route.startswith(V2 + "/tile/0/"):
            return bytes(b ^ 0x01 if k % 32 == 0 else b for k, b in enumerate(body))
        if self.mode in ("other-key", "garbage") and route == V2 + "/checkpoint":
            note = body.decode()
            return (resign(note, self.v2_key) if self.mode == "other-key" else "<b>not a checkpoint</b>\n").encode()
        if self.mode == "garbage-entry" and (route.startswith("/api/v1/log/entries") or route == "/api/v1/explorer/entry"):
            return b"<html><body><img src=x onerror=window.__pwned=4>not JSON</body></html>"
        return body

    def forward(self, handler, method):
        length = int(handler.headers.get("Content-Length") or 0)
        request_body = handler.rfile.read(length) if length else None
        connection = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port, timeout=30)
        headers = {k: v for k, v in handler.headers.items() if k.lower() in ("content-type", "accept", "if-none-match")}
        connection.request(method, handler.path, body=request_body, headers=headers)
        response = connection.getresponse()
        body = response.read()
        if response.status == 200:
            body = self.tamper(handler.path, body)
        handler.send_response(response.status)
        for name, value in response.getheaders():
            if name.lower() not in ("content-length", "transfer-encoding", "connection", "date", "server"):
                handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
        connection.close()
