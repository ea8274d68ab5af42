"""Model ids, the files a pipeline needs, and the download step."""
from __future__ import annotations

import glob
import importlib
import json
import os
import re
import sys
import time
from typing import Any, Dict, List, Optional, Sequence

from .codes import EXIT_AUTH, EXIT_FAIL, EXIT_NOT_FOUND, RUNNER_CODES, Diagnosed, UsageError
from .common import Reporter, installed_packages, installed_version, release_tuple, scrub
from .diagnosis import _last_error_line, diagnose_text

# Keep in sync with src/hub/aliases.ts (a test compares the two tables).
MODEL_ALIASES: Dict[str, str] = {
    "sdxl-1.0": "stabilityai/stable-diffusion-xl-base-1.0",
    "sd-1.5": "stable-diffusion-v1-5/stable-diffusion-v1-5",
    "sd-2.1": "stabilityai/stable-diffusion-2-1",
    "sdxl-turbo": "stabilityai/sdxl-turbo",
    "tiny-gpt2": "sshleifer/tiny-gpt2",
}

# huggingface_hub's validate_repo_id (src/huggingface_hub/utils/_validators.py): REPO_ID_REGEX
#   ^(\b[\w\-.]+\b/)?\b[\w\-.]{1,96}\b$  -- each part starts and ends with a word character --
# then no "--" or "..", no ".git" suffix, at most one "/". The runner also requires the namespace (owner/name) and
# takes \w as ASCII ([A-Za-z0-9_]; Python's \w is Unicode): `a/.`, `a/-x`, `-x/y` and `a/b.` are refused.
_PART = r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?"
REPO_ID_RE = re.compile(rf"^{_PART}/{_PART}$")
MAX_NAME_LENGTH = 96


# Models: ids, file selection, download

def resolve_model(value: str) -> str:
    """An alias or a Hub repo id; anything else (paths, URLs, spaces) is rejected."""
    if value in MODEL_ALIASES:
        return MODEL_ALIASES[value]
    if is_valid_repo_id(value):
        return value
    raise UsageError(f"invalid model id {value!r}: expected owner/name (letters, digits, '_', '-', '.'; each part "
                     f"starts and ends with a letter, digit or '_') or one of the aliases "
                     f"{', '.join(sorted(MODEL_ALIASES))}")


def is_valid_repo_id(value: str) -> bool:
    return (bool(REPO_ID_RE.match(value)) and len(value.split("/", 1)[1]) <= MAX_NAME_LENGTH
            and ".." not in value and "--" not in value and not value.endswith(".git"))


_WEIGHT_EXTS = (".safetensors", ".bin")
_SKIP_DIRS = {"onnx", "flax", "openvino", "coreml", "tf", "tensorflow", "jax"}


def _is_config_file(name: str) -> bool:
    base = name.rsplit("/", 1)[-1]
    return (base.endswith(".json")
            or (base.endswith(".txt") and base != "LICENSE.txt" and not base.startswith("README"))
            or base.endswith(".model") or base.endswith(".tiktoken") or base.startswith("vocab")
            or (base.startswith("tokenizer") and not base.endswith((".bin", ".safetensors", ".pt"))))


def _variant(name: str) -> Optional[str]:
    """`diffusion_pytorch_model.fp16.safetensors` -> fp16; sharded `model.fp16-00001-of-00002.safetensors` too."""
    base = name.rsplit("/", 1)[-1]
    for ext in _WEIGHT_EXTS:
        if base.endswith(ext):
            stem = base[: -len(ext)]
            stem = re.sub(r"-\d{5}-of-\d{5}$", "", stem)
            return stem.split(".", 1)[1] if "." in stem else ""
    return None


