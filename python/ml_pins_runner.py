#!/usr/bin/env python3
"""ML Pins runner: checks a Python environment, installs a project's pins, downloads a model and runs a test
generation.

Runs in a VS Code terminal with the project's interpreter. Only the standard library is imported at the top level:
torch / diffusers / transformers / huggingface_hub are imported lazily, and the imports known to break are first
tried in a subprocess each, so a broken environment yields a diagnosis with a rule code instead of a traceback.

  python ml_pins_runner.py doctor [--json]
  python ml_pins_runner.py install (--requirements FILE... | --project DIR | --packages SPEC... |
                                    --command ARGV...) [--no-index] [--find-links DIR] [--pip-arg=ARG] [--json]
  python ml_pins_runner.py download --model ID|ALIAS [--local-dir DIR] [--json]
  python ml_pins_runner.py generate (--model ID|ALIAS | --model-dir DIR) [--prompt TEXT] [--steps N] [--seed N]
                                    [--width PX --height PX] [--output-dir DIR] [--json]
  python ml_pins_runner.py all [install options] --model ID|ALIAS [generate options] [--json]

Exit codes: 0 ok, 1 failure (diagnosed), 2 usage / invalid model id, 3 gated or unauthorized model, 4 model not
found. The Hugging Face token is read from the HF_TOKEN environment variable only and never printed.
"""
from __future__ import annotations

import argparse
import glob
import importlib
import importlib.metadata
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

RUNNER_VERSION = "0.1.0"

# The checker's rule codes (rules/*.json), in one place. Keys are "<kind>" or "<kind>:<package>"; rule_code() takes the
# package-specific entry when there is one. Generic fallbacks are for packages that have no rule of their own.
RULE_CODES: Dict[str, str] = {
    # diffusers<=0.28.2 / sentence-transformers<=2.2.2 import cached_download, gone from huggingface_hub>=0.26
    "cached_download": "hf-hub-cached-download",
    "cached_download:sentence-transformers": "hf-hub-cached-download-sentence-transformers",
    # HfFolder / Repository imports with huggingface_hub>=1.0
    "hf_hub_v1_removed": "hf-hub1-hffolder-diffusers",
    "hf_hub_v1_removed:sentence-transformers": "hf-hub1-hffolder-sentence-transformers",
    # an extension module built against NumPy 1.x imported under NumPy 2
    "numpy2_abi": "numpy2-abi",
    "numpy2_abi:torch": "numpy2-abi-torch",
    "numpy2_abi:pandas": "numpy2-abi-pandas",
    "numpy2_abi:scikit-learn": "numpy2-abi-scikit-learn",
    "numpy2_abi:matplotlib": "numpy2-abi-matplotlib",
    "numpy2_abi:tensorflow": "numpy2-abi-tensorflow",
    # torchvision / torchaudio built for another torch
    "torch_companion": "torchvision-torch-mismatch",
    "torch_companion:torchaudio": "torchaudio-torch-mismatch",
    # the torch build (CUDA / ROCm / CPU) does not fit the hardware
    "accelerator": "torch-accelerator-variant",
}


def rule_code(kind: str, package: Optional[str] = None) -> str:
    return RULE_CODES.get(f"{kind}:{package}") or RULE_CODES[kind]


# Codes for failures of the runner's own steps (not checker rules).
RUNNER_CODES: Dict[str, str] = {
    "import_error": "import-error",
    "pip_no_match": "pip-no-matching-distribution",
    "pip_conflict": "pip-resolution-conflict",
    "pip_bad_file": "pip-requirements-file",
    "pip_failed": "pip-failed",
    "installer_failed": "installer-failed",
    "invalid_model_id": "invalid-model-id",
    "model_gated": "model-gated",
    "model_not_found": "model-not-found",
    "model_not_downloaded": "model-not-downloaded",
    "model_newer_library": "model-needs-newer-library",
    "download_failed": "download-failed",
    "generate_failed": "generate-failed",
    "missing_package": "missing-package",
}

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_AUTH, EXIT_NOT_FOUND = 0, 1, 2, 3, 4

# Keep in sync with src/hub/aliases.ts (a test compares the two tables).
MODEL_ALIASES: Dict[str, str] = {
    "sdxl-1.0": "stabilityai/stable-diffusion-xl-base-1.0",
    "sd-1.5": "stable-diffusion-v1-5/stable-diffusion-v1-5",
    "sd-2.1": "stabilityai/stable-diffusion-2-1",
    "sdxl-turbo": "stabilityai/sdxl-turbo",
    "tiny-gpt2": "sshleifer/tiny-gpt2",
}

REPO_ID_RE = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")

# Distribution names (PEP 503-normalized) reported by doctor.
KNOWN_PACKAGES: Tuple[str, ...] = (
    "torch", "torchvision", "torchaudio", "diffusers", "transformers", "huggingface-hub", "accelerate", "numpy",
    "xformers", "safetensors", "tokenizers", "peft", "sentence-transformers",
)

# Module tried in a subprocess -> the distribution that provides it. Order: the heavy ones last is not needed,
# they run in parallel.
IMPORT_CHECKS: Tuple[Tuple[str, str], ...] = (
    ("torch", "torch"),
    ("torchvision", "torchvision"),
    ("torchaudio", "torchaudio"),
    ("diffusers", "diffusers"),
    ("transformers", "transformers"),
    ("sentence_transformers", "sentence-transformers"),
    ("accelerate", "accelerate"),
    ("peft", "peft"),
    ("xformers", "xformers"),
)

IMPORT_TIMEOUT_S = 180
SMI_TIMEOUT_S = 15


# ----------------------------------------------------------------------------------------------------------------
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


def scrub(text: str) -> str:
    """Never let the token reach a terminal or a log, whatever a library put in an error message."""
    token = os.environ.get("HF_TOKEN")
    if token and len(token) >= 4 and token in text:
        text = text.replace(token, "***")
    return text


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


# ----------------------------------------------------------------------------------------------------------------
# Diagnosis of error text (import failures, pip output)

