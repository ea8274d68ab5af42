"""Fake transformers @VERSION@ for the ML Pins runner tests: set_seed and a text-generation pipeline."""
import json
import os
import random

__version__ = "@VERSION@"
_seed = [0]


def set_seed(seed):
    _seed[0] = int(seed)


class _TextGeneration:
    def __init__(self, path):
        with open(os.path.join(path, "config.json"), encoding="utf-8") as fh:
            self.config = json.load(fh)
        if not any(n.endswith((".safetensors", ".bin")) for n in os.listdir(path)):
            raise OSError("Error no file named model.safetensors found in directory %s." % path)

    def __call__(self, prompt, max_new_tokens=20, do_sample=False, **kwargs):
        rng = random.Random("%s|%s" % (_seed[0], prompt))
        words = ["sun", "sea", "light", "gold", "sky", "red", "calm", "wave"]
        return [{"generated_text": prompt + " " + " ".join(rng.choice(words) for _ in range(max_new_tokens))}]


def pipeline(task, model=None, device=None, **kwargs):
    if task != "text-generation":
        raise ValueError("unsupported task " + task)
    return _TextGeneration(model)
