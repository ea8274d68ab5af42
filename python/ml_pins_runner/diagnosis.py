"""Known breakages recognised in error texts (import failures, pip output), with their rule codes."""
from __future__ import annotations

import platform
import re
from typing import Any, Dict, List, Optional, Tuple

from .codes import RUNNER_CODES, rule_code
from .common import installed_packages, normalize_name, release_tuple

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
        name = re.split(r"[<>=!~ ;\[]", spec)[0]
        return {"code": RUNNER_CODES["pip_no_match"], "package": name, "packages": [normalize_name(name)],
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
        return {"code": RUNNER_CODES["pip_conflict"], "packages": _conflict_packages(block),
                "message": f"pip cannot satisfy the pins together: {detail}"}
    if "Could not open requirements file" in text:
        return {"code": RUNNER_CODES["pip_bad_file"], "message": _pip_error_lines(text)}
    diag = diagnose_text(text, installed_packages())
    if diag:
        return diag
    return {"code": RUNNER_CODES["pip_failed"], "message": _pip_error_lines(text) or "pip failed"}


def _conflict_packages(block: List[str]) -> List[str]:
    """The packages pip names in "The conflict is caused by:" (what the user requested and what depends on it), so the
    editor can show the pin: "The user requested transformers==4.30.0", "x 1.0 depends on transformers>=4.35.0"."""
    names: List[str] = []
    for ln in block:
        m = re.match(r"^The user requested ([A-Za-z0-9][A-Za-z0-9._-]*)", ln)
        if m:
            names.append(m.group(1))
            continue
        m = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*) \S+ depends on ([A-Za-z0-9][A-Za-z0-9._-]*)", ln)
        if m:
            names += [m.group(1), m.group(2)]
    return list(dict.fromkeys(normalize_name(n) for n in names))


def _pip_error_lines(text: str) -> str:
    errs = [ln.strip() for ln in text.splitlines() if ln.strip().startswith("ERROR:")]
    return " ".join(errs[-3:]) if errs else _last_error_line(text)