_CACHED_DOWNLOAD_RE = re.compile(r"cannot import name ['\"]cached_download['\"] from ['\"]huggingface_hub['\"]")
_HF_V1_RE = re.compile(r"cannot import name ['\"](HfFolder|Repository)['\"] from ['\"]huggingface_hub['\"]")
_NUMPY2_RE = re.compile(
    r"compiled using NumPy 1\.x cannot be run in\s+NumPy 2|_ARRAY_API not found|"
    r"numpy\.core\.multiarray failed to import|numpy\.core\._multiarray_umath failed to import",
    re.IGNORECASE,
)
_COMPANION_RE = re.compile(
    r"operator torchvision::nms does not exist|"
    r"PyTorch and torchvision were compiled with different CUDA|"
    r"torchvision.*undefined symbol|torchaudio.*undefined symbol|"
    r"undefined symbol.*(?:torchvision|torchaudio)",
    re.IGNORECASE,
)
_SITE_PKG_RE = re.compile(r"[/\\](?:site|dist)-packages[/\\]([A-Za-z0-9_]+)")


def _downstream_from_traceback(text: str, hint: Optional[str]) -> Optional[str]:
    """The package whose code did the failing import: the last non-hub package in the traceback's file paths."""
    found = [normalize_name(m.group(1)) for m in _SITE_PKG_RE.finditer(text)]
    found = [f for f in found if f not in ("huggingface-hub", "importlib")]
    if found:
        return found[-1]
    return normalize_name(hint) if hint else None


def _last_error_line(text: str) -> str:
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    for ln in reversed(lines):
        if re.match(r"^[A-Za-z_.]*(Error|Exception)\b", ln):
            return ln
    return lines[-1] if lines else ""


def diagnose_text(text: str, packages: Dict[str, Optional[str]], hint: Optional[str] = None) -> Optional[Dict[str, Any]]:
    """Map an error text (a traceback, stderr of an import) to a known problem, or None."""
    hub = packages.get("huggingface-hub")
    if _CACHED_DOWNLOAD_RE.search(text) or ("cached_download" in text and "ImportError" in text):
        downstream = _downstream_from_traceback(text, hint) or "diffusers"
        dver = packages.get(downstream)
        fix = "diffusers>=0.29.0" if downstream == "diffusers" else (
            "sentence-transformers>=2.3.0" if downstream == "sentence-transformers" else f"a newer {downstream}")
        return {
            "code": rule_code("cached_download", downstream),
            "severity": "error",
            "message": (f"{downstream} {dver or '?'} imports cached_download, which huggingface_hub removed in 0.26.0 "
                        f"(installed huggingface_hub {hub or '?'}). Fix: {fix}, or pin huggingface_hub<0.26."),
            "packages": [downstream, "huggingface-hub"],
            "versions": {downstream: dver, "huggingface-hub": hub},
            "detail": _last_error_line(text),
        }
    m = _HF_V1_RE.search(text)
    if m:
        downstream = _downstream_from_traceback(text, hint) or "unknown"
        return {
            "code": rule_code("hf_hub_v1_removed", downstream),
            "severity": "error",
            "message": (f"{downstream} {packages.get(downstream) or '?'} imports {m.group(1)}, which huggingface_hub "
                        f"removed in 1.0 (installed {hub or '?'}). Upgrade {downstream} or pin huggingface_hub<1.0."),
            "packages": [downstream, "huggingface-hub"],
            "versions": {downstream: packages.get(downstream), "huggingface-hub": hub},
            "detail": _last_error_line(text),
        }
    if _NUMPY2_RE.search(text):
        culprit = _downstream_from_traceback(text, hint)
        if culprit == "numpy":
            culprit = normalize_name(hint) if hint else None
        np_ver = packages.get("numpy")
        names = [p for p in (culprit, "numpy") if p]
        return {
            "code": rule_code("numpy2_abi", culprit),
            "severity": "error",
            "message": (f"{culprit or 'A compiled package'} {packages.get(culprit or '') or ''} was built against "
                        f"NumPy 1.x and cannot run with NumPy {np_ver or '2'}. Upgrade it to a NumPy-2 build "
                        f"(torch>=2.3.0) or pin numpy<2.").replace("  ", " "),
            "packages": names,
            "versions": {p: packages.get(p) for p in names},
            "detail": _last_error_line(text),
        }
    if _COMPANION_RE.search(text):
        companion = "torchaudio" if "torchaudio" in text and "torchvision" not in text else "torchvision"
        return {
            "code": rule_code("torch_companion", companion),
            "severity": "error",
            "message": (f"{companion} {packages.get(companion) or '?'} was built for another torch than the "
                        f"installed {packages.get('torch') or '?'}. Install the matching pair from the same index."),
            "packages": ["torch", companion],
            "versions": {"torch": packages.get("torch"), companion: packages.get(companion)},
            "detail": _last_error_line(text),
        }
    return None


def expected_torchvision(torch_version: str) -> Optional[Tuple[int, int]]:
    """torchvision 0.N pairs with torch 2.(N-15) for N=15..28, and 0.14 with torch 1.13 (compat-tables.md)."""
    rel = release_tuple(torch_version)
    if len(rel) < 2:
        return None
    if rel[:2] == (1, 13):
        return (0, 14)
    if rel[0] == 2 and 0 <= rel[1] <= 13:
        return (0, rel[1] + 15)
    return None


def expected_torchaudio(torch_version: str) -> Optional[Tuple[int, int]]:
    """torchaudio carries torch's version for 2.1-2.10 (2.0.x -> 2.0.x, 1.13 -> 0.13); from 2.11 it is stable-ABI."""
    rel = release_tuple(torch_version)
    if len(rel) < 2:
        return None
    if rel[:2] == (1, 13):
        return (0, 13)
    if rel[0] == 2 and 0 <= rel[1] <= 10:
        return (2, rel[1])
    return None


