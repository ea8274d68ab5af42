// torchdata: setup.py at each v<version> tag (release candidates are not published to PyPI and are skipped). Its torch
// requirement is pinned at build time from the PYTORCH_VERSION environment variable of the release build, so
// Requires-Dist stays unknown here; python_requires is a literal.
import type { SourceExtractor } from '../extractor';
import { readProject, tagVersion } from '../python-literals';

const extractor: SourceExtractor = {
  package: 'torchdata',
  repository: 'pytorch/data',
  version: (tag) => {
    const v = tagVersion(tag, /^v?(?=\d)/);
    return v && /^\d+(\.\d+)*$/.test(v) ? v : undefined;
  },
  extract: (ctx) => readProject(ctx),
};
export default extractor;
