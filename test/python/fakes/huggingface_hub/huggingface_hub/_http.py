import os
import urllib.error
import urllib.request

from .errors import EntryNotFoundError, GatedRepoError, HfHubHTTPError, RepositoryNotFoundError, RevisionNotFoundError


class Response:
    def __init__(self, status_code, headers, body=b""):
        self.status_code = status_code
        self.headers = headers
        self.content = body


def resolve_token(token):
    """token=None -> HF_TOKEN from the environment (as the real library does); False -> none; str -> it."""
    if token is False:
        return None
    if token is None or token is True:
        return os.environ.get("HF_TOKEN") or None
    return token


def request(url, token=None):
    headers = {"user-agent": "fake-huggingface_hub"}
    tok = resolve_token(token)
    if tok:
        headers["authorization"] = "Bearer " + tok
    req = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return Response(resp.status, dict(resp.headers), resp.read())
    except urllib.error.HTTPError as e:
        response = Response(e.code, dict(e.headers or {}), e.read() if e.fp else b"")
        code = e.headers.get("X-Error-Code") if e.headers else None
        detail = e.headers.get("X-Error-Message", "") if e.headers else ""
        message = "%s Client Error for url: %s\n\n%s" % (e.code, url, detail)
        if code == "GatedRepo":
            raise GatedRepoError(message, response) from None
        if code == "RepoNotFound":
            # The real client adds this hint, which mentions gated repos: the runner must not be fooled by it.
            message += ("\nRepository Not Found for url: %s.\nPlease make sure you specified the correct `repo_id` and "
                        "`repo_type`.\nIf you are trying to access a private or gated repo, make sure you are "
                        "authenticated." % url)
            raise RepositoryNotFoundError(message, response) from None
        if code == "RevisionNotFound":
            raise RevisionNotFoundError(message, response) from None
        if code == "EntryNotFound":
            raise EntryNotFoundError(message, response) from None
        raise HfHubHTTPError(message, response) from None