def companion_problems(packages: Dict[str, Optional[str]]) -> List[Dict[str, Any]]:
    torch_v = packages.get("torch")
    if not torch_v:
        return []
    out: List[Dict[str, Any]] = []
    for name, expect in (("torchvision", expected_torchvision), ("torchaudio", expected_torchaudio)):
        ver = packages.get(name)
        want = expect(torch_v)
        if not ver or not want:
            continue
        if name == "torchaudio" and release_tuple(ver)[:2] >= (2, 11):
            continue  # stable ABI: works with any later torch
        if release_tuple(ver)[:2] != want:
            out.append({
                "code": rule_code("torch_companion", name),
                "severity": "error",
                "message": (f"{name} {ver} does not pair with torch {torch_v}: torch {'.'.join(map(str, release_tuple(torch_v)[:2]))} "
                            f"needs {name} {want[0]}.{want[1]}.x. Install them together from the same index."),
                "packages": ["torch", name],
                "versions": {"torch": torch_v, name: ver},
            })
    return out


def diagnose_pip_output(text: str) -> Dict[str, Any]:
    """Why pip failed, from its output, with pip's own ERROR lines as detail."""
    diag = _diagnose_pip_output(text)
    diag.setdefault("detail", _pip_error_lines(text))
    return diag


def _diagnose_pip_output(text: str) -> Dict[str, Any]:
    m = re.search(r"No matching distribution found for ([^\s]+)", text)
    if m:
        spec = m.group(1)
        hint = ""
        lab = re.search(r"\+(cu\d+|rocm[\d.]+|cpu)\b", spec)
        if lab:
            hint = (f" Local-version wheels like +{lab.group(1)} are only on the PyTorch index: "
                    f"--index-url https://download.pytorch.org/whl/{lab.group(1)}.")
        elif re.match(r"^(?:\s*)(pytorch)\b", spec, re.IGNORECASE):
            hint = " The package is called torch on PyPI, not pytorch."
        return {"code": RUNNER_CODES["pip_no_match"], "package": re.split(r"[<>=!~ ;\[]", spec)[0],
                "message": f"pip found no installable release for {spec} (name, version, Python "
                           f"{platform.python_version()} or the index in use).{hint}"}
    if "ResolutionImpossible" in text or "conflicting dependencies" in text:
        lines = text.splitlines()
        block: List[str] = []
        for i, ln in enumerate(lines):
            if "The conflict is caused by" in ln:
                for ln2 in lines[i + 1:]:
                    if not ln2.strip() or ln2.startswith("To fix"):
                        break
                    block.append(ln2.strip())
                break
        detail = "; ".join(block) if block else _last_error_line(text)
        return {"code": RUNNER_CODES["pip_conflict"], "message": f"pip cannot satisfy the pins together: {detail}"}
    if "Could not open requirements file" in text:
        return {"code": RUNNER_CODES["pip_bad_file"], "message": _pip_error_lines(text)}
    diag = diagnose_text(text, installed_packages())
    if diag:
        return diag
    return {"code": RUNNER_CODES["pip_failed"], "message": _pip_error_lines(text) or "pip failed"}


def _pip_error_lines(text: str) -> str:
    errs = [ln.strip() for ln in text.splitlines() if ln.strip().startswith("ERROR:")]
    return " ".join(errs[-3:]) if errs else _last_error_line(text)


# ----------------------------------------------------------------------------------------------------------------
# Hardware

def _run_tool(argv: Sequence[str], timeout: float = SMI_TIMEOUT_S) -> Optional[str]:
    exe = shutil.which(argv[0])
    if not exe:
        return None
    try:
        proc = subprocess.run([exe, *argv[1:]], capture_output=True, text=True, timeout=timeout)
    except (OSError, subprocess.SubprocessError):
        return None
    if proc.returncode != 0:
        return None
    return proc.stdout


def nvidia_smi_memory() -> Optional[List[float]]:
    """Per-GPU memory in GiB from nvidia-smi, or None when there is no usable nvidia-smi."""
    out = _run_tool(["nvidia-smi", "--query-gpu=memory.total", "--format=csv,noheader,nounits"])
    if out is None:
        return None
    mems: List[float] = []
    for ln in out.splitlines():
        m = re.match(r"^\s*(\d+(?:\.\d+)?)", ln)
        if m:
            mems.append(float(m.group(1)) / 1024.0)  # MiB
    return mems or None


def parse_rocm_smi(text: str) -> List[float]:
    """VRAM totals in GiB from `rocm-smi --showmeminfo vram --json`: JSON per card, sometimes after warning lines."""
    mems: List[float] = []
    start, end = text.find("{"), text.rfind("}")
    data: Any = None
    if start != -1 and end > start:
        try:
            data = json.loads(text[start:end + 1])
        except ValueError:
            data = None
    if isinstance(data, dict):
        for card, fields in sorted(data.items()):
            if not isinstance(fields, dict) or not str(card).lower().startswith(("card", "gpu")):
                continue
            for key, value in fields.items():
                k = str(key).lower()
                if "total" in k and "used" not in k and ("vram" in k or "memory" in k):
                    try:
                        num = float(str(value).strip().split()[0])
                    except (ValueError, IndexError):
                        continue
                    mems.append(num / (1 << 30) if "(b)" in k or num > 1 << 20 else num)
                    break
    if not mems:  # plain-text table
        for m in re.finditer(r"VRAM Total Memory \(B\)\s*:\s*(\d+)", text):
            mems.append(int(m.group(1)) / (1 << 30))
    return mems


def rocm_smi_memory() -> Optional[List[float]]:
    out = _run_tool(["rocm-smi", "--showmeminfo", "vram", "--json"])
    if out is None:
        return None
    mems = parse_rocm_smi(out)
    return mems or None


def system_memory_gb() -> Optional[float]:
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for ln in fh:
                if ln.startswith("MemTotal:"):
                    return int(ln.split()[1]) / (1 << 20)  # kB -> GiB
    except OSError:
        pass
    if sys.platform == "darwin":
        out = _run_tool(["sysctl", "-n", "hw.memsize"])
        if out and out.strip().isdigit():
            return int(out.strip()) / (1 << 30)
    return None