def select_pipeline_files(files: Sequence[str], components: Optional[Sequence[str]] = None) -> Dict[str, Any]:
    """The files a pipeline needs, from a repo's file list.

    Configs and tokenizer files of the root and of each component folder; per folder, the fp16 safetensors when
    present, else the plain safetensors, else the .bin weights. Never .ckpt/.pt/.h5/.msgpack/.onnx, and root
    single-file checkpoints of a diffusers repo are skipped. Mirrored by selectPipelineFiles in src/hub/files.ts.
    """
    files = sorted(set(files))
    is_diffusers = "model_index.json" in files
    folders: Dict[str, List[str]] = {}
    for f in files:
        folder = f.rsplit("/", 1)[0] if "/" in f else ""
        folders.setdefault(folder, []).append(f)
    if is_diffusers:
        if components is None:
            components = sorted({f.split("/", 1)[0] for f in files if "/" in f} - _SKIP_DIRS)
        wanted_dirs = [""] + list(components)
        weight_dirs = list(components)
    else:
        wanted_dirs = [""]
        weight_dirs = [""]
    chosen: List[str] = []
    variant_used = False
    for d in wanted_dirs:
        members = folders.get(d, [])
        chosen += [f for f in members if _is_config_file(f)]
        if d not in weight_dirs:
            continue
        st = [f for f in members if f.endswith(".safetensors")]
        fp16 = [f for f in st if _variant(f) == "fp16"]
        plain_st = [f for f in st if _variant(f) == ""]
        bins = [f for f in members if f.endswith(".bin") and _variant(f) in ("", "fp16")]
        if fp16:
            chosen += fp16
            variant_used = True
        elif plain_st:
            chosen += plain_st
        elif bins:
            plain_bins = [f for f in bins if _variant(f) == ""]
            chosen += plain_bins or bins
            variant_used = variant_used or not plain_bins
    return {"files": sorted(set(chosen)), "variant": "fp16" if variant_used else None,
            "kind": "diffusers" if is_diffusers else "transformers"}


def _components_from_index(path: str) -> Optional[List[str]]:
    try:
        with open(path, encoding="utf-8") as fh:
            index = json.load(fh)
    except (OSError, ValueError):
        return None
    return sorted(k for k, v in index.items()
                  if not k.startswith("_") and isinstance(v, list) and len(v) == 2 and v[0] is not None)


def read_library_version(local_dir: str) -> Optional[Dict[str, Any]]:
    """Which library (and version) saved the model, against what is installed."""
    for fname, lib, key in (("model_index.json", "diffusers", "_diffusers_version"),
                            ("config.json", "transformers", "transformers_version")):
        path = os.path.join(local_dir, fname)
        if not os.path.isfile(path):
            continue
        try:
            with open(path, encoding="utf-8") as fh:
                data = json.load(fh)
        except (OSError, ValueError):
            continue
        model_version = data.get(key) if isinstance(data, dict) else None
        installed = installed_version(lib)
        needs_newer = None
        if model_version and installed:
            # A model saved with 0.30.0.dev0 needs 0.30.0: compare release numbers only.
            needs_newer = release_tuple(installed) < release_tuple(model_version)
        result: Dict[str, Any] = {"library": lib, "model_version": model_version, "installed": installed,
                                  "needs_newer": needs_newer}
        if needs_newer:
            result["code"] = RUNNER_CODES["model_newer_library"]
            result["message"] = (f"The model was saved with {lib} {model_version}; installed {lib} {installed} may "
                                 f"not load it. Consider {lib}>={'.'.join(map(str, release_tuple(model_version)))}.")
        elif not installed:
            result["message"] = f"{lib} is not installed; the model needs {lib}" + (
                f" >= {model_version}" if model_version else "")
        return result
    return None


_LOOPBACK_HOST = re.compile(r"^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$", re.IGNORECASE)


def endpoint_allows_token(endpoint: Optional[str]) -> bool:
    """Never over plain http except to loopback, whoever started the runner (the extension checks this too)."""
    if not endpoint:
        return True
    from urllib.parse import urlsplit
    try:
        parts = urlsplit(endpoint.strip())
        host = parts.hostname or ""
    except ValueError:
        return False
    if parts.username or parts.password:
        return False
    if parts.scheme == "https":
        return True
    host = f"[{host}]" if ":" in host else host
    return parts.scheme == "http" and bool(_LOOPBACK_HOST.match(host))


def hf_token() -> Optional[str]:
    """HF_TOKEN from the environment, the only place the runner reads a token from; None for a plain-http Hub."""
    tok = os.environ.get("HF_TOKEN", "").strip()
    if tok and not endpoint_allows_token(os.environ.get("HF_ENDPOINT")):
        return None
    return tok or None


