// setuptools (pypa/setuptools): pyproject.toml's [project] (setup.cfg, then setup.py, in older releases) at each
// v<version> tag; the rules read its Requires-Python (setuptools 82 needs Python 3.9, 84 needs 3.10), which decides
// the newest setuptools pip takes on a project's Pythons. Tags whose version cannot be read are left out (those before
// 20.6.0), so the listing speaks for its own releases only.
import type { SourceExtractor } from '../extractor';
import { readProject, releaseTagVersion } from '../python-literals';

const extractor: SourceExtractor = {
  package: 'setuptools',
  repository: 'pypa/setuptools',
  version: (tag) => releaseTagVersion(tag),
  partial: true,
  extract: (ctx) => readProject(ctx),
};
export default extractor;
