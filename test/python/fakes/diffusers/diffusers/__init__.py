"""Fake diffusers @VERSION@ for the ML Pins runner tests."""
__version__ = "@VERSION@"

# The real package loads utils/dynamic_modules_utils.py eagerly; in <=0.28.2 that module imports cached_download.
from .utils import dynamic_modules_utils  # noqa: F401
from .pipelines import DiffusionPipeline, ImagePipelineOutput  # noqa: F401
