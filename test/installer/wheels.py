#!/usr/bin/env python3
"""Small, valid wheels for the installer tests (written with zipfile by ../python/build_wheels.py's write_wheel).

Usage:
  wheels.py OUT_DIR SPEC_JSON          SPEC_JSON: [[dist, version, [Requires-Dist, ...]], ...]
  wheels.py --project OUT_DIR PYPROJECT
      The project's own wheel, with the metadata `pip install .` would read from its [project] table (name, version,
      dependencies as Requires-Dist, optional-dependencies as extras). It stands in for building the project: the
      setuptools on this machine needs the `wheel` package for bdist_wheel, and no index here serves it.
Prints the wheel paths, one per line.
"""
import json
import os
import re
import sys
import tomllib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from build_wheels import write_wheel  # noqa: E402


def module_files(dist, version):
    module = re.sub(r"[-_.]+", "_", dist).lower()
    return {module + "/__init__.py": ("__version__ = %r\n" % version).encode()}


def project_wheel(out_dir, pyproject):
    with open(pyproject, "rb") as fh:
        project = tomllib.load(fh)["project"]
    requires = list(project.get("dependencies", []))
    for extra, reqs in project.get("optional-dependencies", {}).items():
        for r in reqs:
            req, _, marker = r.partition(";")
            requires.append('%s; (%s) and extra == "%s"' % (req.strip(), marker.strip(), extra) if marker.strip() else '%s; extra == "%s"' % (req.strip(), extra))
    return write_wheel(out_dir, project["name"], project["version"], module_files(project["name"], project["version"]), requires)


def main(argv):
    if len(argv) == 4 and argv[1] == "--project":
        os.makedirs(argv[2], exist_ok=True)
        print(project_wheel(argv[2], argv[3]))
        return
    if len(argv) != 3:
        raise SystemExit(__doc__)
    os.makedirs(argv[1], exist_ok=True)
    for dist, version, requires in json.loads(argv[2]):
        print(write_wheel(argv[1], dist, version, module_files(dist, version), requires))


if __name__ == "__main__":
    main(sys.argv)
