import fnmatch
import json
import os
import sys

from . import constants
from .errors import IncompleteSnapshotError, LocalEntryNotFoundError
from .file_download import _snapshot_dir, _write, cached_snapshot, hf_hub_url
from ._http import request
from .hf_api import HfApi


def _match(path, patterns):
    if patterns is None:
        return True
    if isinstance(patterns, str):
        patterns = [patterns]
    return any(fnmatch.fnmatch(path, p if not p.endswith("/") else p + "*") for p in patterns)


def snapshot_download(repo_id, repo_type=None, revision=None, cache_dir=None, local_dir=None, token=None,
                      local_files_only=False, allow_patterns=None, ignore_patterns=None, max_workers=8,
                      tqdm_class=None, **kwargs):
    revision = revision or constants.DEFAULT_REVISION
    if local_files_only:
        if local_dir and os.path.isdir(local_dir):
            return local_dir
        snap = cached_snapshot(repo_id, revision, cache_dir)
        if not snap:
            raise LocalEntryNotFoundError("%s is not in the local cache" % repo_id)
        # Like huggingface_hub 2.x: refuse a snapshot that lacks files of the repo's tree (recorded at download).
        with open(os.path.join(snap, "..", "..", "trees", os.path.basename(snap) + ".json"), encoding="utf-8") as fh:
            tree = json.load(fh)
        missing = [f for f in tree if _match(f, allow_patterns) and not os.path.isfile(os.path.join(snap, f))]
        if missing:
            raise IncompleteSnapshotError("The cached snapshot for %r is incomplete: %d file(s) are missing"
                                          % (repo_id, len(missing)))
        return snap
    info = HfApi().model_info(repo_id, revision=revision, token=token)
    files = [s.rfilename for s in info.siblings
             if _match(s.rfilename, allow_patterns)
             and not (ignore_patterns is not None and _match(s.rfilename, ignore_patterns))]
    root = local_dir or _snapshot_dir(repo_id, revision, cache_dir, info.sha or "0" * 40)
    if not local_dir:
        _write(os.path.join(root, "..", "..", "trees", os.path.basename(root) + ".json"),
               json.dumps([s.rfilename for s in info.siblings]).encode())
    total = len(files)
    for i, name in enumerate(files, 1):
        resp = request(hf_hub_url(repo_id, name, revision), token)
        _write(os.path.join(root, name), resp.content)
        print("Fetching %d files: %3d%% | %d/%d %s" % (total, i * 100 // total, i, total, name), file=sys.stderr,
              flush=True)
    return root
