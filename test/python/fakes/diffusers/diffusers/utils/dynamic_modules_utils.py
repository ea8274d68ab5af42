from huggingface_hub import @HUB_IMPORTS@  # noqa: F401
