"""Loaded by every Python process of a runner test through PYTHONPATH (children inherit it).

Records each Python process it sees in ML_PINS_ARGV_SEEN, and in ML_PINS_ARGV_HITS every command line that carries
HF_TOKEN: this process's own argv and, through an audit hook, the argv of every process it starts (subprocess,
os.exec*, os.posix_spawn, os.system). The token may travel in the environment, never in an argv.
"""
import os
import sys

_TOKEN = os.environ.get("HF_TOKEN") or ""
_HITS = os.environ.get("ML_PINS_ARGV_HITS")
_SEEN = os.environ.get("ML_PINS_ARGV_SEEN")


def _append(path, line):
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(line + "\n")


def _check(kind, argv):
    if isinstance(argv, (str, bytes, os.PathLike)):
        argv = [argv]
    words = [os.fsdecode(a) if isinstance(a, (bytes, os.PathLike)) else str(a) for a in (argv or [])]
    if _TOKEN and any(_TOKEN in w for w in words):
        _append(_HITS, "%s %d: %s" % (kind, os.getpid(), " ".join(words)))


def _hook(event, args):
    if event == "subprocess.Popen":
        _check(event, args[1])
    elif event in ("os.exec", "os.posix_spawn", "os.spawn"):
        _check(event, args[1])
    elif event == "os.system":
        _check(event, args[0])


_append(_SEEN, str(os.getpid()))
_check("argv", getattr(sys, "orig_argv", sys.argv))
sys.addaudithook(_hook)
