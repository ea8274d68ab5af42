class HfHubHTTPError(Exception):
    def __init__(self, message, response=None):
        super().__init__(message)
        self.response = response


class RepositoryNotFoundError(HfHubHTTPError):
    pass


class GatedRepoError(RepositoryNotFoundError):
    pass


class RevisionNotFoundError(HfHubHTTPError):
    pass


class EntryNotFoundError(HfHubHTTPError):
    pass


class LocalEntryNotFoundError(EntryNotFoundError, FileNotFoundError):
    def __init__(self, message):
        super().__init__(message, None)


class IncompleteSnapshotError(LocalEntryNotFoundError):
    pass
