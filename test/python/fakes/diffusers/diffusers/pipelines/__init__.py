"""A tiny DiffusionPipeline: from_pretrained checks the folder the way diffusers does; __call__ paints a PNG."""
import json
import os
import random
import struct
import sys
import zlib

_CONFIG_ONLY = ("Tokenizer", "TokenizerFast", "Scheduler", "ImageProcessor", "FeatureExtractor")


def _weights(folder, variant):
    names = sorted(os.listdir(folder))
    if variant:
        picked = [n for n in names if n.endswith(".%s.safetensors" % variant) or ".%s-" % variant in n]
        if picked:
            return picked
    plain = [n for n in names if n.endswith(".safetensors") and n.count(".") == 1]
    if plain:
        return plain
    return [n for n in names if n.endswith(".bin")]


class ImagePipelineOutput:
    def __init__(self, images):
        self.images = images


class _Image:
    """Just enough of PIL.Image for `.save(path)` and `.size`."""

    def __init__(self, width, height, rows):
        self.size = (width, height)
        self._rows = rows

    def save(self, path):
        def chunk(kind, data):
            return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

        width, height = self.size
        raw = b"".join(b"\x00" + row for row in self._rows)
        png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
               + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))
        with open(path, "wb") as fh:
            fh.write(png)


class DiffusionPipeline:
    def __init__(self, path, index, components, dtype):
        self.path = path
        self.config = index
        self.components = components
        self.dtype = dtype
        self.device = "cpu"

    @classmethod
    def from_pretrained(cls, pretrained_model_name_or_path, torch_dtype=None, variant=None, **kwargs):
        path = str(pretrained_model_name_or_path)
        index_path = os.path.join(path, "model_index.json")
        if not os.path.isfile(index_path):
            raise OSError("Error no file named model_index.json found in directory %s." % path)
        with open(index_path, encoding="utf-8") as fh:
            index = json.load(fh)
        components = {}
        for name, value in index.items():
            if name.startswith("_") or not isinstance(value, list) or value[0] is None:
                continue
            folder = os.path.join(path, name)
            if not os.path.isdir(folder):
                raise OSError("Error no folder %s found in %s." % (name, path))
            if value[1].endswith(_CONFIG_ONLY):
                if not any(n.endswith((".json", ".txt")) for n in os.listdir(folder)):
                    raise OSError("Error no config file found in directory %s." % folder)
                components[name] = []
                continue
            weights = _weights(folder, variant)
            if not weights:
                raise OSError("Error no file named diffusion_pytorch_model%s.safetensors found in directory %s."
                              % ("." + variant if variant else "", folder))
            components[name] = weights
        return cls(path, index, components, torch_dtype)

    def to(self, device):
        self.device = str(device)
        return self

    def set_progress_bar_config(self, **kwargs):
        pass

    def __call__(self, prompt="", num_inference_steps=50, height=512, width=512, generator=None, **kwargs):
        seed = generator.initial_seed() if generator is not None else random.randrange(1 << 31)
        rng = random.Random("%s|%s|%s" % (seed, prompt, num_inference_steps))
        for step in range(1, num_inference_steps + 1):
            print("%3d%%|%d/%d" % (step * 100 // num_inference_steps, step, num_inference_steps), file=sys.stderr)
        base = [rng.randrange(256) for _ in range(3)]
        rows = []
        for y in range(height):
            rows.append(bytes((base[c] + x * (c + 1) + y * (3 - c)) & 0xFF for x in range(width) for c in range(3)))
        return ImagePipelineOutput([_Image(width, height, rows)])
