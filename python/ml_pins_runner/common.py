"""Output, installed packages and version helpers shared by the steps."""
from __future__ import annotations

import importlib
import importlib.metadata
import json
import os
import re
import sys
from typing import Any, Dict, Optional, Tuple

# Distribution names (PEP 503-normalized) reported by doctor.
KNOWN_PACKAGES: Tuple[str, ...] = (
    "torch", "torchvision", "torchaudio", "diffusers", "transformers", "huggingface-hub", "accelerate", "numpy",
    "xformers", "safetensors", "tokenizers", "peft", "sentence-transformers",
)

# Output helpers

class Reporter:
    """Human text goes to stdout, or to stderr in --json mode so stdout carries only the JSON."""

    def __init__(self, json_mode: bool) -> None:
        self.json_mode = json_mode
        self.stream = sys.stderr if json_mode else sys.stdout

    def line(self, text: str = "") -> None:
        print(scrub(text), file=self.stream, flush=True)

    def header(self, index: int, total: int, title: str) -> None:
        self.line("")
        self.line(f"=== Step {index}/{total}: {title} ===")

    def emit_json(self, obj: Dict[str, Any]) -> None:
        print(scrub(json.dumps(obj, ensure_ascii=False)), flush=True)


TOKEN_VARIABLES = ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN")


def scrub(text: str) -> str:
    """Never let the token reach a terminal or a log, whatever a library put in an error message."""
    for name in TOKEN_VARIABLES:
        token = os.environ.get(name)
        if token and len(token) >= 4 and token in text:
            text = text.replace(token, "***")
    return text


def env_without_token(env: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    """The environment for processes that have no business with the Hub token: pip (and the sdist builds it runs),
    the project's own installer, the import checks."""
    env = dict(os.environ if env is None else env)
    for name in TOKEN_VARIABLES:
        env.pop(name, None)
    return env


def normalize_name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def installed_version(dist: str) -> Optional[str]:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None
    except Exception:  # a broken dist-info must not kill doctor
        return None


def installed_packages() -> Dict[str, Optional[str]]:
    importlib.invalidate_caches()
    return {name: installed_version(name) for name in KNOWN_PACKAGES}


# ----------------------------------------------------------------------------------------------------------------
# Versions (no `packaging` at the top level: it may not be installed in the user's environment)

_VERSION_RE = re.compile(
    r"^\s*v?(?:\d+!)?(?P<release>\d+(?:\.\d+)*)"
    r"(?:[-_.]?(?P<pre>a|b|c|rc|alpha|beta|pre|preview)[-_.]?(?P<pren>\d*))?"
    r"(?:[-_.]?(?P<post>post|rev|r)[-_.]?(?P<postn>\d*))?"
    r"(?:[-_.]?(?P<dev>dev)[-_.]?(?P<devn>\d*))?"
    r"(?:\+(?P<local>[a-z0-9.]+))?\s*$",
    re.IGNORECASE,
)


def version_key(version: str) -> Tuple[Any, ...]:
    """A sort key close to PEP 440 ordering for the forms real releases use."""
    m = _VERSION_RE.match(version)
    if not m:
        return ((0,), 0, 0, 0)
    release = tuple(int(p) for p in m.group("release").split("."))
    while len(release) > 1 and release[-1] == 0:
        release = release[:-1]
    if m.group("pre"):
        stage = -1
    elif m.group("dev") and not m.group("post"):
        stage = -2
    else:
        stage = 0
    post = int(m.group("postn") or 0) + 1 if m.group("post") else 0
    dev = int(m.group("devn") or 0) if m.group("dev") else 1 << 30
    return (release, stage, post, dev)


def version_lt(a: str, b: str) -> bool:
    return version_key(a) < version_key(b)


def local_label(version: Optional[str]) -> Optional[str]:
    if not version or "+" not in version:
        return None
    return version.split("+", 1)[1].lower()


def release_tuple(version: str) -> Tuple[int, ...]:
    m = re.match(r"^\s*(\d+(?:\.\d+)*)", version)
    return tuple(int(p) for p in m.group(1).split(".")) if m else ()



def write_file_atomic(path: str, data: bytes) -> None:
    """Write beside the target, fsync, rename: a full disk or a kill leaves the old file or none, never a 0-byte or
    truncated one. Raises OSError (e.g. ENOSPC) after removing the temporary file."""
    path = os.path.abspath(path)
    folder = os.path.dirname(path)
    os.makedirs(folder, exist_ok=True)
    tmp = os.path.join(folder, f".{os.path.basename(path)}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def os_error_line(e: OSError) -> str:
    """One line for an I/O error: 'No space left on device' rather than a traceback."""
    return e.strerror or str(e) or type(e).__name__
