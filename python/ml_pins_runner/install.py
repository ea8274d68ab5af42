"""The install step: pip with the project's pins, or the project's own installer, with this interpreter."""
from __future__ import annotations

import argparse
import importlib
import os
import re
import subprocess
import sys
import time
from typing import Any, Dict, List, Optional, Tuple

from .codes import RUNNER_CODES, UsageError
from .common import Reporter, env_without_token, installed_packages, installed_version, normalize_name
from .diagnosis import _pip_error_lines, diagnose_pip_output, diagnose_text

def has_install_args(args: argparse.Namespace) -> bool:
    return bool(args.requirements or args.project or args.packages or args.command)


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



def run_install(args: argparse.Namespace, rep: Reporter) -> Dict[str, Any]:
    env = env_without_token()  # pip, the sdist builds it runs and the project's installer never see the Hub token
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

