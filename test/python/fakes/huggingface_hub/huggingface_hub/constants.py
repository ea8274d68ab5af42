import os

ENDPOINT = os.environ.get("HF_ENDPOINT", "https://huggingface.co").rstrip("/")
HF_HOME = os.path.expanduser(os.environ.get("HF_HOME", os.path.join("~", ".cache", "huggingface")))
HF_HUB_CACHE = os.environ.get("HF_HUB_CACHE", os.path.join(HF_HOME, "hub"))
DEFAULT_REVISION = "main"
