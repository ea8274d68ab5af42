"""Fake torch @VERSION@ for the ML Pins runner tests: only what the runner touches."""
__version__ = "@VERSION@"

from . import backends, cuda, version  # noqa: F401

float32 = "torch.float32"
float16 = "torch.float16"


class Generator:
    def __init__(self, device="cpu"):
        self.device = device
        self._seed = 67280421310721

    def manual_seed(self, seed):
        self._seed = int(seed)
        return self

    def initial_seed(self):
        return self._seed


def manual_seed(seed):
    return Generator().manual_seed(seed)