_TORCH_PROBE = r"""
import json, sys
try:
    import torch
except BaseException as e:
    print(json.dumps({"ok": False, "error": "%s: %s" % (type(e).__name__, e)}))
    sys.exit(0)
info = {"ok": True, "version": getattr(torch, "__version__", None),
        "cuda": getattr(torch.version, "cuda", None), "hip": getattr(torch.version, "hip", None),
        "cuda_available": False, "count": 0, "memory": [], "mps": False}
try:
    info["cuda_available"] = bool(torch.cuda.is_available())
    if info["cuda_available"]:
        info["count"] = int(torch.cuda.device_count())
        for i in range(info["count"]):
            info["memory"].append(torch.cuda.get_device_properties(i).total_memory)
except Exception as e:
    info["cuda_error"] = str(e)
try:
    info["mps"] = bool(torch.backends.mps.is_available())
except Exception:
    pass
print(json.dumps(info))
"""


def probe_torch() -> Optional[Dict[str, Any]]:
    """What torch says about the hardware, asked in a subprocess (importing torch can crash or hang)."""
    if not installed_version("torch"):
        return None
    try:
        proc = subprocess.run([sys.executable, "-c", _TORCH_PROBE], capture_output=True, text=True,
                              timeout=IMPORT_TIMEOUT_S)
    except (OSError, subprocess.SubprocessError) as e:
        return {"ok": False, "error": str(e)}
    for ln in reversed(proc.stdout.splitlines()):
        if ln.startswith("{"):
            try:
                return json.loads(ln)
            except ValueError:
                break
    return {"ok": False, "error": _last_error_line(proc.stderr) or f"exit {proc.returncode}"}


def torch_build(torch_version: Optional[str], probe: Optional[Dict[str, Any]]) -> Optional[str]:
    """cuda | rocm | cpu | None: which accelerator the installed torch wheel was built for."""
    if not torch_version:
        return None
    if probe and probe.get("ok"):
        if probe.get("hip"):
            return "rocm"
        if probe.get("cuda"):
            return "cuda"
        return "cpu"
    label = local_label(torch_version) or ""
    if label.startswith("cu"):
        return "cuda"
    if label.startswith("rocm"):
        return "rocm"
    if label == "cpu":
        return "cpu"
    return None  # an unlabeled wheel whose import failed: unknown


def detect_hardware(packages: Dict[str, Optional[str]]) -> Tuple[Dict[str, Any], List[Dict[str, Any]]]:
    """Hardware, and problems where the torch build does not fit it."""
    probe = probe_torch()
    nvidia = nvidia_smi_memory()
    rocm = rocm_smi_memory()
    hw: Dict[str, Any]
    if probe and probe.get("ok") and probe.get("cuda_available"):
        mems = [m / (1 << 30) for m in probe.get("memory", [])]
        hw = {"accelerator": "rocm" if probe.get("hip") else "cuda", "memory_gb": max(mems) if mems else None,
              "count": int(probe.get("count") or len(mems) or 1), "source": "torch"}
    elif probe and probe.get("ok") and probe.get("mps"):
        hw = {"accelerator": "mps", "memory_gb": system_memory_gb(), "count": 1, "source": "torch"}
    elif nvidia:
        hw = {"accelerator": "cuda", "memory_gb": max(nvidia), "count": len(nvidia), "source": "nvidia-smi"}
    elif rocm:
        hw = {"accelerator": "rocm", "memory_gb": max(rocm), "count": len(rocm), "source": "rocm-smi"}
    elif sys.platform == "darwin" and platform.machine() == "arm64":
        hw = {"accelerator": "mps", "memory_gb": system_memory_gb(), "count": 1, "source": "platform"}
    else:
        hw = {"accelerator": "cpu", "memory_gb": system_memory_gb(), "count": 0,
              "source": "/proc/meminfo" if os.path.exists("/proc/meminfo") else "sysctl"}
    if hw["memory_gb"] is not None:
        hw["memory_gb"] = round(float(hw["memory_gb"]), 1)
    if probe and not probe.get("ok"):
        hw["torch_error"] = probe.get("error")

    problems: List[Dict[str, Any]] = []
    torch_v = packages.get("torch")
    build = torch_build(torch_v, probe)
    # What the machine has, independent of what torch can use.
    machine = "cuda" if nvidia else "rocm" if rocm else hw["accelerator"]
    hw["torch_build"] = build

    def mismatch(message: str, severity: str = "warning") -> None:
        problems.append({"code": rule_code("accelerator"), "severity": severity, "message": message,
                         "packages": ["torch"], "versions": {"torch": torch_v}})

    if build and torch_v:
        if build == "cuda" and machine == "rocm":
            mismatch(f"torch {torch_v} is a CUDA build but this machine has an AMD GPU (ROCm): it will run on CPU. "
                     f"Install a ROCm wheel from https://download.pytorch.org/whl/rocm<version>.", "error")
        elif build == "rocm" and machine == "cuda":
            mismatch(f"torch {torch_v} is a ROCm build but this machine has an NVIDIA GPU: it will run on CPU. "
                     f"Install a CUDA wheel from https://download.pytorch.org/whl/cu<version>.", "error")
        elif build in ("cuda", "rocm") and machine in ("cpu", "mps"):
            mismatch(f"torch {torch_v} is a {build.upper()} build but no {'NVIDIA' if build == 'cuda' else 'AMD'} GPU "
                     f"was found: it runs on CPU and the GPU libraries are wasted space. The CPU wheel is at "
                     f"https://download.pytorch.org/whl/cpu.")
        elif build == "cpu" and machine in ("cuda", "rocm"):
            mismatch(f"torch {torch_v} is a CPU-only build but this machine has a {machine.upper()} GPU "
                     f"({hw['memory_gb']} GB): generation will be slow. Install the {machine} wheel.")
        elif build == machine and machine in ("cuda", "rocm") and probe and probe.get("ok") \
                and not probe.get("cuda_available"):
            mismatch(f"torch {torch_v} is a {machine.upper()} build and a GPU is present, but torch cannot use it "
                     f"(driver / runtime version mismatch?)."
                     + (f" torch said: {probe['cuda_error']}" if probe.get("cuda_error") else ""), "error")
    return hw, problems