def _status_of(exc: BaseException) -> Optional[int]:
    resp = getattr(exc, "response", None)
    code = getattr(resp, "status_code", None) or getattr(resp, "status", None) or getattr(exc, "code", None)
    return code if isinstance(code, int) else None


def classify_hub_error(exc: BaseException, repo_id: str) -> Dict[str, Any]:
    """gated / not-found / other, from huggingface_hub's exception class names and HTTP status."""
    names = {c.__name__ for c in type(exc).__mro__}
    status = _status_of(exc)
    text = scrub(str(exc))
    endpoint = os.environ.get("HF_ENDPOINT", "https://huggingface.co").rstrip("/")
    # Class names first: huggingface_hub's RepositoryNotFoundError text itself mentions "private or gated repo",
    # and the Hub answers 401 for a missing repo when no token is sent.
    if "GatedRepoError" in names:
        kind = "gated"
    elif names & {"RepositoryNotFoundError", "RevisionNotFoundError"}:
        kind = "not-found"
    elif status in (401, 403) or isinstance(exc, PermissionError):
        kind = "gated"
    elif status == 404:
        kind = "not-found"
    else:
        kind = "other"
    if kind == "gated":
        have = "HF_TOKEN is set but the account has no access" if hf_token() else "no Hugging Face token is set"
        return {"code": RUNNER_CODES["model_gated"], "exit": EXIT_AUTH,
                "message": (f"{repo_id} is gated or needs authentication ({have}). Open {endpoint}/{repo_id} while "
                            f"logged in and accept its license, then set your Hugging Face access token in ML Pins "
                            f"(it is passed to this runner as HF_TOKEN; it is never stored in files or arguments).")}
    if kind == "not-found":
        return {"code": RUNNER_CODES["model_not_found"], "exit": EXIT_NOT_FOUND,
                "message": f"{repo_id} was not found on {endpoint} (check the id; a private repo needs a token)."}
    return {"code": RUNNER_CODES["download_failed"], "exit": EXIT_FAIL,
            "message": f"downloading {repo_id} failed: {type(exc).__name__}: {text.splitlines()[0] if text else ''}"}


def lazy_import(module: str, dist: str) -> Any:
    """Import a library in-process, turning known import breakages into a diagnosis."""
    importlib.invalidate_caches()
    try:
        return importlib.import_module(module)
    except ImportError as e:
        import traceback
        text = "".join(traceback.format_exception(type(e), e, e.__traceback__))
        packages = installed_packages()
        diag = diagnose_text(text, packages, hint=dist)
        if diag:
            raise Diagnosed(diag, EXIT_FAIL) from None
        if not packages.get(dist) and not installed_version(dist):
            raise Diagnosed({"code": RUNNER_CODES["missing_package"], "packages": [dist],
                             "message": f"{dist} is not installed in {sys.executable}; run the install step."},
                            EXIT_FAIL) from None
        raise Diagnosed({"code": RUNNER_CODES["import_error"], "packages": [dist],
                         "message": f"import {module} fails: {_last_error_line(text)}"}, EXIT_FAIL) from None



def snapshot_problems(path: str, expected: Optional[Sequence[str]] = None) -> List[str]:
    """What makes a downloaded snapshot unusable, e.g. after an interrupted download: files of the plan that are
    missing (when the plan is known), leftover `*.incomplete` files, and -- from the snapshot alone -- a component
    of model_index.json without its folder, or a model folder (one with config.json) without weights."""
    problems: List[str] = []
    for f in expected or []:
        if not os.path.isfile(os.path.join(path, f)):
            problems.append(f"{f} is missing")
    repo_root = os.path.dirname(os.path.dirname(os.path.abspath(path)))  # <cache>/models--o--n/snapshots/<rev>
    partial_dirs = [path, os.path.join(path, ".cache", "huggingface")]
    if os.path.basename(os.path.dirname(os.path.abspath(path))) == "snapshots":
        partial_dirs.append(os.path.join(repo_root, "blobs"))
    for d in partial_dirs:
        for root, _dirs, names in os.walk(d):
            problems += [f"{os.path.relpath(os.path.join(root, n), path)} was not finished"
                         for n in names if n.endswith(".incomplete")]
    folders = set()
    if os.path.isfile(os.path.join(path, "model_index.json")):
        components = _components_from_index(os.path.join(path, "model_index.json")) or []
        for c in components:
            if not os.path.isdir(os.path.join(path, c)):
                problems.append(f"{c}/ is missing")
            else:
                folders.add(c)
    elif os.path.isfile(os.path.join(path, "config.json")):
        folders.add("")
    for folder in sorted(folders):
        full = os.path.join(path, folder)
        names = os.listdir(full)
        if "config.json" in names and not any(n.endswith(_WEIGHT_EXTS) for n in names):
            problems.append(f"{folder or 'the model'} has no weights")
    return list(dict.fromkeys(problems))


