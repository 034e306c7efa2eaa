#!/usr/bin/env python3
"""A test double for the OCI distribution spec v1.1 referrers API, over a real registry.

    python3 interop/registry/referrers-proxy.py --listen 127.0.0.1:PORT \
        --upstream http://127.0.0.1:REGISTRY_PORT --storage REGISTRY_STORAGE_DIR

CNCF distribution 2.8 (Debian's docker-registry) has no referrers API, so clients fall back to the
referrers tag schema there. To exercise the other branch against real storage, this proxy sits in
front of such a registry (anonymous, plain HTTP, filesystem storage) and:

What is the registry's (forwarded unchanged): every request other than the one below: method,
path, query, headers (minus hop-by-hop ones; Host is the upstream's) and body, streamed both ways
(Content-Length or chunked, so large blob uploads and downloads are never held in memory), with
the registry's status, headers and body. Location headers that name the registry are rewritten to
name the proxy, so uploads continue through it. Manifests, blobs, tags, uploads, mounts, deletes
and errors are all the registry's own behaviour.

What is the double's (implemented here, nowhere else):
  * GET (and HEAD) /v2/<name>/referrers/<digest>[?artifactType=<type>]: an OCI image index
    (Content-Type application/vnd.oci.image.index.v1+json) listing each manifest in repository
    <name> whose subject.digest is <digest>, found by reading the registry's filesystem storage
    (docker/registry/v2/repositories/<name>/_manifests/revisions/sha256/<hex>/link, then
    docker/registry/v2/blobs/sha256/<2 hex>/<hex>/data). Each descriptor has mediaType, digest,
    size, artifactType (the manifest's artifactType, else its config's mediaType) and the manifest's
    annotations. With artifactType=, only matching ones, and the header
    `OCI-Filters-Applied: artifactType`. An unknown repository is 404 NAME_UNKNOWN, a malformed
    digest 400 DIGEST_INVALID; no referrers is a 200 with an empty index (never 404: a 404 is how a
    client detects a registry without the API).
  * On a manifest PUT whose body has a `subject`, a successful (201) answer gets the header
    `OCI-Subject: <subject digest>`, as a registry with the API sends, telling the client that it
    need not maintain the `sha256-<hex>` fallback tag.

Authentication is not handled: use it in front of an anonymous registry. Standard library only.
"""

import argparse
import hashlib
import http.client
import http.server
import json
import os
import re
import socketserver
import sys
import urllib.parse

INDEX = "application/vnd.oci.image.index.v1+json"
MANIFEST_TYPES = {
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
}
HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
              "trailers", "transfer-encoding", "upgrade", "host", "content-length"}
REFERRERS = re.compile(r"^/v2/(?P<name>[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)"
                       r"/referrers/(?P<digest>[^/?]+)$")
MANIFEST_PUT = re.compile(r"^/v2/.+/manifests/[^/]+$")
DIGEST = re.compile(r"^sha256:[a-f0-9]{64}$")
CHUNK = 1 << 16
MAX_MANIFEST = 4 << 20