def hardware_line(hw: Dict[str, Any]) -> str:
    mem = f"{hw['memory_gb']:.1f}GB" if isinstance(hw.get("memory_gb"), (int, float)) else "unknown"
    return f"Detected hardware: GPU={hw['accelerator']}, Memory={mem}, Count={hw['count']}"


# ----------------------------------------------------------------------------------------------------------------
# Import checks

def check_import(module: str, dist: str, packages: Dict[str, Optional[str]]) -> Optional[Dict[str, Any]]:
    try:
        proc = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True, text=True,
                              timeout=IMPORT_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return {"code": RUNNER_CODES["import_error"], "severity": "error", "packages": [dist],
                "message": f"import {module} did not finish within {IMPORT_TIMEOUT_S} s"}
    except OSError as e:
        return {"code": RUNNER_CODES["import_error"], "severity": "error", "packages": [dist],
                "message": f"could not run {sys.executable}: {e}"}
    text = proc.stderr + proc.stdout
    diag = diagnose_text(text, packages, hint=dist)
    if diag:
        return diag
    if proc.returncode != 0:
        return {"code": RUNNER_CODES["import_error"], "severity": "error", "packages": [dist],
                "versions": {dist: packages.get(dist)},
                "message": f"import {module} fails: {_last_error_line(text)}"}
    return None


def import_problems(packages: Dict[str, Optional[str]]) -> List[Dict[str, Any]]:
    todo = [(mod, dist) for mod, dist in IMPORT_CHECKS if packages.get(dist)]
    if not todo:
        return []
    with ThreadPoolExecutor(max_workers=min(4, len(todo))) as pool:
        results = list(pool.map(lambda md: check_import(md[0], md[1], packages), todo))
    problems: List[Dict[str, Any]] = []
    seen = set()
    for r in results:
        if not r:
            continue
        # `import diffusers` and `import sentence_transformers` may report the same root cause: keep one.
        key = (r["code"], tuple(r.get("packages", [])))
        if key in seen:
            continue
        seen.add(key)
        problems.append(r)
    return problems


def run_doctor() -> Dict[str, Any]:
    packages = installed_packages()
    with ThreadPoolExecutor(max_workers=2) as pool:
        hw_future = pool.submit(detect_hardware, packages)
        imports_future = pool.submit(import_problems, packages)
        hardware, hw_problems = hw_future.result()
        problems = imports_future.result()
    static = [p for p in companion_problems(packages)
              if not any(q["code"] == p["code"] and q["packages"] == p["packages"] for q in problems)]
    return {
        "runner": RUNNER_VERSION,
        "python": platform.python_version(),
        "executable": sys.executable,
        "platform": f"{sys.platform}-{platform.machine()}",
        "hardware": hardware,
        "packages": packages,
        "problems": problems + static + hw_problems,
    }


def print_doctor(rep: Reporter, report: Dict[str, Any]) -> None:
    rep.line(f"Python {report['python']} ({report['executable']})")
    rep.line(hardware_line(report["hardware"]))
    if report["hardware"].get("torch_build"):
        rep.line(f"torch build: {report['hardware']['torch_build']}")
    installed = [f"{k} {v}" for k, v in report["packages"].items() if v]
    rep.line("Packages: " + (", ".join(installed) if installed else "none of the ML packages are installed"))
    if not report["problems"]:
        rep.line("No problems found.")
    for p in report["problems"]:
        mark = "✗" if p.get("severity") == "error" else "!"
        rep.line(f"{mark} [{p['code']}] {p['message']}")


def cmd_doctor(args: argparse.Namespace) -> int:
    report = run_doctor()
    if args.json:
        Reporter(True).emit_json(report)
    else:
        print_doctor(Reporter(False), report)
    return EXIT_OK


# ----------------------------------------------------------------------------------------------------------------
# Install

def requirement_names(path: str, seen: Optional[set] = None) -> List[str]:
    """Top-level distribution names in a requirements file (following -r includes)."""
    seen = seen if seen is not None else set()
    real = os.path.realpath(path)
    if real in seen:
        return []
    seen.add(real)
    names: List[str] = []
    try:
        with open(path, encoding="utf-8") as fh:
            lines = fh.read().replace("\\\n", "").splitlines()
    except OSError:
        return names
    for raw in lines:
        ln = re.sub(r"(^|\s)#.*$", "", raw).strip()
        if not ln:
            continue
        inc = re.match(r"^(?:-r|--requirement)[=\s]+(\S+)", ln)
        if inc:
            names += requirement_names(os.path.join(os.path.dirname(path), inc.group(1)), seen)
            continue
        if ln.startswith("-"):
            continue
        m = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)", ln)
        if m and "://" not in ln.split(";")[0].split("@")[0]:
            names.append(normalize_name(m.group(1)))
    return names


def pip_option_args(args: argparse.Namespace) -> List[str]:
    extra: List[str] = []
    if getattr(args, "no_index", False):
        extra.append("--no-index")
    for d in getattr(args, "find_links", None) or []:
        extra += ["--find-links", d]
    if getattr(args, "index_url", None):
        extra += ["--index-url", args.index_url]
    for u in getattr(args, "extra_index_url", None) or []:
        extra += ["--extra-index-url", u]
    extra += getattr(args, "pip_arg", None) or []
    return extra


def stream_process(argv: List[str], rep: Reporter, env: Optional[Dict[str, str]] = None,
                   cwd: Optional[str] = None) -> Tuple[int, str]:
    """Run argv (never through a shell), echo its output as it comes, return (exit code, output)."""
    rep.line("$ " + " ".join(_quote_for_display(a) for a in argv))
    try:
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1,
                                env=env, cwd=cwd, errors="replace")
    except OSError as e:
        return 127, f"ERROR: could not start {argv[0]}: {e}"
    chunks: List[str] = []
    assert proc.stdout is not None
    for ln in proc.stdout:
        chunks.append(ln)
        rep.line("  " + ln.rstrip("\n"))
    return proc.wait(), "".join(chunks)


def _quote_for_display(arg: str) -> str:
    return arg if re.match(r"^[\w@%+=:,./-]+$", arg) else "'" + arg.replace("'", "'\\''") + "'"


