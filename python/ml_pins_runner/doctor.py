"""The doctor step: Python, hardware, ML packages, and the known import breakages (each import in a subprocess)."""
from __future__ import annotations

import platform
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, List, Optional, Tuple

from .codes import RUNNER_CODES, RUNNER_VERSION
from .common import Reporter, env_without_token, installed_packages
from .diagnosis import _last_error_line, companion_problems, diagnose_text
from .hardware import IMPORT_TIMEOUT_S, detect_hardware, hardware_line

# Module tried in a subprocess (in parallel) -> the distribution that provides it.
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


# ----------------------------------------------------------------------------------------------------------------
# Import checks

def check_import(module: str, dist: str, packages: Dict[str, Optional[str]]) -> Optional[Dict[str, Any]]:
    try:
        proc = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True, text=True,
                              timeout=IMPORT_TIMEOUT_S, env=env_without_token())
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

