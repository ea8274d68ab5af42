import json
import urllib.parse

from . import constants
from ._http import request


class RepoSibling:
    def __init__(self, rfilename, size=None):
        self.rfilename = rfilename
        self.size = size


class ModelInfo:
    def __init__(self, data):
        self.id = data.get("id")
        self.sha = data.get("sha")
        self.gated = data.get("gated", False)
        self.private = data.get("private", False)
        self.card_data = data.get("cardData")
        self.tags = data.get("tags", [])
        self.pipeline_tag = data.get("pipeline_tag")
        self.library_name = data.get("library_name")
        self.siblings = [RepoSibling(s["rfilename"], s.get("size")) for s in data.get("siblings", [])]


class HfApi:
    def __init__(self, endpoint=None, token=None):
        self.endpoint = (endpoint or constants.ENDPOINT).rstrip("/")
        self.token = token

    def model_info(self, repo_id, revision=None, token=None, timeout=None, files_metadata=False):
        url = "%s/api/models/%s" % (self.endpoint, repo_id)
        if revision:
            url += "/revision/" + urllib.parse.quote(revision, safe="")
        if files_metadata:
            url += "?blobs=true"
        resp = request(url, token if token is not None else self.token)
        return ModelInfo(json.loads(resp.content.decode("utf-8")))

    def list_repo_files(self, repo_id, revision=None, repo_type=None, token=None):
        return [s.rfilename for s in self.model_info(repo_id, revision=revision, token=token).siblings]


def model_info(repo_id, **kwargs):
    return HfApi().model_info(repo_id, **kwargs)


def list_repo_files(repo_id, **kwargs):
    return HfApi().list_repo_files(repo_id, **kwargs)
