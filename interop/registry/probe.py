#!/usr/bin/env python3
"""Independent registry checks for the interop scripts: plain HTTP calls (urllib), not Sigil.

    probe.py [--ca PEM] [--user U --password-env VAR] COMMAND REGISTRY REPO ARGS…

REGISTRY is HOST:PORT; HTTPS when --ca is given, else plain HTTP. Every byte fetched by digest is
checked against it. Commands (each exits non-zero with a message on any failure):

  fallback-index REGISTRY REPO DIGEST [--expect D …] [--count N] [--sigstore-annotations]
      The OCI 1.1 referrers tag schema: GET /v2/REPO/manifests/sha256-<hex> must be an OCI image
      index (schemaVersion 2, mediaType index in body and Content-Type) whose every entry is a
      referrer of DIGEST: the entry's digest and size match the manifest's bytes, its artifactType
      is the manifest's (artifactType, else config mediaType), its annotations equal the
      manifest's, and the manifest's subject is DIGEST (with --sigstore-annotations: every entry is
      a bundle, artifactType application/vnd.dev.sigstore.bundle.v0.3+json, with
      dev.sigstore.bundle.content, …predicateType for DSSE, org.opencontainers.image.created).
      Prints one line per referrer.
  referrers REGISTRY REPO DIGEST [--artifact-type T] [--expect D …] [--count N]
      The same checks on GET /v2/REPO/referrers/DIGEST (the referrers API).
  fetch-bundle REGISTRY REPO REFERRER OUT [--manifest-out FILE]
      Fetches referrer manifest REFERRER and its bundle layer
      (application/vnd.dev.sigstore.bundle.v0.3+json) into OUT.
  fetch-manifest REGISTRY REPO REF OUT
      Writes the manifest's bytes to OUT, prints its digest.
  has-manifest REGISTRY REPO REF
      Exit 0 if the manifest (tag or digest) exists, 1 if 404.
  tags REGISTRY REPO
      Prints the repository's tags (none if the repository does not exist).
  push-referrer REGISTRY REPO SUBJECT [--artifact-type T] [--annotation K=V …]
      Pushes a minimal referrer (empty config, one layer) of SUBJECT; prints its digest and the
      OCI-Subject response header (used to check the referrers-API test double itself).
"""

import argparse
import base64
import hashlib
import json
import os
import ssl
import sys
import urllib.error
import urllib.parse
import urllib.request

INDEX = "application/vnd.oci.image.index.v1+json"
MANIFEST = "application/vnd.oci.image.manifest.v1+json"
BUNDLE = "application/vnd.dev.sigstore.bundle.v0.3+json"
EMPTY = "application/vnd.oci.empty.v1+json"
ACCEPT = ", ".join([MANIFEST, INDEX, "application/vnd.docker.distribution.manifest.v2+json",
                    "application/vnd.docker.distribution.manifest.list.v2+json"])


class Failure(Exception):
    pass


class Registry:
    def __init__(self, host, ca=None, user=None, password=None):
        self.base = ("https://" if ca else "http://") + host
        self.context = ssl.create_default_context(cafile=ca) if ca else None
        self.auth = None
        if user is not None:
            self.auth = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()

    def request(self, method, path, body=None, headers=None, ok=(200,)):
        req = urllib.request.Request(self.base + path, data=body, method=method, headers=dict(headers or {}))
        if self.auth:
            req.add_header("Authorization", self.auth)
        try:
            with urllib.request.urlopen(req, context=self.context, timeout=60) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            if error.code in ok:
                return error.code, error.headers, error.read()
            raise Failure(f"{method} {path}: HTTP {error.code} {error.read()[:300]!r}")

    def manifest(self, repo, ref, ok=(200,)):
        return self.request("GET", f"/v2/{repo}/manifests/{ref}", headers={"Accept": ACCEPT}, ok=ok)

    def verified(self, repo, kind, digest, limit=64 << 20):
        status, headers, data = (self.manifest(repo, digest) if kind == "manifests"
                                 else self.request("GET", f"/v2/{repo}/blobs/{digest}"))
        if "sha256:" + hashlib.sha256(data).hexdigest() != digest:
            raise Failure(f"{repo} {kind} {digest}: the bytes served do not match the digest")
        return headers, data


def artifact_type(manifest):
    if "artifactType" in manifest:
        return manifest["artifactType"]
    config = manifest.get("config")
    return config.get("mediaType") if isinstance(config, dict) else None


def check_sigstore_entry(entry):
    """A Sigstore bundle referrer as cosign's bundle spec and Sigil's README describe it."""
    digest, notes = entry["digest"], entry.get("annotations", {})
    if entry["artifactType"] != BUNDLE:
        raise Failure(f"entry {digest}: artifactType {entry['artifactType']}, not {BUNDLE}")
    content = notes.get("dev.sigstore.bundle.content")
    if content not in ("message-signature", "dsse-envelope"):
        raise Failure(f"entry {digest}: dev.sigstore.bundle.content is {content!r}")
    if content == "dsse-envelope" and not notes.get("dev.sigstore.bundle.predicateType"):
        raise Failure(f"entry {digest}: a DSSE bundle without dev.sigstore.bundle.predicateType")
    if not notes.get("org.opencontainers.image.created"):
        raise Failure(f"entry {digest}: no org.opencontainers.image.created")


