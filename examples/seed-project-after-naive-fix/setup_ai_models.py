"""Installs the Python packages the image server needs, then downloads its models.

Usage: python setup_ai_models.py --models sdxl-1.0 [--cache-dir DIR]
"""
import argparse
import subprocess
import sys

# Kept in step with pyproject.toml by hand (it has drifted before).
REQUIRED_PACKAGES = [
    "torchvision>=0.17.0",
    "transformers==4.30.0",
    "diffusers>=0.25.0",
    "huggingface_hub>=0.20.0",
    "accelerate>=0.21.0",
    "pillow>=10.0.0",
    "requests>=2.31.0",
    "httpx>=0.24.0",
    "psutil>=5.9.0",
    "numpy>=1.24.0,<2.0",
]

MODELS = {
    "sdxl-1.0": "stabilityai/stable-diffusion-xl-base-1.0",
}


def install_packages():
    subprocess.check_call([sys.executable, "-m", "pip", "install", *REQUIRED_PACKAGES])


def install_model(name, cache_dir=None):
    # Imported here: the packages above must be installed first.
    from diffusers import DiffusionPipeline

    repo_id = MODELS[name]
    print(f"Downloading {repo_id} ...")
    DiffusionPipeline.from_pretrained(repo_id, cache_dir=cache_dir, use_safetensors=True, variant="fp16")
    print(f"Installed {name}")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--models", nargs="+", choices=sorted(MODELS), required=True)
    parser.add_argument("--cache-dir")
    args = parser.parse_args()
    install_packages()
    for name in args.models:
        install_model(name, args.cache_dir)


if __name__ == "__main__":
    main()