class Proxy(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "sigil-referrers-double/1"
    upstream = None        # urllib.parse.SplitResult of the registry's base URL
    storage = None         # the registry's filesystem storage root
    public_base = None     # http://host:port of this proxy
    quiet = False

    def log_message(self, fmt, *args):
        if not self.quiet:
            sys.stderr.write("referrers-proxy: %s %s\n" % (self.address_string(), fmt % args))

    def log_request(self, code="-", size="-"):
        """The access log, with the client's User-Agent (the tests tell Sigil's requests from their own)."""
        self.log_message('"%s" %s %s "%s"', self.requestline, getattr(code, "value", code), size,
                         self.headers.get("User-Agent", "-") if self.headers else "-")

    # -- the double's endpoint --------------------------------------------------------------

    def referrers(self, name, digest, query, head):
        if not DIGEST.match(digest):
            return self.error_json(400, "DIGEST_INVALID", "provided digest is not a sha256 digest")
        repo = os.path.join(self.storage, "docker", "registry", "v2", "repositories", name)
        revisions = os.path.join(repo, "_manifests", "revisions", "sha256")
        if not os.path.isdir(os.path.join(repo, "_manifests")):
            return self.error_json(404, "NAME_UNKNOWN", "repository name not known to registry")
        wanted = urllib.parse.parse_qs(query).get("artifactType")
        descriptors = []
        for hex_digest in sorted(os.listdir(revisions)) if os.path.isdir(revisions) else []:
            descriptor = self.referrer(revisions, hex_digest, digest)
            if descriptor is None:
                continue
            if wanted and descriptor.get("artifactType") not in wanted:
                continue
            descriptors.append(descriptor)
        body = json.dumps({"schemaVersion": 2, "mediaType": INDEX, "manifests": descriptors}).encode()
        self.send_response(200)
        self.send_header("Content-Type", INDEX)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Docker-Distribution-API-Version", "registry/2.0")
        if wanted:
            self.send_header("OCI-Filters-Applied", "artifactType")
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def referrer(self, revisions, hex_digest, subject):
        """The descriptor of manifest sha256:hex_digest if its subject is `subject`, else None."""
        try:
            with open(os.path.join(revisions, hex_digest, "link")) as f:
                link = f.read().strip()
        except OSError:
            return None  # deleted manifests lose their link
        if link != "sha256:" + hex_digest:
            return None
        blob = os.path.join(self.storage, "docker", "registry", "v2", "blobs", "sha256", hex_digest[:2], hex_digest, "data")
        try:
            with open(blob, "rb") as f:
                data = f.read(MAX_MANIFEST + 1)
        except OSError:
            return None
        if len(data) > MAX_MANIFEST or hashlib.sha256(data).hexdigest() != hex_digest:
            return None  # not served as what it claims to be
        try:
            manifest = json.loads(data)
        except ValueError:
            return None
        if not isinstance(manifest, dict) or not isinstance(manifest.get("subject"), dict):
            return None
        if manifest["subject"].get("digest") != subject:
            return None
        media_type = manifest.get("mediaType") or "application/vnd.oci.image.manifest.v1+json"
        descriptor = {"mediaType": media_type, "digest": "sha256:" + hex_digest, "size": len(data)}
        artifact_type = manifest.get("artifactType")
        if artifact_type is None and isinstance(manifest.get("config"), dict):
            artifact_type = manifest["config"].get("mediaType")
        if artifact_type is not None:
            descriptor["artifactType"] = artifact_type
        if isinstance(manifest.get("annotations"), dict) and manifest["annotations"]:
            descriptor["annotations"] = manifest["annotations"]
        return descriptor

    def error_json(self, status, code, message):
        body = json.dumps({"errors": [{"code": code, "message": message, "detail": None}]}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    # -- forwarding -------------------------------------------------------------------------

    def handle_any(self):
        path, _, query = self.path.partition("?")
        match = REFERRERS.match(path)
        if match and self.command in ("GET", "HEAD"):
            self.drain_request_body()
            return self.referrers(match["name"], match["digest"], query, self.command == "HEAD")
        self.forward(watch_subject=self.command == "PUT" and bool(MANIFEST_PUT.match(path)))

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = handle_any

    def request_body_chunks(self):
        """The request body as it arrives, de-chunked when the client sent it chunked."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return
                remaining = size
                while remaining:
                    piece = self.rfile.read(min(CHUNK, remaining))
                    if not piece:
                        raise ConnectionError("client closed the connection mid-body")
                    remaining -= len(piece)
                    yield piece
                self.rfile.readline()
        else:
            remaining = int(self.headers.get("Content-Length") or 0)
            while remaining:
                piece = self.rfile.read(min(CHUNK, remaining))
                if not piece:
                    raise ConnectionError("client closed the connection mid-body")
                remaining -= len(piece)
                yield piece

    def drain_request_body(self):
        for _ in self.request_body_chunks():
            pass

    def forward(self, watch_subject):
        up = self.upstream
        connection = http.client.HTTPConnection(up.hostname, up.port or 80, timeout=300)
        try:
            connection.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
            connection.putheader("Host", up.netloc)
            for key, value in self.headers.items():
                if key.lower() not in HOP_BY_HOP and not key.lower().startswith("x-forwarded-"):
                    connection.putheader(key, value)
            chunked = "chunked" in self.headers.get("Transfer-Encoding", "").lower()
            subject = None
            if watch_subject and not chunked and int(self.headers.get("Content-Length") or 0) <= MAX_MANIFEST:
                body = b"".join(self.request_body_chunks())  # a manifest: small, read it whole
                subject = self.subject_of(body)
                connection.putheader("Content-Length", str(len(body)))
                connection.endheaders()
                connection.send(body)
            elif chunked:
                connection.putheader("Transfer-Encoding", "chunked")
                connection.endheaders()
                for piece in self.request_body_chunks():
                    connection.send(b"%x\r\n%s\r\n" % (len(piece), piece))
                connection.send(b"0\r\n\r\n")
            else:
                length = self.headers.get("Content-Length")
                if length is not None:
                    connection.putheader("Content-Length", length)
                connection.endheaders()
                for piece in self.request_body_chunks():
                    connection.send(piece)
            response = connection.getresponse()
            self.relay(response, subject)
        except (ConnectionError, OSError, http.client.HTTPException) as error:
            self.log_message("upstream error: %r", error)
            try:
                self.error_json(502, "UNAVAILABLE", "referrers proxy: upstream failed: %s" % error)
            except OSError:
                pass
            self.close_connection = True
        finally:
            connection.close()

    @staticmethod
    def subject_of(body):
        try:
            manifest = json.loads(body)
        except ValueError:
            return None
        subject = manifest.get("subject") if isinstance(manifest, dict) else None
        digest = subject.get("digest") if isinstance(subject, dict) else None
        return digest if isinstance(digest, str) and DIGEST.match(digest) else None

    def relay(self, response, subject):
        self.log_request(response.status)
        self.send_response_only(response.status, response.reason)
        length = response.getheader("Content-Length")
        bodiless = self.command == "HEAD" or response.status in (204, 304) or 100 <= response.status < 200
        for key, value in response.getheaders():
            lower = key.lower()
            if lower in HOP_BY_HOP:
                continue
            if lower == "location":
                value = self.rewrite_location(value)
            self.send_header(key, value)
        if subject and response.status == 201:
            self.send_header("OCI-Subject", subject)
        if length is not None:
            self.send_header("Content-Length", length)
        elif not bodiless:
            self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        if bodiless:
            response.read()
            return
        while True:
            piece = response.read(CHUNK)
            if not piece:
                break
            if length is not None:
                self.wfile.write(piece)
            else:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
        if length is None:
            self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def rewrite_location(self, value):
        for base in ("%s://%s" % (self.upstream.scheme, self.upstream.netloc),):
            if value.startswith(base + "/") or value == base:
                return self.public_base + value[len(base):]
        return value


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64


def main():
    parser = argparse.ArgumentParser(description="Referrers-API test double over a CNCF distribution registry.")
    parser.add_argument("--listen", default="127.0.0.1:0", help="HOST:PORT (port 0: any free port)")
    parser.add_argument("--upstream", required=True, help="the registry, http://127.0.0.1:PORT")
    parser.add_argument("--storage", required=True, help="the registry's filesystem storage root directory")
    parser.add_argument("--port-file", help="write the port listened on to this file once listening")
    parser.add_argument("--quiet", action="store_true", help="no access log")
    args = parser.parse_args()
    upstream = urllib.parse.urlsplit(args.upstream)
    if upstream.scheme != "http" or not upstream.hostname:
        parser.error("--upstream must be an http:// URL (the double forwards to a plain-HTTP loopback registry)")
    host, _, port = args.listen.rpartition(":")
    server = Server((host, int(port)), Proxy)
    bound = server.server_address[1]
    Proxy.upstream = upstream
    Proxy.storage = args.storage
    Proxy.public_base = "http://%s:%d" % (host, bound)
    Proxy.quiet = args.quiet
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as f:
            f.write("%d\n" % bound)
        os.rename(args.port_file + ".tmp", args.port_file)
    print("referrers-proxy: listening on %s, forwarding to %s" % (Proxy.public_base, args.upstream), file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
