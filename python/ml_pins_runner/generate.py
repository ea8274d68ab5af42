"""The generate step: a small, seeded test generation with the downloaded model."""
from __future__ import annotations

import argparse
import os
import re
import time
from typing import Any, Dict, Optional, Tuple

from .codes import EXIT_FAIL, RUNNER_CODES, Diagnosed, UsageError
from .common import Reporter, installed_packages, os_error_line, scrub, write_file_atomic
from .diagnosis import diagnose_text
from .models import _variant, lazy_import, resolve_model, run_download, snapshot_problems

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


def _save_atomic(output: str, save: Any) -> None:
    """save(tmp) into a temporary name beside `output` (same extension: image writers pick the format from it), then
    rename: a full output folder leaves no 0-byte image, and the failure is one line, not a traceback."""
    root, ext = os.path.splitext(output)
    tmp = f"{root}.{os.getpid()}.partial{ext}"
    try:
        save(tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, output)
    except OSError as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise Diagnosed({"code": RUNNER_CODES["output_failed"],
                         "message": f"could not write {output}: {os_error_line(e)}"}, EXIT_FAIL) from None


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
            problems = snapshot_problems(model_dir)
            if problems:  # an interrupted download: fetch what is missing instead of failing inside the library
                rep.line(f"! the downloaded copy of {model_id} is incomplete ({'; '.join(problems[:3])}); "
                         f"downloading it again")
                model_dir = run_download(args.model, None, rep)["path"]
        else:
            raise UsageError("generate needs --model or --model-dir")
    assert model_dir is not None
    model_id = model_id or model_dir
    kind = _model_kind(model_dir)
    try:
        os.makedirs(args.output_dir, exist_ok=True)
    except OSError as e:
        raise Diagnosed({"code": RUNNER_CODES["output_failed"],
                         "message": f"could not create {args.output_dir}: {os_error_line(e)}"}, EXIT_FAIL) from None
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
            _save_atomic(output, out.images[0].save)
            extra: Dict[str, Any] = {"kind": "image", "width": width, "height": height}
        else:
            transformers = lazy_import("transformers", "transformers")
            transformers.set_seed(args.seed)
            device_arg: Any = 0 if device == "cuda" else ("mps" if device == "mps" else -1)
            pipe = transformers.pipeline("text-generation", model=model_dir, device=device_arg)
            result = pipe(args.prompt, max_new_tokens=args.max_new_tokens, do_sample=False)
            text = result[0]["generated_text"] if result and isinstance(result[0], dict) else str(result)
            output = base + ".txt"
            _save_atomic(output, lambda tmp: write_file_atomic(tmp, text.encode("utf-8")))
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

