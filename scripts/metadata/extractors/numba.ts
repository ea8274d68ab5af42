// numba: setup.py at each release tag: install_requires built from min/max_numpy_run_version and the llvmlite
// range, python_requires from min_python_version, metadata passed as setup(**metadata).
import type { SourceExtractor } from '../extractor';
import { readProject, releaseTagVersion } from '../python-literals';

const extractor: SourceExtractor = {
  package: 'numba',
  repository: 'numba/numba',
  version: (tag) => releaseTagVersion(tag, /^(?=\d)/),
  extract: (ctx) => readProject(ctx),
};
export default extractor;
