#!/usr/bin/env python3
"""Rewrites a Sigstore bundle's Rekor v1 transparency-log entry from another log replica's answer.

Reads the bundle's log index, fetches GET /api/v1/log/entries?logIndex=N from READ_URL (another
replica of the log the entry was made in), and replaces the bundle's tlog entry with what that
replica serves: its inclusion proof, checkpoint, signed entry timestamp, integrated time and
canonicalized body, converted to the bundle's protobuf-JSON form. A verifier that accepts the
result has verified the entry as the other replica serves it.

Usage: bundle_from_replica.py BUNDLE READ_URL OUT
"""
import base64
import json
import sys
import time
import urllib.error
import urllib.request

bundle_path, read_url, out_path = sys.argv[1:4]
bundle = json.load(open(bundle_path))
original = bundle["verificationMaterial"]["tlogEntries"][0]
index = int(original["logIndex"])
for attempt in range(40):  # the other replica publishes a new tree head within its follow interval
    try:
        with urllib.request.urlopen(f"{read_url}/api/v1/log/entries?logIndex={index}") as resp:
            answer = json.loads(resp.read())
        break
    except urllib.error.HTTPError as e:
        if e.code != 404 or attempt == 39:
            raise
        time.sleep(0.05)
(uuid, entry), = answer.items()
proof = entry["verification"]["inclusionProof"]
body = json.loads(base64.b64decode(entry["body"]))
b64 = lambda hexed: base64.b64encode(bytes.fromhex(hexed)).decode()
bundle["verificationMaterial"]["tlogEntries"] = [{
    "logIndex": str(entry["logIndex"]),
    "logId": {"keyId": b64(entry["logID"])},
    "kindVersion": {"kind": body["kind"], "version": body["apiVersion"]},
    "integratedTime": str(entry["integratedTime"]),
    "inclusionPromise": {"signedEntryTimestamp": entry["verification"]["signedEntryTimestamp"]},
    "inclusionProof": {
        "logIndex": str(proof["logIndex"]),
        "rootHash": b64(proof["rootHash"]),
        "treeSize": str(proof["treeSize"]),
        "hashes": [b64(h) for h in proof["hashes"]],
        "checkpoint": {"envelope": proof["checkpoint"]},
    },
    "canonicalizedBody": entry["body"],
}]
if entry["body"] != original["canonicalizedBody"]:
    sys.exit("the other replica serves another body at this index")
json.dump(bundle, open(out_path, "w"))
