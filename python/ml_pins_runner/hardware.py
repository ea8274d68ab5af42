"""The machine's accelerator and memory, and whether the installed torch build fits it."""
from __future__ import annotations

import json
import os
import platform
import re
import shutil
import subprocess
import sys
from typing import Any, Dict, List, Optional, Sequence, Tuple

from .codes import rule_code
from .common import installed_version, local_label
from .diagnosis import _last_error_line

IMPORT_TIMEOUT_S = 180
SMI_TIMEOUT_S = 15

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
    if hw["accelerator"] == "cpu":
        return f"Detected hardware: no GPU found; running on CPU (memory {mem})"
    return f"Detected hardware: GPU={hw['accelerator']}, Memory={mem}, Count={hw['count']}"

