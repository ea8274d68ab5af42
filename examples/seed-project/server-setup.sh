#!/usr/bin/env bash
# Prepares a fresh ROCm server: PyTorch first (from the ROCm index), then the app and its models.
set -euo pipefail

python3 -m venv .venv
source .venv/bin/activate
pip install --upgrade pip

pip install torch==2.2.0+rocm5.7 torchvision==0.17.0+rocm5.7 --index-url https://download.pytorch.org/whl/rocm5.7
pip install -r requirements.txt

python setup_ai_models.py --models sdxl-1.0