def check_index(registry, repo, subject, data, content_type, expect, count, filtered=None, sigstore=False):
    if content_type.split(";")[0].strip() != INDEX:
        raise Failure(f"Content-Type is {content_type!r}, not {INDEX}")
    index = json.loads(data)
    if index.get("schemaVersion") != 2:
        raise Failure(f"schemaVersion is {index.get('schemaVersion')!r}, not 2")
    if index.get("mediaType") != INDEX:
        raise Failure(f"mediaType is {index.get('mediaType')!r}, not {INDEX}")
    entries = index.get("manifests")
    if not isinstance(entries, list):
        raise Failure("manifests is not an array")
    seen = set()
    for entry in entries:
        digest = entry.get("digest")
        for member in ("mediaType", "digest", "size", "artifactType"):
            if member not in entry:
                raise Failure(f"entry {digest}: no {member}")
        if digest in seen:
            raise Failure(f"entry {digest} is listed twice")
        seen.add(digest)
        _, raw = registry.verified(repo, "manifests", digest)
        manifest = json.loads(raw)
        if entry["size"] != len(raw):
            raise Failure(f"entry {digest}: size {entry['size']} but the manifest has {len(raw)} bytes")
        if entry["mediaType"] != manifest.get("mediaType", MANIFEST):
            raise Failure(f"entry {digest}: mediaType {entry['mediaType']} but the manifest says {manifest.get('mediaType')}")
        if (manifest.get("subject") or {}).get("digest") != subject:
            raise Failure(f"entry {digest}: the manifest's subject is not {subject}")
        if entry["artifactType"] != artifact_type(manifest):
            raise Failure(f"entry {digest}: artifactType {entry['artifactType']} but the manifest's is {artifact_type(manifest)}")
        if entry.get("annotations", {}) != manifest.get("annotations", {}):
            raise Failure(f"entry {digest}: annotations differ from the manifest's")
        if sigstore:
            check_sigstore_entry(entry)
        if filtered and entry["artifactType"] != filtered:
            raise Failure(f"entry {digest}: artifactType {entry['artifactType']} despite the filter {filtered}")
        notes = entry.get("annotations", {})
        print(f"  {digest} {entry['artifactType']} content={notes.get('dev.sigstore.bundle.content', '-')}"
              f" predicateType={notes.get('dev.sigstore.bundle.predicateType', '-')}"
              f" lifecycle={notes.get('dev.sigil.lifecycle.status', '-')} signer={notes.get('dev.sigil.signer.identity', '-')}")
    missing = [d for d in expect or [] if d not in seen]
    if missing:
        raise Failure(f"not listed: {', '.join(missing)}")
    if count is not None and len(entries) != count:
        raise Failure(f"{len(entries)} entries, expected {count}")
    print(f"  {len(entries)} referrers, all consistent with their manifests")


