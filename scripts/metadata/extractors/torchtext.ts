// torchtext: setup.py at each v<version> tag (release candidates are not published to PyPI and are skipped). Its torch
// requirement is pinned at build time from the PYTORCH_VERSION environment variable of the release build, so
// Requires-Dist stays unknown here; python_requires is a literal. Some releases have no tag (0.8.0, 0.9.0, 0.9.1
// and 0.11.0 are installed by pip in public projects' setup notes, and pytorch/text has no tag for them), so the tags
// list some releases only: partial.
import type { SourceExtractor } from '../extractor';
import { readProject, tagVersion } from '../python-literals';

const extractor: SourceExtractor = {
  package: 'torchtext',
  repository: 'pytorch/text',
  partial: true,
  version: (tag) => {
    const v = tagVersion(tag, /^v?(?=\d)/);
    return v && /^\d+(\.\d+)*$/.test(v) ? v : undefined;
  },
  extract: (ctx) => readProject(ctx),
};
export default extractor;
