"""Independent TUF client checks for interop/run-tuf-interop.sh, with python-tuf's ngclient.

  tuf_updater_check.py refresh CLIENT_DIR TUF_URL DATA_FOLDER LABEL
      Refreshes with a persistent metadata folder (CLIENT_DIR/metadata, bootstrapped from
      DATA_FOLDER/tuf/repository/1.root.json, so python-tuf walks the root chain and compares the
      new timestamp/snapshot/targets with the cached ones: rollback checks), downloads both
      targets into a fresh CLIENT_DIR/targets-LABEL, and checks their bytes equal the data
      folder's trusted_root.json and signing_config.json, and that the trusted root version is the
      highest N.root.json the repository holds. A second Updater then starts from the cached
      root.json alone. Prints one JSON line: root/timestamp/snapshot/targets versions and the
      SHA-256 of the downloaded trusted_root.json.

  tuf_updater_check.py renewal CLIENT_DIR TUF_URL DATA_FOLDER TIMEOUT
      For a repository whose timestamp lives for seconds: refreshes once, then polls until
      timestamp.json's version has increased (at most TIMEOUT seconds), waits until the first
      timestamp has expired, and refreshes again with the same metadata folder (no server
      restart in between), checking python-tuf then trusts the highest N.root.json published.
      Prints PASS/FAIL lines; exits non-zero on failure.
"""

import datetime
import glob
import hashlib
import json
import os
import re
import sys
import time
import urllib.request

from tuf.ngclient import Updater

TARGETS = {"trusted_root.json": "trusted_root.json", "signing_config.v0.2.json": "signing_config.json"}


def updater(client_dir, url, bootstrap, target_dir=None):
    metadata_dir = os.path.join(client_dir, "metadata")
    os.makedirs(metadata_dir, exist_ok=True)
    return Updater(
        metadata_dir=metadata_dir,
        metadata_base_url=url.rstrip("/") + "/",
        target_dir=target_dir,
        target_base_url=url.rstrip("/") + "/targets/",
        bootstrap=bootstrap,
    )


def cached(client_dir, role):
    """The `signed` part of ROLE as python-tuf persisted it after verifying it."""
    with open(os.path.join(client_dir, "metadata", f"{role}.json"), "rb") as f:
        return json.load(f)["signed"]


def versions(client_dir):
    return {role: cached(client_dir, role)["version"] for role in ("root", "timestamp", "snapshot", "targets")}


def expires(client_dir, role):
    text = cached(client_dir, role)["expires"]
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)


def latest_root(data):
    """The highest N of the data folder's published N.root.json files."""
    names = (os.path.basename(p) for p in glob.glob(os.path.join(data, "tuf", "repository", "*.root.json")))
    return max(int(m.group(1)) for m in (re.fullmatch(r"(\d+)\.root\.json", n) for n in names) if m)


def refresh(client_dir, url, data, label):
    repository = os.path.join(data, "tuf", "repository")
    bootstrap = open(os.path.join(repository, "1.root.json"), "rb").read()
    target_dir = os.path.join(client_dir, f"targets-{label}")
    os.makedirs(target_dir, exist_ok=True)
    u = updater(client_dir, url, bootstrap, target_dir)
    u.refresh()
    result = versions(client_dir)
    for name, local in TARGETS.items():
        info = u.get_targetinfo(name)
        assert info is not None, f"the repository's targets do not list {name}"
        path = u.download_target(info)
        downloaded = open(path, "rb").read()
        expected = open(os.path.join(data, local), "rb").read()
        assert downloaded == expected, f"{name} from TUF differs from the data folder's {local}"
        if name == "trusted_root.json":
            result["trusted_root_sha256"] = hashlib.sha256(downloaded).hexdigest()
    published = latest_root(data)
    assert result["root"] == published, f"python-tuf trusts root version {result['root']}, the repository has {published}.root.json"
    # A client that starts from its cached root alone reaches the same state.
    again = updater(client_dir, url, None)
    again.refresh()
    assert versions(client_dir) == {k: v for k, v in result.items() if k != "trusted_root_sha256"}, (versions(client_dir), result)
    print(json.dumps(result))


def timestamp_version(url):
    with urllib.request.urlopen(url.rstrip("/") + "/timestamp.json", timeout=5) as reply:
        signed = json.load(reply)["signed"]
    return signed["version"], signed["expires"]


def renewal(client_dir, url, data, timeout):
    failed = False
    bootstrap = open(os.path.join(data, "tuf", "repository", "1.root.json"), "rb").read()
    try:
        updater(client_dir, url, bootstrap).refresh()
    except Exception as error:  # noqa: BLE001 - any failure is the check's result
        print(f"FAIL python-tuf's first refresh of the repository: {type(error).__name__}: {error}")
        return 1
    first = versions(client_dir)["timestamp"]
    first_expiry = expires(client_dir, "timestamp")
    start = time.monotonic()
    seen = first
    while time.monotonic() - start < timeout:
        try:
            seen, _ = timestamp_version(url)
        except OSError as error:  # a restart or a slow answer; the deadline decides
            print(f"note: GET timestamp.json: {error}", file=sys.stderr)
        if seen > first:
            break
        time.sleep(0.5)
    if seen > first:
        print(f"PASS the running server signed timestamp.json again: version {first} -> {seen} after {time.monotonic() - start:.1f} s")
    else:
        print(f"FAIL timestamp.json still at version {first} after {timeout} s (expires {first_expiry})")
        failed = True
    # Refresh once the first timestamp has expired: only a renewed one can satisfy python-tuf.
    wait = (first_expiry - datetime.datetime.now(datetime.timezone.utc)).total_seconds() + 1
    if wait > 0:
        time.sleep(wait)
    try:
        updater(client_dir, url, bootstrap).refresh()
        now = versions(client_dir)["timestamp"]
        expiry = expires(client_dir, "timestamp")
        root = versions(client_dir)["root"]
        assert now > first, f"timestamp version {now} not above {first}"
        assert root == latest_root(data), f"python-tuf trusts root version {root}, the repository has {latest_root(data)}.root.json"
        print(f"PASS python-tuf refreshes after the first timestamp expired ({first_expiry:%H:%M:%S}): "
              f"timestamp version {now}, expires {expiry:%H:%M:%S}, root version {root}, no restart")
    except Exception as error:  # noqa: BLE001 - any failure is the check's result
        print(f"FAIL python-tuf refresh after the first timestamp expired: {type(error).__name__}: {error}")
        failed = True
    return 1 if failed else 0


def main():
    mode = sys.argv[1]
    if mode == "refresh":
        refresh(*sys.argv[2:6])
        return 0
    if mode == "renewal":
        return renewal(sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5]))
    sys.exit(f"unknown mode {mode}")


if __name__ == "__main__":
    sys.exit(main())
