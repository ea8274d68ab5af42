import os

from ..errors import (  # noqa: F401  (the real package re-exports its errors here too)
    EntryNotFoundError,
    GatedRepoError,
    HfHubHTTPError,
    LocalEntryNotFoundError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)


class HfFolder:
    """Still present in 0.2x; removed in 1.0."""

    @staticmethod
    def get_token():
        return os.environ.get("HF_TOKEN")