def installer_argv(command: List[str]) -> List[str]:
    """A project's own installer, run with this interpreter: `python x.py` / `x.py` / `-m mod` / `pip ...`."""
    if not command:
        raise UsageError("--command needs the installer's arguments, e.g. --command install.py --cpu")
    first = os.path.basename(command[0])
    if re.match(r"^python(\d+(\.\d+)?)?(\.exe)?$", first, re.IGNORECASE):
        return [sys.executable, *command[1:]]
    if re.match(r"^pip\d*(\.\d+)?(\.exe)?$", first, re.IGNORECASE):
        return [sys.executable, "-m", "pip", *command[1:]]
    return [sys.executable, *command]


class UsageError(Exception):
    pass


def run_install(args: argparse.Namespace, rep: Reporter) -> Dict[str, Any]:
    env = dict(os.environ)
    env.setdefault("PIP_DISABLE_PIP_VERSION_CHECK", "1")
    env.setdefault("PYTHONUNBUFFERED", "1")
    names: List[str] = []
    if args.command:
        argv = installer_argv(list(args.command))
    else:
        argv = [sys.executable, "-m", "pip", "install"]
        base = os.path.abspath(args.cwd or os.getcwd())  # pip runs in --cwd, so relative paths are relative to it
        if args.requirements:
            for r in args.requirements:
                r = os.path.join(base, r)
                if not os.path.isfile(r):
                    return {"ok": False, "error": {"code": RUNNER_CODES["pip_bad_file"],
                                                   "message": f"requirements file not found: {r}"}}
                argv += ["-r", r]
                names += requirement_names(r)
        if args.project:
            args.project = os.path.join(base, args.project)
            if not os.path.isdir(args.project):
                return {"ok": False, "error": {"code": RUNNER_CODES["pip_failed"],
                                               "message": f"project directory not found: {args.project}"}}
            argv += ["-e", args.project]
        for spec in args.packages or []:
            argv.append(spec)
            m = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)", spec)
            if m:
                names.append(normalize_name(m.group(1)))
        if len(argv) == 4:
            raise UsageError("install needs --requirements, --project, --packages or --command")
        argv += pip_option_args(args)
    started = time.monotonic()
    code, output = stream_process(argv, rep, env=env, cwd=args.cwd)
    if code != 0:
        diag = diagnose_pip_output(output) if not args.command else (
            diagnose_text(output, installed_packages()) or
            {"code": RUNNER_CODES["installer_failed"], "message": _pip_error_lines(output) or f"exit code {code}"})
        if not args.command and diag["code"] == RUNNER_CODES["pip_failed"]:
            diag["message"] += f" (pip exit code {code})"
        rep.line(f"✗ install failed [{diag['code']}]: {diag['message']}")
        return {"ok": False, "exit_code": code, "error": diag, "seconds": round(time.monotonic() - started, 2)}
    for m in re.finditer(r"Successfully installed (.+)", output):
        for item in m.group(1).split():
            name = item.rsplit("-", 1)[0]
            names.append(normalize_name(name))
    importlib.invalidate_caches()
    satisfied: Dict[str, Optional[str]] = {}
    for n in dict.fromkeys(names):
        satisfied[n] = installed_version(n)
    for n, v in satisfied.items():
        rep.line(f"✓ {n} {v}" if v else f"? {n} (not found after install)")
    return {"ok": True, "packages": satisfied, "seconds": round(time.monotonic() - started, 2)}


def cmd_install(args: argparse.Namespace) -> int:
    rep = Reporter(args.json)
    result = run_install(args, rep)
    if args.json:
        rep.emit_json(result)
    return EXIT_OK if result["ok"] else EXIT_FAIL


# ----------------------------------------------------------------------------------------------------------------
# Models: ids, file selection, download

def resolve_model(value: str) -> str:
    """An alias or a Hub repo id; anything else (paths, URLs, spaces) is rejected."""
    if value in MODEL_ALIASES:
        return MODEL_ALIASES[value]
    if is_valid_repo_id(value):
        return value
    raise UsageError(f"invalid model id {value!r}: expected owner/name (letters, digits, '_', '-', '.') "
                     f"or one of the aliases {', '.join(sorted(MODEL_ALIASES))}")


def is_valid_repo_id(value: str) -> bool:
    return (len(value) <= 96 and bool(REPO_ID_RE.match(value)) and ".." not in value and "--" not in value
            and not value.endswith(".git"))


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


def hf_token() -> Optional[str]:
    """HF_TOKEN from the environment, the only place the runner reads a token from."""
    tok = os.environ.get("HF_TOKEN", "").strip()
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


class Diagnosed(Exception):
    def __init__(self, problem: Dict[str, Any], exit_code: int) -> None:
        super().__init__(problem.get("message", ""))
        self.problem = problem
        self.exit_code = exit_code


def run_download(model: str, local_dir: Optional[str], rep: Reporter) -> Dict[str, Any]:
    repo_id = resolve_model(model)
    hub = lazy_import("huggingface_hub", "huggingface-hub")
    token = hf_token()
    auth: Any = token if token else False  # False: do not fall back to a token file on disk
    started = time.monotonic()
    rep.line(f"Model: {repo_id}" + (f" (alias {model})" if model != repo_id else ""))
    rep.line(f"Hub: {os.environ.get('HF_ENDPOINT', 'https://huggingface.co')}; token: "
             f"{'from HF_TOKEN' if token else 'none'}")
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


def cmd_download(args: argparse.Namespace) -> int:
    rep = Reporter(args.json)
    result = run_download(args.model, args.local_dir, rep)
    if args.json:
        rep.emit_json(result)
    return EXIT_OK


# ----------------------------------------------------------------------------------------------------------------
# Generate