def main():
    parser = argparse.ArgumentParser(description="Independent registry checks (not Sigil).")
    parser.add_argument("--ca")
    parser.add_argument("--user")
    parser.add_argument("--password-env", help="the environment variable holding the password")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("fallback-index", "referrers"):
        p = sub.add_parser(name)
        p.add_argument("registry"); p.add_argument("repo"); p.add_argument("digest")
        p.add_argument("--expect", nargs="*", default=[])
        p.add_argument("--count", type=int)
        p.add_argument("--sigstore-annotations", action="store_true",
                       help="every entry must be a Sigstore bundle with cosign's bundle annotations")
        if name == "referrers":
            p.add_argument("--artifact-type")
    p = sub.add_parser("fetch-bundle")
    p.add_argument("registry"); p.add_argument("repo"); p.add_argument("referrer"); p.add_argument("out")
    p.add_argument("--manifest-out")
    p = sub.add_parser("fetch-manifest")
    p.add_argument("registry"); p.add_argument("repo"); p.add_argument("ref"); p.add_argument("out")
    p = sub.add_parser("has-manifest")
    p.add_argument("registry"); p.add_argument("repo"); p.add_argument("ref")
    p = sub.add_parser("tags")
    p.add_argument("registry"); p.add_argument("repo")
    p = sub.add_parser("push-referrer")
    p.add_argument("registry"); p.add_argument("repo"); p.add_argument("subject")
    p.add_argument("--artifact-type", default="application/vnd.example.test")
    p.add_argument("--annotation", action="append", default=[])
    args = parser.parse_args()

    password = os.environ.get(args.password_env) if args.password_env else None
    registry = Registry(args.registry, ca=args.ca, user=args.user, password=password)
    try:
        if args.command == "fallback-index":
            tag = args.digest.replace(":", "-")
            _, headers, data = registry.manifest(args.repo, tag, ok=(200, 404))
            if _ == 404:
                raise Failure(f"no fallback tag {tag} in {args.repo}")
            print(f"{args.registry}/{args.repo}:{tag} (referrers tag schema):")
            check_index(registry, args.repo, args.digest, data, headers.get("Content-Type", ""), args.expect, args.count,
                        sigstore=args.sigstore_annotations)
        elif args.command == "referrers":
            path = f"/v2/{args.repo}/referrers/{args.digest}"
            if args.artifact_type:
                path += "?artifactType=" + urllib.parse.quote(args.artifact_type, safe="")
            _, headers, data = registry.request("GET", path)
            print(f"{args.registry}{path} (referrers API):")
            if args.artifact_type and headers.get("OCI-Filters-Applied") != "artifactType":
                raise Failure("filtered by artifactType without OCI-Filters-Applied: artifactType")
            check_index(registry, args.repo, args.digest, data, headers.get("Content-Type", ""), args.expect, args.count,
                        filtered=args.artifact_type, sigstore=args.sigstore_annotations)
        elif args.command == "fetch-bundle":
            _, raw = registry.verified(args.repo, "manifests", args.referrer)
            manifest = json.loads(raw)
            if manifest.get("artifactType") != BUNDLE:
                raise Failure(f"{args.referrer}: artifactType {manifest.get('artifactType')!r}, not {BUNDLE}")
            layers = [layer for layer in manifest.get("layers", []) if layer.get("mediaType") == BUNDLE]
            if len(layers) != 1:
                raise Failure(f"{args.referrer}: {len(layers)} bundle layers, expected 1")
            _, bundle = registry.verified(args.repo, "blobs", layers[0]["digest"])
            if len(bundle) != layers[0]["size"]:
                raise Failure(f"{args.referrer}: the bundle layer's size is not the descriptor's")
            with open(args.out, "wb") as f:
                f.write(bundle)
            if args.manifest_out:
                with open(args.manifest_out, "wb") as f:
                    f.write(raw)
            print(f"{args.referrer}: bundle layer {layers[0]['digest']} ({len(bundle)} bytes) -> {args.out};"
                  f" subject {manifest['subject']['digest']}")
        elif args.command == "fetch-manifest":
            _, headers, data = registry.manifest(args.repo, args.ref)
            digest = "sha256:" + hashlib.sha256(data).hexdigest()
            if args.ref.startswith("sha256:") and digest != args.ref:
                raise Failure(f"{args.ref}: the bytes served do not match the digest")
            with open(args.out, "wb") as f:
                f.write(data)
            print(digest)
        elif args.command == "has-manifest":
            status, _, _ = registry.request("HEAD", f"/v2/{args.repo}/manifests/{args.ref}", headers={"Accept": ACCEPT},
                                            ok=(200, 404))
            return 0 if status == 200 else 1
        elif args.command == "tags":
            status, _, data = registry.request("GET", f"/v2/{args.repo}/tags/list", ok=(200, 404))
            if status == 200:
                for tag in json.loads(data).get("tags") or []:
                    print(tag)
        elif args.command == "push-referrer":
            blobs = [(b"{}", EMPTY), (os.urandom(64), args.artifact_type)]
            descriptors = []
            for data, media_type in blobs:
                digest = "sha256:" + hashlib.sha256(data).hexdigest()
                _, headers, _ = registry.request("POST", f"/v2/{args.repo}/blobs/uploads/", ok=(202,))
                location = headers["Location"]
                if location.startswith("/"):
                    location = registry.base + location
                separator = "&" if "?" in location else "?"
                req = location[len(registry.base):] + f"{separator}digest={digest}"
                registry.request("PUT", req, body=data, headers={"Content-Type": "application/octet-stream"}, ok=(201,))
                descriptors.append({"mediaType": media_type, "digest": digest, "size": len(data)})
            _, headers, raw = registry.manifest(args.repo, args.subject)
            subject = {"mediaType": json.loads(raw).get("mediaType", MANIFEST), "digest": args.subject, "size": len(raw)}
            manifest = {"schemaVersion": 2, "mediaType": MANIFEST, "artifactType": args.artifact_type,
                        "config": descriptors[0], "layers": descriptors[1:], "subject": subject,
                        "annotations": dict(a.split("=", 1) for a in args.annotation)}
            body = json.dumps(manifest).encode()
            digest = "sha256:" + hashlib.sha256(body).hexdigest()
            _, headers, _ = registry.request("PUT", f"/v2/{args.repo}/manifests/{digest}", body=body,
                                             headers={"Content-Type": MANIFEST}, ok=(201,))
            print(digest, headers.get("OCI-Subject") or "-")
    except Failure as failure:
        print(f"FAIL: {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
