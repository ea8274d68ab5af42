import hashlib
import os
import sys
import urllib.parse

from . import constants
from ._http import request
from .errors import LocalEntryNotFoundError


def repo_folder_name(repo_id):
    return "models--" + repo_id.replace("/", "--")


def hf_hub_url(repo_id, filename, revision=None):
    return "%s/%s/resolve/%s/%s" % (constants.ENDPOINT, repo_id, urllib.parse.quote(revision or "main", safe=""),
                                    urllib.parse.quote(filename))


def _write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".incomplete"
    with open(tmp, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)


def _snapshot_dir(repo_id, revision, cache_dir, commit):
    base = os.path.join(cache_dir or constants.HF_HUB_CACHE, repo_folder_name(repo_id))
    ref = os.path.join(base, "refs", revision)
    _write(ref, commit.encode())
    return os.path.join(base, "snapshots", commit)


def cached_snapshot(repo_id, revision=None, cache_dir=None):
    base = os.path.join(cache_dir or constants.HF_HUB_CACHE, repo_folder_name(repo_id))
    try:
        with open(os.path.join(base, "refs", revision or "main"), encoding="utf-8") as fh:
            commit = fh.read().strip()
    except OSError:
        return None
    path = os.path.join(base, "snapshots", commit)
    return path if os.path.isdir(path) else None


def try_to_load_from_cache(repo_id, filename, cache_dir=None, revision=None, repo_type=None):
    snap = cached_snapshot(repo_id, revision, cache_dir)
    path = os.path.join(snap, filename) if snap else None
    return path if path and os.path.isfile(path) else None


def hf_hub_download(repo_id, filename, subfolder=None, repo_type=None, revision=None, cache_dir=None,
                    local_dir=None, token=None, local_files_only=False, **kwargs):
    if subfolder:
        filename = subfolder + "/" + filename
    revision = revision or constants.DEFAULT_REVISION
    if local_files_only:
        snap = cached_snapshot(repo_id, revision, cache_dir)
        path = os.path.join(local_dir or snap or "", filename)
        if (local_dir or snap) and os.path.isfile(path):
            return path
        raise LocalEntryNotFoundError("%s/%s is not in the local cache" % (repo_id, filename))
    resp = request(hf_hub_url(repo_id, filename, revision), token)
    commit = resp.headers.get("X-Repo-Commit") or hashlib.sha1(repo_id.encode()).hexdigest()
    target_root = local_dir or _snapshot_dir(repo_id, revision, cache_dir, commit)
    path = os.path.join(target_root, filename)
    _write(path, resp.content)
    return path


def cached_download(url, cache_dir=None, token=None, **kwargs):
    """The legacy download-a-URL function, present through 0.25.2."""
    print("FutureWarning: `cached_download` is the legacy way to download files from the HF hub, please consider "
          "upgrading to `hf_hub_download`", file=sys.stderr)
    resp = request(url, token)
    path = os.path.join(cache_dir or constants.HF_HUB_CACHE, hashlib.sha256(url.encode()).hexdigest())
    _write(path, resp.content)
    return path
