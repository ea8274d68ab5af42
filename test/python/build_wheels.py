#!/usr/bin/env python3
"""Builds the small, valid wheels the runner tests install offline (pip install --no-index --find-links OUT).

Usage: build_wheels.py OUT_DIR    -> prints the wheel file names, one per line.

Each wheel is written with zipfile: the package files from fakes/<name>/ (placeholders filled in), and a
<dist>-<version>.dist-info with METADATA, WHEEL and a RECORD carrying sha256 hashes and sizes, as pip verifies.
"""
import base64
import hashlib
import os
import re
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
FAKES = os.path.join(HERE, "fakes")

# (fake source folder, distribution name, version, placeholders, Requires-Dist lines)
WHEELS = [
    ("huggingface_hub", "huggingface-hub", "0.25.2", {"HAS_CACHED_DOWNLOAD": "True"}, []),
    ("huggingface_hub", "huggingface-hub", "0.26.0", {"HAS_CACHED_DOWNLOAD": "False"}, []),
    # The release the original failure was reported with (the seed project's environment).
    ("huggingface_hub", "huggingface-hub", "0.26.2", {"HAS_CACHED_DOWNLOAD": "False"}, []),
    ("diffusers", "diffusers", "0.21.0", {"HUB_IMPORTS": "HfFolder, cached_download, hf_hub_download, model_info"},
     ["huggingface-hub>=0.13.2"]),
    ("diffusers", "diffusers", "0.29.0", {"HUB_IMPORTS": "hf_hub_download, model_info"}, ["huggingface-hub>=0.23.2"]),
    ("torch", "torch", "2.3.0+cpu", {"CUDA": "None"}, []),
    ("torch", "torch", "2.3.0+cu121", {"CUDA": "'12.1'"}, []),
    ("transformers", "transformers", "4.41.2", {}, ["huggingface-hub>=0.23.0,<1.0"]),
]


def _record_hash(data: bytes) -> str:
    digest = hashlib.sha256(data).digest()
    return "sha256=" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def write_wheel(out_dir: str, dist: str, version: str, files: dict, requires: list) -> str:
    """files: archive path -> bytes. Returns the wheel's path."""
    escaped = re.sub(r"[-_.]+", "_", dist).lower()
    dist_info = "%s-%s.dist-info" % (escaped, version)
    metadata = ["Metadata-Version: 2.1", "Name: " + dist, "Version: " + version,
                "Summary: test stand-in for " + dist] + ["Requires-Dist: " + r for r in requires]
    entries = dict(files)
    entries[dist_info + "/METADATA"] = ("\n".join(metadata) + "\n").encode()
    entries[dist_info + "/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: ml-pins-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    entries[dist_info + "/top_level.txt"] = ("\n".join(sorted({p.split("/")[0] for p in files})) + "\n").encode()
    record_name = dist_info + "/RECORD"
    record = ["%s,%s,%d" % (name, _record_hash(data), len(data)) for name, data in sorted(entries.items())]
    record.append(record_name + ",,")
    entries[record_name] = ("\n".join(record) + "\n").encode()
    path = os.path.join(out_dir, "%s-%s-py3-none-any.whl" % (escaped, version))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), data)
    return path


def package_files(folder: str, version: str, placeholders: dict) -> dict:
    root = os.path.join(FAKES, folder)
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d != "__pycache__"]
        for fn in filenames:
            if not fn.endswith(".py"):
                continue
            full = os.path.join(dirpath, fn)
            with open(full, encoding="utf-8") as fh:
                text = fh.read()
            text = text.replace("@VERSION@", version)
            for key, value in placeholders.items():
                text = text.replace("@%s@" % key, value)
            leftover = re.search(r"@[A-Z_]+@", text)
            if leftover:
                raise SystemExit("unfilled placeholder %s in %s" % (leftover.group(0), full))
            out[os.path.relpath(full, root).replace(os.sep, "/")] = text.encode()
    return out


def build_all(out_dir: str) -> list:
    os.makedirs(out_dir, exist_ok=True)
    return [write_wheel(out_dir, dist, version, package_files(folder, version, ph), req)
            for folder, dist, version, ph, req in WHEELS]


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    for p in build_all(sys.argv[1]):
        print(os.path.basename(p))
