#!/usr/bin/env python3
"""Builds a small but real OCI image layout for the registry interop tests and benchmarks.

    python3 interop/fixtures-image.py DIR --tag v1 [--layers 3] [--layer-size 4096] [--platforms 2]

Each layer is a gzip-compressed tar holding one file of random bytes (so every run makes new
digests); the config is an OCI image config whose rootfs.diff_ids are the uncompressed tars'
digests; the manifest is an OCI image manifest. With --platforms 2 the tag names an OCI image
index of a linux/amd64 and a linux/arm64 manifest (push it with `skopeo copy --all`). Calling it
again on the same DIR adds another image (another tag) to the layout. Prints the digest of what
the tag names. Standard library only.

    skopeo copy --all oci:DIR:v1 docker://127.0.0.1:PORT/quarantine/app:v1 --dest-tls-verify=false
"""

import argparse
import gzip
import hashlib
import io
import json
import os
import sys
import tarfile
import time

MANIFEST = "application/vnd.oci.image.manifest.v1+json"
INDEX = "application/vnd.oci.image.index.v1+json"
CONFIG = "application/vnd.oci.image.config.v1+json"
LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
REF_NAME = "org.opencontainers.image.ref.name"


class Layout:
    def __init__(self, path):
        self.path = path
        os.makedirs(os.path.join(path, "blobs", "sha256"), exist_ok=True)
        with open(os.path.join(path, "oci-layout"), "w") as f:
            json.dump({"imageLayoutVersion": "1.0.0"}, f)
        index_path = os.path.join(path, "index.json")
        if os.path.exists(index_path):
            with open(index_path) as f:
                self.index = json.load(f)
        else:
            self.index = {"schemaVersion": 2, "mediaType": INDEX, "manifests": []}

    def put(self, data, media_type):
        """Writes a blob; returns its descriptor."""
        digest = hashlib.sha256(data).hexdigest()
        blob = os.path.join(self.path, "blobs", "sha256", digest)
        if not os.path.exists(blob):
            with open(blob + ".tmp", "wb") as f:
                f.write(data)
            os.rename(blob + ".tmp", blob)
        return {"mediaType": media_type, "digest": "sha256:" + digest, "size": len(data)}

    def put_json(self, value, media_type):
        return self.put(json.dumps(value, separators=(",", ":"), sort_keys=True).encode(), media_type)

    def tag(self, descriptor, tag):
        manifests = [m for m in self.index["manifests"] if m.get("annotations", {}).get(REF_NAME) != tag]
        manifests.append(dict(descriptor, annotations={REF_NAME: tag}))
        self.index["manifests"] = manifests
        with open(os.path.join(self.path, "index.json.tmp"), "w") as f:
            json.dump(self.index, f, indent=2)
        os.rename(os.path.join(self.path, "index.json.tmp"), os.path.join(self.path, "index.json"))


def random_layer(size, name, level):
    """A tar with one file of `size` random bytes; returns (gzip bytes, digest of the tar)."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        info = tarfile.TarInfo(name)
        info.size = size
        info.mode = 0o644
        info.mtime = int(time.time())
        tar.addfile(info, io.BytesIO(os.urandom(size)))
    tar_bytes = raw.getvalue()
    compressed = gzip.compress(tar_bytes, compresslevel=level, mtime=0)
    return compressed, "sha256:" + hashlib.sha256(tar_bytes).hexdigest()


def image(layout, arch, layers, layer_size, level):
    descriptors, diff_ids = [], []
    for k in range(layers):
        data, diff_id = random_layer(layer_size, f"data/{arch}-layer{k}.bin", level)
        descriptors.append(layout.put(data, LAYER))
        diff_ids.append(diff_id)
    config = {
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "architecture": arch,
        "os": "linux",
        "config": {"Cmd": ["/bin/true"], "Labels": {"dev.sigil.fixture": "registry-interop"}},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": [{"created_by": f"fixtures-image.py layer {k}"} for k in range(layers)],
    }
    manifest = {
        "schemaVersion": 2,
        "mediaType": MANIFEST,
        "config": layout.put_json(config, CONFIG),
        "layers": descriptors,
    }
    return layout.put_json(manifest, MANIFEST)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir")
    parser.add_argument("--tag", default="v1")
    parser.add_argument("--layers", type=int, default=3)
    parser.add_argument("--layer-size", type=int, default=4096, help="bytes of random data per layer")
    parser.add_argument("--platforms", type=int, choices=[1, 2], default=1)
    parser.add_argument("--gzip-level", type=int, default=1, choices=range(0, 10))
    args = parser.parse_args()
    layout = Layout(args.dir)
    if args.platforms == 1:
        top = image(layout, "amd64", args.layers, args.layer_size, args.gzip_level)
    else:
        entries = []
        for arch in ("amd64", "arm64"):
            descriptor = image(layout, arch, args.layers, args.layer_size, args.gzip_level)
            entries.append(dict(descriptor, platform={"architecture": arch, "os": "linux"}))
        top = layout.put_json({"schemaVersion": 2, "mediaType": INDEX, "manifests": entries}, INDEX)
    layout.tag(top, args.tag)
    print(top["digest"])


if __name__ == "__main__":
    sys.exit(main())
