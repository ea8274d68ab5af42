"""Rule codes (shared with rules/*.json), runner codes, exit codes and the runner's two exceptions."""
from __future__ import annotations

from typing import Any, Dict, Optional

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
    "download_incomplete": "download-incomplete",
    "generate_failed": "generate-failed",
    "output_failed": "output-write-failed",
    "missing_package": "missing-package",
}

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_AUTH, EXIT_NOT_FOUND = 0, 1, 2, 3, 4



class UsageError(Exception):
    pass



class Diagnosed(Exception):
    def __init__(self, problem: Dict[str, Any], exit_code: int) -> None:
        super().__init__(problem.get("message", ""))
        self.problem = problem
        self.exit_code = exit_code