def find_local_model(model: str) -> str:
    """The downloaded snapshot of a model, from the Hub cache, without network.

    try_to_load_from_cache first: recent huggingface_hub versions refuse snapshot_download(local_files_only=True)
    for a snapshot holding only some of the repo's files, which is what `download` leaves on purpose.
    """
    repo_id = resolve_model(model)
    hub = lazy_import("huggingface_hub", "huggingface-hub")
    lookup = getattr(hub, "try_to_load_from_cache", None)
    if lookup is not None:
        for marker in ("model_index.json", "config.json"):
            try:
                found = lookup(repo_id, marker)
            except Exception:
                found = None
            if isinstance(found, str) and os.path.isfile(found):  # may also be a "known missing" sentinel
                return os.path.dirname(found)
    try:
        return hub.snapshot_download(repo_id, local_files_only=True)
    except Exception:
        raise Diagnosed({"code": RUNNER_CODES["model_not_downloaded"],
                         "message": f"{repo_id} is not downloaded yet: run `download --model {model}` first"},
                        EXIT_FAIL) from None


def _model_kind(path: str) -> str:
    if os.path.isfile(os.path.join(path, "model_index.json")):
        return "diffusers"
    if os.path.isfile(os.path.join(path, "config.json")):
        return "transformers"
    raise Diagnosed({"code": RUNNER_CODES["generate_failed"],
                     "message": f"{path} has neither model_index.json (diffusers) nor config.json (transformers)"},
                    EXIT_FAIL)


def _has_fp16_only(path: str) -> bool:
    """True when the snapshot holds fp16 variant weights (what the download picked), so load with variant=fp16."""
    for root, _dirs, names in os.walk(path):
        for n in names:
            if _variant(n) == "fp16":
                return True
    return False


def pick_device(torch: Any) -> Tuple[str, Any, str]:
    """(device, dtype, accelerator label): GPU with float16, else CPU (or MPS) with float32."""
    try:
        if torch.cuda.is_available():
            return "cuda", torch.float16, "rocm" if getattr(torch.version, "hip", None) else "cuda"
    except Exception:
        pass
    try:
        if torch.backends.mps.is_available():
            return "mps", torch.float32, "mps"
    except Exception:
        pass
    return "cpu", torch.float32, "cpu"


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text.replace("/", "--")).strip("-") or "model"


def run_generate(args: argparse.Namespace, rep: Reporter, model_dir: Optional[str] = None,
                 model_id: Optional[str] = None) -> Dict[str, Any]:
    if model_dir is None:
        if args.model_dir:
            model_dir = args.model_dir
            model_id = model_id or os.path.basename(os.path.normpath(model_dir))
        elif args.model:
            model_dir = find_local_model(args.model)
            model_id = resolve_model(args.model)
        else:
            raise UsageError("generate needs --model or --model-dir")
    assert model_dir is not None
    model_id = model_id or model_dir
    kind = _model_kind(model_dir)
    os.makedirs(args.output_dir, exist_ok=True)
    started = time.monotonic()
    torch = lazy_import("torch", "torch")
    device, dtype, accel = pick_device(torch)
    rep.line(f"Generating with {model_id} on {accel} ({device}), seed {args.seed}, {args.steps} steps")
    base = os.path.join(args.output_dir, f"{_slug(model_id)}-seed{args.seed}")
    try:
        if kind == "diffusers":
            diffusers = lazy_import("diffusers", "diffusers")
            kwargs: Dict[str, Any] = {"torch_dtype": dtype}
            if _has_fp16_only(model_dir):
                kwargs["variant"] = "fp16"
            pipe = diffusers.DiffusionPipeline.from_pretrained(model_dir, **kwargs)
            pipe = pipe.to(device)
            generator = torch.Generator(device="cpu").manual_seed(args.seed)
            width, height = args.width, args.height
            out = pipe(prompt=args.prompt, num_inference_steps=args.steps, width=width, height=height,
                       generator=generator)
            output = base + ".png"
            out.images[0].save(output)
            extra: Dict[str, Any] = {"kind": "image", "width": width, "height": height}
        else:
            transformers = lazy_import("transformers", "transformers")
            transformers.set_seed(args.seed)
            device_arg: Any = 0 if device == "cuda" else ("mps" if device == "mps" else -1)
            pipe = transformers.pipeline("text-generation", model=model_dir, device=device_arg)
            result = pipe(args.prompt, max_new_tokens=args.max_new_tokens, do_sample=False)
            text = result[0]["generated_text"] if result and isinstance(result[0], dict) else str(result)
            output = base + ".txt"
            with open(output, "w", encoding="utf-8") as fh:
                fh.write(text)
            extra = {"kind": "text", "max_new_tokens": args.max_new_tokens}
    except Diagnosed:
        raise
    except Exception as e:
        import traceback
        text = "".join(traceback.format_exception(type(e), e, e.__traceback__))
        diag = diagnose_text(text, installed_packages()) or {
            "code": RUNNER_CODES["generate_failed"], "message": f"{type(e).__name__}: {scrub(str(e))}"}
        raise Diagnosed(diag, EXIT_FAIL) from None
    seconds = round(time.monotonic() - started, 2)
    rep.line(f"✓ wrote {output} in {seconds} s")
    return {"ok": True, "output": os.path.abspath(output), "model": model_id, "seconds": seconds,
            "device": device, "accelerator": accel, "seed": args.seed, "steps": args.steps, "prompt": args.prompt,
            **extra}


def cmd_generate(args: argparse.Namespace) -> int:
    rep = Reporter(args.json)
    result = run_generate(args, rep)
    rep.emit_json(result)  # the summary is always the last stdout line
    return EXIT_OK


# ----------------------------------------------------------------------------------------------------------------
# All