def run_download(model: str, local_dir: Optional[str], rep: Reporter) -> Dict[str, Any]:
    repo_id = resolve_model(model)
    hub = lazy_import("huggingface_hub", "huggingface-hub")
    token = hf_token()
    auth: Any = token if token else False  # False: do not fall back to a token file on disk
    started = time.monotonic()
    rep.line(f"Model: {repo_id}" + (f" (alias {model})" if model != repo_id else ""))
    withheld = bool(os.environ.get("HF_TOKEN", "").strip()) and not token
    rep.line(f"Hub: {os.environ.get('HF_ENDPOINT', 'https://huggingface.co')}; token: "
             + ("from HF_TOKEN" if token else "withheld (plain http:// to a host that is not loopback)" if withheld
                else "none"))
    try:
        api = hub.HfApi()
        info = api.model_info(repo_id, token=auth)
        files = [s.rfilename for s in (getattr(info, "siblings", None) or [])]
        if not files:
            files = list(api.list_repo_files(repo_id, token=auth))
        gated = getattr(info, "gated", False)
        if gated and not token:
            raise Diagnosed(classify_hub_error(PermissionError("gated"), repo_id), EXIT_AUTH)
        components = None
        if "model_index.json" in files:
            index_path = hub.hf_hub_download(repo_id, "model_index.json", token=auth,
                                              **({"local_dir": local_dir} if local_dir else {}))
            components = _components_from_index(index_path)
        plan = select_pipeline_files(files, components)
        if not plan["files"]:
            raise Diagnosed({"code": RUNNER_CODES["download_failed"],
                             "message": f"{repo_id} has no diffusers or transformers files to download"}, EXIT_FAIL)
        rep.line(f"Downloading {len(plan['files'])} of {len(files)} files"
                 + (" (fp16 safetensors variant)" if plan["variant"] else "") + ":")
        for f in plan["files"]:
            rep.line(f"  {f}")
        kwargs: Dict[str, Any] = {"allow_patterns": [glob.escape(f) for f in plan["files"]], "token": auth}
        if local_dir:
            kwargs["local_dir"] = local_dir
        path = hub.snapshot_download(repo_id, **kwargs)
    except Diagnosed:
        raise
    except Exception as e:  # huggingface_hub's error classes differ across versions: classify by name/status
        diag = classify_hub_error(e, repo_id)
        raise Diagnosed(diag, diag.pop("exit")) from None
    missing = snapshot_problems(path, plan["files"])
    if missing:
        raise Diagnosed({"code": RUNNER_CODES["download_incomplete"],
                         "message": f"the download of {repo_id} is incomplete ({'; '.join(missing[:3])}"
                                    f"{'; …' if len(missing) > 3 else ''}); run it again"}, EXIT_FAIL)
    library = read_library_version(path)
    result: Dict[str, Any] = {"ok": True, "model": repo_id, "path": path, "kind": plan["kind"],
                              "files": plan["files"], "variant": plan["variant"], "gated": bool(gated),
                              "library": library, "seconds": round(time.monotonic() - started, 2)}
    if model != repo_id:
        result["alias"] = model
    rep.line(f"✓ downloaded to {path}")
    if library and library.get("message"):
        rep.line(("! " if library.get("needs_newer") else "") + library["message"])
    return result

