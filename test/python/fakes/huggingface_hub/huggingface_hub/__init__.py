"""Fake huggingface_hub @VERSION@ for the ML Pins runner tests: talks to HF_ENDPOINT over HTTP with urllib."""
__version__ = "@VERSION@"

from . import constants
from .errors import (
    EntryNotFoundError,
    GatedRepoError,
    HfHubHTTPError,
    LocalEntryNotFoundError,
    RepositoryNotFoundError,
)
from .file_download import hf_hub_download, try_to_load_from_cache
from .hf_api import HfApi, ModelInfo, RepoSibling, list_repo_files, model_info
from ._snapshot_download import snapshot_download
from .utils import HfFolder

if @HAS_CACHED_DOWNLOAD@:  # removed from the real package in 0.26.0
    from .file_download import cached_download
