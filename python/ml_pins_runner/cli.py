"""Command line: the subcommands and their options."""
from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any, Callable, Dict, Optional, Sequence

from .codes import EXIT_FAIL, EXIT_OK, EXIT_USAGE, RUNNER_CODES, RUNNER_VERSION, Diagnosed, UsageError
from .common import Reporter, scrub
from .doctor import print_doctor, run_doctor
from .generate import run_generate
from .install import run_install
from .models import run_download
from .steps import cmd_all

USAGE = """ML Pins runner: checks a Python environment, installs a project's pins, downloads a model and runs a test
generation.

  ml_pins_runner doctor [--json]
  ml_pins_runner install (--requirements FILE... | --project DIR | --packages SPEC... | --command ARGV...)
                         [--no-index] [--find-links DIR] [--pip-arg=ARG] [--json]
  ml_pins_runner download --model ID|ALIAS [--local-dir DIR] [--json]
  ml_pins_runner generate (--model ID|ALIAS | --model-dir DIR) [--prompt TEXT] [--steps N] [--seed N]
                         [--width PX --height PX] [--output-dir DIR] [--json]
  ml_pins_runner all [install options] --model ID|ALIAS [generate options] [--summary-file PATH] [--json]

Exit codes: 0 ok, 1 failure (diagnosed), 2 usage / invalid model id, 3 gated or unauthorized model, 4 model not
found. The Hugging Face token is read from the HF_TOKEN environment variable only and never printed.
"""


def cmd_doctor(args: argparse.Namespace) -> int:
    report = run_doctor()
    if args.json:
        Reporter(True).emit_json(report)
    else:
        print_doctor(Reporter(False), report)
    return EXIT_OK


def cmd_install(args: argparse.Namespace) -> int:
    rep = Reporter(args.json)
    result = run_install(args, rep)
    if args.json:
        rep.emit_json(result)
    return EXIT_OK if result["ok"] else EXIT_FAIL


def cmd_download(args: argparse.Namespace) -> int:
    rep = Reporter(args.json)
    result = run_download(args.model, args.local_dir, rep)
    if args.json:
        rep.emit_json(result)
    return EXIT_OK


def cmd_generate(args: argparse.Namespace) -> int:
    rep = Reporter(args.json)
    result = run_generate(args, rep)
    rep.emit_json(result)  # the result is always the last stdout line
    return EXIT_OK


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
    parser = argparse.ArgumentParser(prog="ml_pins_runner", description=USAGE.split("\n\n")[0])
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