def cmd_all(args: argparse.Namespace) -> int:
    rep = Reporter(args.json)
    has_install = bool(args.requirements or args.project or args.packages or args.command)
    total = 4 if has_install else 3
    step = 0
    summary: Dict[str, Any] = {"ok": False, "steps": {}}

    def fail(problem: Dict[str, Any], name: str, code: int) -> int:
        rep.line(f"✗ {name} failed [{problem.get('code')}]: {problem.get('message')}")
        summary["failed_step"] = name
        summary["error"] = problem
        rep.emit_json(summary)
        write_summary(args, summary)
        return code

    resolve_model(args.model)  # reject a bad id before spending minutes on pip

    step += 1
    rep.header(step, total, "Checking the environment (doctor)")
    report = run_doctor()
    print_doctor(rep, report)
    summary["steps"]["doctor"] = {"hardware": report["hardware"], "problems": report["problems"]}

    if has_install:
        step += 1
        rep.header(step, total, "Installing the project's pins")
        result = run_install(args, rep)
        summary["steps"]["install"] = result
        if not result["ok"]:
            return fail(result["error"], "install", EXIT_FAIL)
        rep.line("Checking that the installed packages import…")
        problems = import_problems(installed_packages())
        blocking = [p for p in problems if p.get("severity", "error") == "error"]
        summary["steps"]["install"]["problems"] = problems
        if blocking:
            for p in blocking[1:]:
                rep.line(f"✗ [{p['code']}] {p['message']}")
            return fail(blocking[0], "install", EXIT_FAIL)
        rep.line("✓ imports work")
    elif report["problems"]:
        blocking = [p for p in report["problems"] if p.get("severity") == "error"
                    and p["code"] != rule_code("accelerator")]
        if blocking:
            return fail(blocking[0], "doctor", EXIT_FAIL)

    step += 1
    rep.header(step, total, "Downloading the model")
    try:
        dl = run_download(args.model, args.local_dir, rep)
    except Diagnosed as d:
        return fail(d.problem, "download", d.exit_code)
    summary["steps"]["download"] = dl

    step += 1
    rep.header(step, total, "Test generation")
    try:
        gen = run_generate(args, rep, model_dir=dl["path"], model_id=dl["model"])
    except Diagnosed as d:
        return fail(d.problem, "generate", d.exit_code)
    summary.update(gen)
    summary["ok"] = True
    rep.emit_json(summary)
    write_summary(args, summary)
    return EXIT_OK


def write_summary(args: argparse.Namespace, summary: Dict[str, Any]) -> None:
    """The editor reads the outcome from this file: a task's terminal output is not visible to it."""
    path = getattr(args, "summary_file", None)
    if not path:
        return
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(scrub(json.dumps(summary, ensure_ascii=False)))


# ----------------------------------------------------------------------------------------------------------------
# CLI

def _add_install_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("install")
    g.add_argument("--requirements", "-r", nargs="+", metavar="FILE", help="pip install -r FILE (repeatable)")
    g.add_argument("--project", metavar="DIR", help="pip install -e DIR")
    g.add_argument("--packages", nargs="+", metavar="SPEC", help="pip install SPEC...")
    g.add_argument("--no-index", action="store_true", help="passed to pip")
    g.add_argument("--find-links", action="append", metavar="DIR", help="passed to pip (repeatable)")
    g.add_argument("--index-url", metavar="URL", help="passed to pip")
    g.add_argument("--extra-index-url", action="append", metavar="URL", help="passed to pip (repeatable)")
    g.add_argument("--pip-arg", action="append", metavar="ARG", help="any other pip argument, e.g. --pip-arg=--pre")
    g.add_argument("--cwd", metavar="DIR", help="working directory of the installer")
    g.add_argument("--command", "--install-command", nargs=argparse.REMAINDER, metavar="ARGV",
                   help="the project's own installer, run with this interpreter (must be the last option)")


def _add_download_options(p: argparse.ArgumentParser, required: bool) -> None:
    p.add_argument("--model", required=required, metavar="ID", help="Hub repo id (owner/name) or alias")
    p.add_argument("--local-dir", metavar="DIR", help="download into DIR instead of the Hugging Face cache")


def _add_generate_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--prompt", default="A beautiful sunset")
    p.add_argument("--steps", type=int, default=4)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--width", type=_multiple_of_8, default=256)
    p.add_argument("--height", type=_multiple_of_8, default=256)
    p.add_argument("--max-new-tokens", type=int, default=32, help="text models")
    p.add_argument("--output-dir", default=os.path.join(os.getcwd(), ".ml-pins"))


def _multiple_of_8(value: str) -> int:
    n = int(value)
    if n < 64 or n % 8:
        raise argparse.ArgumentTypeError("must be a multiple of 8, at least 64")
    return n


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ml_pins_runner", description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", action="version", version=RUNNER_VERSION)
    sub = parser.add_subparsers(dest="cmd", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", help="machine-readable output on stdout")

    sub.add_parser("doctor", parents=[common], help="Python, hardware, ML packages, known import breakages")
    p = sub.add_parser("install", parents=[common], help="install the project's pins with this interpreter")
    _add_install_options(p)
    p = sub.add_parser("download", parents=[common], help="download the files a pipeline needs")
    _add_download_options(p, required=True)
    p = sub.add_parser("generate", parents=[common], help="run a small test generation")
    p.add_argument("--model", metavar="ID")
    p.add_argument("--model-dir", metavar="DIR")
    _add_generate_options(p)
    p = sub.add_parser("all", parents=[common], help="doctor, install, download, generate")
    p.add_argument("--summary-file", metavar="PATH", help="also write the final JSON summary to PATH")
    _add_download_options(p, required=True)
    _add_generate_options(p)
    _add_install_options(p)
    return parser


COMMANDS: Dict[str, Callable[[argparse.Namespace], int]] = {
    "doctor": cmd_doctor, "install": cmd_install, "download": cmd_download, "generate": cmd_generate, "all": cmd_all,
}


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    json_mode = bool(getattr(args, "json", False))
    try:
        return COMMANDS[args.cmd](args)
    except UsageError as e:
        problem = {"code": RUNNER_CODES["invalid_model_id"] if "model id" in str(e) else "usage", "message": str(e)}
        _report_failure(problem, json_mode)
        return EXIT_USAGE
    except Diagnosed as d:
        _report_failure(d.problem, json_mode)
        return d.exit_code
    except KeyboardInterrupt:
        return 130


def _report_failure(problem: Dict[str, Any], json_mode: bool) -> None:
    print(scrub(f"✗ [{problem.get('code')}] {problem.get('message')}"), file=sys.stderr, flush=True)
    if json_mode:
        print(scrub(json.dumps({"ok": False, "error": problem}, ensure_ascii=False)), flush=True)


if __name__ == "__main__":
    sys.exit(main())
