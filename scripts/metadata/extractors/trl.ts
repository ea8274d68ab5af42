// trl: setup.py (install_requires, extras, python_requires) at each v<version> tag, setup.cfg's [options] from 0.18.0
// (a bare `setup()`), a static pyproject.toml [project] table from 0.24.0.
// Every version trl/__init__.py (or setup.cfg, pyproject.toml) declared from 0.10.1 on has its tag (git log -p through
// 1.9.0). Before it some did not (0.0.1, 0.1.1, 0.7.12, 0.9.0, 0.9.2: tag v0.9.3 points at a commit that says 0.9.2, and
// v0.10 at 0.10.0.dev0), so the listing is complete from 0.10.1 only: an older release it does not list is unknown.
import type { SourceExtractor } from '../extractor';
import { readProject, tagVersion } from '../python-literals';

const extractor: SourceExtractor = {
  package: 'trl',
  repository: 'huggingface/trl',
  version: (tag) => tagVersion(tag),
  completeFrom: '0.10.1',
  extract: (ctx) => readProject(ctx),
};
export default extractor;
