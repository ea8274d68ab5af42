"""The `all` command walks STEPS, a list: adding a step means writing its function and adding one line here.

Each step reads what earlier steps left in the context, records its own part of the summary under
summary["steps"][name], and returns None (go on) or a Failure (stop). The summary is what the editor reads (the
--summary-file); its shape is python/ml_pins_runner/summary.schema.json, which src/extension/testGeneration/protocol.ts
uses too. In a terminal the run ends with one readable line; the JSON goes to the file (and to stdout with --json).
"""
from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional

from .codes import EXIT_FAIL, EXIT_OK, RUNNER_VERSION, Diagnosed, rule_code
from .common import Reporter, installed_packages, write_file_atomic, scrub
from .doctor import import_problems, print_doctor, run_doctor
from .generate import run_generate
from .install import has_install_args, run_install
from .models import resolve_model, run_download
from .schema import load_summary_schema, validate

PROTOCOL = 1


@dataclass
class Failure:
    problem: Dict[str, Any]
    exit_code: int = EXIT_FAIL
    printed: bool = False  # the step already printed its ✗ line


@dataclass
class Context:
    args: argparse.Namespace
    rep: Reporter
    summary: Dict[str, Any]
    names: List[str] = field(default_factory=list)  # the steps of this run, in order
    state: Dict[str, Any] = field(default_factory=dict)


def step_doctor(ctx: Context) -> Optional[Failure]:
    report = run_doctor()
    print_doctor(ctx.rep, report)
    ctx.summary["steps"]["doctor"] = {"hardware": report["hardware"], "problems": report["problems"]}
    if "install" in ctx.names:
        return None  # the install step replaces what is installed now: judge after it
    blocking = [p for p in report["problems"] if p.get("severity") == "error" and p["code"] != rule_code("accelerator")]
    return Failure(blocking[0]) if blocking else None


def step_install(ctx: Context) -> Optional[Failure]:
    result = run_install(ctx.args, ctx.rep)
    ctx.summary["steps"]["install"] = result
    if not result["ok"]:
        return Failure(result["error"], printed=True)
    ctx.rep.line("Checking that the installed packages import…")
    problems = import_problems(installed_packages())
    result["problems"] = problems
    blocking = [p for p in problems if p.get("severity", "error") == "error"]
    if blocking:
        for p in blocking[1:]:
            ctx.rep.line(f"✗ [{p['code']}] {p['message']}")
        return Failure(blocking[0])
    ctx.rep.line("✓ imports work")
    return None


def step_download(ctx: Context) -> Optional[Failure]:
    try:
        dl = run_download(ctx.args.model, ctx.args.local_dir, ctx.rep)
    except Diagnosed as d:
        return Failure(d.problem, d.exit_code)
    ctx.summary["steps"]["download"] = dl
    ctx.state["download"] = dl
    return None


def step_generate(ctx: Context) -> Optional[Failure]:
    dl = ctx.state["download"]
    try:
        gen = run_generate(ctx.args, ctx.rep, model_dir=dl["path"], model_id=dl["model"])
    except Diagnosed as d:
        return Failure(d.problem, d.exit_code)
    ctx.summary["steps"]["generate"] = gen
    for key in ("output", "model", "seconds", "kind", "device", "accelerator"):
        ctx.summary[key] = gen[key]
    return None


@dataclass(frozen=True)
class Step:
    name: str
    title: str
    run: Callable[[Context], Optional[Failure]]
    applies: Callable[[argparse.Namespace], bool] = lambda args: True


STEPS: List[Step] = [
    Step("doctor", "Checking the environment (doctor)", step_doctor),
    Step("install", "Installing the project's pins", step_install, has_install_args),
    Step("download", "Downloading the model", step_download),
    Step("generate", "Test generation", step_generate),
]


def cmd_all(args: argparse.Namespace) -> int:
    rep = Reporter(args.json)
    summary: Dict[str, Any] = {"protocol": PROTOCOL, "runner": RUNNER_VERSION, "ok": False, "steps": {}}
    resolve_model(args.model)  # reject a bad id before spending minutes on pip
    steps = [s for s in STEPS if s.applies(args)]
    ctx = Context(args, rep, summary, names=[s.name for s in steps])
    for index, step in enumerate(steps, 1):
        rep.header(index, len(steps), step.title)
        failure = step.run(ctx)
        if failure:
            if not failure.printed:
                rep.line(f"✗ {step.name} failed [{failure.problem.get('code')}]: {failure.problem.get('message')}")
            summary["failed_step"] = step.name
            summary["error"] = failure.problem
            return finish(args, rep, summary, failure.exit_code)
    summary["ok"] = True
    rep.line("")
    rep.line(f"✓ Test generation worked: {summary['output']} ({summary['seconds']} s)")
    return finish(args, rep, summary, EXIT_OK)


def finish(args: argparse.Namespace, rep: Reporter, summary: Dict[str, Any], exit_code: int) -> int:
    """Check the summary against the schema, write it, and put it on stdout only in --json mode."""
    errors = validate(summary, load_summary_schema())
    if errors:  # a bug of the runner: say so in the protocol's own terms rather than write a file the editor rejects
        summary = {"protocol": PROTOCOL, "runner": RUNNER_VERSION, "ok": False, "steps": {},
                   "failed_step": summary.get("failed_step") or "summary",
                   "error": {"code": "runner-protocol", "message": "the runner's summary does not match its schema: "
                             + "; ".join(errors[:3])}}
        rep.line(f"✗ [runner-protocol] {summary['error']['message']}")
        exit_code = exit_code or EXIT_FAIL
    path = getattr(args, "summary_file", None)
    if path:
        try:
            write_file_atomic(path, scrub(json_dumps(summary)).encode("utf-8"))
        except OSError as e:
            rep.line(f"✗ could not write the summary {path}: {e.strerror or e}")
            exit_code = exit_code or EXIT_FAIL
    if args.json:
        rep.emit_json(summary)
    return exit_code


def json_dumps(obj: Any) -> str:
    import json
    return json.dumps(obj, ensure_ascii=False)
